"""Separation of duties: who may record which kind of event."""

from __future__ import annotations

from duban.model import ASSIGNER_ONLY, EITHER, EVENT_LABELS, OWNER_ONLY
from duban.text import Text, label


def duty_violation(kind: str, by: str, assigner: str, owners: set[str]) -> Text | None:
    """Why ``by`` may not record an event of type ``kind``, or None when it may.

    ``owners`` is the owner unit and its co-units; who records what is in ``duban.model``
    (``ASSIGNER_ONLY``, ``OWNER_ONLY``, ``EITHER``).
    """
    name = label(EVENT_LABELS, kind)
    if kind in ASSIGNER_ONLY and by != assigner:
        return Text(
            f"“{name}” 只能由交办单位 {assigner} 登记, 不能由 {by} 登记",
            f"'{kind}' may only be recorded by the assigning unit {assigner}, not {by}",
        )
    if kind in OWNER_ONLY and by not in owners:
        return Text(
            f"“{name}” 只能由责任单位或协办单位登记, 不能由 {by} 登记",
            f"'{kind}' may only be recorded by the owner or a co-unit, not {by}",
        )
    if kind in EITHER and by not in owners | {assigner}:
        return Text(
            f"“{name}” 只能由交办单位或责任单位登记, 不能由 {by} 登记",
            f"'{kind}' may only be recorded by the assigning or owner unit, not {by}",
        )
    return None
