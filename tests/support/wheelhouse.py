"""A wheelhouse of duban's dependencies, made once per test run, for the tests that install
duban as a user or a runner does: the shipped workflows run by ``act`` (tests/test_act.py)
and the pre-commit hook environment (tests/test_precommit.py).

Each of those installs used to download the same forty-odd wheels from the package index
(half a minute of each run). Pointed at this folder (:func:`pip_env`: ``PIP_NO_INDEX``,
``PIP_FIND_LINKS``), pip takes them from here instead, as it would from a runner's local
mirror. Nothing else about the install changes: duban itself is still built from the source
the install names (the base commit, the hook repository), in an isolated build environment
with the build backend of ``[build-system]``, into a fresh environment; only where pip finds
the dependencies' wheels differs. The requirements are read from ``pyproject.toml``, so the
folder holds what the checked-out duban asks for.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from support.paths import ROOT


def requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """What installing duban from source needs: the build backend and the dependencies."""
    data = tomllib.loads(pyproject.read_text("utf-8"))
    return [*data["build-system"]["requires"], *data["project"]["dependencies"]]


def make_wheelhouse(dest: Path) -> None:
    """``dest`` filled with a wheel of every requirement (``pip wheel``: the index's wheels,
    and a wheel built from each requirement published only as source)."""
    command = [sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "-q"]
    built = subprocess.run(
        [*command, "--wheel-dir", str(dest), *requirements()],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, f"pip wheel failed:\n{built.stdout}{built.stderr}"


def pip_env(wheelhouse: Path) -> dict[str, str]:
    """The variables that make pip install from ``wheelhouse`` only, without compiling the
    installed modules to bytecode beforehand (Python compiles each on its first import
    instead: the same program, half the CPU time of an install)."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse), "PIP_NO_COMPILE": "1"}
