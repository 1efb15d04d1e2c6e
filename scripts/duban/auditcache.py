"""The audit cache: the trail state after a processed head, as JSON in ``.duban-cache/``.

JSON, not pickle: loading a cache never runs code, even if someone planted the file. A cache
that is missing, unreadable, of another format version or written by another version of
duban is ignored (the caller rebuilds from scratch); writing is atomic, so an interrupted run
leaves the old cache or none, never half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from duban import __version__
from duban.audit import Commit, State
from duban.auditdiff import FieldChange
from duban.problems import Location, Problem

FILE_NAME = "audit.json"
FORMAT = "duban-audit-cache"
VERSION = 1


def load(cache_dir: Path, repo: Any = None) -> State | None:
    """The cached state, or None if there is no usable cache."""
    try:
        raw = json.loads((cache_dir / FILE_NAME).read_text("utf-8"))
        if (raw.get("format"), raw.get("version"), raw.get("duban")) != (
            FORMAT,
            VERSION,
            __version__,
        ):
            return None
        return _state(raw)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def save(cache_dir: Path, state: State) -> bool:
    """Write the cache atomically; False (and no harm) if the folder is not writable."""
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "duban": __version__,
        "head": state.head,
        "commits": {
            sha: [c.author, c.time, c.subject, c.pr, c.merge, c.reviewed]
            for sha, c in state.commits.items()
        },
        "changes": {
            key: [
                [
                    sha,
                    kind,
                    status,
                    path,
                    old,
                    [_field(f) for f in fields],
                    [_problem(p) for p in problems],
                ]
                for sha, kind, status, path, old, fields, problems in pending
            ]
            for key, pending in state.changes.items()
        },
        "path_key": state.path_key,
        "last_path": state.last_path,
        "deleted": sorted(state.deleted),
        "fallback": state.fallback,
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        ignore = cache_dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", "utf-8")
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".audit-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, cache_dir / FILE_NAME)
        return True
    except OSError:
        return False


def _field(change: FieldChange) -> list[Any]:
    return [change.field, change.op, change.old, change.new]


def _problem(p: Problem) -> list[Any]:
    return [p.code, p.where.path, p.where.line, p.where.col, p.zh, p.en, p.field, p.severity]


def _state(raw: dict[str, Any]) -> State:
    head = raw["head"]
    if not isinstance(head, str):
        raise TypeError("head")
    commits = {
        sha: Commit(sha, str(a), str(t), str(s), pr, merge, bool(reviewed))
        for sha, (a, t, s, pr, merge, reviewed) in raw["commits"].items()
    }
    changes = {}
    for key, pending in raw["changes"].items():
        rows = []
        for sha, kind, status, path, old, fields, problems in pending:
            if sha not in commits:
                raise KeyError(sha)
            rows.append(
                (
                    sha,
                    kind,
                    status,
                    path,
                    old,
                    tuple(FieldChange(*f) for f in fields),
                    tuple(
                        Problem(code, Location(where, line, col), zh, en, fld, sev)
                        for code, where, line, col, zh, en, fld, sev in problems
                    ),
                )
            )
        changes[str(key)] = rows
    return State(
        head=head,
        changes=changes,
        commits=commits,
        path_key={str(k): str(v) for k, v in raw["path_key"].items()},
        last_path={str(k): str(v) for k, v in raw["last_path"].items()},
        deleted={str(k) for k in raw["deleted"]},
        fallback=dict(raw["fallback"]),
    )
