"""Working-day arithmetic (ARCHITECTURE.md, "Counting deadlines"): examples, edge cases and
properties."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from duban.calendar.estimate import estimate_days_off, statutory_holidays
from duban.calendar.workdays import (
    FIRST_YEAR,
    CalendarRangeError,
    Due,
    Period,
    PeriodError,
    WorkCalendar,
    add_months,
)
from duban.load.calendar import load_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]


@cache
def official() -> WorkCalendar:
    calendar, problems = load_calendar(ROOT / "ledger" / "calendar")
    assert problems == []
    return calendar


def d(text: str) -> date:
    return date.fromisoformat(text)


# -- the counting examples (ARCHITECTURE.md, "Counting deadlines") -----------------------


@pytest.mark.parametrize(
    ("start", "period", "due"),
    [
        ("2026-02-13", "1wd", "2026-02-14"),  # Feb 14 (Sat) is a make-up working day
        ("2026-02-14", "1wd", "2026-02-24"),  # Feb 15–23 Spring Festival days off
        ("2026-03-06", "5wd", "2026-03-13"),
        ("2026-03-07", "5wd", "2026-03-13"),  # start day not counted, whatever its kind
        ("2026-09-30", "10wd", "2026-10-20"),  # Oct 1–7 off, Oct 10 Sat worked
        ("2026-04-20", "15d", "2026-05-06"),  # May 5 is a day off, roll forward
        ("2026-01-31", "1m", "2026-02-28"),  # no Feb 31; Feb 28 is a make-up working day
        ("2025-09-26", "5wd", "2025-10-10"),
    ],
)
def test_design_examples(start: str, period: str, due: str) -> None:
    assert official().add(d(start), Period.parse(period)) == Due(d(due), False)


def test_same_day_is_the_start_even_on_a_holiday() -> None:
    assert official().add(d("2026-10-01"), Period.parse("0d")) == Due(d("2026-10-01"), False)
    assert official().add(d("2026-03-07"), Period.parse("0d")).date == d("2026-03-07")


# -- 2020 Spring Festival extension (国办发明电〔2020〕1号) --------------------------------


def test_2020_spring_festival_extension() -> None:
    cal = official()
    # Jan 31 (Fri) and Feb 1 (Sat, originally a make-up working day) became days off.
    for day in ("2020-01-31", "2020-02-01", "2020-02-02"):
        assert not cal.is_working_day(d(day)), day
    assert cal.day_off_name(d("2020-01-31")) == "春节（延长假期）"
    assert cal.is_working_day(d("2020-01-19"))  # the make-up Sunday before stayed
    assert cal.is_working_day(d("2020-02-03"))
    assert cal.add(d("2020-01-23"), Period.parse("1wd")).date == d("2020-02-03")


def test_2019_labour_day_adjustment() -> None:
    cal = official()
    assert [cal.is_working_day(d(f"2019-05-0{i}")) for i in range(1, 6)] == [
        False,
        False,
        False,
        False,
        True,
    ]
    assert cal.is_working_day(d("2019-04-28"))


# -- month ends, make-up Saturdays, years ----------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "target"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-05-31", 12, "2027-05-31"),
    ],
)
def test_add_months_clamps_to_month_end(start: str, months: int, target: str) -> None:
    assert add_months(d(start), months) == d(target)


def test_month_end_rolls_forward() -> None:
    # 2026-03-31 + 1m = 2026-04-30 (Thu, working day); 2025-08-31 + 1m = 2025-09-30 (Tue).
    assert official().add(d("2026-03-31"), Period.parse("1m")).date == d("2026-04-30")
    # 2026-04-30 + 1m = 2026-05-30 (Sat) → next working day after the days off: Jun 1 (Mon).
    assert official().add(d("2026-04-30"), Period.parse("1m")).date == d("2026-06-01")
    # 2025-08-30 + 1m = 2025-09-30 (Tue), a working day.
    assert official().add(d("2025-08-30"), Period.parse("1m")).date == d("2025-09-30")


def test_start_on_a_make_up_saturday() -> None:
    cal = official()
    saturday = d("2026-02-28")  # make-up working day after the Spring Festival
    assert saturday.weekday() == 5 and cal.is_working_day(saturday)
    assert cal.add(saturday, Period.parse("1wd")).date == d("2026-03-02")
    assert cal.add(saturday, Period.parse("5wd")).date == d("2026-03-06")
    assert cal.add(saturday, Period.parse("2d")).date == d("2026-03-02")
    assert cal.working_days_between(d("2026-02-27"), saturday) == 1


def test_new_year_across_years() -> None:
    # 2019 元旦: 2018-12-30 … 2019-01-01 off, 2018-12-29 (Sat) worked (2019 notice).
    cal = official()
    assert cal.is_working_day(d("2018-12-29"))
    assert cal.add(d("2018-12-28"), Period.parse("2wd")).date == d("2019-01-02")


def test_working_days_between() -> None:
    cal = official()
    assert cal.working_days_between(d("2026-03-06"), d("2026-03-13")) == 5
    assert cal.working_days_between(d("2026-03-13"), d("2026-03-06")) == -5
    assert cal.working_days_between(d("2026-03-13"), d("2026-03-13")) == 0
    # (Feb 13, Feb 24]: Feb 14 (make-up Sat) and Feb 24.
    assert cal.working_days_between(d("2026-02-13"), d("2026-02-24")) == 2


def test_roll_forward() -> None:
    assert official().roll_forward(d("2026-10-01")) == d("2026-10-08")
    assert official().roll_forward(d("2026-10-08")) == d("2026-10-08")


# -- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("5wd", Period(5, "wd")),
        ("15d", Period(15, "d")),
        ("1m", Period(1, "m")),
        ("0d", Period(0, "d")),
        ("0wd", Period(0, "d")),
        (" 10WD ", Period(10, "wd")),
    ],
)
def test_period_parse(text: str, period: Period) -> None:
    assert Period.parse(text) == period


@pytest.mark.parametrize("text", ["", "5", "wd", "-1wd", "5 days", "1.5d", "5w", "1y", "9999999d"])
def test_period_parse_rejects(text: str) -> None:
    with pytest.raises(PeriodError) as info:
        Period.parse(text)
    assert "时限" in info.value.zh and "period" in info.value.en


def test_period_str_and_describe() -> None:
    assert str(Period.parse("5wd")) == "5wd"
    assert Period.parse("5wd").describe() == "5个工作日"
    assert Period.parse("0d").describe("en") == "the same day"


# -- range, provisional years, estimate ------------------------------------------------


def test_before_2004_is_a_clear_error() -> None:
    with pytest.raises(CalendarRangeError) as info:
        official().add(d("2003-12-31"), Period.parse("1wd"))
    assert "2004-01-01" in info.value.zh
    with pytest.raises(CalendarRangeError):
        official().is_working_day(d("1999-01-01"))


def test_beyond_the_horizon_is_a_clear_error() -> None:
    cal = official()
    with pytest.raises(CalendarRangeError):
        cal.add(cal.last_day, Period.parse("1wd"))


def test_months_beyond_any_date_are_a_range_error() -> None:
    with pytest.raises(CalendarRangeError) as info:
        official().add(d("2026-03-06"), Period.parse("100000m"))
    assert "2026-03-06 + 100000m" in info.value.en and "outside" in info.value.en
    with pytest.raises(CalendarRangeError):
        add_months(d("2004-01-01"), -100_000)


def test_provisional_years() -> None:
    cal = official()
    assert cal.official_years == tuple(range(2004, 2027))
    assert not cal.is_provisional(2026)
    assert cal.is_provisional(2027)
    due = cal.add(d("2026-12-28"), Period.parse("5wd"))
    assert due == Due(d("2027-01-05"), True)  # Jan 1 2027 (Fri) estimated off
    # A result that stays inside official years is not provisional.
    assert not cal.add(d("2026-12-21"), Period.parse("5wd")).provisional
    # Nd only depends on the target day and the roll-forward: Dec 31 + 0 days … Dec 31.
    assert not cal.add(d("2026-12-01"), Period.parse("30d")).provisional
    assert cal.add(d("2026-12-01"), Period.parse("31d")).provisional
    assert cal.range_provisional(d("2026-12-31"), d("2027-01-01"))
    assert not cal.range_provisional(d("2026-01-01"), d("2026-12-31"))


def test_adding_a_year_file_makes_it_official(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "ledger" / "calendar", tmp_path / "calendar")
    (tmp_path / "calendar" / "2027.yaml").write_text(
        "year: 2027\nnotice: 国务院办公厅关于2027年部分节假日安排的通知\n"
        "holidays:\n  - {name: 元旦, days_off: [2027-01-01..2027-01-03]}\n",
        encoding="utf-8",
    )
    cal, problems = load_calendar(tmp_path / "calendar")
    assert problems == []
    assert 2027 in cal.official_years
    assert cal.add(d("2026-12-28"), Period.parse("5wd")) == Due(d("2027-01-05"), False)


def test_estimate_2027() -> None:
    off = estimate_days_off(2027)
    # 除夕 2027 is Feb 5; 初一 Feb 6; 清明 Apr 5; 端午 Jun 9; 中秋 Sep 15.
    assert {d("2027-02-05"), d("2027-02-08"), d("2027-04-05"), d("2027-06-09")} <= set(off)
    assert d("2027-09-15") in off and d("2027-10-01") in off
    # Feb 6–7 fall on the weekend: made up (补假) on Feb 9 and 10.
    assert off[d("2027-02-09")] == "春节（补假）" and off[d("2027-02-10")] == "春节（补假）"
    cal = official()
    assert not cal.is_working_day(d("2027-02-05"))
    assert cal.is_working_day(d("2027-02-11"))
    assert not cal.is_working_day(d("2027-02-13"))  # a Saturday: no make-up days guessed


@pytest.mark.parametrize("year", range(2025, 2027))
def test_estimate_matches_the_statutory_days_of_published_years(year: int) -> None:
    # Since the 2024 revision every statutory day that falls on a weekday is a day off.
    cal = official()
    for name, days in statutory_holidays(year):
        for day in days:
            if day.weekday() < 5:
                assert not cal.is_working_day(day), (name, day)


def test_calendar_is_immutable() -> None:
    with pytest.raises(AttributeError):
        official()._work = b""  # type: ignore[misc]


def test_built_directly() -> None:
    cal = WorkCalendar({d("2026-01-01"): "元旦"}, [d("2026-01-04")], [2026], last_year=2027)
    assert cal.official_years == (2026,)
    assert not cal.is_working_day(d("2026-01-01")) and cal.is_working_day(d("2026-01-04"))
    assert cal.first_day == date(FIRST_YEAR, 1, 1) and cal.last_day == d("2027-12-31")


# -- properties ----------------------------------------------------------------------------

days = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
periods = st.one_of(
    st.builds(Period, st.integers(1, 400), st.sampled_from(["wd", "d"])),
    st.builds(Period, st.integers(1, 60), st.just("m")),
)


@settings(max_examples=400, deadline=None)
@given(days, periods)
def test_results_are_working_days_after_the_start(start: date, period: Period) -> None:
    due = official().add(start, period)
    assert official().is_working_day(due.date)
    assert due.date > start


@settings(max_examples=300, deadline=None)
@given(days, days, periods)
def test_monotonic_in_start(a: date, b: date, period: Period) -> None:
    a, b = sorted((a, b))
    assert official().add(a, period).date <= official().add(b, period).date


@settings(max_examples=300, deadline=None)
@given(days, st.integers(0, 300), st.integers(0, 300), st.sampled_from(["wd", "d", "m"]))
def test_monotonic_in_n(start: date, m: int, n: int, unit: str) -> None:
    m, n = sorted((m, n))
    if unit == "m":
        m, n = m // 5, n // 5
    cal = official()
    assert (
        cal.add(start, Period.parse(f"{m}{unit}")).date
        <= cal.add(start, Period.parse(f"{n}{unit}")).date
    )


@settings(max_examples=300, deadline=None)
@given(days, st.integers(1, 60))
def test_nwd_equals_counting_day_by_day(start: date, n: int) -> None:
    cal = official()
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    assert cal.add(start, Period(n, "wd")).date == day
    assert cal.working_days_between(start, day) == n


@settings(max_examples=300, deadline=None)
@given(days, st.integers(0, 400))
def test_nd_is_target_rolled_forward(start: date, n: int) -> None:
    cal = official()
    day = start + timedelta(days=n)
    if n:
        while not cal.is_working_day(day):
            day += timedelta(days=1)
    assert cal.add(start, Period.parse(f"{n}d")).date == day
