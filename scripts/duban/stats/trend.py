"""Trends (measure 九): the status as of each week's end over a year.

A week ends on **Sunday** (the last day of the ISO week): the status as of a Sunday counts
every event dated that week, Saturday make-up working days included, and the weeks of a year
are the ISO weeks whose Sunday falls in it (``2026-W01`` ends 2026-01-04). Only weeks that
have ended by ``as_of`` are given. Each status is computed from the ledger as known today
(its events dated up to that Sunday), so a late-recorded event changes the past weeks too:
the trend is today's knowledge of the past, not what the site showed then.

Per week: ``open_overdue``, every task (of any deadline) open past its deadline in force on
that Sunday; and the year to date: the tasks whose deadline in force falls between 1 January
and that Sunday, with their completions and cumulative on-time rate (the rule of
:func:`duban.stats.figures.unit_stats` for the period from 1 January to the Sunday).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from duban.model import Ledger, Task
from duban.stats.figures import outcome_of
from duban.stats.records import Outcome
from duban.status.clock import clock, completion, effective_deadline


@dataclass(frozen=True, slots=True)
class Week:
    """One week's end."""

    week: str
    """The ISO week, ``2026-W47``."""
    end: date
    """Its Sunday: the status date."""
    open_overdue: int
    """Tasks open past their deadline in force on :attr:`end` (any deadline)."""
    due: int
    """Year to date: tasks whose deadline in force on :attr:`end` falls from 1 January to
    :attr:`end`."""
    completed: int
    """Of those, completed (on time or late)."""
    on_time: int
    late: int
    on_time_rate: float | None
    """Of those, on time / (completed + open overdue); None when that is 0 (the rule of
    ``duban stats``)."""


@dataclass(frozen=True, slots=True)
class Trend:
    year: int
    as_of: date
    internal: bool
    weeks: tuple[Week, ...]

    def record_rows(self) -> list[tuple[str, str, int, int, int, int, int, float | None]]:
        """One row per week: week, end, open_overdue, due, completed, on_time, late, rate."""
        rows = []
        for w in self.weeks:
            rate = round(w.on_time_rate, 4) if w.on_time_rate is not None else None
            rows.append(
                (
                    w.week,
                    w.end.isoformat(),
                    w.open_overdue,
                    w.due,
                    w.completed,
                    w.on_time,
                    w.late,
                    rate,
                )
            )
        return rows


def week_ends(year: int, as_of: date) -> list[date]:
    """The Sundays of ``year`` up to ``as_of``."""
    day = date(year, 1, 1)
    day += timedelta(days=(6 - day.weekday()) % 7)
    out = []
    while day.year == year and day <= as_of:
        out.append(day)
        day += timedelta(days=7)
    return out


def standing(task: Task, ledger: Ledger, day: date) -> tuple[date, Outcome]:
    """A task's deadline in force and outcome as of ``day``: the steps of
    :func:`duban.status.task.task_status` that decide them (clock, deadline, completion)
    without the other obligations, so that a year of weeks stays cheap. Equal to
    ``counted_on`` and ``outcome`` of the full status (``tests/test_stats.py``)."""
    now = clock(task, day)
    deadline = effective_deadline(task, ledger, day)
    done = completion(task, ledger, now)
    completed = done.standing.date if done.standing is not None else None
    return deadline.due.date, outcome_of(completed, deadline.judged_by, deadline.due.date, now.now)


def week(ledger: Ledger, tasks: list[Task], end: date) -> Week:
    """The figures of the week ending ``end``."""
    first = date(end.year, 1, 1)
    overdue = due = on_time = late = due_overdue = 0
    for task in tasks:
        if task.received > end:
            continue  # not assigned yet: nothing due
        deadline, kind = standing(task, ledger, end)
        overdue += kind == "open-overdue"
        if first <= deadline <= end:
            due += 1
            on_time += kind == "on-time"
            late += kind == "late"
            due_overdue += kind == "open-overdue"
    judged = on_time + late + due_overdue
    iso = end.isocalendar()
    return Week(
        week=f"{iso.year:04d}-W{iso.week:02d}",
        end=end,
        open_overdue=overdue,
        due=due,
        completed=on_time + late,
        on_time=on_time,
        late=late,
        on_time_rate=on_time / judged if judged else None,
    )


def weekly(ledger: Ledger, year: int, as_of: date, internal: bool = False) -> Trend:
    """The trend of ``year``: one :class:`Week` per Sunday up to ``as_of``; public tasks only
    unless ``internal``."""
    tasks = [t for t in ledger.tasks if internal or t.public]
    weeks = tuple(week(ledger, tasks, end) for end in week_ends(year, as_of))
    return Trend(year, as_of, internal, weeks)


__all__ = ["Trend", "Week", "standing", "week", "week_ends", "weekly"]
