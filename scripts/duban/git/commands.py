"""Git commands through GitPython's command runner, and the one ``-z`` raw-diff parser.

Every failure is a :class:`GitProblem` carrying a bilingual :class:`~duban.problems.Problem`.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

# Without this, importing GitPython where no ``git`` is on PATH raises (a traceback before
# any command runs); with it, the first Git call raises GitCommandNotFound, which the
# functions below turn into the ``git-missing`` problem.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import git

from duban.problems import Problem
from duban.source import Location
from duban.text import Text

#: Where the task files of a ledger at ``ledger/`` in the repository root are.
TASKS_PREFIX = "ledger/tasks/"


NULL_SHA = "0" * 40

#: An open repository (GitPython's), as the other stages name it.
Repo = git.Repo


#: The codes of a history Git could not read (a corrupted repository): errors, not warnings.
GIT_READ_FAILED = frozenset({"git-log-failed", "git-cat-file-failed", "git-diff-failed"})


_SHA = re.compile(r"[0-9a-f]{40,64}")


BLOB_LIMIT = 512 * 1024
"""The most bytes of one blob kept in memory (``duban.load.reading.MAX_BYTES``, which a test
checks it equals): a longer blob is read as its first ``BLOB_LIMIT + 1`` bytes, which the
strict loader refuses as too large, and the rest is skipped without being kept."""


LINK_MODE = "120000"
"""Git's mode of a symbolic link."""


def is_task_path(path: str | None, prefix: str = TASKS_PREFIX) -> bool:
    return path is not None and path.startswith(prefix) and path.endswith(".yaml")


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry of ``--raw -z`` output.

    ``status`` is Git's letter (A, M, D, T, R, C); ``old_path`` is None for an addition,
    ``path`` None for a deletion; a blob id is None when that side is absent or a gitlink;
    the modes are Git's (``100644``, ``120000`` a symlink, ``160000`` a gitlink, ``000000``
    absent; "" when not known), left out of comparisons."""

    status: str
    old_path: str | None
    path: str | None
    old_blob: str | None
    new_blob: str | None
    old_mode: str = field(default="", compare=False)
    new_mode: str = field(default="", compare=False)


class GitProblem(Exception):
    """Git cannot give what was asked (not a repository, git missing, unknown revision, a
    corrupted repository...); ``problem`` says so in both languages."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.en)
        self.problem = problem


def _problem(code: str, where: str, zh: str, en: str) -> GitProblem:
    return GitProblem(Problem(code, Location(where), Text(zh, en)))


def open_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise _problem(
            "git-not-a-repository",
            str(path),
            f"不是 Git 仓库：{path}",
            f"not a Git repository: {path}",
        ) from exc
    except git.GitCommandNotFound as exc:
        raise git_missing(str(path)) from exc


GitMissing = git.GitCommandNotFound
"""What a Git call raises when there is no ``git`` to run (the error boundary explains it
with :func:`git_missing`)."""


def git_missing(where: str) -> GitProblem:
    return _problem(
        "git-missing",
        where,
        "找不到 git 命令；请安装 Git，并确认它在 PATH 中",
        "git is not installed: install Git and make sure it is on PATH",
    )


def _where(repo: git.Repo) -> str:
    return str(repo.working_dir or repo.git_dir)


def toplevel(path: Path) -> Path | None:
    """The working tree root of the repository holding ``path``, or None;
    :class:`GitProblem` when there is no ``git`` to ask."""
    try:
        out = git.Git(str(path)).rev_parse("--show-toplevel")
    except git.GitCommandNotFound as exc:  # no git at all: not "outside a repository"
        raise git_missing(str(path)) from exc
    except (git.GitCommandError, OSError):
        return None
    return Path(out) if out.strip() else None


def repo_relative(top: Path, path: Path) -> str | None:
    """``path`` as a slash-separated path inside the repository rooted at ``top`` ("" for the
    root itself), or None when it lies outside."""
    try:
        rel = path.resolve().relative_to(top.resolve())
    except ValueError:
        return None
    return rel.as_posix() if rel.parts else ""


def tasks_prefix(top: Path, ledger_dir: Path) -> str | None:
    """The path prefix of ``ledger_dir``'s task files in the repository rooted at ``top``
    (``ledger/tasks/`` in the documented layout), or None when the ledger is outside it."""
    rel = repo_relative(top, ledger_dir / "tasks")
    return None if rel is None else f"{rel}/"


