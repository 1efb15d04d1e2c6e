"""The one way tests make and drive Git repositories.

One isolation recipe (:func:`git_env`): no system or global Git configuration
(``GIT_CONFIG_NOSYSTEM=1``, ``GIT_CONFIG_GLOBAL=/dev/null``), no ``GIT_*`` variable inherited
from the caller, a fixed author and committer, and dates that can be set per command, so a
repository built twice is the same repository (same commit ids).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: The default author (name, e-mail) of a test repository.
AUTHOR = "王芳"
EMAIL = "secret-mail@example.org"


def git_env(author: str = AUTHOR, email: str = EMAIL, when: str | None = None) -> dict[str, str]:
    """The environment every test ``git`` runs in; ``when`` like ``2026-03-02T09:00:00+08:00``
    sets both the author and committer date."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME=author,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=author,
        GIT_COMMITTER_EMAIL=email,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    return env


def git(
    cwd: Path, *args: str, author: str = AUTHOR, email: str = EMAIL, when: str | None = None
) -> str:
    """Run ``git`` in ``cwd`` (isolated, see :func:`git_env`); its stdout, stripped. A failing
    command raises :class:`subprocess.CalledProcessError` with its stderr."""
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=git_env(author, email, when),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)
    return done.stdout.strip()


class GitRepo:
    """A repository in ``path`` with a default author, e-mail and clock; every command can
    name its own author and date. ``init=False`` drives an existing repository."""

    def __init__(
        self,
        path: Path,
        author: str = AUTHOR,
        email: str = EMAIL,
        when: str | None = None,
        init: bool = True,
    ) -> None:
        self.path = path
        self.author = author
        self.email = email
        self.when = when
        if init:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str | None = None, when: str | None = None) -> str:
        return git(
            self.path,
            *args,
            author=author or self.author,
            email=self.email,
            when=when or self.when,
        )

    def write(self, rel: str, text: str) -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        return path

    def append(self, rel: str, text: str) -> None:
        with (self.path / rel).open("a", encoding="utf-8") as out:
            out.write(text)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.path / rel
        text = path.read_text("utf-8")
        assert old in text, (old, rel)
        path.write_text(text.replace(old, new, 1), "utf-8")

    def commit(self, message: str, author: str | None = None, when: str | None = None) -> str:
        """Commit everything (``git add -A``); the new commit's id."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, author=author, when=when)
        return self.head()

    def merge(self, branch: str, message: str, author: str, when: str) -> str:
        self.git("merge", "-q", "--no-ff", "-m", message, branch, author=author, when=when)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def copy(self, dest: Path) -> GitRepo:
        """A copy of this repository (work tree and history) in ``dest``: the same commits,
        for far less than building them again. Build a template once, copy it per test."""
        shutil.copytree(self.path, dest, symlinks=True)
        return GitRepo(dest, self.author, self.email, self.when, init=False)
