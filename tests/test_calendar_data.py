"""The calendar files: schema-valid, each naming its notice, and every day 2004–2026 agreeing
with an independent source (the ``chinesecalendar`` package)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from duban.load.calendar import load_calendar, read_calendar_file
from support import need_module

ROOT = Path(__file__).resolve().parents[1]
CALENDAR = ROOT / "ledger" / "calendar"
YEARS = range(2004, 2027)

#: Days on which we knowingly disagree with chinesecalendar, with the notice that settles it.
#: (None today: the package agrees with every notice from 2004 to 2026.)
DISAGREEMENTS: dict[date, str] = {}


def test_every_year_has_a_file() -> None:
    assert sorted(p.stem for p in CALENDAR.glob("[0-9]*.yaml")) == [str(y) for y in YEARS]
    assert (CALENDAR / "local.yaml").exists()


@pytest.mark.parametrize("year", YEARS)
def test_file_is_valid_and_names_its_notice(year: int) -> None:
    path = CALENDAR / f"{year}.yaml"
    loaded, problems = read_calendar_file(path)
    assert problems == []
    assert loaded is not None and loaded.year == year
    assert loaded.notice == f"国务院办公厅关于{year}年部分节假日安排的通知"
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schemas/calendar.schema.json"
    )
    names = {e.name for e in loaded.entries}
    assert {"元旦", "春节", "国庆节"} <= {n for name in names for n in name.split("、")}


def test_every_day_agrees_with_chinesecalendar() -> None:
    # The independent source; skipped without it on a developer machine, failed under CI=true.
    chinese_calendar = need_module("chinese_calendar")
    calendar, problems = load_calendar(CALENDAR)
    assert problems == []
    day, differences = date(2004, 1, 1), []
    while day <= date(2026, 12, 31):
        ours = calendar.is_working_day(day)
        theirs = chinese_calendar.is_workday(day)
        if ours != theirs and day not in DISAGREEMENTS:
            differences.append((day.isoformat(), ours, theirs))
        day += timedelta(days=1)
    assert differences == []


def test_one_off_notices_are_recorded() -> None:
    notices = {}
    for year in (2015, 2019, 2020):
        loaded, _ = read_calendar_file(CALENDAR / f"{year}.yaml")
        assert loaded is not None
        notices.update({e.name: e.notice for e in loaded.entries})
    assert notices["春节（延长假期）"] == "国务院办公厅关于延长2020年春节假期的通知"
    assert notices["劳动节（调整）"] == "国务院办公厅关于调整2019年劳动节假期安排的通知"
    assert (
        "70周年纪念日调休放假的通知"
        in notices["中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"]
    )


def test_local_days_off_apply(tmp_path: Path) -> None:
    shutil.copytree(CALENDAR, tmp_path / "calendar")
    (tmp_path / "calendar" / "local.yaml").write_text(
        "holidays:\n  - {name: 自治州成立纪念日, days_off: [2026-08-19], notice: 州政府通知示例}\n",
        encoding="utf-8",
    )
    calendar, problems = load_calendar(tmp_path / "calendar")
    assert problems == []
    assert not calendar.is_working_day(date(2026, 8, 19))
    assert calendar.day_off_name(date(2026, 8, 19)) == "自治州成立纪念日"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "year: 2026\nnotice: 通知名称示例\nholidays:\n"
            "  - {name: 元旦, days_off: [2026-02-30]}\n",
            "schema-any-of",
        ),
        (
            "year: 2026\nnotice: 通知名称示例\nholidays:\n"
            "  - {name: 元旦, days_off: [2026-01-03..2026-01-01]}\n",
            "calendar-bad-range",
        ),
        (
            "year: 2026\nnotice: 通知名称示例\nholidays:\n"
            "  - {name: 元旦, days_off: [2026-01-01..2026-02-30]}\n",
            "calendar-bad-date",
        ),
        ("year: 2025\nnotice: 通知名称示例\nholidays: []\n", "calendar-year-mismatch"),
        ("year: 2026\nholidays: []\n", "schema-required"),
        (
            "year: 2026\nnotice: 通知名称示例\nholidays:\n"
            "  - {name: 元旦, days_off: [2026-01-01], workdays: [2026-01-01]}\n",
            "calendar-off-and-working",
        ),
        (
            "year: 2026\nnotice: 通知名称示例\nholidays:\n"
            "  - {name: 元旦, days_off: [2029-01-01]}\n",
            "calendar-date-out-of-year",
        ),
        (
            "year: 2026\nnotice: 通知名称示例\nholidays: []\nextra: 1\n",
            "schema-additional-properties",
        ),
    ],
)
def test_bad_files_are_reported_with_a_location(tmp_path: Path, text: str, code: str) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "2026.yaml").write_text(text, encoding="utf-8")
    calendar, problems = load_calendar(folder)
    assert code in [p.code for p in problems], problems
    assert all(p.where.path.endswith("2026.yaml") and p.where.line >= 1 for p in problems)
    assert calendar.is_provisional(2026)  # a broken file is left out, never half-used
