"""`duban validate`: golden task files, every check with its exact line and column."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from duban.ledger import load_ledger
from support import GOLDEN, SAMPLE, make_ledger, run_cli, run_installed

CASES = GOLDEN / "tasks"
EXPECT = re.compile(r"^# expect: (\S+) (\d+):(\d+)$", re.M)


def expectations(case: Path) -> set[tuple[str, str, int, int]]:
    found = set()
    for path in case.rglob("*.yaml"):
        for code, line, col in EXPECT.findall(path.read_text(encoding="utf-8")):
            found.add((str(path.relative_to(case)), code, int(line), int(col)))
    return found


def problems_of(ledger: Path, case: Path) -> set[tuple[str, str, int, int]]:
    _, problems = load_ledger(ledger)
    base = ledger / "tasks" / case.name
    return {
        (
            str(Path(p.where.path).resolve().relative_to(base.resolve())),
            p.code,
            p.where.line,
            p.where.col,
        )
        for p in problems
    }


@pytest.mark.parametrize("case", sorted((CASES / "valid").iterdir()), ids=lambda p: p.name)
def test_valid_tasks(case: Path, tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger", [case])
    result, problems = load_ledger(ledger)
    assert [str(p.where) + " " + p.code for p in problems] == []
    assert result is not None and len(result.tasks) == 1


@pytest.mark.parametrize("case", sorted((CASES / "invalid").iterdir()), ids=lambda p: p.name)
def test_invalid_tasks(case: Path, tmp_path: Path) -> None:
    expected = expectations(case)
    assert expected, "every invalid case names what it expects"
    ledger = make_ledger(tmp_path / "ledger", [case])
    assert problems_of(ledger, case) == expected


def test_all_invalid_cases_in_one_run(tmp_path: Path) -> None:
    """Every problem is reported in a single run, not just the first."""
    cases = sorted((CASES / "invalid").iterdir())
    ledger = make_ledger(tmp_path / "ledger", cases)
    _, problems = load_ledger(ledger)
    assert len({p.where.path for p in problems}) == sum(
        len({path for path, *_ in expectations(c)}) for c in cases
    )


def run(*args: str, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return run_cli(*args, cwd=cwd)


@pytest.fixture
def broken_ledger(tmp_path: Path) -> Path:
    cases = [CASES / "invalid" / "impossible-date", CASES / "invalid" / "owner-verifies"]
    return make_ledger(tmp_path / "ledger", cases)


def test_cli_text(broken_ledger: Path) -> None:
    result = run("validate", str(broken_ledger))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.match(
        r".+ES-2026-9001\.yaml:5:1: schema-format: .*2026-02-30.*不是真实存在的日期", lines[0]
    )
    assert "duty-separation" in lines[1] and "[$.events[3].by]" in lines[1]
    assert "发现 2 个问题" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_english(broken_ledger: Path) -> None:
    result = run("validate", str(broken_ledger), "--lang", "en")
    assert "is not a real date" in result.stdout
    assert "2 problem(s)" in result.stderr


def test_cli_json(broken_ledger: Path) -> None:
    result = run("validate", str(broken_ledger), "--format", "json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["count"] == 2
    first = payload["problems"][0]
    assert {k: first[k] for k in ("line", "col", "code", "field")} == {
        "line": 5,
        "col": 1,
        "code": "schema-format",
        "field": "$.received",
    }


def test_cli_github(broken_ledger: Path) -> None:
    result = run("validate", str(broken_ledger), "--format", "github")
    lines = result.stdout.splitlines()
    assert all(line.startswith("::error file=") for line in lines)
    assert ",line=5,col=1,title=schema-format::" in lines[0]


def test_cli_clean_and_missing(golden_ledger: Path, tmp_path: Path) -> None:
    shutil.copytree(CASES / "valid" / "complete-task", golden_ledger / "tasks" / "2026")
    ok = run("validate", str(golden_ledger))
    assert ok.returncode == 0 and ok.stdout == "" and "检查通过：1 项任务" in ok.stderr
    missing = run("validate", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "找不到台账目录" in missing.stderr


@pytest.mark.packaging
def test_sample_ledger_is_clean() -> None:
    """End to end: the installed command on the bundled ledger."""
    result = run_installed("validate", SAMPLE)
    assert result.returncode == 0, result.stdout
    tasks = int(re.search(r"(\d+) 项任务", result.stderr).group(1))
    assert tasks >= 30


def test_missing_calendar_and_misnamed_task_files(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger", [CASES / "valid" / "complete-task"])
    shutil.rmtree(ledger / "calendar")
    (ledger / "tasks" / "complete-task" / "ES-2026-9002.yml").write_text("id: x\n", "utf-8")
    _, problems = load_ledger(ledger)
    assert sorted((p.code, Path(p.where.path).name) for p in problems) == [
        ("file-extension", "ES-2026-9002.yml"),
        ("file-missing", "calendar"),
    ]


def test_folder_named_like_a_task_file_is_only_walked(tmp_path: Path) -> None:
    """A folder ``2026.yaml/`` is not a task file (no crash reading it); its tasks count."""
    ledger = make_ledger(tmp_path / "ledger")
    shutil.copytree(CASES / "valid" / "complete-task", ledger / "tasks" / "2026.yaml")
    (ledger / "tasks" / "empty.yml").mkdir()
    result, problems = load_ledger(ledger)
    assert problems == [] and result is not None and len(result.tasks) == 1


@pytest.mark.parametrize("make", ["nothing", "file"])
def test_missing_tasks_folder_is_an_error(tmp_path: Path, make: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    (ledger / "tasks").rmdir()
    if make == "file":
        (ledger / "tasks").write_text("", "utf-8")
    _, problems = load_ledger(ledger)
    assert [(p.code, Path(p.where.path).name, p.severity) for p in problems] == [
        ("file-missing", "tasks", "error")
    ]
    result = run("validate", str(ledger))
    assert result.returncode == 1 and "tasks/" in result.stdout


def test_rule_deadline_beyond_the_calendar(tmp_path: Path) -> None:
    """A deadline_rule counted from a late received date falls past the calendar's last
    day: reported at the rule, and the task is left out (status could not compute it)."""
    ledger = make_ledger(tmp_path / "ledger")
    text = (CASES / "valid" / "rule-deadline" / "ES-2026-9001.yaml").read_text("utf-8")
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "2036-12-28", text)
    (ledger / "tasks" / "ES-2026-9001.yaml").write_text(text, "utf-8")
    result, problems = load_ledger(ledger)
    assert [(p.code, p.field, p.where.line) for p in problems] == [
        ("date-out-of-calendar", "$.deadline_rule", 12)
    ]
    assert result is not None and result.tasks == ()


def test_build_site_failure_does_not_exit(tmp_path: Path) -> None:
    """``duban serve`` rebuilds through ``_build_site``: a broken ledger must not stop it."""
    from duban.cli.build import build_once as _build_site

    ledger = make_ledger(tmp_path / "ledger")
    (ledger / "ledger.yaml").write_text("name: [\n", "utf-8")
    assert _build_site(ledger, None, tmp_path / "site", None, None, False, "en") is None


def test_a_duplicate_id_names_the_id_a_new_task_would_take(golden_ledger: Path) -> None:
    """Two clerks took the same next id: the second is told which one is free (one more than
    the highest in use, counting a file that does not load)."""
    from support.tasks import write_task

    for number in (1, 2, 7):
        write_task(golden_ledger, task_id=f"ES-2026-{number:04d}")
    write_task(golden_ledger, folder="2026b", task_id="ES-2026-0007")
    (golden_ledger / "tasks" / "2026" / "ES-2026-0011.yaml").write_text("id: [", "utf-8")
    write_task(golden_ledger, task_id="ES-2025-0003", received="2025-09-30")
    _, problems = load_ledger(golden_ledger)
    [dup] = [p for p in problems if p.code == "duplicate-id"]
    assert "ES-2026-0012" in dup.message("zh") and "ES-2026-0012" in dup.message("en")
    assert "重复（已用于" in dup.message("zh")
