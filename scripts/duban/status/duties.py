"""The measures' recurring duties as of a day: each post's joint meeting of the quarter and
year-end written report (measure 十), and its field research days against the yearly quota
(measure 十六).

- **Joint meeting** (坚持每季度召开一次分管部门联席会议): each quarter up to the day needs a
  meeting dated in it (the quarter is the meeting date's). A past quarter without one is
  ``missed`` (red); the current quarter is ``held``, ``open`` (green) or ``due-soon`` (yellow:
  within ``warning_days`` working days of the quarter's last day), like a task's items.
- **Written report** (州政府班子成员应向州长进行书面述职, 每年底): due on 31 December; ``met``,
  ``open``, ``due-soon`` or ``overdue`` after the year.
- **Field research** (全年到企业、基层调研时间不少于60天): the calendar days of the trips
  that ended by the day, against the quota (``rules.yaml`` ``field-research``); the linear
  pace is ``quota × days of the year elapsed ÷ days of the year`` (rounded down). ``met``
  once the quota is reached; ``behind`` (yellow) below the pace; ``overdue`` (red) when the
  year is over, or when the days still due exceed the calendar days left in the year;
  otherwise ``on-pace`` (green).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeVar

from duban.calendar.workdays import CalendarError, WorkCalendar
from duban.load.duties import Duties, MeetingYear, Post, ResearchYear
from duban.source import Location
from duban.text import Text

QUOTA = 60
"""Measure 十六's days, when ``rules.yaml`` has no ``field-research`` quota."""

MeetingState = Literal["held", "open", "due-soon", "missed"]
ReportState = Literal["met", "open", "due-soon", "overdue"]
ResearchState = Literal["met", "on-pace", "behind", "overdue"]
DutyLight = Literal["red", "yellow", "green"]

STATE_LABELS: dict[str, Text] = {
    "held": Text("已召开", "held"),
    "open": Text("未到期", "open"),
    "due-soon": Text("即将到期", "due soon"),
    "missed": Text("未召开", "missed"),
    "met": Text("已完成", "done"),
    "overdue": Text("逾期未完成", "overdue"),
    "on-pace": Text("进度正常", "on pace"),
    "behind": Text("落后于进度", "behind pace"),
}

_LIGHT: dict[str, DutyLight] = {
    "held": "green",
    "open": "green",
    "met": "green",
    "on-pace": "green",
    "due-soon": "yellow",
    "behind": "yellow",
    "missed": "red",
    "overdue": "red",
}


def light_of(state: str) -> DutyLight:
    return _LIGHT[state]


class _Lit:
    """A duty (or a quarter's part of one) whose light is its state's."""

    __slots__ = ()
    state: str

    @property
    def light(self) -> DutyLight:
        return light_of(self.state)


Progress = Literal["done", "late", "due-soon", "open"]
"""Where a duty with a due date stands: done by the day, late (not done, the due date
passed), due soon (within the warning days), open."""

_MEETING_STATES: dict[Progress, MeetingState] = {
    "done": "held",
    "late": "missed",
    "due-soon": "due-soon",
    "open": "open",
}
_REPORT_STATES: dict[Progress, ReportState] = {
    "done": "met",
    "late": "overdue",
    "due-soon": "due-soon",
    "open": "open",
}


@dataclass(frozen=True, slots=True)
class QuarterMeeting:
    """One quarter's joint meeting of one post."""

    quarter: int
    due: date
    """The quarter's last day."""
    held: date | None
    """The first meeting of the quarter up to the day, or None."""
    state: MeetingState
    where: Location
    """The meeting's item, else the post's file (or ``posts.yaml``)."""


@dataclass(frozen=True, slots=True)
class MeetingDuty:
    post: Post
    year: int
    quarters: tuple[QuarterMeeting, ...]
    """Quarters 1 to the current one (all four once the year is over)."""
    public: bool
    """Whether the record says ``visibility: public`` (its topics may be shown)."""
    record: MeetingYear | None

    @property
    def current(self) -> QuarterMeeting:
        return self.quarters[-1]

    @property
    def missed(self) -> tuple[int, ...]:
        return tuple(q.quarter for q in self.quarters if q.state == "missed")

    @property
    def light(self) -> DutyLight:
        return _worst(light_of(q.state) for q in self.quarters)


@dataclass(frozen=True, slots=True)
class ReportDuty(_Lit):
    post: Post
    year: int
    due: date
    submitted: date | None
    state: ReportState
    where: Location


@dataclass(frozen=True, slots=True)
class ResearchDuty(_Lit):
    post: Post
    year: int
    quota: int
    done: int
    """Days of the trips ended by the day."""
    pace: int
    """The days the linear pace asks for by the day."""
    remaining: int
    """Days still due by the year's end (0 once the quota is met)."""
    days_left: int
    """Calendar days of the year after the day."""
    state: ResearchState
    where: Location
    public: bool
    record: ResearchYear | None

    @property
    def behind(self) -> int:
        """Days below the pace (0 when on or ahead of it)."""
        return max(0, self.pace - self.done)


