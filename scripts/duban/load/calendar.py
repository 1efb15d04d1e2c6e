"""Reading the calendar files (``ledger/calendar/YYYY.yaml`` and ``local.yaml``) into a
:class:`~duban.calendar.workdays.WorkCalendar`: schema, dates, ranges, year, overlaps."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from duban.calendar.workdays import FIRST_YEAR, WorkCalendar
from duban.load import schema
from duban.load.layout import YEAR_FILE
from duban.load.yamlload import load_file
from duban.problems import Problem
from duban.source import Document, Location
from duban.text import Text


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One holiday of a calendar file, as announced: days off and make-up working days."""

    name: str
    days_off: tuple[date, ...]
    workdays: tuple[date, ...]
    notice: str
    where: Location


@dataclass(frozen=True, slots=True)
class CalendarFile:
    """A loaded ``YYYY.yaml`` (``year`` set) or ``local.yaml`` (``year`` None)."""

    path: str
    year: int | None
    notice: str
    notice_no: str
    entries: tuple[CalendarEntry, ...]


_YEAR_FILE = YEAR_FILE


_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})\Z")


MAX_RANGE_DAYS = 400
"""The longest ``FROM..TO`` range, both ends included: a notice's longest break is a week."""


MAX_FILE_DAYS = 4000
"""The most days one calendar file may list (ranges expanded), so a small file cannot expand
into millions of dates; a yearly notice lists about forty."""


def _problem(code: str, where: Location, zh: str, en: str, fld: str = "") -> Problem:
    return Problem(code, where, Text(zh, en), field=fld)


def _expand(
    value: str, where: Location, fld: str, year: int | None, problems: list[Problem]
) -> list[date]:
    """A date or a ``FROM..TO`` range (both ends included) as dates. A range is checked
    before it is expanded: in order, at most :data:`MAX_RANGE_DAYS` days, and in a yearly
    file (``year``) within the year before and after it."""
    match = _RANGE.match(value)
    try:
        if not match:
            return [date.fromisoformat(value)]
        first, last = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
    except ValueError:
        problems.append(
            _problem(
                "calendar-bad-date",
                where,
                f"“{value}” 不是真实存在的日期或日期范围",
                f"'{value}' is not a real date or date range",
                fld,
            )
        )
        return []
    if last < first:
        problems.append(
            _problem(
                "calendar-bad-range",
                where,
                f"日期范围 “{value}” 的结束日早于开始日",
                f"date range '{value}' ends before it starts",
                fld,
            )
        )
        return []
    if year is not None and (abs(first.year - year) > 1 or abs(last.year - year) > 1):
        problems.append(
            _problem(
                "calendar-date-out-of-year",
                where,
                f"日期范围 “{value}” 超出 {year} 年及其前后一年；请只写本年度通知中的日期",
                f"date range '{value}' reaches beyond {year} and the years next to it",
                fld,
            )
        )
        return []
    days = last.toordinal() - first.toordinal() + 1
    if days > MAX_RANGE_DAYS:
        problems.append(
            _problem(
                "calendar-range-too-long",
                where,
                f"日期范围 “{value}” 长达 {days} 天，上限 {MAX_RANGE_DAYS} 天；"
                "请检查起止日期是否写错",
                f"date range '{value}' spans {days} days, the limit is {MAX_RANGE_DAYS}: "
                "check its ends",
                fld,
            )
        )
        return []
    return [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]


def read_calendar_file(
    path: Path, display: str | None = None
) -> tuple[CalendarFile | None, list[Problem]]:
    """Load and check one calendar file (schema, dates, year, overlaps)."""
    display = display or str(path)
    doc, problems = load_file(path, display)
    if doc is None:
        return None, problems
    schema_problems = schema.check(doc, "calendar")
    if schema_problems:
        return None, problems + schema_problems
    data = doc.data
    match = _YEAR_FILE.search(path.name)
    year = data.get("year")
    problems += _header_problems(doc, path.name, year, yearly=match is not None)
    entries = []
    budget = [MAX_FILE_DAYS]  # days this file may still list
    for k, item in enumerate(data.get("holidays") or []):
        entries.append(_entry(doc, k, item, _int_or_none(year), budget, problems))
        if budget[0] < 0:
            problems.append(
                _problem(
                    "calendar-too-many-days",
                    doc.loc("holidays", k),
                    f"日历文件列出的日期超过 {MAX_FILE_DAYS} 天（到第 {k + 1} 条为止）；"
                    "一年的通知只有几十天，请检查文件",
                    f"the calendar file lists more than {MAX_FILE_DAYS} days (by entry "
                    f"{k + 1}); a year's notice lists a few dozen: check the file",
                    f"$.holidays[{k}]",
                )
            )
            break
    result = CalendarFile(
        path=display,
        year=year if match else None,
        notice=data.get("notice") or "",
        notice_no=data.get("notice_no") or "",
        entries=tuple(entries),
    )
    return result, problems


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _header_problems(doc: Document, name: str, year: object, *, yearly: bool) -> list[Problem]:
    """A yearly file names its year (matching the file name) and its notice; ``local.yaml``
    has no year."""
    problems: list[Problem] = []
    match = _YEAR_FILE.search(name)
    if match and year != int(match.group(1)):
        problems.append(
            _problem(
                "calendar-year-mismatch",
                doc.loc("year"),
                f"文件名是 {name}，但 year 写的是 {year}",
                f"the file is {name} but its year is {year}",
                "$.year",
            )
        )
    if not yearly and year is not None:
        problems.append(
            _problem(
                "calendar-local-year",
                doc.loc("year"),
                "本地放假文件不应写 year（每条记录写明日期即可）",
                "a local days-off file has no year (each entry names its dates)",
                "$.year",
            )
        )
    if yearly and not doc.data.get("notice"):
        problems.append(
            _problem(
                "calendar-no-notice",
                doc.loc(),
                "年度日历文件必须写明依据的通知 notice",
                "a yearly calendar file must name its notice",
                "$.notice",
            )
        )
    return problems


