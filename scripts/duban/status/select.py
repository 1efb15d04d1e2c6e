"""Selections over statuses: a ledger's statuses, a unit's items, overdue and due-soon items."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from duban.model import Ledger, Owner
from duban.status.records import Obligation, TaskStatus
from duban.status.task import task_status


def ledger_status(ledger: Ledger, as_of: date, unit: str | None = None) -> list[TaskStatus]:
    """Every task's status as of ``as_of``, by id; ``unit`` keeps the tasks that unit owns or
    co-handles (the responsible side; the assigning unit's own items — verification — are
    found by :func:`items_for_unit`)."""
    tasks = sorted(ledger.tasks, key=lambda t: t.id)
    if unit is not None:  # the owner and co-units in force on as_of
        tasks = [t for t in tasks if unit in _units(t.responsible(as_of))]
    return [task_status(t, ledger, as_of) for t in tasks]


def _units(owner: Owner) -> tuple[str, ...]:
    return (owner.unit, *owner.co_units)


def unit_items(statuses: Iterable[TaskStatus], unit: str) -> list[TaskStatus]:
    """The statuses reduced to the obligations ``unit`` must act on — the owner's items on its
    tasks, the assigning unit's verification — dropping tasks where it has none. Used by
    ``duban overdue --unit``, so that each unit sees exactly what its reminder lists."""
    reduced = (
        replace(s, obligations=tuple(o for o in s.obligations if o.unit == unit)) for s in statuses
    )
    return [s for s in reduced if s.obligations]


def items_for_unit(
    statuses: Iterable[TaskStatus], unit: str
) -> tuple[list[tuple[TaskStatus, Obligation]], list[tuple[TaskStatus, Obligation]]]:
    """The overdue and due-soon items that ``unit`` must act on (owner, or assigner for
    verification), as ``(status, obligation)`` pairs."""
    overdue: list[tuple[TaskStatus, Obligation]] = []
    soon: list[tuple[TaskStatus, Obligation]] = []
    for status in statuses:
        for o in status.overdue:
            if o.unit == unit:
                overdue.append((status, o))
        for o in status.due_soon:
            if o.unit == unit:
                soon.append((status, o))
    return overdue, soon


Item = tuple[TaskStatus, Obligation]


def overdue_items(statuses: Sequence[TaskStatus]) -> list[Item]:
    """Every overdue obligation of a live task, by task id then due date."""
    return [(s, o) for s in statuses for o in s.overdue]


def due_soon_items(statuses: Sequence[TaskStatus]) -> list[Item]:
    return [(s, o) for s in statuses for o in s.due_soon]
