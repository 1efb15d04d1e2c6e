"""Semantic diffs of two versions of a task, in words a clerk reads at a glance.

``diff_task(old, new)`` compares the plain data of two parsed task files field by field, and
the ``milestones`` and ``events`` lists item by item (an appended event is one "added" item,
not a rewritten list). Each ``FieldChange`` carries stable machine fields (JSON path, op,
old, new); ``describe`` turns it into Chinese or English:
"时限：2026-06-30 → 2026-07-31", "新增办理记录：2026-06-20 已完成（fgw）".
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from duban.model import EVENT_LABELS, PRIORITY_LABELS, VISIBILITY_LABELS
from duban.text import Text, label

#: Field labels (zh, en); keys are dotted field paths.
FIELD_LABELS: dict[str, Text] = {
    "id": Text("编号", "ID"),
    "title": Text("标题", "title"),
    "source": Text("交办来源", "source"),
    "received": Text("收到日期", "received"),
    "assigned_by": Text("交办单位", "assigned by"),
    "owner": Text("责任单位", "owner"),
    "owner.unit": Text("责任单位", "owner unit"),
    "owner.lead": Text("第一责任人", "first responsible"),
    "owner.co_units": Text("协办单位", "co-units"),
    "standard": Text("工作标准", "standard"),
    "priority": Text("紧急程度", "priority"),
    "deadline": Text("时限", "deadline"),
    "deadline_rule": Text("时限规则", "deadline rule"),
    "visibility": Text("公开范围", "visibility"),
    "description": Text("说明", "description"),
    "milestones": Text("阶段节点", "milestone"),
    "events": Text("办理记录", "event"),
}


FIELD_ORDER = (
    "id",
    "title",
    "source",
    "received",
    "assigned_by",
    "owner",
    "standard",
    "priority",
    "deadline",
    "deadline_rule",
    "visibility",
    "description",
    "milestones",
    "events",
)


VALUE_LABELS: dict[str, dict[str, Text]] = {
    "priority": PRIORITY_LABELS,
    "visibility": VISIBILITY_LABELS,
}


_LIST_FIELDS = ("milestones", "events")


_MAX_TEXT = 80


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field (``$.deadline``) or list item (``$.events[3]``) added, changed or removed."""

    field: str
    op: str  # added | changed | removed
    old: Any = None
    new: Any = None

    def text(self, lang: str = "zh") -> str:
        return describe(self, lang)

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "field": self.field,
            "op": self.op,
            "old": self.old,
            "new": self.new,
            "text": self.text(lang),
        }