def head_commit(path: Path) -> tuple[str, str]:
    """(sha, committer date ISO 8601) of HEAD of the repository at ``path``, or ("", "")."""
    try:
        out = git.Git(str(path)).log("-1", "--format=%H%x00%cd", "--date=iso-strict")
    except (git.GitCommandError, git.GitCommandNotFound, OSError):
        return "", ""
    if "\0" not in out:
        return "", ""
    sha, when = out.strip().split("\0", 1)
    return sha, when


def head_and_shallow(repo: git.Repo) -> tuple[str | None, list[Problem]]:
    """The sha of HEAD (None in a repository without commits) and a warning for a shallow
    clone, whose history is cut off."""
    out = repo.git.rev_parse("--is-shallow-repository", "HEAD", with_exceptions=False)
    lines = out.split("\n")
    problems = []
    if lines and lines[0] == "true":
        problems.append(
            Problem(
                "git-shallow-clone",
                Location(_where(repo)),
                Text(
                    "这是浅克隆（shallow clone），Git 历史不完整，办理痕迹会缺失或把最早一次提交"
                    "误记为新建全部任务；请在 CI 的 actions/checkout 中设置 fetch-depth: 0，"
                    "或运行 git fetch --unshallow",
                    "this is a shallow clone: the Git history is cut off, so audit trails are "
                    "incomplete and the oldest commit seems to create every task; set "
                    "fetch-depth: 0 in actions/checkout, or run git fetch --unshallow",
                ),
                severity="warning",
            )
        )
    head = lines[1] if len(lines) > 1 and _SHA.fullmatch(lines[1]) else None
    return head, problems


def is_ancestor(repo: git.Repo, old: str, new: str) -> bool:
    status, _, _ = repo.git.merge_base(
        "--is-ancestor", old, new, with_extended_output=True, with_exceptions=False
    )
    return bool(status == 0)


def resolve_commit(repo: git.Repo, rev: str) -> str:
    """The sha of the commit ``rev`` names; :class:`GitProblem` when there is none."""
    status, out, _ = repo.git.rev_parse(
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{rev}^{{commit}}",
        with_extended_output=True,
        with_exceptions=False,
    )
    if status != 0 or not _SHA.fullmatch(out.strip()):
        raise _problem(
            "git-no-commit", _where(repo), f"找不到提交 “{rev}”", f"no such commit '{rev}'"
        )
    return str(out.strip())


def merge_base(repo: git.Repo, a: str, b: str) -> str:
    """The merge base of two commits; :class:`GitProblem` when they share no history."""
    status, out, _ = repo.git.merge_base(a, b, with_extended_output=True, with_exceptions=False)
    if status != 0 or not _SHA.fullmatch(out.strip()):
        raise _problem(
            "git-no-merge-base",
            _where(repo),
            f"{a[:12]} 与 {b[:12]} 没有共同的历史",
            f"{a[:12]} and {b[:12]} have no common history",
        )
    return str(out.strip())


def is_tracked(repo: git.Repo, path: str) -> bool:
    """Whether anything under ``path`` is in the index (``git ls-files``)."""
    return bool(repo.git.ls_files("--", path, with_exceptions=False))


def diff_entries(repo: git.Repo, a: str, b: str, under: str | None = None) -> list[RawEntry]:
    """What changed under ``under`` (None: anywhere) from tree-ish ``a`` to ``b`` (renames
    followed)."""
    try:
        out = repo.git.diff(
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-ext-diff",
            "--no-textconv",
            a,
            b,
            "--",
            *([under] if under is not None else []),
            stdout_as_string=False,
        )
    except git.GitCommandError as exc:
        raise failed(repo, "diff", str(exc.stderr)) from exc
    tokens = iter(out.split(b"\0"))
    return [parse_raw_entry(token, tokens) for token in tokens if token.startswith(b":")]


def failed(repo: git.Repo, command: str, errors: str) -> GitProblem:
    detail = errors.strip().replace("\n", " ")[:300]
    return _problem(
        f"git-{command}-failed",
        _where(repo),
        f"无法读取 Git 历史（git {command} 失败，仓库可能已损坏：缺少对象或文件被截断）：{detail}",
        f"cannot read the Git history (git {command} failed; the repository may be "
        f"corrupted: a missing object or a truncated file): {detail}",
    )


