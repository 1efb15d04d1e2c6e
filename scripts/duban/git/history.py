"""Git history in one pass: one ``git log`` and one persistent ``git cat-file --batch``.

Both run through GitPython's command layer (``repo.git.log(..., as_process=True)``), so we
read their output as a stream instead of walking objects in Python. The log is read with
``--raw -z -M``: the name-status of every commit (renames followed, paths never quoted, any
bytes allowed) plus the blob ids of both sides, so no tree is ever looked up again. A reader
thread parses the log and queues blob requests for ``cat-file``; the caller reads the blobs
in the same order while ``git log`` keeps computing diffs on another core. A failing ``git
log`` (a missing tree object, say) or a missing blob raises :class:`GitProblem`. A blob is
kept to at most ``limit + 1`` bytes (:func:`~duban.git.commands.read_object`), so a huge blob
anywhere in the history costs no memory; a symbolic link is marked as one.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import IO, Any

import git

from duban.git.commands import (
    BLOB_LIMIT,
    LINK_MODE,
    TASKS_PREFIX,
    RawEntry,
    cat_file_process,
    decode_path,
    failed,
    is_task_path,
    parse_raw_entry,
    read_object,
)

#: sha, parents, author name (after .mailmap), author time (epoch), subject
LOG_FORMAT = "%H%x00%P%x00%aN%x00%at%x00%s%x00"


_MERGE_PR = re.compile(r"^Merge pull request #(\d+)\b|\(#(\d+)\)")


_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")


@dataclass(frozen=True, slots=True)
class FileChange:
    """One task file touched by a commit: ``status`` is A, M, R or D (renames keep both
    paths); ``fetch_old`` / ``fetch_new`` say which blobs the reader streams for it;
    ``old_link`` / ``new_link`` that a side is a symbolic link committed to Git (its blob is
    the link's target, streamed like any other, never a task)."""

    status: str
    old_path: str | None
    path: str | None
    old_blob: str | None
    new_blob: str | None
    fetch_old: bool = False
    fetch_new: bool = False
    old_link: bool = False
    new_link: bool = False


@dataclass(frozen=True, slots=True)
class RawCommit:
    """One commit of the history stream, with the task files it touched."""

    sha: str
    parents: tuple[str, ...]
    author: str
    time: int
    subject: str
    files: tuple[FileChange, ...]


def pr_number(subject: str, merge: bool) -> int | None:
    """The pull request a commit subject names: merge commits ("Merge pull request #N from",
    Gitea's "... (#N) from ...") and squash commits ("subject (#N)")."""
    match = (_MERGE_PR.search(subject) if merge else None) or _SQUASH_PR.search(subject)
    if match is None:
        return None
    return int(next(g for g in match.groups() if g))


class HistoryReader:
    """Stream the commits of ``rev_range`` (oldest first) with the blobs of their task files.

    Iterate ``commits(prefix)`` (task files are the ``*.yaml`` files under ``prefix``); for
    every FileChange, call ``blob()`` once for ``fetch_old`` and then once for ``fetch_new``
    (in that order) to get the contents. A blob is fetched again only when it is not the last
    one seen at that path. A failing ``git log`` or a missing object raises
    :class:`GitProblem`.
    """

    def __init__(self, repo: git.Repo, rev_range: str, limit: int = BLOB_LIMIT) -> None:
        self._repo = repo
        self._limit = limit
        self._range = rev_range
        self._prefix = TASKS_PREFIX
        self._queue: queue.Queue[Any] = queue.Queue()
        self._cat = cat_file_process(repo)
        self._cat_in: IO[bytes] = self._cat.proc.stdin
        self._cat_out: IO[bytes] = self._cat.proc.stdout
        _grow_pipe(self._cat_out)
        self._pending: list[bytes] = []
        self._log: Any = None
        self._finished = False
        self._thread = threading.Thread(target=self._read_log, daemon=True)

    def commits(self, prefix: str = TASKS_PREFIX) -> Iterator[RawCommit]:
        self._prefix = prefix
        self._thread.start()
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    self._finished = True
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.close()

    def blob(self) -> bytes | None:
        return read_object(self._cat_out, self._repo, self._limit)

    def close(self) -> None:
        """Stop both processes. Given up early (a failure, a missing object), the blobs still
        queued may fill ``cat-file``'s output while the log thread waits to send it more
        requests: both are killed first, so that neither can hold the other (or us) up."""
        log = self._log
        early = log is None or log.proc.poll() is None or self._cat.proc.poll() is None
        if early and not self._finished:
            for proc in (log.proc if log is not None else None, self._cat.proc):
                if proc is not None and proc.poll() is None:
                    proc.kill()
        try:
            if self._cat_in and not self._cat_in.closed:
                self._cat_in.close()
        except OSError:  # the killed cat-file's pipe
            pass
        self._cat.proc.wait()
        if log is not None and log.proc.poll() is None:
            log.proc.kill()  # given up early (a failure): do not read the rest
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
            self._log = proc = self._repo.git.log(
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
            for commit in _parse_log(proc.proc.stdout, self._flush, self._prefix):
                commit, requests = _with_fetches(commit, latest)
                self._queue.put(commit)  # before its requests: a full pipe cannot block both
                self._pending.extend(requests)
            self._flush()
            errors = proc.proc.stderr.read().decode("utf-8", "replace")
            if proc.proc.wait() != 0:
                raise failed(self._repo, "log", errors)
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
        files.append(replace(fc, fetch_old=fetch_old, fetch_new=fetch_new))
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
    return FileChange("M", fc.path, fc.path, seen, fc.new_blob, False, True, False, fc.new_link)


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


def _parse_log(
    stream: IO[bytes], before_read: Callable[[], None], prefix: str = TASKS_PREFIX
) -> Iterator[RawCommit]:
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
        author = decode_path(next(tokens))
        when = int(next(tokens) or b"0")
        subject = decode_path(next(tokens))
        files: list[FileChange] = []
        for token in tokens:
            token = token.lstrip(b"\n")
            if not token:
                continue
            if not token.startswith(b":"):
                pending = token
                break
            change = _task_change(parse_raw_entry(token, tokens), prefix)
            if change is not None:
                files.append(change)
        yield RawCommit(sha, parents, author, when, subject, tuple(files))


def _task_change(entry: RawEntry, prefix: str) -> FileChange | None:
    """Keep task files only; a rename across the tasks folder's boundary becomes an
    addition or a deletion, a copy an addition. A side that is a symbolic link is marked."""
    change = _task_paths(entry, prefix)
    if change is None:
        return None
    old_link = change.old_path is not None and entry.old_mode == LINK_MODE
    new_link = change.path is not None and entry.new_mode == LINK_MODE
    return replace(change, old_link=old_link, new_link=new_link)


def _task_paths(entry: RawEntry, prefix: str) -> FileChange | None:
    status, old_path, path, old_blob, new_blob = (
        entry.status,
        entry.old_path,
        entry.path,
        entry.old_blob,
        entry.new_blob,
    )
    if status in "RC":
        old_task, new_task = is_task_path(old_path, prefix), is_task_path(path, prefix)
        if status == "C" or not old_task:
            return FileChange("A", None, path, None, new_blob) if new_task else None
        if not new_task:
            return FileChange("D", old_path, None, old_blob, None)
        return FileChange("R", old_path, path, old_blob, new_blob)
    if not is_task_path(old_path or path, prefix):
        return None
    if status in "AD":
        return FileChange(status, old_path, path, old_blob, new_blob)
    return FileChange("M", path, path, old_blob, new_blob)  # M, T (type change)