@dataclass(frozen=True, slots=True)
class DutyStatus:
    as_of: date
    year: int
    meetings: tuple[MeetingDuty, ...]
    reports: tuple[ReportDuty, ...]
    research: tuple[ResearchDuty, ...]

    @property
    def empty(self) -> bool:
        return not (self.meetings or self.reports or self.research)

    def lights(self) -> tuple[tuple[str, DutyLight], ...]:
        """(post code, light) of every duty, for counting."""
        duties: tuple[MeetingDuty | ReportDuty | ResearchDuty, ...] = (
            *self.meetings,
            *self.reports,
            *self.research,
        )
        return tuple((d.post.code, d.light) for d in duties)


def _worst(lights: Iterable[DutyLight]) -> DutyLight:
    found = set(lights)
    return "red" if "red" in found else "yellow" if "yellow" in found else "green"


def quarter_end(year: int, quarter: int) -> date:
    """The last day of ``quarter`` (1–4) of ``year``."""
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Day:
    """The day a duty with a due date is judged on, with the calendar and warning days."""

    calendar: WorkCalendar
    as_of: date
    warning_days: int

    def progress(self, done: bool, due: date) -> Progress:
        """Where a duty due on ``due`` stands: a quarter's meeting, a year's report."""
        if done:
            return "done"
        if self.as_of > due:
            return "late"
        soon = _due_soon(self.calendar, self.as_of, due, self.warning_days)
        return "due-soon" if soon else "open"


def _due_soon(calendar: WorkCalendar, as_of: date, due: date, warning_days: int) -> bool:
    """``due`` (not passed) within ``warning_days`` working days of ``as_of``; outside the
    calendar, counted in calendar days."""
    try:
        return calendar.working_days_between(as_of, due) <= warning_days
    except CalendarError:
        return (due - as_of).days <= warning_days


def duty_status(
    duties: Duties,
    calendar: WorkCalendar,
    as_of: date,
    warning_days: int,
    quota: int = QUOTA,
    year: int | None = None,
) -> DutyStatus:
    """Every post's duties of ``year`` (default: the year of ``as_of``) as of ``as_of``."""
    year = as_of.year if year is None else year
    meetings: list[MeetingDuty] = []
    reports: list[ReportDuty] = []
    research: list[ResearchDuty] = []
    day = _Day(calendar, as_of, warning_days)
    for post in duties.posts:
        if "joint-meeting" in post.duties:
            record = _record(duties.meetings, post.code, year)
            meetings.append(_meetings(post, year, record, day))
        if "annual-report" in post.duties:
            record = _record(duties.meetings, post.code, year)
            reports.append(_report(post, year, record, day))
        if "field-research" in post.duties:
            trips = _record(duties.research, post.code, year)
            research.append(_research(post, year, trips, as_of, quota))
    return DutyStatus(as_of, year, tuple(meetings), tuple(reports), tuple(research))


R = TypeVar("R", MeetingYear, ResearchYear)


def _record(records: tuple[R, ...], post: str, year: int) -> R | None:
    return next((r for r in records if r.post == post and r.year == year), None)


def _meetings(post: Post, year: int, record: MeetingYear | None, day: _Day) -> MeetingDuty:
    as_of = day.as_of
    current = 4 if as_of.year > year else (as_of.month - 1) // 3 + 1
    where = record.where if record else post.where
    quarters: list[QuarterMeeting] = []
    for quarter in range(1, current + 1):
        due = quarter_end(year, quarter)
        held = [
            m
            for m in (record.meetings if record else ())
            if m.quarter == quarter and m.date <= as_of
        ]
        state = _MEETING_STATES[day.progress(bool(held), due)]
        at = held[0].where if held else where
        quarters.append(QuarterMeeting(quarter, due, held[0].date if held else None, state, at))
    public = record.public if record else False
    return MeetingDuty(post, year, tuple(quarters), public, record)


def _report(post: Post, year: int, record: MeetingYear | None, day: _Day) -> ReportDuty:
    due = date(year, 12, 31)
    report = record.report if record else None
    submitted = report.date if report and report.date <= day.as_of else None
    state = _REPORT_STATES[day.progress(bool(submitted), due)]
    where = report.where if report else record.where if record else post.where
    return ReportDuty(post, year, due, submitted, state, where)


def _research(
    post: Post, year: int, record: ResearchYear | None, as_of: date, quota: int
) -> ResearchDuty:
    first, last = date(year, 1, 1), date(year, 12, 31)
    length = (last - first).days + 1
    day = min(max(as_of, first - timedelta(days=1)), last)
    elapsed = (day - first).days + 1
    done = sum(t.days for t in (record.trips if record else ()) if t.end <= as_of)
    pace = quota * elapsed // length
    remaining = max(0, quota - done)
    days_left = (last - day).days
    state: ResearchState
    if done >= quota:
        state = "met"
    elif as_of >= last or remaining > days_left:
        state = "overdue"
    elif done < pace:
        state = "behind"
    else:
        state = "on-pace"
    where = record.where if record else post.where
    public = record.public if record else False
    return ResearchDuty(
        post, year, quota, done, pace, remaining, days_left, state, where, public, record
    )
