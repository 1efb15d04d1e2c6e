"""The audit cache: the trail state after a processed head, as JSON in ``.duban-cache/``.

JSON, not pickle: loading a cache never runs code, even if someone planted the file. A cache
that is missing, unreadable, malformed (every type is checked), of another format version or
written by another version of duban is ignored (the caller rebuilds from scratch); writing is
atomic, so an interrupted run leaves the old cache or none, never half a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, cast

from duban import __version__
from duban.audit.diff import FieldChange
from duban.audit.records import Commit, Pending, State
from duban.problems import Problem
from duban.source import Location
from duban.text import Text

FILE_NAME = "audit.json"


FORMAT = "duban-audit-cache"


VERSION = 1


def load(cache_dir: Path, prefix: str | None = None) -> State | None:
    """The cached state, or None if there is no usable cache (or, with ``prefix``, one built
    for the task files of another folder)."""
    try:
        raw = json.loads((cache_dir / FILE_NAME).read_text("utf-8"))
        if (raw.get("format"), raw.get("version"), raw.get("duban")) != (
            FORMAT,
            VERSION,
            __version__,
        ):
            return None
        state = _state(raw)
    except Exception:  # unreadable, not JSON, too deeply nested, wrong types: rebuild
        return None
    return state if prefix is None or state.prefix == prefix else None


def save(cache_dir: Path, state: State) -> bool:
    """Write the cache atomically; False (and no harm) if the folder is not writable."""
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "duban": __version__,
        "head": state.head,
        "prefix": state.prefix,
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
    """Rebuild the state, checking every type: a bad cache raises and is ignored."""
    head = raw["head"]
    prefix = raw["prefix"]
    _check(isinstance(head, str) and _SHA.fullmatch(head) and isinstance(prefix, str))
    commits = {}
    for sha, row in _dict(raw["commits"]).items():
        author, time, subject, pr, merge, reviewed = _row(row, 6)
        _check(_SHA.fullmatch(sha) and _strs(author, time, subject) and _opt_str(merge))
        _check((pr is None or _int(pr)) and isinstance(reviewed, bool))
        commits[sha] = Commit(sha, author, time, subject, pr, merge, reviewed)
    changes = {}
    for key, pending in _dict(raw["changes"]).items():
        rows: list[Pending] = []
        for row in _list(pending):
            sha, kind, status, path, old, fields, problems = _row(row, 7)
            _check(sha in commits and _strs(kind, status, path) and _opt_str(old))
            rows.append(Pending(sha, kind, status, path, old, _fields(fields), _problems(problems)))
        changes[key] = rows
    path_key, last_path = _dict(raw["path_key"]), _dict(raw["last_path"])
    deleted, fallback = _list(raw["deleted"]), _dict(raw["fallback"])
    _check(_strs(*path_key.values(), *last_path.values(), *deleted))
    _check(all(isinstance(data, dict) for data in fallback.values()))
    return State(
        head=head,
        prefix=prefix,
        changes=changes,
        commits=commits,
        path_key=path_key,
        last_path=last_path,
        deleted=set(deleted),
        fallback=fallback,
    )


_SHA = re.compile(r"[0-9a-f]{40,64}")


def _fields(rows: Any) -> tuple[FieldChange, ...]:
    out = []
    for row in _list(rows):
        field, op, old, new = _row(row, 4)
        _check(_strs(field, op))
        out.append(FieldChange(field, op, old, new))
    return tuple(out)


def _problems(rows: Any) -> tuple[Problem, ...]:
    out = []
    for row in _list(rows):
        code, where, line, col, zh, en, fld, sev = _row(row, 8)
        _check(_strs(code, where, zh, en, fld, sev) and _int(line) and _int(col))
        out.append(Problem(code, Location(where, line, col), Text(zh, en), fld, sev))
    return tuple(out)


def _dict(value: Any) -> dict[str, Any]:
    _check(isinstance(value, dict))
    return cast(dict[str, Any], value)


def _list(value: Any) -> list[Any]:
    _check(isinstance(value, list))
    return cast(list[Any], value)


def _row(value: Any, size: int) -> list[Any]:
    _check(isinstance(value, list) and len(value) == size)
    return cast(list[Any], value)


def _strs(*values: Any) -> bool:
    return all(isinstance(v, str) for v in values)


def _opt_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(ok: Any) -> None:
    if not ok:
        raise TypeError("bad audit cache")
