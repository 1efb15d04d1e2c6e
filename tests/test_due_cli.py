"""``duban due DATE PERIOD [--json]`` (README.md, "Commands"), through click's runner."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from duban.calendar.clock import DateError, parse_date, today
from support import run_cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    dest = tmp_path / "ledger"
    dest.mkdir()
    shutil.copytree(ROOT / "ledger" / "calendar", dest / "calendar")
    shutil.copy(ROOT / "ledger" / "rules.yaml", dest / "rules.yaml")
    return dest


def run(*args: str) -> tuple[int, str, str]:
    result = run_cli("due", *args)
    return result.exit_code, result.stdout, result.stderr


def test_plain(ledger: Path) -> None:
    code, out, err = run("2026-03-06", "5wd", "--ledger", str(ledger))
    assert (code, out, err) == (0, "2026-03-13\n", "")


def test_json_official(ledger: Path) -> None:
    code, out, _ = run("2026-02-14", "1wd", "--json", "--ledger", str(ledger))
    assert code == 0
    assert out == '{"due": "2026-02-24", "provisional": false}\n'


def test_provisional_then_official_with_2027(ledger: Path) -> None:
    code, out, err = run("2026-12-28", "5wd", "--json", "--ledger", str(ledger))
    assert code == 0 and err == ""
    assert json.loads(out) == {"due": "2027-01-05", "provisional": True}
    code, out, err = run("2026-12-28", "5wd", "--ledger", str(ledger))
    assert out == "2027-01-05\n" and "2027" in err and "暂定" in err
    code, out, err = run("2026-12-28", "5wd", "--ledger", str(ledger), "--lang", "en")
    assert "provisional" in err

    (ledger / "calendar" / "2027.yaml").write_text(
        "# yaml-language-server: $schema=../../schemas/calendar.schema.json\n"
        "year: 2027\n"
        "notice: 国务院办公厅关于2027年部分节假日安排的通知\n"
        "holidays:\n"
        "  - {name: 元旦, days_off: [2027-01-01..2027-01-03]}\n",
        encoding="utf-8",
    )
    code, out, err = run("2026-12-28", "5wd", "--json", "--ledger", str(ledger))
    assert code == 0
    assert json.loads(out) == {"due": "2027-01-05", "provisional": False}
    code, out, err = run("2026-12-28", "5wd", "--ledger", str(ledger))
    assert (out, err) == ("2027-01-05\n", "")


def test_rule_and_priority(ledger: Path) -> None:
    base = ("2026-03-02", "--ledger", str(ledger), "--json")
    assert json.loads(run(*base, "--rule", "plan-feedback")[1])["due"] == "2026-03-09"
    out = run(*base, "--rule", "plan-feedback", "--priority", "urgent")[1]
    assert json.loads(out)["due"] == "2026-03-02"
    assert json.loads(run(*base, "--rule", "draft-general")[1])["due"] == "2026-03-17"


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["2026-02-30", "5wd"], "不是真实存在的日期", "not a real date"),
        (["2026/03/02", "5wd"], "YYYY-MM-DD", "YYYY-MM-DD"),
        (["2026-03-02", "5x"], "格式不对", "not valid"),
        (["2026-03-02", "--rule", "no-such-rule"], "没有编号为", "no rule"),
        (["2026-03-02", "--rule", "complete"], "没有固定时限", "no fixed period"),
        (["2026-03-02"], "二者选一", "either"),
        (["2026-03-02", "5wd", "--rule", "deploy"], "二者选一", "either"),
        (["2003-06-01", "5wd"], "超出工作日历范围", "outside"),
        (["2026-03-06", "100000m"], "超出工作日历范围", "outside"),
        (["2026-03-06", "99999d"], "超出工作日历范围", "outside"),
        (["0001-01-01", "--rule", "leave-extension"], "超出工作日历范围", "outside"),
        (["2003-12-31", "--rule", "leave-extension"], "超出工作日历范围", "outside"),
    ],
)
def test_errors_exit_2_without_traceback(ledger: Path, args: list[str], zh: str, en: str) -> None:
    code, out, err = run(*args, "--ledger", str(ledger))
    assert code == 2 and out == "" and zh in err and "Traceback" not in err
    code, out, err = run(*args, "--ledger", str(ledger), "--lang", "en")
    assert code == 2 and en in err


def test_missing_ledger(tmp_path: Path) -> None:
    code, _, err = run("2026-03-02", "5wd", "--ledger", str(tmp_path / "nowhere"))
    assert code == 2 and "找不到" in err


def test_broken_calendar_file_exits_2(ledger: Path) -> None:
    (ledger / "calendar" / "2026.yaml").write_text("year: 2026\nholidays: []\n", encoding="utf-8")
    code, _, err = run("2026-03-02", "5wd", "--ledger", str(ledger))
    assert code == 2 and "2026.yaml" in err


def test_default_ledger_is_the_repositorys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert run("2025-09-26", "5wd") == (0, "2025-10-10\n", "")


# -- clock -------------------------------------------------------------------------------


def test_today_is_beijing_date_not_utc() -> None:
    late_utc = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)  # 02:30 on Mar 2 in Beijing
    assert today(now=late_utc) == date(2026, 3, 2)
    assert today("UTC", now=late_utc) == date(2026, 3, 1)
    with pytest.raises(DateError):
        today("Mars/Olympus")


def test_parse_date() -> None:
    assert parse_date("2026-03-02") == date(2026, 3, 2)
    for bad in ("2026-02-30", "2026-3-2", "20260302", "", "tomorrow", "2026-03-02x"):
        with pytest.raises(DateError):
            parse_date(bad)
