"""Git history in one pass: one ``git log`` and one persistent ``git cat-file --batch``.

Both run through GitPython's command layer (``repo.git.log(..., as_process=True)``), so we
read their output as a stream instead of walking objects in Python. The log is read with
``--raw -z -M``: the name-status of every commit (renames followed, paths never quoted, any
bytes allowed) plus the blob ids of both sides, so no tree is ever looked up again. A reader
thread parses the log and queues blob requests for ``cat-file``; the caller reads the blobs
in the same order while ``git log`` keeps computing diffs on another core.

Shallow clones are detected (``git rev-parse --is-shallow-repository``) and reported with the
fix, since their oldest commit would seem to create every file.
"""

from __future__ import annotations

import queue
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import git

from duban.problems import Problem
from duban.source import Location
from duban.text import Text

TASKS_PREFIX = "ledger/tasks/"


NULL_SHA = "0" * 40


#: sha, parents, author name (after .mailmap), author time (epoch), subject
LOG_FORMAT = "%H%x00%P%x00%aN%x00%at%x00%s%x00"


_MERGE_PR = re.compile(r"^Merge pull request #(\d+)\b|\(#(\d+)\)")


_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")


def is_task_path(path: str | None) -> bool:
    return path is not None and path.startswith(TASKS_PREFIX) and path.endswith(".yaml")


@dataclass(frozen=True, slots=True)
class FileChange:
    """One task file touched by a commit: ``status`` is A, M or D (renames keep both paths)."""

    status: str
    old_path: str | None
    path: str | None
    old_blob: str | None
    new_blob: str | None
    fetch_old: bool = False
    fetch_new: bool = False


@dataclass(frozen=True, slots=True)
class RawCommit:
    sha: str
    parents: tuple[str, ...]
    author: str
    time: int
    subject: str
    files: tuple[FileChange, ...]


