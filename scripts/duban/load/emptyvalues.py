"""Optional fields of a task left empty mean "not given".

A web form (Decap CMS, issue 17) writes what a clerk left empty as an empty value: a cleared
text box as ``note: ""``, a cleared date as ``deadline: ""``, a cleared select as
``deadline_rule: null``, a list emptied as ``milestones: []``. By hand, ``note:`` with
nothing after it is the same. Each of these is read as the field being absent, so that
``validate``, ``check-change`` (which compares old and new content) and ``fmt`` judge a task
by what it says, not by how a form wrote it.

Only optional fields are affected; an empty required field stays and the schema names it
(``title: ""``, ``date:``). ``co_units: []`` of a ``reassigned`` event keeps its meaning
("no co-units any more") and is never dropped; ``co_units: null`` there means "not given"
(the co-units stay).
"""

from __future__ import annotations

from typing import Any

from duban.source import Document, Path_

_TEXT: tuple[Any, ...] = ("", None)
_LIST: tuple[Any, ...] = ([], None)
#: Optional field → the values that mean it was left empty.
TASK: dict[str, tuple[Any, ...]] = {
    "source": _TEXT,
    "deadline": _TEXT,
    "deadline_rule": _TEXT,
    "description": _TEXT,
    "milestones": _LIST,
}
OWNER: dict[str, tuple[Any, ...]] = {"co_units": _LIST}
EVENT: dict[str, tuple[Any, ...]] = {
    "note": _TEXT,
    "deadline": _TEXT,
    "milestone": _TEXT,
    "owner": _TEXT,
    "co_units": (None,),
}


def _empty(value: Any, empties: tuple[Any, ...]) -> bool:
    # ``False == 0 == ""`` is not a concern: only None, "" and [] are listed, and
    # ``[] == []`` / ``"" == ""`` are exact for the types YAML gives.
    return any(type(value) is type(e) and value == e for e in empties)


def _pruned(
    mapping: dict[str, Any], optional: dict[str, tuple[Any, ...]], at: Path_, gone: list[Path_]
) -> dict[str, Any]:
    kept = {}
    for key, value in mapping.items():
        if key in optional and _empty(value, optional[key]):
            gone.append((*at, key))
        else:
            kept[key] = value
    return kept


def _without(data: Any) -> tuple[Any, list[Path_]]:
    """``data`` without the optional fields left empty, and the paths of those left out."""
    gone: list[Path_] = []
    if not isinstance(data, dict):
        return data, gone
    new = _pruned(data, TASK, (), gone)
    owner = new.get("owner")
    if isinstance(owner, dict):
        new["owner"] = _pruned(owner, OWNER, ("owner",), gone)
    events = new.get("events")
    if isinstance(events, list):
        new["events"] = [
            _pruned(e, EVENT, ("events", i), gone) if isinstance(e, dict) else e
            for i, e in enumerate(events)
        ]
    return (new if gone else data), gone


def without_empty(data: Any) -> Any:
    """The data of a task file without its optional fields left empty (``data`` itself when
    there is none; anything not shaped like a task is left for the schema to name)."""
    return _without(data)[0]


def drop_empty(doc: Document) -> Document:
    """``doc`` (a task file) without its optional fields left empty; the same object when
    there is none."""
    data, gone = _without(doc.data)
    if not gone:
        return doc
    positions = {
        path: pos
        for path, pos in doc.positions.items()
        if not any(path[: len(g)] == g for g in gone)
    }
    return Document(doc.path, data, positions, doc.text)


__all__ = ["EVENT", "OWNER", "TASK", "drop_empty", "without_empty"]
