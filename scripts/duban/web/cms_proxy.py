"""The web form's local proxy (``duban serve --cms``): decap-server in git mode over the
ledger's repository, in its own process group, ended with it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

from duban.git.commands import toplevel
from duban.problems import UserError
from duban.text import Text
from duban.web.cms import default_proxy_port


@contextlib.contextmanager
def local_proxy(
    script: Path, repo: Path, port: int | None = None, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """decap-server in git mode on ``127.0.0.1:port`` over ``repo`` (drafts on local branches
    ``cms/...``), stopped on leaving: SIGTERM to its process group, then SIGKILL."""
    node = shutil.which("node")
    if node is None:
        raise UserError(
            Text(
                "找不到命令 node：本地代理 decap-server 需要 Node.js（如 apt-get install nodejs）",
                "command not found: node: the local proxy decap-server needs Node.js",
            )
        )
    environ = {
        **os.environ,
        **(env or {}),
        "MODE": "git",
        "GIT_REPO_DIRECTORY": str(repo.resolve()),
        "PORT": str(default_proxy_port() if port is None else port),
        "BIND_HOST": "127.0.0.1",
        "LOG_LEVEL": "warn",
    }
    process = subprocess.Popen(
        [node, str(script)],
        env=environ,
        cwd=str(script.parent),
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """End ``process`` and its children (its own session), waiting for it."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def repo_of(ledger_root: Path) -> Path:
    """The Git repository holding the ledger (decap-server's ``GIT_REPO_DIRECTORY``)."""
    top = toplevel(ledger_root)
    if top is None:
        raise UserError(
            Text(
                f"{ledger_root} 不在 Git 仓库中：本地代理需要台账所在的 Git 仓库",
                f"{ledger_root} is not in a Git repository: the local proxy needs one",
            )
        )
    return top


__all__ = ["local_proxy", "repo_of", "stop"]
