"""Writing a whole history at once (``git fast-import``): the one place duban creates commits,
for the demo (:mod:`duban.demo`), which turns the sample ledger into the history a real
office would have. One ``git`` process reads the whole stream, so a history of hundreds of
pull requests is written in well under a second.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import git

from duban.git.commands import GitProblem, failed
from duban.problems import Problem
from duban.source import Location
from duban.text import Text


@dataclass(frozen=True, slots=True)
class NewCommit:
    """One commit to write: on ``branch``, after ``parent`` (a mark; 0: the branch's root),
    merging ``merge`` (a mark; 0: none), changing ``files`` (path → contents, None deletes)."""

    mark: int
    branch: str
    author: str
    email: str
    when: datetime
    """Aware: the commit's date and time zone."""
    message: str
    files: Mapping[str, bytes | None] = field(default_factory=dict)
    parent: int = 0
    merge: int = 0


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def _person(name: str, email: str, when: datetime) -> bytes:
    offset = when.strftime("%z") or "+0000"
    return f"{name} <{email}> {int(when.timestamp())} {offset}".encode()


def stream(commits: Iterable[NewCommit]) -> Iterable[bytes]:
    """The ``git fast-import`` input for ``commits`` (in order; marks refer back only)."""
    for c in commits:
        person = _person(c.author, c.email, c.when)
        yield b"commit refs/heads/%s\nmark :%d\n" % (c.branch.encode(), c.mark)
        yield b"author " + person + b"\ncommitter " + person + b"\n"
        yield _data(c.message.encode("utf-8"))
        if c.parent:
            yield b"from :%d\n" % c.parent
        if c.merge:
            yield b"merge :%d\n" % c.merge
        for path, contents in sorted(c.files.items()):
            quoted = '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'
            if contents is None:
                yield b"D " + quoted.encode("utf-8") + b"\n"
            else:
                yield b"M 100644 inline " + quoted.encode("utf-8") + b"\n" + _data(contents)
        yield b"\n"
    yield b"done\n"


def write_history(path: Path, commits: Iterable[NewCommit], branch: str = "main") -> None:
    """A new repository in ``path`` (which must not hold one) whose history is ``commits``,
    with ``branch`` checked out. Raises :class:`GitProblem` when Git refuses."""
    try:
        repo = git.Repo.init(path, mkdir=True, initial_branch=branch)
    except (git.GitCommandError, OSError) as exc:
        raise _cannot_init(path, exc) from exc
    with repo, tempfile.TemporaryFile() as data:
        for chunk in stream(commits):
            data.write(chunk)
        data.seek(0)
        try:
            repo.git.fast_import("--quiet", "--done", istream=data)
            repo.git.reset("-q", "--hard", branch)
        except git.GitCommandError as exc:
            raise failed(repo, "fast-import", str(exc.stderr)) from exc


def _cannot_init(path: Path, exc: Exception) -> GitProblem:
    return GitProblem(
        Problem(
            "git-init-failed",
            Location(str(path)),
            Text(
                f"无法在 {path} 新建 Git 仓库：{exc}",
                f"cannot create a Git repository in {path}: {exc}",
            ),
        )
    )


__all__ = ["NewCommit", "stream", "write_history"]
