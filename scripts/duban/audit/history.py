"""Audit trails of all tasks from Git history, in one pass (the audit section of ``README.md``).

``audit_all(repo)`` reads the history once (:mod:`duban.git.history`), parses every version
of every task file with the strict loader, diffs consecutive versions field by field
(:mod:`duban.audit.diff`) and attributes each change to its commit (author, Beijing time,
subject) and to the pull request that brought it into the main branch:

- the main branch is the first-parent chain of HEAD; a commit on it is reviewed if it is a
  squash commit ("subject (#N)"); other direct commits are flagged ``reviewed: false``;
- a commit brought in by a merge ("Merge pull request #N from ...") gets that merge and PR.

With a cache folder the state is kept per processed head (``duban.auditcache``): the next
run reads only the new commits, or starts again from scratch when the cache is unusable.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from duban.audit.diff import FieldChange, diff_task
from duban.audit.records import TZ, ChangeKind, Commit, Pending, State
from duban.git import (
    HistoryReader,
    RawCommit,
    pr_number,
)
from duban.load.emptyvalues import without_empty
from duban.load.reading import symlink
from duban.load.yamlload import MAX_BYTES, load_text
from duban.problems import Problem
from duban.source import Document

_Seen = dict[str, "_Version"]


def _run(repo: Any, state: State, head: str, since: str | None) -> State | None:
    """Process the commits after ``since`` (all if None) up to ``head`` into ``state``, for
    the task files under ``state.prefix``. Returns None if ``since`` is not on the
    first-parent chain of ``head``; raises :class:`~duban.git.GitProblem` when the history
    cannot be read."""
    reader = HistoryReader(repo, f"{since}..{head}" if since else head)
    raw: dict[str, RawCommit] = {}
    latest: _Seen = {}
    try:
        for commit in reader.commits(state.prefix):
            raw[commit.sha] = commit
            if commit.files:
                _apply(state, commit, reader, latest)
    finally:
        reader.close()
    attribution = _attribute(raw, head, since)
    if attribution is None:
        return None
    for sha, commit in raw.items():
        if commit.files:
            merge = attribution.get(sha)
            state.commits[sha] = _commit(commit, raw[merge] if merge else None)
    state.head = head
    return state


def _commit(commit: RawCommit, merge: RawCommit | None) -> Commit:
    when = datetime.fromtimestamp(commit.time, TZ).isoformat()
    own = pr_number(commit.subject, len(commit.parents) > 1)
    if merge is None:
        return Commit(commit.sha, commit.author, when, commit.subject, own, None, own is not None)
    pr = pr_number(merge.subject, True) or own
    return Commit(commit.sha, commit.author, when, commit.subject, pr, merge.sha, pr is not None)


def _attribute(raw: dict[str, RawCommit], head: str, since: str | None) -> dict[str, str] | None:
    """For every commit of ``raw``, the first-parent merge that brought it into the main
    branch (absent for commits on the main branch itself). One walk, no git calls."""
    mainline: list[str] = []
    sha: str | None = head
    while sha is not None and sha in raw:
        mainline.append(sha)
        parents = raw[sha].parents
        sha = parents[0] if parents else None
    if since is not None and sha != since:
        return None  # the old head was merged in from a side branch: start again
    claimed = set(mainline)
    merged_by: dict[str, str] = {}
    for merge in reversed(mainline):
        stack = list(raw[merge].parents[1:])
        while stack:
            sha = stack.pop()
            if sha in claimed or sha not in raw:
                continue
            claimed.add(sha)
            merged_by[sha] = merge
            stack.extend(raw[sha].parents)
    return merged_by


class _Version(NamedTuple):
    """A parsed version of a task file: ``data`` is None if it does not parse. ``tail`` is
    the line prefix (``b"  - "``) of the last event when that event is the file's last line,
    so lines appended with the same prefix can only be new events."""

    data: Any
    problems: tuple[Problem, ...]
    blob: bytes
    tail: bytes | None


_NOT_PARSED = _Version(None, (), b"", None)


_ITEM_PREFIX = re.compile(rb"[ ]*- ")


APPEND_SHORTCUT = True


"""Parse only the appended lines when a commit just appends events (see ``_parse``)."""


def _parse(
    blob: bytes | None, path: str, prev: _Version | None = None, link: bool = False
) -> _Version:
    """Parse a version strictly with ``duban.yamlload``; a symbolic link committed at the
    path (``link``) is an unreadable version, whatever its target says.

    Most commits append an event line to a valid file whose last line is its last event.
    Then the appended lines, if each starts with that event's prefix, can only be new items
    of ``events``: we parse just them (``events:`` + the lines, with the same strict loader)
    and extend the previous data. The result is the same as parsing the whole file; anything
    else, and any problem, falls back to parsing the whole file."""
    if blob is None:
        return _NOT_PARSED
    if link:
        return _Version(None, (symlink(path),), b"", None)
    if (
        APPEND_SHORTCUT
        and prev is not None
        and prev.tail is not None
        and len(blob) <= MAX_BYTES
        and blob.startswith(prev.blob)
        and blob.endswith(b"\n")
    ):
        extra = blob[len(prev.blob) :]
        lines = extra[:-1].split(b"\n")
        if extra and all(line.startswith(prev.tail) for line in lines):
            doc, problems = load_text(b"events:\n" + extra, path)
            if doc is not None and not problems and list(doc.data) == ["events"]:
                added = without_empty({"events": doc.data["events"]})["events"]
                data = {**prev.data, "events": [*prev.data["events"], *added]}
                return _Version(data, (), blob, prev.tail)
    doc, problems = load_text(blob, path)
    if doc is None:
        return _Version(None, tuple(problems), blob, None)
    # a field a form left empty (``note: ""``) is no change in the trail (load/emptyvalues)
    return _Version(without_empty(doc.data), (), blob, _tail(blob, doc))


def _tail(blob: bytes, doc: Document) -> bytes | None:
    events = doc.data.get("events")
    if not isinstance(events, list) or not events or not blob.endswith(b"\n"):
        return None
    pos = doc.positions.get(("events", len(events) - 1))
    if pos is None or pos[0] != blob.count(b"\n"):
        return None
    match = _ITEM_PREFIX.match(blob, blob.rfind(b"\n", 0, len(blob) - 1) + 1)
    return match.group(0) if match else None


def _apply(state: State, commit: RawCommit, reader: HistoryReader, latest: _Seen) -> None:
    """Record what ``commit`` did to each task file; ``latest`` holds the last parsed version
    at each path (the same rule as the reader's fetches: each blob is parsed once)."""
    for fc in commit.files:
        old = _NOT_PARSED
        if fc.old_path is not None:
            if fc.fetch_old:
                old = _parse(reader.blob(), fc.old_path, link=fc.old_link)
            else:
                old = latest.get(fc.old_path, _NOT_PARSED)
            latest.pop(fc.old_path, None)
        new = _NOT_PARSED
        if fc.path is not None and fc.fetch_new:
            prev = old if old.data is not None else None
            new = _parse(reader.blob(), fc.path, prev, link=fc.new_link)
            latest[fc.path] = new
        old_bad = fc.old_path is not None and old.data is None
        _record(
            state,
            commit.sha,
            fc.status,
            fc.old_path,
            fc.path,
            old.data,
            old_bad,
            new.data,
            new.problems,
        )


def _record(
    state: State,
    sha: str,
    status: str,
    old_path: str | None,
    path: str | None,
    old: Any,
    old_bad: bool,
    new: Any,
    problems: tuple[Problem, ...],
) -> None:
    # The task id is the file name without ``.yaml``.
    if old_path is not None:
        key = state.path_key.pop(old_path, None) or PurePosixPath(old_path).stem
    else:
        key = PurePosixPath(path or "").stem
    if status == "D":
        state.fallback.pop(key, None)
        state.deleted.add(key)
        _add(state, key, Pending(sha, "deleted", status, old_path or "", None, (), ()))
        return
    assert path is not None
    new_key = PurePosixPath(path).stem
    if new_key != key:  # renamed to another id: the trail follows the file
        moved = state.changes.pop(key, [])
        state.changes[new_key] = state.changes.get(new_key, []) + moved
        if key in state.fallback:
            state.fallback[new_key] = state.fallback.pop(key)
        state.deleted.discard(key)
        state.last_path.pop(key, None)
        key = new_key
    state.path_key[path] = key
    state.last_path[key] = path
    state.deleted.discard(key)
    base = old if old is not None else state.fallback.get(key)
    if new is None:
        if base is not None:
            state.fallback[key] = base
        _add(
            state,
            key,
            Pending(
                sha, "invalid", status, path, old_path if status == "R" else None, (), problems
            ),
        )
        return
    state.fallback.pop(key, None)
    fields: tuple[FieldChange, ...] = ()
    kind: ChangeKind
    if status == "A" or (base is None and not old_bad):
        kind = "created"
    else:
        kind = "repaired" if old_bad else "renamed" if status == "R" else "modified"
        fields = diff_task(base, new) if base is not None else ()
    _add(
        state,
        key,
        Pending(sha, kind, status, path, old_path if status == "R" else None, fields, ()),
    )


def _add(state: State, key: str, pending: Pending) -> None:
    state.changes.setdefault(key, []).append(pending)