class GitProblem(Exception):
    """The repository cannot be read at all (not a repository, git missing...)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.en)
        self.problem = problem


def open_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise GitProblem(
            Problem(
                "git-not-a-repository",
                Location(str(path)),
                Text(f"不是 Git 仓库: {path}", f"not a Git repository: {path}"),
            )
        ) from exc
    except git.GitCommandNotFound as exc:  # pragma: no cover
        raise GitProblem(
            Problem(
                "git-missing", Location(str(path)), Text("找不到 git 命令", "git is not installed")
            )
        ) from exc


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
                Location(repo.working_dir or str(repo.git_dir)),
                Text(
                    "这是浅克隆 (shallow clone), Git 历史不完整, 办理痕迹会缺失或把最早一次提交"
                    "误记为新建全部任务; 请在 CI 的 actions/checkout 中设置 fetch-depth: 0, "
                    "或运行 git fetch --unshallow",
                    "this is a shallow clone: the Git history is cut off, so audit trails are "
                    "incomplete and the oldest commit seems to create every task; set "
                    "fetch-depth: 0 in actions/checkout, or run git fetch --unshallow",
                ),
                severity="warning",
            )
        )
    head = lines[1] if len(lines) > 1 and re.fullmatch(r"[0-9a-f]{40,64}", lines[1]) else None
    return head, problems


def is_ancestor(repo: git.Repo, old: str, new: str) -> bool:
    status, _, _ = repo.git.merge_base(
        "--is-ancestor", old, new, with_extended_output=True, with_exceptions=False
    )
    return status == 0


def pr_number(subject: str, merge: bool) -> int | None:
    """The pull request a commit subject names: merge commits ("Merge pull request #N from",
    Gitea's "... (#N) from ...") and squash commits ("subject (#N)")."""
    match = (_MERGE_PR.search(subject) if merge else None) or _SQUASH_PR.search(subject)
    if match is None:
        return None
    return int(next(g for g in match.groups() if g))


class HistoryReader:
    """Stream the commits of ``rev_range`` (oldest first) with the blobs of their task files.

    Iterate ``commits()``; for every FileChange, call ``blob()`` once for ``fetch_old`` and
    then once for ``fetch_new`` (in that order) to get the contents (None if missing).
    A blob is fetched again only when it is not the last one seen at that path.
    """

    def __init__(self, repo: git.Repo, rev_range: str) -> None:
        self._repo = repo
        self._range = rev_range
        self._queue: queue.Queue[Any] = queue.Queue()
        self._cat = repo.git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)
        self._cat_in: IO[bytes] = self._cat.proc.stdin
        self._cat_out: IO[bytes] = self._cat.proc.stdout
        _grow_pipe(self._cat_out)
        self._pending: list[bytes] = []
        self._thread = threading.Thread(target=self._read_log, daemon=True)

    def commits(self) -> Iterator[RawCommit]:
        self._thread.start()
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.close()

    def blob(self) -> bytes | None:
        header = self._cat_out.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            return None
        data = self._cat_out.read(int(header[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._cat_in and not self._cat_in.closed:
            self._cat_in.close()
        self._cat.proc.wait()
        self._thread.join(timeout=5)

    def _flush(self) -> None:
        """Send the queued blob requests; called before every read of the log, so the
        consumer never waits for a request still sitting in a buffer."""
        if self._pending:
            self._cat_in.write(b"".join(self._pending))
            self._pending.clear()
            self._cat_in.flush()

    def _read_log(self) -> None:
        try:
            proc = self._repo.git.log(
                "--raw",
                "-z",
                "--no-abbrev",
                "-M",
                "--root",
                "--diff-merges=first-parent",  # see _merge_change
                "--reverse",
                "--topo-order",
                "--no-color",
                "--no-show-signature",
                f"--format={LOG_FORMAT}",
                self._range,
                "--",
                as_process=True,
            )
            _grow_pipe(proc.proc.stdout)
            latest: dict[str, str] = {}
            for commit in _parse_log(proc.proc.stdout, self._flush):
                commit, requests = _with_fetches(commit, latest)
                self._queue.put(commit)  # before its requests: a full pipe cannot block both
                self._pending.extend(requests)
            self._flush()
            errors = proc.proc.stderr.read().decode("utf-8", "replace")
            if proc.proc.wait() != 0:
                raise RuntimeError(f"git log failed: {errors.strip()}")
            self._queue.put(None)
        except BaseException as exc:  # hand every failure to the consumer
            self._queue.put(exc)


def _grow_pipe(stream: IO[bytes]) -> None:
    """Let git run ahead of us by up to 1 MiB (Linux; elsewhere the default is kept)."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError):
        pass


def _with_fetches(commit: RawCommit, latest: dict[str, str]) -> tuple[RawCommit, list[bytes]]:
    """Decide which blobs to fetch: every new side, and an old side only when it is not the
    last blob seen at that path (parallel branches, or the first commit of a partial run)."""
    if not commit.files:
        return commit, []
    files, requests = [], []
    for change in commit.files:
        fc = _merge_change(change, latest) if len(commit.parents) > 1 else change
        if fc is None:
            continue
        fetch_old = bool(fc.old_blob) and latest.get(fc.old_path or "") != fc.old_blob
        fetch_new = bool(fc.new_blob)
        if fc.old_path is not None:
            latest.pop(fc.old_path, None)
        if fc.path is not None and fc.new_blob:
            latest[fc.path] = fc.new_blob
        if fetch_old:
            requests.append(f"{fc.old_blob}\n".encode())
        if fetch_new:
            requests.append(f"{fc.new_blob}\n".encode())
        files.append(
            FileChange(
                fc.status, fc.old_path, fc.path, fc.old_blob, fc.new_blob, fetch_old, fetch_new
            )
        )
    commit = RawCommit(
        commit.sha, commit.parents, commit.author, commit.time, commit.subject, tuple(files)
    )
    return commit, requests


def _merge_change(fc: FileChange, latest: dict[str, str]) -> FileChange | None:
    """What a merge itself changed in a file, or None.

    A merge is listed against its first parent (the main line), so it names every file its
    branch touched; those changes are already in the trail commit by commit (topological
    order brings the branch's commits first). Kept: only a result that differs from the last
    version seen — a conflict resolved by hand, or an edit made in the merge commit — as a
    change from that version."""
    if fc.status == "D":
        return fc if fc.old_path in latest else None
    seen = latest.get(fc.path or "")
    if seen == fc.new_blob:
        return None
    if seen is None:
        return fc
    return FileChange("M", fc.path, fc.path, seen, fc.new_blob, False, True)


def _tokens(stream: IO[bytes], before_read: Callable[[], None]) -> Iterator[bytes]:
    """NUL-separated tokens of ``stream``."""
    rest = b""
    while True:
        before_read()
        chunk = stream.read1(1 << 16) if hasattr(stream, "read1") else stream.read(1 << 16)
        if not chunk:
            break
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _parse_log(stream: IO[bytes], before_read: Callable[[], None]) -> Iterator[RawCommit]:
    tokens = _tokens(stream, before_read)
    pending: bytes | None = None
    while True:
        token = pending if pending is not None else next(tokens, None)
        pending = None
        if token is None:
            return
        token = token.lstrip(b"\n")
        if not token:
            continue
        sha = token.decode()
        parents = tuple(next(tokens).decode().split())
        author = _decode(next(tokens))
        when = int(next(tokens) or b"0")
        subject = _decode(next(tokens))
        files: list[FileChange] = []
        for token in tokens:
            token = token.lstrip(b"\n")
            if not token:
                continue
            if not token.startswith(b":"):
                pending = token
                break
            meta = token[1:].split(b" ")
            status = meta[4][:1].decode()
            first = _decode(next(tokens))
            second = _decode(next(tokens)) if status in "RC" else None
            change = _file_change(meta, status, first, second)
            if change is not None:
                files.append(change)
        yield RawCommit(sha, parents, author, when, subject, tuple(files))


def _file_change(
    meta: list[bytes], status: str, first: str, second: str | None
) -> FileChange | None:
    """Keep task files only; a rename across the ``ledger/tasks`` boundary becomes an
    addition or a deletion, a copy an addition."""
    old_mode, new_mode = meta[0], meta[1]
    old_blob = meta[2].decode() if meta[2].decode() != NULL_SHA and old_mode != b"160000" else None
    new_blob = meta[3].decode() if meta[3].decode() != NULL_SHA and new_mode != b"160000" else None
    if status in "RC" and second is not None:
        old_task, new_task = is_task_path(first), is_task_path(second)
        if status == "C" or not old_task:
            return FileChange("A", None, second, None, new_blob) if new_task else None
        if not new_task:
            return FileChange("D", first, None, old_blob, None)
        return FileChange("R", first, second, old_blob, new_blob)
    if not is_task_path(first):
        return None
    if status == "A":
        return FileChange("A", None, first, None, new_blob)
    if status == "D":
        return FileChange("D", first, None, old_blob, None)
    return FileChange("M", first, first, old_blob, new_blob)  # M, T (type change)