def cat_file_process(repo: git.Repo) -> Any:
    return repo.git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)


def read_object(out: IO[bytes], repo: git.Repo, limit: int = BLOB_LIMIT) -> bytes | None:
    """The next answer of ``cat-file --batch``: a blob's bytes, None for another type or a
    name that does not exist; :class:`GitProblem` for an object id that is missing.

    At most ``limit + 1`` bytes are kept: the rest of a longer blob is read in chunks and
    dropped, so a blob of any size costs no more memory than ``limit``."""
    line = out.readline()
    header = line.split()
    if len(header) == 2 and header[1] == b"missing" and _SHA.fullmatch(header[0].decode()):
        raise failed(repo, "cat-file", f"missing object {header[0].decode()}")
    if len(header) < 3 or not header[2].isdigit():
        return None
    size = int(header[2])
    kept = min(size, limit + 1)
    data = _read_exactly(out, kept, repo)
    left = size - kept + 1  # the rest, and the newline after the object
    while left > 0:
        left -= len(_read_exactly(out, min(left, _CHUNK), repo))
    return data if header[1] == b"blob" else None


_CHUNK = 1 << 16


def _read_exactly(out: IO[bytes], size: int, repo: git.Repo) -> bytes:
    data = out.read(size)
    if len(data) != size:  # cat-file died under us
        raise failed(repo, "cat-file", "the object stream ended early")
    return data


class BlobReader:
    """Blobs by id or by ``rev:path`` through one ``git cat-file --batch`` (a context
    manager). A path that does not exist (or is not a file) reads as None."""

    def __init__(self, repo: git.Repo, limit: int = BLOB_LIMIT) -> None:
        self._repo = repo
        self._limit = limit
        self._cat = cat_file_process(repo)

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cat.proc.stdin.close()
        self._cat.proc.wait()

    def blob(self, blob_id: str | None) -> bytes | None:
        return None if blob_id is None else self._ask(blob_id)

    def at(self, rev: str, path: str) -> bytes | None:
        return None if "\n" in path else self._ask(f"{rev}:{path}")

    def _ask(self, name: str) -> bytes | None:
        self._cat.proc.stdin.write(f"{name}\n".encode())
        self._cat.proc.stdin.flush()
        return read_object(self._cat.proc.stdout, self._repo, self._limit)


def decode_path(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def parse_raw_entry(token: bytes, tokens: Iterator[bytes]) -> RawEntry:
    """THE parser of ``--raw -z`` entries: ``token`` is ``:mode mode blob blob status``; the
    path (two for a rename or copy) follows as the next tokens."""
    old_mode, new_mode, old_blob, new_blob, letters = token[1:].decode().split(" ")
    status = letters[:1]
    first = decode_path(next(tokens))
    second = decode_path(next(tokens)) if status in "RC" else None
    old = old_blob if old_blob != NULL_SHA and old_mode != "160000" else None
    new = new_blob if new_blob != NULL_SHA and new_mode != "160000" else None
    modes = (old_mode, new_mode)
    if second is not None:
        return RawEntry(status, first, second, old, new, *modes)
    if status == "A":
        return RawEntry(status, None, first, None, new, *modes)
    if status == "D":
        return RawEntry(status, first, None, old, None, *modes)
    return RawEntry(status, first, first, old, new, *modes)


def merge_tree(repo: git.Repo, base: str, head: str) -> tuple[str | None, list[str]]:
    """The tree that merging ``head`` into ``base`` would give (``git merge-tree
    --write-tree``, Git 2.38 or later): (tree id, []) for a clean merge, (None, the
    conflicting paths) for a conflict; :class:`GitProblem` when Git cannot tell."""
    status, out, errors = repo.git.merge_tree(
        "--write-tree",
        "-z",
        "--name-only",
        "--no-messages",
        base,
        head,
        with_extended_output=True,
        with_exceptions=False,
        stdout_as_string=False,
    )
    parts = [part for part in out.split(b"\0") if part]
    tree = parts[0].decode("ascii", "replace").strip() if parts else ""
    if status not in (0, 1) or not _SHA.fullmatch(tree):
        raise failed(repo, "merge-tree", errors.decode("utf-8", "replace") if errors else "")
    if status == 0:
        return tree, []
    return None, sorted({decode_path(part) for part in parts[1:]})
