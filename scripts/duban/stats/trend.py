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

from collections.abc import Iterable, Sequence
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


@dataclass(frozen=True, slots=True)
class Known:
    """What a task's events up to a day decide for the trend: the deadline in force, the one
    the completion is judged by, the standing completion and the closing date. The same for
    every day with the same events up to it (:func:`weekly` computes it once per run)."""

    deadline: date
    judged_by: date
    completed_on: date | None
    closed_on: date | None

    def outcome(self, day: date) -> Outcome:
        """The outcome on ``day`` (the clock stops when the task is closed)."""
        now = self.closed_on or day
        return outcome_of(self.completed_on, self.judged_by, self.deadline, now)


def known(task: Task, ledger: Ledger, day: date) -> Known:
    """The steps of :func:`duban.status.task.task_status` that decide a task's deadline and
    outcome (clock, deadline, completion) without the other obligations."""
    now = clock(task, day)
    deadline = effective_deadline(task, ledger, day)
    done = completion(task, ledger, now)
    completed = done.standing.date if done.standing is not None else None
    return Known(deadline.due.date, deadline.judged_by, completed, now.closed_on)


def standing(task: Task, ledger: Ledger, day: date) -> tuple[date, Outcome]:
    """A task's deadline in force and outcome as of ``day`` (:func:`known`), so that a year
    of weeks stays cheap. Equal to ``counted_on`` and ``outcome`` of the full status
    (``tests/test_stats.py``)."""
    k = known(task, ledger, day)
    return k.deadline, k.outcome(day)


@dataclass
class _Tally:
    overdue: int = 0
    due: int = 0
    on_time: int = 0
    late: int = 0
    due_overdue: int = 0

    def add(self, end: date, deadline: date, kind: Outcome) -> None:
        self.overdue += kind == "open-overdue"
        if date(end.year, 1, 1) <= deadline <= end:
            self.due += 1
            self.on_time += kind == "on-time"
            self.late += kind == "late"
            self.due_overdue += kind == "open-overdue"

    def week(self, end: date) -> Week:
        judged = self.on_time + self.late + self.due_overdue
        iso = end.isocalendar()
        return Week(
            week=f"{iso.year:04d}-W{iso.week:02d}",
            end=end,
            open_overdue=self.overdue,
            due=self.due,
            completed=self.on_time + self.late,
            on_time=self.on_time,
            late=self.late,
            on_time_rate=self.on_time / judged if judged else None,
        )


def week(ledger: Ledger, tasks: list[Task], end: date) -> Week:
    """The figures of the week ending ``end``."""
    tally = _Tally()
    for task in tasks:
        if task.received > end:
            continue  # not assigned yet: nothing due
        deadline, kind = standing(task, ledger, end)
        tally.add(end, deadline, kind)
    return tally.week(end)


def _known_by_week(task: Task, ledger: Ledger, ends: Sequence[date]) -> list[Known | None]:
    """:func:`known` for each of ``ends`` (None before the task was received), computed once
    per distinct set of events up to the day: a task's standing changes only with its events,
    so a year of weeks costs a few status steps per task, not one per week."""
    out: list[Known | None] = []
    cache: dict[tuple[bool, ...], Known] = {}
    for end in ends:
        if task.received > end:
            out.append(None)
            continue
        key = tuple(e.date <= end for e in task.events)
        found = cache.get(key)
        if found is None:
            found = cache[key] = known(task, ledger, end)
        out.append(found)
    return out


def weekly(
    ledger: Ledger,
    year: int,
    as_of: date,
    internal: bool = False,
    tasks: Iterable[Task] | None = None,
) -> Trend:
    """The trend of ``year``: one :class:`Week` per Sunday up to ``as_of``; public tasks only
    unless ``internal``. ``tasks``: count only these (the site passes the published ones);
    default every task of the ledger."""
    chosen = [t for t in (ledger.tasks if tasks is None else tasks) if internal or t.public]
    ends = week_ends(year, as_of)
    tallies = [_Tally() for _ in ends]
    for task in chosen:
        for tally, end, k in zip(tallies, ends, _known_by_week(task, ledger, ends), strict=True):
            if k is not None:
                tally.add(end, k.deadline, k.outcome(end))
    weeks = tuple(tally.week(end) for tally, end in zip(tallies, ends, strict=True))
    return Trend(year, as_of, internal, weeks)


__all__ = ["Known", "Trend", "Week", "known", "standing", "week", "week_ends", "weekly"]
