"""A tiny real Git repository with fixed names and dates, for the audit tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TASK = """id: {id}
title: {title}
received: 2026-03-02
assigned_by: zfb
owner:
  unit: fgw
  lead: 主要负责同志
  co_units: [czj]
standard: 形成正式方案并印发
priority: normal
deadline: {deadline}
visibility: public
events:
  - {{date: 2026-03-03, type: decomposed, by: zfb}}
"""


class Repo:
    """Runs git in ``path`` with a fixed author, committer and clock (Beijing time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "王芳", when: str | None = None) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "secret-mail@example.org",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "secret-mail@example.org",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.path),
        }
        if when is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
        out = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", *args],
            cwd=self.path,
            env=env,
            check=True,
            capture_output=True,
        )
        return out.stdout.decode().strip()

    def write(self, rel: str, text: str) -> None:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    def append(self, rel: str, text: str) -> None:
        with (self.path / rel).open("a", encoding="utf-8") as out:
            out.write(text)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.path / rel
        text = path.read_text("utf-8")
        assert old in text, (old, rel)
        path.write_text(text.replace(old, new, 1), "utf-8")

    def commit(self, message: str, author: str = "王芳", when: str | None = None) -> str:
        """Commit everything; ``when`` like ``2026-03-02T09:00:00+08:00``."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, author=author, when=when)
        return self.git("rev-parse", "HEAD")

    def merge(self, branch: str, message: str, author: str, when: str) -> str:
        self.git("merge", "-q", "--no-ff", "-m", message, branch, author=author, when=when)
        return self.git("rev-parse", "HEAD")
