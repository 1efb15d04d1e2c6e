"""`duban new` on copies of the sample and golden ledgers: the file it writes validates, its
id is the next free one of its year, every refusal writes nothing, and any text round-trips
through the strict loader."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import duban.cli.new as new_cli
import pytest
from duban.clerk import newtask
from duban.clerk.yamltext import scalar
from duban.ledger import load_ledger
from duban.load.yamlload import load_text
from hypothesis import given, settings
from hypothesis import strategies as st
from support import SAMPLE, make_ledger, run_cli, write_task

GOOD = (
    "--title", "制定示例工作方案",
    "--unit", "fgw",
    "--standard", "形成正式方案并印发",
    "--received", "2026-11-02",
    "--deadline", "2026-12-31",
)  # fmt: skip


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample ledger."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "ledger"))


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    """The golden ledger (prefix ES, one assigning unit zfb), no tasks."""
    return make_ledger(tmp_path / "ledger")


def test_new_then_validate(sample: Path) -> None:
    highest = max(int(p.stem[-4:]) for p in (sample / "tasks" / "2026").glob("*.yaml"))
    result = run_cli(
        "new", *GOOD, "--unit", "州发改委", "--co-units", "czj，州教育局",
        "--source", "州政府2026年第20次常务会议", "--ledger", sample,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == sample / "tasks" / "2026" / f"SL-2026-{highest + 1:04d}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == newtask.SCHEMA_LINE
    assert "owner:\n  unit: fgw\n  lead: 主要负责同志\n  co_units: [czj, jyj]\n" in text
    assert "source: 州政府2026年第20次常务会议\n" in text
    check = run_cli("validate", sample)
    assert check.exit_code == 0, check.output
    ledger, _ = load_ledger(sample)
    assert ledger is not None
    made = {t.id: t for t in ledger.tasks}[path.stem]
    assert (made.title, made.assigned_by, str(made.deadline)) == (
        "制定示例工作方案",
        "zfb",
        "2026-12-31",
    )


def test_rule_instead_of_deadline(golden: Path) -> None:
    args = [a for a in GOOD if a not in ("--deadline", "2026-12-31")]
    result = run_cli("new", *args, "--rule", "draft-general", "--ledger", golden)
    assert result.exit_code == 0, result.output
    text = Path(result.stdout.strip()).read_text(encoding="utf-8")
    assert "deadline_rule: draft-general\n" in text and "\ndeadline:" not in text
    assert run_cli("validate", golden).exit_code == 0


def test_next_id_with_gaps_invalid_files_and_other_years(golden: Path) -> None:
    tasks = golden / "tasks"
    write_task(golden, task_id="ES-2026-0002")
    # a gap (0002 .. 0007), a file that does not load, a misnamed one, another year's
    (tasks / "2026" / "ES-2026-0007.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (tasks / "old").mkdir()
    (tasks / "old" / "ES-2026-0011.yml").write_text("id: ES-2026-0011\n", encoding="utf-8")
    (tasks / "2025").mkdir()
    (tasks / "2025" / "ES-2025-0090.yaml").write_text("broken: [\n", encoding="utf-8")
    result = run_cli("new", *GOOD, "--ledger", golden)
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).name == "ES-2026-0012.yaml"
    again = run_cli("new", *GOOD, "--received", "2027-01-04", "--deadline", "2027-03-31",
                    "--ledger", golden)  # fmt: skip
    assert again.exit_code == 0, again.output
    assert Path(again.stdout.strip()) == tasks / "2027" / "ES-2027-0001.yaml"


def test_dry_run_prints_what_would_be_written(golden: Path) -> None:
    before = files(golden)
    shown = run_cli("new", *GOOD, "--dry-run", "--ledger", golden)
    assert shown.exit_code == 0, shown.output
    assert files(golden) == before
    made = run_cli("new", *GOOD, "--ledger", golden)
    assert Path(made.stdout.strip()).read_text(encoding="utf-8") == shown.stdout


REFUSED = [
    # (arguments replacing GOOD's, exit code, a phrase of the message)
    (("--title", "短"), 1, "$.title"),
    (("--unit", "不存在的局"), 1, "找不到单位 “不存在的局”"),
    (("--deadline", "2026-10-01"), 1, "早于收到日期"),
    (("--deadline", "2026-02-30"), 2, "不是真实存在的日期"),
    (("--rule", "deploy"), 2, "--deadline 与 --rule 只能给出一个"),
    (("--title", "联系人电话13912345678的任务"), 1, "personal"),
    (("--assigned-by", "fgw"), 1, "assigned_by"),
    (("--received", "2099-01-05", "--deadline", "2099-02-01"), 1, "超出工作日历范围"),
]


def _args(extra: tuple[str, ...]) -> list[str]:
    out = list(GOOD)
    for i in range(0, len(extra), 2):
        if extra[i] in out:
            out[out.index(extra[i]) + 1] = extra[i + 1]
        else:
            out += [extra[i], extra[i + 1]]
    return out


@pytest.mark.parametrize(("extra", "code", "phrase"), REFUSED)
def test_refusals_write_nothing(
    golden: Path, extra: tuple[str, ...], code: int, phrase: str
) -> None:
    before = files(golden)
    result = run_cli("new", *_args(extra), "--ledger", golden)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    message = result.stderr
    if phrase == "personal":
        assert "未写入任何文件" in message
    else:
        assert phrase in message, message
    assert files(golden) == before


def test_missing_value_without_a_terminal_names_the_option(golden: Path) -> None:
    before = files(golden)
    for option in ("--title", "--unit", "--standard"):
        args = list(GOOD)
        i = args.index(option)
        del args[i : i + 2]
        result = run_cli("new", *args, "--ledger", golden)
        assert result.exit_code == 2, result.output
        assert option in result.stderr and "缺少" in result.stderr
    result = run_cli("new", *GOOD[:-2], "--ledger", golden)
    assert result.exit_code == 2 and "--deadline 或 --rule" in result.stderr
    assert files(golden) == before


def test_several_assigning_units_need_assigned_by(golden: Path) -> None:
    units = golden / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8")
        + "  - {code: dcs, name: 测试州督查室, short_name: 督查室, kind: assigning,"
        " maintainers: [dcs-clerk]}\n",
        encoding="utf-8",
    )
    before = files(golden)
    result = run_cli("new", *GOOD, "--ledger", golden)
    assert result.exit_code == 2
    assert "zfb、dcs" in result.stderr and "--assigned-by" in result.stderr
    assert files(golden) == before
    chosen = run_cli("new", *GOOD, "--assigned-by", "督查室", "--ledger", golden)
    assert chosen.exit_code == 0, chosen.output
    assert "assigned_by: dcs\n" in Path(chosen.stdout.strip()).read_text(encoding="utf-8")


def test_prompts_in_chinese_at_a_terminal(golden: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_cli, "interactive", lambda: True)
    answers = "制定示例工作方案\n州发改委\n形成正式方案并印发\n2026-12-31\n"
    result = run_cli("new", "--received", "2026-11-02", "--ledger", golden, input=answers)
    assert result.exit_code == 0, result.output
    for prompt in ("督办事项", "责任单位", "工作标准", "完成时限"):
        assert prompt in result.stdout
    path = golden / "tasks" / "2026" / "ES-2026-0001.yaml"
    assert path.is_file() and "unit: fgw" in path.read_text(encoding="utf-8")
    assert run_cli("validate", golden).exit_code == 0


def test_bytes_that_are_not_utf8_are_refused(golden: Path) -> None:
    before = files(golden)
    result = run_cli("new", *_args(("--title", "制定\udcff方案示例")), "--ledger", golden)
    assert result.exit_code == 2 and "UTF-8" in result.stderr
    assert files(golden) == before


HOSTILE_TITLES = [
    '关于"示例"的方案：第1项: 落实',
    "* 星号开头的任务",
    "&锚点开头的任务",
    "!标签开头的任务",
    "@at开头的任务",
    "- 横线开头的任务",
    "? 问号开头的任务",
    "任务 # 不是注释",
    "第一行\n第二行",
    "'单引号' 开头",
    "true",
    "2026-03-05",
    "  前后有空格  ",
    "长" * 200,
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_are_written_correctly(golden: Path, title: str) -> None:
    result = run_cli("new", *_args(("--title", title)), "--ledger", golden)
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    doc, problems = load_text(path.read_bytes(), str(path))
    assert problems == [] and doc is not None
    assert doc.data["title"] == title
    assert run_cli("validate", golden).exit_code == 0


def test_too_long_title_is_refused(golden: Path) -> None:
    before = files(golden)
    result = run_cli("new", *_args(("--title", "长" * 5000)), "--ledger", golden)
    assert result.exit_code == 1 and "$.title" in result.stderr
    assert files(golden) == before


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_round_trips_through_the_strict_loader(value: str) -> None:
    for flow, wrapped, expected in (
        (False, f"k: {scalar(value)}\n", value),
        (True, f"k: [{scalar(value)}]\n", [value]),
        (True, f"k: [{{note: {scalar(value)}}}]\n", [{"note": value}]),
    ):
        doc, problems = load_text(wrapped.encode("utf-8"), "t.yaml")
        assert problems == [], (flow, wrapped)
        assert doc is not None and doc.data["k"] == expected


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=120), st.text(min_size=1, max_size=60))
def test_whole_task_text_round_trips(title: str, source: str) -> None:
    draft = newtask.Draft(
        title=title, unit="fgw", lead="主要负责同志", received="2026-11-02",
        assigned_by="zfb", standard=title, source=source, deadline="2026-12-31",
    )  # fmt: skip
    doc, problems = load_text(newtask.task_text(draft, "ES-2026-0001").encode(), "t.yaml")
    assert problems == [] and doc is not None
    assert (doc.data["title"], doc.data["standard"], doc.data["source"]) == (title, title, source)


def test_write_exclusive_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "2026" / "ES-2026-0001.yaml"
    assert newtask.write_exclusive(path, "first\n")
    assert not newtask.write_exclusive(path, "second\n")
    assert path.read_text(encoding="utf-8") == "first\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["ES-2026-0001.yaml"]  # no temp


def test_concurrent_news_take_different_ids(golden: Path) -> None:
    ledger, _ = load_ledger(golden)
    assert ledger is not None
    draft = newtask.Draft(
        title="制定示例工作方案", unit="fgw", lead="主要负责同志", received="2026-11-02",
        assigned_by="zfb", standard="形成正式方案并印发", deadline="2026-12-31",
    )  # fmt: skip
    made: list[Path | None] = []
    threads = [
        threading.Thread(target=lambda: made.append(newtask.create(ledger, draft).path))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert None not in made and len(set(made)) == 8
    assert sorted(p.name for p in (golden / "tasks" / "2026").iterdir()) == [
        f"ES-2026-{n:04d}.yaml" for n in range(1, 9)
    ]
    assert run_cli("validate", golden).exit_code == 0


def test_no_number_left_in_the_year(golden: Path) -> None:
    (golden / "tasks" / "2026").mkdir()
    (golden / "tasks" / "2026" / "ES-2026-9999.yaml").write_text("broken: [\n", "utf-8")
    before = files(golden)
    result = run_cli("new", *GOOD, "--ledger", golden)
    assert result.exit_code == 2 and "2026 年的任务编号已用完" in result.stderr
    assert files(golden) == before


def test_a_lower_case_file_name_counts_as_taken() -> None:
    """The web form (Decap CMS) names a new task's file in lower case: its number is used."""
    from duban.clerk.newtask import next_free

    assert next_free("SL", 2026, ["SL-2026-0041", "sl-2026-0042"]) == 43
    assert next_free("SL", 2026, ["SL-2025-0099", "SL-2026-0041"]) == 42
