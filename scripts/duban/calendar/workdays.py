"""Chinese working days and deadline arithmetic (ARCHITECTURE.md, "Counting deadlines").

A *working day* is Monday to Friday, minus the official days off, plus the official make-up
working days (调休上班) on weekends, as published each year by the State Council General Office
(``ledger/calendar/YYYY.yaml``), minus days off decided locally (``ledger/calendar/local.yaml``).
A year without a published arrangement is *estimated* (:mod:`duban.estimate`); every result
that depends on an estimated day is marked ``provisional``.

Periods (:class:`Period`), counted as 民法典 第二百零一至二百零三条 count them:

- ``Nwd`` — the N-th working day strictly after the start, whatever the start is;
- ``Nd`` — start + N calendar days, rolled forward to the next working day if needed;
- ``Nm`` — the same day N months later (the month's last day if there is no such day),
  rolled forward like ``Nd``;
- ``0d`` — the start itself (当日, 立即).

The calendar is built once into an index (a flag per day, a running count of working days and
the sorted list of working days), so every operation is O(1) — no day-by-day loops.

Typical use::

    calendar, problems = load_calendar(Path("ledger/calendar"))
    due = calendar.add(date(2026, 3, 6), Period.parse("5wd"))   # Due(2026-03-13, False)
    late = calendar.working_days_between(due.date, today)         # > 0: overdue by N wd
"""

from __future__ import annotations

import calendar as _stdcal
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal

from duban.calendar.estimate import estimate_days_off
from duban.problems import UserError
from duban.text import Text

FIRST_YEAR = 2004


"""The first year with an official arrangement in the ledger (the data starts here)."""


ESTIMATE_YEARS = 10


"""How many years after the latest official one are estimated (and so can be computed)."""


MAX_N = 100_000


Unit = Literal["wd", "d", "m"]


class CalendarError(UserError, ValueError):
    """A date or period the calendar cannot work with."""


class PeriodError(CalendarError):
    """A period that is not ``Nwd``, ``Nd``, ``Nm``."""


class CalendarRangeError(CalendarError):
    """A date outside the years the calendar covers (before 2004 or too far ahead)."""