def _entry(
    doc: Document,
    k: int,
    item: dict[str, Any],
    year: int | None,
    budget: list[int],
    problems: list[Problem],
) -> CalendarEntry:
    """Holiday ``k`` of a file: its days expanded, checked not to be both off and working and
    (in a yearly file) to belong to the file's year or next to it."""
    lists: dict[str, list[date]] = {}
    for key in ("days_off", "workdays"):
        days: list[date] = []
        for m, value in enumerate(item.get(key) or []):
            if budget[0] < 0:
                break
            fld = f"$.holidays[{k}].{key}[{m}]"
            found = _expand(value, doc.loc("holidays", k, key, m), fld, year, problems)
            budget[0] -= len(found)
            days += found
        lists[key] = days
    name = item["name"]
    both = sorted(set(lists["days_off"]) & set(lists["workdays"]))
    if both:
        shown = ", ".join(d.isoformat() for d in both)
        problems.append(
            _problem(
                "calendar-off-and-working",
                doc.loc("holidays", k),
                f"{name}：{shown} 同时列为放假日和上班日",
                f"{name}: {shown} listed both as days off and as working days",
                f"$.holidays[{k}]",
            )
        )
    days = lists["days_off"] + lists["workdays"]
    stray = [d for d in days if year is not None and abs(d.year - year) > 1]
    if stray:
        problems.append(
            _problem(
                "calendar-date-out-of-year",
                doc.loc("holidays", k),
                f"{name}：日期 {stray[0].isoformat()} 不属于 {year} 年的安排",
                f"{name}: {stray[0].isoformat()} is not part of {year}",
                f"$.holidays[{k}]",
            )
        )
    return CalendarEntry(
        name=name,
        days_off=tuple(lists["days_off"]),
        workdays=tuple(lists["workdays"]),
        notice=item.get("notice") or doc.data.get("notice") or "",
        where=doc.loc("holidays", k),
    )


def load_calendar(
    calendar_dir: Path, *, last_year: int | None = None
) -> tuple[WorkCalendar, list[Problem]]:
    """Build the calendar from ``calendar_dir`` (``YYYY.yaml`` files and ``local.yaml``).

    Always returns a usable calendar: a file with errors is left out (its year becomes
    estimated) and its problems are returned. Entries apply in order — yearly files by year,
    then ``local.yaml``; within a file, a later entry overrides an earlier one for the same
    date (so a one-off change such as the 2020 Spring Festival extension follows the notice
    it changes).
    """
    problems: list[Problem] = []
    files: list[CalendarFile] = []
    root = calendar_dir.parent.parent
    paths = sorted(p for p in calendar_dir.glob("*.yaml") if _YEAR_FILE.fullmatch(p.name))
    local = calendar_dir / "local.yaml"
    if os.path.lexists(local):  # a link or a FIFO too: the reader refuses it
        paths.append(local)
    for path in paths:
        try:
            display = str(path.relative_to(root))
        except ValueError:
            display = str(path)
        loaded, found = read_calendar_file(path, display)
        problems += found
        if loaded is not None and not any(p.severity == "error" for p in found):
            files.append(loaded)
    marks: dict[date, str | None] = {}  # name → day off; None → working day
    official: list[int] = []
    for f in files:
        if f.year is not None:
            if f.year < FIRST_YEAR:
                continue
            official.append(f.year)
        for entry in f.entries:
            for d in entry.days_off:
                marks[d] = entry.name
            for d in entry.workdays:
                marks[d] = None
    days_off = {d: n for d, n in marks.items() if n is not None}
    workdays = [d for d, n in marks.items() if n is None]
    calendar = WorkCalendar(days_off, workdays, official, last_year=last_year)
    return calendar, problems
