"""Event types by the names clerks use: the English code, the label of
:data:`duban.model.EVENT_LABELS` (已分解, 已反馈落实方案 …) and the short forms of issue 13
(反馈落实方案, 已办结, 退回, 核实, 销号, 延期 …). One table, used by ``duban record`` and its
``--list``; who may record each type is :mod:`duban.model`'s (``ASSIGNER_ONLY`` …)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from duban.model import ASSIGNER_ONLY, EITHER, EVENT_LABELS, EVENT_TYPES, OWNER_ONLY
from duban.problems import UserError
from duban.text import Text

#: Further names of each type, beside its code and its label in EVENT_LABELS.
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "decomposed": ("分解",),
    "reported-to-leader": ("报告主要领导", "已报告领导", "报告领导"),
    "deployed": ("部署", "研究部署"),
    "plan-reported": ("反馈落实方案", "落实方案"),
    "progress-reported": ("反馈落实情况", "落实情况", "反馈进展"),
    "milestone-reported": ("反馈阶段节点", "阶段节点", "阶段反馈"),
    "delay-explained": ("说明延误原因", "延误说明"),
    "extension-approved": ("延期", "已同意延期"),
    "completed": ("完成", "已办结", "办结"),
    "sent-back": ("退回", "核实未通过"),
    "verified": ("核实",),
    "closed": ("销号",),
    "reopened": ("重新办理", "已重新办理"),
    "reassigned": ("改派", "已改派"),
}

#: The fields each type asks for beyond date, type and by: (required, allowed) option names.
EVENT_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "extension-approved": (("deadline", "note"), ("deadline", "note")),
    "milestone-reported": (("milestone",), ("milestone", "note")),
    "reassigned": (("owner", "note"), ("owner", "co_units", "note")),
}
NOTE_ONLY: tuple[tuple[str, ...], tuple[str, ...]] = ((), ("note",))


def fields_of(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, allowed) fields of an event of type ``kind`` beyond date, type and by."""
    return EVENT_FIELDS.get(kind, NOTE_ONLY)


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower()


def _names() -> dict[str, str]:
    table: dict[str, str] = {}
    for kind in EVENT_TYPES:
        for name in (kind, EVENT_LABELS[kind].zh, *SHORT_NAMES.get(kind, ())):
            assert table.get(_key(name), kind) == kind, name  # one name, one type
            table[_key(name)] = kind
    return table


#: Every accepted name (normalised: NFKC, trimmed, lower case) → its type code.
NAMES: dict[str, str] = _names()


@dataclass(frozen=True, slots=True)
class EventName:
    """One line of ``duban record --list``."""

    code: str
    label: str
    aliases: tuple[str, ...]
    who: Text
    required: tuple[str, ...]


def who_records(kind: str) -> Text:
    """Who may record an event of type ``kind``."""
    if kind in ASSIGNER_ONLY:
        return Text("交办单位", "the assigning unit")
    if kind in OWNER_ONLY:
        return Text("责任单位或协办单位", "the owner or a co-unit")
    assert kind in EITHER
    return Text("交办单位或责任单位", "the assigning or the owner unit")


def catalogue() -> list[EventName]:
    """Every event type with its names, who records it and its required fields."""
    return [
        EventName(
            kind,
            EVENT_LABELS[kind].zh,
            SHORT_NAMES.get(kind, ()),
            who_records(kind),
            fields_of(kind)[0],
        )
        for kind in EVENT_TYPES
    ]


def choices_text() -> str:
    return "、".join(f"{EVENT_LABELS[k].zh} ({k})" for k in EVENT_TYPES)


def event_type(name: str) -> str:
    """The type code for ``name`` (a code in any case, a Chinese label or short form);
    :class:`UserError` listing the choices for anything else, and the candidates when
    ``name`` is part of several names."""
    key = _key(name)
    found = NAMES.get(key)
    if found is not None:
        return found
    near = sorted({kind for alias, kind in NAMES.items() if key and key in alias})
    if len(near) > 1:
        listed = "、".join(f"{EVENT_LABELS[k].zh} ({k})" for k in near)
        raise UserError(
            Text(
                f"办理环节 “{name}” 不明确，可能是：{listed}；请写全",
                f"the event type '{name}' is ambiguous: {', '.join(near)}; write it in full",
            )
        )
    hint = ""
    if near:
        hint = f"是否指 {EVENT_LABELS[near[0]].zh} ({near[0]})？"
    raise UserError(
        Text(
            f"未知的办理环节 “{name}”；{hint}可用：{choices_text()}（duban record --list 查看）",
            f"unknown event type '{name}'; choose one of: {', '.join(EVENT_TYPES)} "
            "(see duban record --list)",
        )
    )
