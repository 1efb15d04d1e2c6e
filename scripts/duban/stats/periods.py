"""Periods of the statistics, and the one rule of which period a task counts in.

A task counts in the period in which its **deadline in force** falls (as of the status date,
extensions applied: :attr:`duban.status.records.TaskStatus.deadline`). The site's month chart
(``web/charts.py``) counts by the same rule, through :func:`counted_on`.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date, timedelta

from duban.problems import UserError
from duban.status.records import TaskStatus
from duban.text import Text

_MONTH = re.compile(r"(\d{4})-(\d{2})\Z")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])\Z")
_YEAR = re.compile(r"(\d{4})\Z")


@dataclass(frozen=True, slots=True)
class Period:
    """A span of days, both ends included, and its code (``2026-11``, ``2026-Q4``, ``2026``,
    ``2026-11-01..2026-11-30``)."""

    start: date
    end: date
    code: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """How people read it: ``2026年11月``, ``2026年第四季度``, ``2026年``, or the span."""
        if m := _MONTH.match(self.code):
            return f"{m[1]}年{int(m[2])}月"
        if m := _QUARTER.match(self.code):
            return f"{m[1]}年第{'一二三四'[int(m[2]) - 1]}季度"
        if _YEAR.match(self.code):
            return f"{self.code}年"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def month(year: int, number: int) -> Period:
    last = _cal.monthrange(year, number)[1]
    return Period(date(year, number, 1), date(year, number, last), f"{year:04d}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first, last = month(year, 3 * number - 2), month(year, 3 * number)
    return Period(first.start, last.end, f"{year:04d}-Q{number}")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), f"{number:04d}")


def span(start: date, end: date) -> Period:
    """From ``start`` to ``end``, both included."""
    if end < start:
        raise UserError(
            Text(
                f"统计期的结束日 {end} 早于开始日 {start}：请交换 --from 和 --to",
                f"the period ends ({end}) before it starts ({start}): swap --from and --to",
            )
        )
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")


def parse_period(text: str) -> Period:
    """``2026-11`` (a month), ``2026-Q4`` (a quarter), ``2026`` (a year). Raises
    :class:`~duban.problems.UserError` naming the accepted forms."""
    text = text.strip()
    try:
        if m := _MONTH.match(text):
            return month(int(m[1]), int(m[2]))
        if m := _QUARTER.match(text):
            return quarter(int(m[1]), int(m[2]))
        if _YEAR.match(text):
            return year(int(text))
    except ValueError:
        pass  # a month 13, a year 0
    raise UserError(
        Text(
            f"无法识别的统计期 “{text[:40]}”：应为月份 2026-11、季度 2026-Q4 或年份 2026",
            f"unknown period '{text[:40]}': use a month (2026-11), a quarter (2026-Q4) or a "
            "year (2026)",
        )
    )


def following(period: Period) -> Period:
    """The next period of the same kind (the bulletin's 下期到期): the next month, quarter or
    year; after a span, the span of the same length that follows it."""
    if m := _MONTH.match(period.code):
        y, n = int(m[1]), int(m[2])
        return month(y + n // 12, n % 12 + 1)
    if m := _QUARTER.match(period.code):
        y, n = int(m[1]), int(m[2])
        return quarter(y + n // 4, n % 4 + 1)
    if _YEAR.match(period.code):
        return year(int(period.code) + 1)
    length = period.end - period.start
    start = period.end + timedelta(days=1)
    return span(start, start + length)


def counted_on(status: TaskStatus) -> date:
    """The day that decides a task's period: its deadline in force on the status date."""
    return status.deadline


def in_period(status: TaskStatus, period: Period) -> bool:
    return counted_on(status) in period


__all__ = [
    "Period",
    "counted_on",
    "following",
    "in_period",
    "month",
    "parse_period",
    "quarter",
    "span",
    "year",
]