def diff_task(old: Any, new: Any) -> tuple[FieldChange, ...]:
    """Field-by-field changes from ``old`` to ``new`` (parsed task data, normally dicts)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return () if old == new else (FieldChange("$", "changed", old, new),)
    if old == new:
        return ()
    out: list[FieldChange] = []
    keys = [k for k in FIELD_ORDER if k in old or k in new]
    keys += sorted(k for k in {*old, *new} if k not in FIELD_ORDER)
    for key in keys:
        a, b = old.get(key, _MISSING), new.get(key, _MISSING)
        if a == b:
            continue
        if key == "owner" and isinstance(a, dict) and isinstance(b, dict):
            known = ("unit", "lead", "co_units")
            subs = [k for k in known if k in a or k in b]
            subs += sorted(k for k in {*a, *b} if k not in known)
            for sub in subs:
                _scalar(out, f"$.owner.{sub}", a.get(sub, _MISSING), b.get(sub, _MISSING))
        elif key in _LIST_FIELDS and isinstance(a, list) and isinstance(b, list):
            _items(out, key, a, b)
        else:
            _scalar(out, f"$.{key}", a, b)
    return tuple(out)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def _scalar(out: list[FieldChange], path: str, a: Any, b: Any) -> None:
    if a == b:
        return
    if a is _MISSING:
        out.append(FieldChange(path, "added", None, b))
    elif b is _MISSING:
        out.append(FieldChange(path, "removed", a, None))
    else:
        out.append(FieldChange(path, "changed", a, b))


MAX_MATCH = 250_000
"""The largest product of list lengths (after the common head and tail are set aside) that
is matched item by item with :mod:`difflib`, whose matching is quadratic on lists of repeated
items; beyond it (no real task has hundreds of events rewritten at once) the items are
compared position by position, so no version in the history can make the audit slow."""


def _items(out: list[FieldChange], key: str, a: list[Any], b: list[Any]) -> None:
    """Item-level diff of a list; appending (the usual case) is a quick path."""
    if len(b) >= len(a) and b[: len(a)] == a:
        out.extend(FieldChange(f"$.{key}[{i}]", "added", None, b[i]) for i in range(len(a), len(b)))
        return
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(mid_a) * len(mid_b) > MAX_MATCH:
        _by_position(out, key, mid_a, mid_b, head)
        return
    ka = [json.dumps(x, sort_keys=True, ensure_ascii=False) for x in mid_a]
    kb = [json.dumps(x, sort_keys=True, ensure_ascii=False) for x in mid_b]
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            _by_position(out, key, mid_a[i1:i2], mid_b[j1:j2], head + j1)
            continue
        out.extend(
            FieldChange(f"$.{key}[{head + i}]", "removed", mid_a[i], None) for i in range(i1, i2)
        )
        out.extend(
            FieldChange(f"$.{key}[{head + j}]", "added", None, mid_b[j]) for j in range(j1, j2)
        )


def _by_position(out: list[FieldChange], key: str, a: list[Any], b: list[Any], at: int) -> None:
    """``a`` replaced by ``b`` at index ``at``: items at the same position changed, the rest
    removed or added."""
    both = min(len(a), len(b))
    out.extend(
        FieldChange(f"$.{key}[{at + n}]", "changed", a[n], b[n])
        for n in range(both)
        if a[n] != b[n]
    )
    removed = range(both, len(a))
    out.extend(FieldChange(f"$.{key}[{at + n}]", "removed", a[n], None) for n in removed)
    out.extend(FieldChange(f"$.{key}[{at + n}]", "added", None, b[n]) for n in range(both, len(b)))


def _field_key(path: str) -> str:
    """``$.events[3]`` → ``events``, ``$.owner.unit`` → ``owner.unit``."""
    return path[2:].split("[", 1)[0]


def field_label(path: str, lang: str = "zh") -> str:
    return label(FIELD_LABELS, _field_key(path), lang) or path


def describe(change: FieldChange, lang: str = "zh") -> str:
    """One line for people: ``时限：2026-06-30 → 2026-07-31``."""
    key = _field_key(change.field)
    name = field_label(change.field, lang)
    old, new = (_value(key, v, lang) for v in (change.old, change.new))
    if change.op == "added":
        return Text(f"新增{name}：{new}", f"{name} added: {new}")(lang)
    if change.op == "removed":
        return Text(f"删除{name}：{old}", f"{name} removed: {old}")(lang)
    if key in _LIST_FIELDS:
        return Text(f"修改{name}：{old} → {new}", f"{name} changed: {old} → {new}")(lang)
    return Text(f"{name}：{old} → {new}", f"{name}: {old} → {new}")(lang)


def _value(key: str, value: Any, lang: str) -> str:
    if key == "events" and isinstance(value, dict):
        return event_text(value, lang)
    if key == "milestones" and isinstance(value, dict):
        title, due = _plain(value.get("title"), lang), _plain(value.get("due"), lang)
        return Text(f"{title}（{due}）", f"{title} ({due})")(lang)
    if isinstance(value, str) and value in VALUE_LABELS.get(key, {}):
        return label(VALUE_LABELS[key], value, lang)
    return _plain(value, lang)


_NONE = Text("（无）", "(none)")
_YES = Text("是", "yes")
_NO = Text("否", "no")
_LIST_SEP = Text("、", ", ")
_PART_SEP = Text("；", "; ")
_NEW_DEADLINE = Text("新时限 ", "new deadline ")
_MILESTONE = Text("阶段节点 ", "milestone ")


def _plain(value: Any, lang: str) -> str:
    if value is None or value is _MISSING:
        return _NONE(lang)
    if isinstance(value, bool):
        return (_YES if value else _NO)(lang)
    if isinstance(value, list):
        return _LIST_SEP(lang).join(_plain(v, lang) for v in value) or _plain(None, lang)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v, lang)}" for k, v in value.items())
    text = str(value).replace("\n", " ")
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def event_text(event: dict[str, Any], lang: str = "zh") -> str:
    """``2026-06-20 已完成（fgw）``, with the new deadline, milestone and note if any."""
    kind = event.get("type")
    known = isinstance(kind, str) and kind in EVENT_LABELS
    kind_text = EVENT_LABELS[kind](lang) if isinstance(kind, str) and known else _plain(kind, lang)
    when, by = _plain(event.get("date"), lang), _plain(event.get("by"), lang)
    text = Text(f"{when} {kind_text}（{by}）", f"{when} {kind_text} ({by})")(lang)
    sep = _PART_SEP(lang)
    if "deadline" in event:
        text += sep + _NEW_DEADLINE(lang) + _plain(event["deadline"], lang)
    if "milestone" in event:
        text += sep + _MILESTONE(lang) + _plain(event["milestone"], lang)
    if "note" in event:
        text += sep + _plain(event["note"], lang)
    for key in sorted(
        k for k in event if k not in ("date", "type", "by", "deadline", "milestone", "note")
    ):
        text += f"{sep}{key}: {_plain(event[key], lang)}"
    return text
