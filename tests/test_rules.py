"""The rule catalogue: every time limit of the measures (ARCHITECTURE.md, "Where each
measure lives"), with its measure and wording."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest
from duban.calendar.rules import TASK_OBLIGATIONS, Rule
from duban.calendar.workdays import CalendarRangeError, Due, Period
from duban.load.calendar import load_calendar
from duban.load.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "ledger" / "rules.yaml"


@cache
def catalogue() -> dict[str, Rule]:
    rules, problems = load_rules(RULES)
    assert problems == []
    return rules


# rule id → (measure, normal period, important, urgent, starts, met_by, kind)
EXPECTED = {
    "decompose": ("四", "1wd", "1wd", "1wd", "received", "decomposed", "deadline"),
    "report-to-leader": ("五", "0d", "0d", "0d", "received", "reported-to-leader", "deadline"),
    "deploy": ("五", "3wd", "3wd", "0d", "received", "deployed", "deadline"),
    "plan-feedback": ("七", "5wd", "0d", "0d", "received", "plan-reported", "deadline"),
    "progress-feedback": (
        "七",
        "10wd",
        "10wd",
        "10wd",
        "received",
        "progress-reported",
        "deadline",
    ),
    "complete": ("八", None, None, None, "received", "completed", "deadline"),
    "verify": ("八", "5wd", "5wd", "5wd", "completed", "verified", "deadline"),
    "joint-meeting": ("十", None, None, None, None, None, "recurring"),
    "annual-report": ("十", None, None, None, None, None, "recurring"),
    "meeting-scheduled": ("十二", "15wd", "15wd", "15wd", "ready", None, "deadline"),
    "leave-extension": ("十三", "1d", "1d", "1d", "leave-end", None, "deadline"),
    "field-research": ("十六", None, None, None, None, None, "quota"),
    "draft-general": ("十七", "15d", "15d", "15d", "received", "completed", "deadline"),
    "draft-major": ("十七", "20d", "20d", "20d", "received", "completed", "deadline"),
    "draft-special": ("十七", "1m", "1m", "1m", "received", "completed", "deadline"),
    "incoming-urgent": ("十七", "0d", "0d", "0d", "received", "completed", "deadline"),
    "incoming-regular": ("十七", "5wd", "0d", "0d", "received", "completed", "deadline"),
    "issue-adopted": ("十七", "7wd", "7wd", "7wd", "meeting", "completed", "deadline"),
    "minutes": ("十七", "5wd", "5wd", "5wd", "meeting", "completed", "deadline"),
}


def test_every_time_limit_is_in_the_catalogue() -> None:
    assert set(catalogue()) == set(EXPECTED)
    assert set(TASK_OBLIGATIONS) <= set(catalogue())


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_rule(rule_id: str) -> None:
    measure, normal, important, urgent, starts, met_by, kind = EXPECTED[rule_id]
    rule = catalogue()[rule_id]
    assert (rule.measure, rule.starts, rule.met_by, rule.kind) == (measure, starts, met_by, kind)
    for priority, want in (("normal", normal), ("important", important), ("urgent", urgent)):
        got = rule.period_for(priority)
        assert (str(got) if got else None) == want, priority
    assert rule.where.path.endswith("rules.yaml") and rule.where.line > 0


def test_wording_is_the_measures_in_simplified_characters() -> None:
    rules = catalogue()
    assert "1个工作日内将任务分解落实" in rules["decompose"].text
    assert "知悉当日报告单位主要领导" in rules["report-to-leader"].text
    assert "一般性工作应在3个工作日内部署落实" in rules["deploy"].text
    assert "5个工作日内反馈落实方案" in rules["plan-feedback"].text
    assert "重要事项、紧急事项第一时间反馈" in rules["plan-feedback"].text
    assert "不超过15个工作日安排会议研究" in rules["meeting-scheduled"].text
    assert "提前1天" in rules["leave-extension"].text
    assert "不少于60天" in rules["field-research"].text
    assert rules["field-research"].quota == 60 and rules["field-research"].every == "year"
    assert rules["joint-meeting"].every == "quarter"
    assert "会后7个工作日内印发" in rules["issue-adopted"].text
    assert "会后5个工作日内印发" in rules["minutes"].text
    for rule in rules.values():  # no Traditional characters left over
        assert not set("與後應對時間內務會議報會處辦現關發") & set(rule.text), rule.id


def test_verify_is_configurable() -> None:
    assert catalogue()["verify"].configurable


def test_usable_as_deadline() -> None:
    rules = catalogue()
    assert rules["draft-general"].usable_as_deadline
    assert rules["minutes"].usable_as_deadline  # the task is received at the meeting
    for rule in ("complete", "verify", "leave-extension", "joint-meeting", "field-research"):
        assert not rules[rule].usable_as_deadline, rule


def test_due_with_the_calendar() -> None:
    calendar, _ = load_calendar(ROOT / "ledger" / "calendar")
    rules = catalogue()
    start = date(2026, 3, 2)
    assert rules["plan-feedback"].due(calendar, start) == Due(date(2026, 3, 9), False)
    assert rules["plan-feedback"].due(calendar, start, "urgent") == Due(start, False)
    assert rules["draft-special"].due(calendar, date(2026, 1, 31)) == Due(date(2026, 2, 28), False)
    assert rules["complete"].due(calendar, start) is None
    assert rules["leave-extension"].due(calendar, date(2026, 3, 10)) == Due(date(2026, 3, 9), False)
    assert rules["deploy"].period_for("urgent") == Period(0, "d")


@pytest.mark.parametrize("start", [date(1, 1, 1), date(2003, 12, 31)])
def test_backward_rule_start_outside_the_calendar(start: date) -> None:
    calendar, _ = load_calendar(ROOT / "ledger" / "calendar")
    with pytest.raises(CalendarRangeError):
        catalogue()["leave-extension"].due(calendar, start)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("rules:\n  - {id: x, measure: 四}\n", "schema-required"),
        ("rules: []\n", "schema-min-items"),
        (
            "rules:\n  - {id: decompose, measure: 十八, title: 分解, text: 原文原文,"
            " kind: deadline,"
            " applies: task, period: 1wd, starts: received, met_by: decomposed}\n",
            "schema-enum",
        ),
        (
            "rules:\n  - {id: decompose, measure: 四, title: 分解, text: 原文原文, kind: deadline,"
            " applies: task, period: 1week, starts: received, met_by: decomposed}\n",
            "schema-any-of",
        ),
        (
            "rules:\n  - {id: decompose, measure: 四, title: 分解, text: 原文原文, kind: deadline,"
            " applies: task, period: 1wd, met_by: decomposed}\n",
            "schema-required",
        ),
    ],
)
def test_bad_catalogue(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    rules, problems = load_rules(path)
    assert rules == {}
    assert code in [p.code for p in problems], problems


def test_duplicate_and_missing_ids(tmp_path: Path) -> None:
    item = (
        "  - {id: decompose, measure: 四, title: 分解, text: 原文原文, kind: deadline,"
        " applies: task, period: 1wd, starts: received, met_by: decomposed}\n"
    )
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n" + item + item, encoding="utf-8")
    _, problems = load_rules(path)
    codes = [p.code for p in problems]
    assert "rules-duplicate-id" in codes and "rules-missing" in codes
    duplicate = next(p for p in problems if p.code == "rules-duplicate-id")
    assert duplicate.where.line == 3
