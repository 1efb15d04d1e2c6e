"""Separation of duties: who may record which kind of event."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass
from duban.model import ASSIGNER_ONLY, EITHER, EVENT_LABELS, OWNER_ONLY
from duban.text import label


def duty_violation(kind: str, by: str, assigner: str, owners: set[str]) -> tuple[str, str] | None:
    """Why ``by`` may not record an event of type ``kind`` (zh, en), or None when it may.

    ``owners`` is the owner unit and its co-units (DESIGN.md §4, separation of duties).
    """
    name = label(EVENT_LABELS, kind)
    if kind in ASSIGNER_ONLY and by != assigner:
        return (
            f"“{name}” 只能由交办单位 {assigner} 登记, 不能由 {by} 登记",
            f"'{kind}' may only be recorded by the assigning unit {assigner}, not {by}",
        )
    if kind in OWNER_ONLY and by not in owners:
        return (
            f"“{name}” 只能由责任单位或协办单位登记, 不能由 {by} 登记",
            f"'{kind}' may only be recorded by the owner or a co-unit, not {by}",
        )
    if kind in EITHER and by not in owners | {assigner}:
        return (
            f"“{name}” 只能由交办单位或责任单位登记, 不能由 {by} 登记",
            f"'{kind}' may only be recorded by the assigning or owner unit, not {by}",
        )
    return None
