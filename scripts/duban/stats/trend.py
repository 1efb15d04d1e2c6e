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

from duban.model import Ledger
from duban.stats.figures import counted, outcome, tally, task_figure
from duban.stats.periods import span
from duban.stats.records import Figures
from duban.status.select import ledger_status


@dataclass(frozen=True, slots=True)
class Week:
    """One week's end."""

    week: str
    """The ISO week, ``2026-W47``."""
    end: date
    """Its Sunday: the status date."""
    open_overdue: int
    """Tasks open past their deadline in force on :attr:`end` (any deadline)."""
    figures: Figures
    """The year to date: tasks due from 1 January to :attr:`end`, as of :attr:`end`."""


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
            f = w.figures
            rate = round(f.on_time_rate, 4) if f.on_time_rate is not None else None
            rows.append(
                (
                    w.week,
                    w.end.isoformat(),
                    w.open_overdue,
                    f.due,
                    f.completed,
                    f.on_time,
                    f.late,
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


def weekly(ledger: Ledger, year: int, as_of: date, internal: bool = False) -> Trend:
    """The trend of ``year``: one :class:`Week` per Sunday up to ``as_of``; public tasks only
    unless ``internal``."""
    weeks = []
    first = date(year, 1, 1)
    for end in week_ends(year, as_of):
        statuses = [s for s in ledger_status(ledger, end) if internal or s.task.public]
        overdue = sum(1 for s in statuses if outcome(s) == "open-overdue")
        figures = tally([task_figure(s) for s in counted(statuses, span(first, end), internal)])
        iso = end.isocalendar()
        weeks.append(Week(f"{iso.year:04d}-W{iso.week:02d}", end, overdue, figures))
    return Trend(year, as_of, internal, tuple(weeks))


__all__ = ["Trend", "Week", "week_ends", "weekly"]
