"""The one way tests run the command line: in-process through click's runner, or (for the few
end-to-end smoke tests) the installed ``duban`` command in a subprocess."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import click
from click.testing import CliRunner
from duban.cli import main


@dataclass(frozen=True)
class CliResult:
    """What a run of ``duban`` gave: exit code, stdout and stderr, kept apart (``output``:
    both, interleaved as a terminal would show them)."""

    exit_code: int
    stdout: str
    stderr: str
    output: str

    @property
    def returncode(self) -> int:  # the name subprocess uses
        return self.exit_code


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    input: str | None = None,
    command: click.Command = main,
) -> CliResult:
    """``duban ARGS`` in this process (click's ``CliRunner`` around ``duban.cli.main``).

    ``cwd`` is the folder the command runs in (relative paths, the default ``ledger``);
    ``env`` the variables to set (None: unset) for the run. An exception that escaped the
    command is appended to stderr as the traceback the real command would print, so that
    "no Traceback in stderr" means the same thing as for the installed command. ``command``
    is for testing this helper itself."""
    runner = CliRunner()
    where = contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext()
    with where:
        result = runner.invoke(
            command, [str(a) for a in args], env=env, input=input, prog_name="duban"
        )
    stderr, output = result.stderr, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        shown = "".join(traceback.format_exception(*result.exc_info))
        stderr, output = stderr + shown, output + shown
    return CliResult(result.exit_code, result.stdout, stderr, output)


def installed_duban() -> str:
    """The ``duban`` command the package installs (beside this Python, else on PATH)."""
    beside = Path(sys.executable).parent / "duban"
    found = str(beside) if beside.exists() else shutil.which("duban")
    assert found, "the duban command is not installed (pip install -e '.[test]')"
    return found


def run_installed(
    *args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed ``duban`` command in a subprocess: for end-to-end smoke tests only."""
    return subprocess.run(
        [installed_duban(), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env} if env else None,
    )
