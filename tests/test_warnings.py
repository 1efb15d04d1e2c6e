"""Messages a clerk understands: the golden cases' exact messages, warnings that leave a task
valid and ``validate`` at exit 0, and the checks behind the warnings (``check/hints.py``)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from duban.check.pipeline import load_task_text
from duban.ledger import load_ledger
from duban.render.problems import text as report
from support import GOLDEN, make_ledger, run_cli

CASES = GOLDEN / "tasks"
EXPECT = re.compile(r"^# expect: (\S+) (\d+):(\d+)$", re.M)
BASE = (CASES / "valid" / "complete-task" / "ES-2026-9001.yaml").read_text("utf-8")
WITH_MESSAGES = sorted(p.parent for p in CASES.glob("*/*/expected.txt"))
WARNINGS = sorted((CASES / "warning").iterdir())


def expectations(case: Path) -> set[tuple[str, int, int]]:
    found = set()
    for path in case.rglob("*.yaml"):
        for code, line, col in EXPECT.findall(path.read_text(encoding="utf-8")):
            found.add((code, int(line), int(col)))
    return found


def test_there_are_message_cases() -> None:
    """One case per mistake of issue 13 (item 4); a lost folder is a lost test."""
    names = {p.name for p in WITH_MESSAGES}
    assert len(names) >= 24 and {"fullwidth-colon", "event-repeated", "date-in-chinese"} <= names


@pytest.mark.parametrize("case", WITH_MESSAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_exact_message(case: Path, tmp_path: Path) -> None:
    """``expected.txt`` holds what ``duban validate`` prints for the case, paths relative to
    the case folder: the code, the line and column of the mistake, the Chinese message."""
    ledger = make_ledger(tmp_path / "ledger", [case])
    _, problems = load_ledger(ledger)
    shown = report(problems, "zh").replace(str(ledger / "tasks" / case.name) + "/", "")
    assert shown + "\n" == (case / "expected.txt").read_text("utf-8")
    assert "Traceback" not in shown and "while scanning" not in shown


@pytest.mark.parametrize("case", WARNINGS, ids=lambda p: p.name)
def test_warning_cases_stay_valid(case: Path, tmp_path: Path) -> None:
    """Each warning case: exactly the announced warnings, and the task is still loaded."""
    ledger = make_ledger(tmp_path / "ledger", [case])
    result, problems = load_ledger(ledger)
    assert {(p.code, p.where.line, p.where.col) for p in problems} == expectations(case)
    assert {p.severity for p in problems} == {"warning"}
    assert result is not None and len(result.tasks) == 1


def test_validate_with_warnings_exits_0(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger", [CASES / "warning" / "deadline-on-holiday"])
    done = run_cli("validate", str(ledger))
    assert done.returncode == 0, done.output
    assert done.stdout.count(": 警告: due-not-working-day: ") == 1
    assert "检查通过：1 项任务（1 个警告）" in done.stderr
    english = run_cli("validate", str(ledger), "--lang", "en")
    assert ": warning: due-not-working-day: the deadline 2026-10-01" in english.stdout
    assert "OK: 1 task(s) (1 warning(s))" in english.stderr
    payload = json.loads(run_cli("validate", str(ledger), "--format", "json").stdout)
    assert payload["ok"] is True and payload["count"] == 1
    assert payload["problems"][0]["severity"] == "warning"
    github = run_cli("validate", str(ledger), "--format", "github").stdout.splitlines()
    assert len(github) == 1 and github[0].startswith("::warning file=")


def test_an_error_beside_warnings_still_fails(tmp_path: Path) -> None:
    cases = [CASES / "warning" / "event-repeated", CASES / "invalid" / "fullwidth-colon"]
    done = run_cli("validate", str(make_ledger(tmp_path / "ledger", cases)))
    assert done.returncode == 1
    assert "发现 1 个问题，涉及 1 个文件，另有 1 个警告" in done.stderr


def _problems(tmp_path: Path, text: str) -> list[tuple[str, str, int]]:
    ledger = tmp_path / "ledger"
    shutil.rmtree(ledger, ignore_errors=True)
    ledger = make_ledger(ledger)
    (ledger / "tasks" / "ES-2026-9001.yaml").write_text(text, "utf-8")
    _, problems = load_ledger(ledger)
    return [(p.code, p.severity, p.where.line) for p in problems]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("deadline: 2026-06-30", "deadline: 2026-10-31"),  # a Saturday, but "10月底前"
        ("deadline: 2026-06-30", "deadline: 2026-09-20"),  # a Sunday made a working day
        ("received: 2026-03-02", "received: 2026-03-02  # 收文日期"),  # a deliberate comment
        ("title: 制定示例工作方案", "title: 制定示例工作方案#3"),  # no space: part of the text
    ],
)
def test_no_warning(tmp_path: Path, old: str, new: str) -> None:
    assert old in BASE
    assert _problems(tmp_path, BASE.replace(old, new)) == []


def test_no_working_day_warning_for_an_estimated_year(tmp_path: Path) -> None:
    """Without a holiday notice the working days are only estimated: not warned about."""
    text = BASE.replace("deadline: 2026-06-30", "deadline: 2036-06-29")
    assert _problems(tmp_path, text) == []
    saturday = BASE.replace("deadline: 2026-06-30", "deadline: 2026-06-27")
    assert _problems(tmp_path, saturday) == [("due-not-working-day", "warning", 12)]


def test_an_extended_deadline_on_a_day_off(tmp_path: Path) -> None:
    extension = (
        "  - {date: 2026-06-20, type: extension-approved, by: zfb, deadline: 2026-10-03,"
        " note: 同意延期}\n"
    )
    assert _problems(tmp_path, BASE + extension) == [("due-not-working-day", "warning", 20)]


def test_closed_after_completed_and_reopened(tmp_path: Path) -> None:
    done = (
        "  - {date: 2026-05-14, type: completed, by: fgw}\n"
        "  - {date: 2026-05-15, type: verified, by: zfb}\n"
        "  - {date: 2026-05-15, type: closed, by: zfb}\n"
    )
    assert _problems(tmp_path, BASE + done) == []
    again = (
        "  - {date: 2026-05-20, type: reopened, by: zfb, note: 群众反映问题未解决}\n"
        "  - {date: 2026-05-21, type: closed, by: zfb}\n"
    )
    assert _problems(tmp_path, BASE + done + again) == [("closed-without-completed", "warning", 24)]


def test_same_event_with_another_note_is_not_repeated(tmp_path: Path) -> None:
    one = "  - {date: 2026-04-20, type: progress-reported, by: fgw, note: 完成初稿}\n"
    two = "  - {date: 2026-04-20, type: progress-reported, by: fgw, note: 征求意见}\n"
    assert _problems(tmp_path, BASE + one + two) == []
    assert _problems(tmp_path, BASE + one + one + one) == [
        ("event-repeated", "warning", 21),
        ("event-repeated", "warning", 22),
    ]


def test_warnings_leave_check_change_alone() -> None:
    """``check-change`` refuses on any problem: it loads task files without the calendar,
    so a warning (for people) never refuses a change."""
    text = BASE.replace("deadline: 2026-06-30", "deadline: 2026-10-01")
    text = text.replace("title: 制定示例工作方案", "title: 制定示例工作方案 #3")
    units = {"zfb", "fgw", "czj"}
    task, problems = load_task_text(
        text.encode(), "ledger/tasks/ES-2026-9001.yaml", "ES", units, {}
    )
    assert task is not None and problems == []


def test_unknown_unit_lists_the_codes_without_a_close_one(tmp_path: Path) -> None:
    text = BASE.replace("by: fgw}", "by: xyz}")
    ledger = make_ledger(tmp_path / "ledger")
    (ledger / "tasks" / "ES-2026-9001.yaml").write_text(text, "utf-8")
    _, problems = load_ledger(ledger)
    assert [p.zh for p in problems] == [
        "单位代码 “xyz” 不在 units.yaml 中（可用的单位代码：czj、fgw、zfb）"
    ]


def test_one_message_per_wrong_date(tmp_path: Path) -> None:
    """Every date field written the Chinese way gets one message each, nothing from the
    schema beside it; an impossible one says it is not a real date."""
    text = BASE.replace("2026-03-05", "2026/3/5").replace("2026-04-15", "２０２６年４月１５日")
    text = text.replace("deadline: 2026-06-30", "deadline: 2026/2/30")
    got = _problems(tmp_path, text)
    assert got == [
        ("date-form", "error", 12),
        ("date-form", "error", 15),
        ("date-form", "error", 18),
    ]
    ledger = tmp_path / "ledger"
    _, problems = load_ledger(ledger)
    assert "应写成 2026-04-15" in problems[1].zh and "不是真实存在的日期" in problems[0].zh


def test_a_hostile_file_of_comments_and_colons(tmp_path: Path) -> None:
    """Many lines that look like every mistake at once: bounded, no traceback."""
    line = "  - {date: 2026-03-05，type: x # y: z： 【 ｛ 　\n"
    text = BASE + line * 5000
    ledger = make_ledger(tmp_path / "ledger")
    (ledger / "tasks" / "ES-2026-9001.yaml").write_text(text, "utf-8")
    _, problems = load_ledger(ledger)
    assert [p.code for p in problems] == ["yaml-fullwidth-comma"]


def test_a_glued_key_hides_only_what_it_causes(tmp_path: Path) -> None:
    """The schema's missing ``date`` and unknown ``date:...`` of the broken event give way to
    the one message; another mistake in the same event is still reported."""
    event = "  - {date: 2026-03-05, type: deployed, by: fgw}"
    text = BASE.replace(event, "  - {date:2026-03-05, type: deploy, by: fgw}")
    assert _problems(tmp_path, text) == [
        ("yaml-no-space-after-colon", "error", 18),
        ("schema-enum", "error", 18),
    ]