_PERIOD = re.compile(r"\s*(\d{1,6})\s*(wd|d|m)\s*\Z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Period:
    """A time limit: ``n`` working days (``wd``), calendar days (``d``) or months (``m``).

    ``Period(0, "d")`` is "the same day" (当日); ``0wd`` and ``0m`` are read as ``0d``.
    """

    n: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"5wd"``, ``"15d"``, ``"1m"``, ``"0d"`` → :class:`Period`; :class:`PeriodError`."""
        match = _PERIOD.match(text) if isinstance(text, str) else None
        if not match:
            raise PeriodError(
                Text(
                    f"时限 “{text}” 格式不对：应为 N 个工作日（如 5wd）、N 日（如 15d）、"
                    "N 个月（如 1m）或当日（0d）",
                    f"period '{text}' is not valid: expected N working days (e.g. 5wd), "
                    "N days (15d), N months (1m) or the same day (0d)",
                ),
            )
        n = int(match.group(1))
        if n > MAX_N:
            raise PeriodError(Text(f"时限 “{text}” 太长", f"period '{text}' is too long"))
        unit: Unit = match.group(2).lower()  # type: ignore[assignment]
        return cls(0, "d") if n == 0 else cls(n, unit)

    def __str__(self) -> str:
        return f"{self.n}{self.unit}"

    def describe(self, lang: str = "zh") -> str:
        """``5个工作日`` / ``5 working days``, ``当日`` / ``the same day``."""
        if self.n == 0:
            return Text("当日", "the same day")(lang)
        zh = {"wd": "个工作日", "d": "日", "m": "个月"}[self.unit]
        en = {"wd": "working day", "d": "day", "m": "month"}[self.unit]
        return Text(f"{self.n}{zh}", f"{self.n} {en}{'s' if self.n != 1 else ''}")(lang)


@dataclass(frozen=True, slots=True)
class Due:
    """A computed due date; ``provisional`` when it depends on an estimated (unpublished) year."""

    date: date
    provisional: bool


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when there is no such day.

    Raises :class:`CalendarRangeError` when the result is not a representable date."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        what = f"{start.isoformat()} {months:+d}m"
        raise CalendarRangeError(Text(f"日期 {what} 超出日期范围", f"date {what} is out of range"))
    last = _stdcal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def _day_flags(
    base: int, size: int, official: set[int], last_year: int
) -> tuple[bytearray, bytearray, dict[date, str]]:
    """A working-day flag per day (weekdays, minus the estimated days off of years without a
    notice), an "estimated" flag per day, and the names of the estimated days off."""
    # toordinal() of 0001-01-01 is 1, a Monday: weekday = (ordinal - 1) % 7.
    work = bytearray(1 if (base + i - 1) % 7 < 5 else 0 for i in range(size))
    est = bytearray(size)
    names: dict[date, str] = {}
    for year in range(FIRST_YEAR, last_year + 1):
        if year in official:
            continue
        start = date(year, 1, 1).toordinal() - base
        length = 366 if _stdcal.isleap(year) else 365
        est[start : start + length] = b"\x01" * length
        for d, name in estimate_days_off(year).items():
            work[d.toordinal() - base] = 0
            names[d] = name
    return work, est, names


def _apply_entries(
    work: bytearray,
    names: dict[date, str],
    base: int,
    days_off: Mapping[date, str],
    workdays: Iterable[date],
) -> None:
    """The explicit (official and local) days off and make-up working days, in place."""
    for d, name in days_off.items():
        i = d.toordinal() - base
        if 0 <= i < len(work):
            work[i] = 0
            names[d] = name
    for d in workdays:
        i = d.toordinal() - base
        if 0 <= i < len(work):
            work[i] = 1
            names.pop(d, None)


def _working_index(work: bytearray, base: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The running count of working days up to each day, and the ordinals of working days."""
    cum = tuple(itertools.accumulate(work))
    wd = tuple(base + i for i, flag in enumerate(work) if flag)
    return cum, wd


class WorkCalendar:
    """An immutable working-day calendar from ``FIRST_YEAR`` to ``last_year``.

    Build it with :func:`load_calendar` (from the ledger) or directly::

        WorkCalendar(days_off={date(2026, 1, 1): "元旦"}, workdays=[date(2026, 1, 4)],
                     official_years=[2026])

    ``days_off`` and ``workdays`` are the explicit (official and local) entries, already
    resolved (a date must not be in both). Years not in ``official_years`` are estimated
    (explicit entries still apply to them). Dates outside the range raise
    :class:`CalendarRangeError`.
    """

    __slots__ = ("_base", "_cum", "_est", "_last", "_names", "_official", "_wd", "_work")

    def __init__(
        self,
        days_off: Mapping[date, str],
        workdays: Iterable[date],
        official_years: Iterable[int],
        *,
        last_year: int | None = None,
    ) -> None:
        official = tuple(sorted({y for y in official_years if y >= FIRST_YEAR}))
        if last_year is None:
            last_year = max((*official, date.today().year, FIRST_YEAR)) + ESTIMATE_YEARS
        base = date(FIRST_YEAR, 1, 1).toordinal()
        size = date(last_year, 12, 31).toordinal() - base + 1
        work, est, names = _day_flags(base, size, set(official), last_year)
        _apply_entries(work, names, base, days_off, workdays)
        self._base = base
        self._last = last_year
        self._work = bytes(work)
        self._cum, self._wd = _working_index(work, base)
        self._est = tuple(itertools.accumulate(est))
        self._names = MappingProxyType(names)
        self._official = official

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError("WorkCalendar is immutable")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        years = f"{self._official[0]}–{self._official[-1]}" if self._official else "none"
        return f"<WorkCalendar {FIRST_YEAR}–{self._last}, official {years}>"

    # -- range ---------------------------------------------------------------------------

    @property
    def first_day(self) -> date:
        return date.fromordinal(self._base)

    @property
    def last_day(self) -> date:
        return date(self._last, 12, 31)

    @property
    def official_years(self) -> tuple[int, ...]:
        """Years with a published arrangement (a ``YYYY.yaml`` file), ascending."""
        return self._official

    @property
    def estimated_years(self) -> tuple[int, ...]:
        """Years in range that are estimated (no published arrangement), ascending."""
        official = set(self._official)
        return tuple(y for y in range(FIRST_YEAR, self._last + 1) if y not in official)

    def is_provisional(self, year: int) -> bool:
        """True when ``year`` has no published arrangement (its days are estimated)."""
        if year < FIRST_YEAR:
            raise self._range_error(date(year, 1, 1))
        return year not in self._official

    def _range_error(self, d: date | str) -> CalendarRangeError:
        what = d if isinstance(d, str) else d.isoformat()
        return CalendarRangeError(
            Text(
                f"日期 {what} 超出工作日历范围（{FIRST_YEAR}-01-01 至 {self._last}-12-31）",
                f"date {what} is outside the working-day calendar "
                f"({FIRST_YEAR}-01-01 to {self._last}-12-31)",
            ),
        )

    def _index(self, d: date) -> int:
        i = d.toordinal() - self._base
        if i < 0 or i >= len(self._work):
            raise self._range_error(d)
        return i

    def check_range(self, d: date) -> None:
        """Raise :class:`CalendarRangeError` unless ``d`` lies within the calendar."""
        self._index(d)

    # -- queries -------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        return bool(self._work[self._index(d)])

    def day_off_name(self, d: date) -> str | None:
        """The holiday a day off belongs to (``春节``...), None for weekends and working days."""
        self._index(d)
        return self._names.get(d)

    def is_estimated(self, d: date) -> bool:
        """True when ``d`` lies in a year without a published arrangement."""
        i = self._index(d)
        return self._est[i] != (self._est[i - 1] if i else 0)

    def range_provisional(self, a: date, b: date) -> bool:
        """True when any day between ``a`` and ``b`` (inclusive, either order) is estimated."""
        i, j = sorted((self._index(a), self._index(b)))
        return self._est[j] != (self._est[i - 1] if i else 0)

    def roll_forward(self, d: date) -> date:
        """``d`` if it is a working day, else the next working day."""
        i = self._index(d)
        k = self._cum[i] - self._work[i]  # working days strictly before d
        if k >= len(self._wd):
            raise self._range_error(d)
        return date.fromordinal(self._wd[k])

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``; negative (−count in ``(b, a]``) when ``b < a``.

        ``working_days_between(due, today)`` > 0 means "overdue by that many working days".
        """
        return self._cum[self._index(b)] - self._cum[self._index(a)]

    def nth_working_day_after(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start`` (``n`` ≥ 1)."""
        j = self._cum[self._index(start)] + n - 1
        if j >= len(self._wd):
            raise self._range_error(start)
        return date.fromordinal(self._wd[j])

    def add(self, start: date, period: Period) -> Due:
        """The due date of ``period`` counted from ``start`` (ARCHITECTURE.md, "Counting
        deadlines").

        ``provisional`` is True when a day the result depends on lies in an estimated year:
        for ``Nwd`` every day in (start, due]; for ``Nd``/``Nm`` the days from the target
        to the due date (roll-forward); never for ``0d``.
        """
        base = self._base
        i = start.toordinal() - base
        work = self._work
        if i < 0 or i >= len(work):
            raise self._range_error(start)
        n = period.n
        if n == 0:
            return Due(start, False)
        est = self._est
        if period.unit == "wd":
            j = self._cum[i] + n - 1
            if j >= len(self._wd):
                raise self._range_error(start)
            due = self._wd[j]
            return Due(date.fromordinal(due), est[due - base] != est[i])
        if period.unit == "d":
            target = start.toordinal() + n
        else:
            try:
                target = add_months(start, n).toordinal()
            except CalendarRangeError:
                raise self._range_error(f"{start.isoformat()} + {period}") from None
        t = target - base
        if t >= len(work):
            raise self._range_error(date.fromordinal(target))
        k = self._cum[t] - work[t]
        if k >= len(self._wd):
            raise self._range_error(date.fromordinal(target))
        due = self._wd[k]
        return Due(date.fromordinal(due), est[due - base] != (est[t - 1] if t else 0))
