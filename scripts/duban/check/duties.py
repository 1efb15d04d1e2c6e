"""Separation of duties: who may record which kind of event, who may assign, and who is
responsible at each event (a ``reassigned`` changes it from that event on)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from duban.model import ASSIGNER_ONLY, EITHER, EVENT_LABELS, OWNER_ONLY, Owner
from duban.text import Text, label


def duty_violation(kind: str, by: str, assigner: str, owners: set[str]) -> Text | None:
    """Why ``by`` may not record an event of type ``kind``, or None when it may.

    ``owners`` is the owner unit and its co-units in force at the event; who records what is
    in ``duban.model`` (``ASSIGNER_ONLY``, ``OWNER_ONLY``, ``EITHER``).
    """
    name = label(EVENT_LABELS, kind)
    if kind in ASSIGNER_ONLY and by != assigner:
        return Text(
            f"“{name}” 只能由交办单位 {assigner} 登记，不能由 {by} 登记",
            f"'{kind}' may only be recorded by the assigning unit {assigner}, not {by}",
        )
    if kind in OWNER_ONLY and by not in owners:
        return Text(
            f"“{name}” 只能由此时的责任单位或协办单位（{'、'.join(sorted(owners))}）登记，"
            f" 不能由 {by} 登记",
            f"'{kind}' may only be recorded by the owner or a co-unit in force "
            f"({', '.join(sorted(owners))}), not {by}",
        )
    if kind in EITHER and by not in owners | {assigner}:
        return Text(
            f"“{name}” 只能由交办单位或此时的责任单位登记，不能由 {by} 登记",
            f"'{kind}' may only be recorded by the assigning or owner unit in force, not {by}",
        )
    return None


def owners_in_force(owner: Mapping[str, Any], events: Sequence[Any]) -> Iterator[Owner]:
    """For each of ``events`` (task data, not yet a record), the owner in force at it: the
    ``owner`` field as first assigned, changed by every ``reassigned`` before it."""
    current = Owner(str(owner.get("unit")), "", tuple(str(c) for c in owner.get("co_units") or ()))
    for event in events:
        yield current
        if isinstance(event, dict) and event.get("type") == "reassigned":
            new, co = event.get("owner"), event.get("co_units")
            if isinstance(new, str):
                co_units = [str(c) for c in co] if isinstance(co, list) else None
                current = current.reassigned(new, co_units)


def assigner_violation(assigner: str, owner: Owner, kinds: Mapping[str, str]) -> Text | None:
    """Why ``assigner`` may not assign to ``owner`` (``kinds``: unit code → kind), or None:
    it must be a unit of kind ``assigning``, never the owner or a co-unit."""
    if assigner == owner.unit or assigner in owner.co_units:
        role = "责任单位" if assigner == owner.unit else "协办单位"
        return Text(
            f"交办单位 {assigner} 同时是本任务的{role}；不能给自己交办任务，"
            "assigned_by 须写交办单位（如督查室）的代码",
            f"the assigning unit {assigner} is also this task's "
            f"{'owner' if assigner == owner.unit else 'co-unit'}; a unit cannot assign to itself",
        )
    kind = kinds.get(assigner)
    if kind is not None and kind != "assigning":
        assigning = "、".join(c for c, k in kinds.items() if k == "assigning") or "无"
        return Text(
            f"单位 {assigner} 在 units.yaml 中的类别是 {kind}，不是交办单位（kind: assigning），"
            f"不能交办任务；assigned_by 请写交办单位代码（可用：{assigning}）",
            f"unit {assigner} is of kind {kind} in units.yaml, not an assigning unit "
            f"(kind: assigning), and cannot assign tasks",
        )
    return None


def reassign_violation(assigner: str, new: Owner, kinds: Mapping[str, str]) -> Text | None:
    """Why a task of ``assigner`` may not be reassigned to ``new``, or None: not to the
    assigning unit itself, nor to another assigning unit."""
    why = assigner_violation(assigner, new, kinds)
    if why is None and kinds.get(new.unit) == "assigning":
        why = Text(
            f"不能改派给交办单位 {new.unit}；新的责任单位 owner 须是承办单位",
            f"a task cannot be reassigned to the assigning unit {new.unit}",
        )
    return why


def unit_kinds(units: Collection[str]) -> dict[str, str]:
    """Unit code → kind, when ``units`` is the roster (a mapping of units); else empty."""
    if not isinstance(units, Mapping):
        return {}
    return {code: str(getattr(unit, "kind", "")) for code, unit in units.items()}
