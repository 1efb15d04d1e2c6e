"""`duban record` on copies of the sample ledger in real Git repositories: a whole lifecycle
that `validate` and `check-change` accept, each refusal leaving the file untouched, and
values that read back as written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from duban.clerk.eventnames import NAMES, event_type
from duban.clerk.record import place_event
from duban.clerk.yamltext import scalar
from duban.load.yamlload import load_text
from duban.model import EVENT_LABELS, EVENT_TYPES
from duban.problems import UserError
from hypothesis import given, settings
from hypothesis import strategies as st
from support import SAMPLE, GitRepo, run_cli, task_yaml

AUTHOR = {"author": "测试", "email": "test@example.org", "when": "2026-12-01T09:00:00+08:00"}
NEW = "ledger/tasks/2026/SL-2026-0042.yaml"
TASK = task_yaml(
    "SL-2026-0042",
    title="制定示例州冬季供暖保障工作方案",
    received="2026-11-02",
    deadline="2026-12-15",
    milestones=[("完成供暖设施排查", "2026-11-20")],
)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """The sample ledger plus a new task with no events yet, committed on main."""
    root = tmp_path_factory.mktemp("record") / "repo"
    repo = GitRepo(root, **AUTHOR)
    shutil.copytree(SAMPLE, root / "ledger")
    repo.write(NEW, "# 新交办的任务（测试）\n" + TASK)
    repo.commit("sample ledger")
    return repo


@pytest.fixture
def repo(template: GitRepo, tmp_path: Path) -> GitRepo:
    return template.copy(tmp_path / "repo")


def record(repo: GitRepo, *args: str) -> tuple[int, str]:
    result = run_cli("record", *args, cwd=repo.path)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout + result.stderr


# (type as a clerk types it, unit, account, date, further options)
LIFECYCLE: list[tuple[str, str, str, str, list[str]]] = [
    ("已分解", "zfb", "zfb-dcs1", "2026-11-02", []),
    ("部署", "fgw", "fgw-clerk1", "2026-11-03", ["--note", "召开专题会议部署"]),
    ("反馈落实方案", "fgw", "fgw-clerk2", "2026-11-04", ["--note", "报送工作方案"]),
    ("progress-reported", "fgw", "fgw-clerk1", "2026-11-16", []),
    ("阶段节点已反馈", "fgw", "fgw-clerk1", "2026-11-19", ["--milestone", "完成供暖设施排查"]),
    ("延误说明", "czj", "czj-clerk1", "2026-11-20", ["--note", "资金拨付滞后: 已协调 #2 号文"]),
    ("延期", "zfb", "zfb-dcs2", "2026-11-23", ["--deadline", "2026-12-31", "--note", "同意"]),
    ("已办结", "fgw", "fgw-clerk1", "2026-11-25", ["--note", '方案已印发 "示例州政发"']),
    ("退回", "zfb", "zfb-dcs1", "2026-11-26", ["--note", "- 缺少资金测算"]),
    ("COMPLETED", "fgw", "fgw-clerk1", "2026-11-27", ["--note", "已补充资金测算"]),
    ("核实", "zfb", "zfb-dcs1", "2026-11-30", ["--note", "查阅印发文件"]),
    ("销号", "zfb", "zfb-dcs1", "2026-11-30", []),
]


def test_lifecycle_passes_validate_and_the_gate(repo: GitRepo) -> None:
    path = repo.path / NEW
    original = path.read_bytes()
    for kind, unit, account, day, more in LIFECYCLE:
        base = repo.head()
        before = path.read_bytes()
        by = unit.upper() if kind == "COMPLETED" else unit  # codes in any case too
        code, out = record(repo, "sl-2026-0042", kind, "--by", by, "--as-of", day, *more)
        assert code == 0, out
        after = path.read_bytes()
        if b"events: []" in before:  # the first event turns the empty list into a block list
            before = before.replace(b"events: []", b"events:")
        assert after.startswith(before)
        added = after[len(before) :].decode()
        assert added.count("\n") == 1 and added.startswith("  - {date: " + day), added
        repo.commit(f"{unit}: {kind}", author=account)
        gate = run_cli(
            "check-change", "--base", base, "--actor", account, "--as-of", day, cwd=repo.path
        )
        assert gate.exit_code == 0, gate.output
    assert run_cli("validate", "ledger", cwd=repo.path).exit_code == 0
    final = path.read_bytes()
    assert final.startswith(original.replace(b"events: []", b"events:"))
    doc, problems = load_text(final, NEW)
    assert doc is not None and not problems
    events = doc.data["events"]
    assert [e["type"] for e in events] == [event_type(k) for k, *_ in LIFECYCLE]
    assert events[5]["note"] == "资金拨付滞后: 已协调 #2 号文"
    assert events[7]["note"] == '方案已印发 "示例州政发"'
    assert events[8]["note"] == "- 缺少资金测算"
    assert events[6]["deadline"] == "2026-12-31"
    status = run_cli("status", "--as-of", "2026-11-30", "--format", "json", cwd=repo.path)
    assert '"closed_on": "2026-11-30"' in status.stdout


def test_the_gate_refuses_another_account(repo: GitRepo) -> None:
    """The file `record` wrote for fgw is refused by the gate for a czj account: the gate
    and `record` judge the same change."""
    base = repo.head()
    code, out = record(repo, "SL-2026-0042", "decomposed", "--by", "fgw", "--as-of", "2026-11-02")
    assert code == 0, out
    repo.commit("fgw", author="czj-clerk1")
    gate = run_cli(
        "check-change",
        "--base",
        base,
        "--actor",
        "czj-clerk1",
        "--as-of",
        "2026-11-02",
        cwd=repo.path,
    )
    assert gate.exit_code == 1 and "event-not-actor" in gate.output


SAMPLE_TASK = "ledger/tasks/2026/SL-2026-0040.yaml"  # owner sthjj, co-unit fgw, last 2026-11-27
CLOSED_TASK = "ledger/tasks/2026/SL-2026-0001.yaml"

REFUSALS = [
    # wrong unit for the type
    (
        SAMPLE_TASK,
        ["SL-2026-0040", "已部署", "--by", "zfb", "--as-of", "2026-11-30"],
        1,
        "duty-separation",
    ),
    (
        SAMPLE_TASK,
        [
            "SL-2026-0040",
            "同意延期",
            "--by",
            "sthjj",
            "--deadline",
            "2026-12-31",
            "--note",
            "x",
            "--as-of",
            "2026-11-30",
        ],
        1,
        "duty-separation",
    ),
    # date before the previous event
    (
        SAMPLE_TASK,
        [
            "SL-2026-0040",
            "plan-reported",
            "--by",
            "sthjj",
            "--date",
            "2026-11-26",
            "--as-of",
            "2026-11-30",
        ],
        1,
        "event-order",
    ),
    # an event after closed
    (
        CLOSED_TASK,
        ["SL-2026-0001", "progress-reported", "--by", "fgw", "--as-of", "2026-11-30"],
        1,
        "closed-task-changed",
    ),
    # beyond the backfill window (3 working days)
    (
        SAMPLE_TASK,
        [
            "SL-2026-0040",
            "plan-reported",
            "--by",
            "sthjj",
            "--date",
            "2026-11-27",
            "--as-of",
            "2026-12-10",
        ],
        1,
        "event-backdated",
    ),
    # after today
    (
        SAMPLE_TASK,
        [
            "SL-2026-0040",
            "plan-reported",
            "--by",
            "sthjj",
            "--date",
            "2026-12-02",
            "--as-of",
            "2026-11-30",
        ],
        1,
        "event-in-future",
    ),
    # an account that does not maintain the unit
    (
        SAMPLE_TASK,
        [
            "SL-2026-0040",
            "plan-reported",
            "--by",
            "sthjj",
            "--account",
            "fgw-clerk1",
            "--as-of",
            "2026-11-30",
        ],
        1,
        "event-not-actor",
    ),
    # a milestone the task does not have
    (
        SAMPLE_TASK,
        [
            "SL-2026-0040",
            "milestone-reported",
            "--by",
            "sthjj",
            "--milestone",
            "不存在的节点",
            "--as-of",
            "2026-11-30",
        ],
        1,
        "unknown-milestone",
    ),
    # a public note with a mobile number
    (
        SAMPLE_TASK,
        [
            "SL-2026-0040",
            "plan-reported",
            "--by",
            "sthjj",
            "--note",
            "联系人 13912345678",
            "--as-of",
            "2026-11-30",
        ],
        1,
        "personal-data",
    ),
    # cannot run: unknown type, ambiguous type, unknown unit, unknown task, missing option
    (SAMPLE_TASK, ["SL-2026-0040", "办好了", "--by", "sthjj"], 2, "record --list"),
    (SAMPLE_TASK, ["SL-2026-0040", "反馈", "--by", "sthjj"], 2, "不明确"),
    (SAMPLE_TASK, ["SL-2026-0040", "deployed", "--by", "nosuch"], 2, "nosuch"),
    (SAMPLE_TASK, ["SL-2026-9999", "deployed", "--by", "sthjj"], 2, "SL-2026-9999"),
    (
        SAMPLE_TASK,
        ["SL-2026-0040", "extension-approved", "--by", "zfb", "--note", "x"],
        2,
        "--deadline",
    ),
    (
        SAMPLE_TASK,
        ["SL-2026-0040", "deployed", "--by", "sthjj", "--deadline", "2026-12-31"],
        2,
        "--deadline",
    ),
    (
        SAMPLE_TASK,
        ["SL-2026-0040", "deployed", "--by", "sthjj", "--date", "2026/11/30"],
        2,
        "YYYY-MM-DD",
    ),
]


@pytest.mark.parametrize(("rel", "args", "exit_code", "said"), REFUSALS)
def test_refusals_leave_the_file_untouched(
    repo: GitRepo, rel: str, args: list[str], exit_code: int, said: str
) -> None:
    path = repo.path / rel
    before = path.read_bytes()
    listing = sorted(p.name for p in path.parent.iterdir())
    code, out = record(repo, *args)
    assert code == exit_code, out
    assert said in out
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == listing  # no temporary file left


def test_a_symlinked_task_file_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    path = repo.path / SAMPLE_TASK
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    code, out = record(
        repo, "SL-2026-0040", "plan-reported", "--by", "sthjj", "--as-of", "2026-11-30"
    )
    assert code == 1 and "not-a-regular-file" in out
    assert path.is_symlink() and outside.read_bytes() == (tmp_path / "outside.yaml").read_bytes()


def test_block_style_and_mode_are_kept(repo: GitRepo) -> None:
    path = repo.path / SAMPLE_TASK
    text = path.read_text("utf-8")
    block = text.replace(
        "  - {date: 2026-11-27, type: deployed, by: sthjj}\n",
        "  - date: 2026-11-27\n    type: deployed\n    by: sthjj\n    note: |\n      多行说明\n"
        "# 尾注：保留\n",
    )
    path.write_text(block, "utf-8")
    os.chmod(path, 0o640)
    code, out = record(
        repo,
        "SL-2026-0040",
        "plan-reported",
        "--by",
        "fgw",
        "--as-of",
        "2026-11-30",
        "--note",
        "true",
    )
    assert code == 0, out
    new = path.read_text("utf-8")
    added = '  - date: 2026-11-30\n    type: plan-reported\n    by: fgw\n    note: "true"\n'
    assert new == block.replace("# 尾注：保留\n", added + "# 尾注：保留\n")
    assert os.stat(path).st_mode & 0o777 == 0o640


def test_dry_run_writes_nothing(repo: GitRepo) -> None:
    path = repo.path / SAMPLE_TASK
    before = path.read_bytes()
    code, out = record(
        repo, "SL-2026-0040", "plan-reported", "--by", "sthjj", "--as-of", "2026-11-30", "--dry-run"
    )
    assert code == 0 and "plan-reported" in out
    assert path.read_bytes() == before


def test_list_names_every_type() -> None:
    result = run_cli("record", "--list")
    assert result.exit_code == 0
    for kind in EVENT_TYPES:
        assert kind in result.stdout and EVENT_LABELS[kind].zh in result.stdout
    assert "--deadline" in result.stdout and "交办单位" in result.stdout


def test_every_label_and_short_form_is_a_type() -> None:
    for kind in EVENT_TYPES:
        assert event_type(EVENT_LABELS[kind].zh) == kind
        assert event_type(kind.upper()) == kind
    for name, kind in {
        "反馈落实方案": "plan-reported",
        "已办结": "completed",
        "退回": "sent-back",
        "核实": "verified",
        "销号": "closed",
        "延期": "extension-approved",
        " 已部署 ": "deployed",
    }.items():
        assert event_type(name) == kind
    assert set(NAMES.values()) == set(EVENT_TYPES)
    with pytest.raises(UserError, match="ambiguous"):
        event_type("反馈")


# -- values read back as written -------------------------------------------------------------

FLOW = task_yaml("ES-2026-0001", events=["date: 2026-10-09, type: deployed, by: fgw"])
BLOCK = FLOW.replace(
    "  - {date: 2026-10-09, type: deployed, by: fgw}\n",
    "  - date: 2026-10-09\n    type: deployed\n    by: fgw\n",
)
EMPTY = task_yaml("ES-2026-0001")


@settings(max_examples=300, deadline=None)
@given(note=st.text(max_size=40), milestone=st.text(min_size=1, max_size=20))
def test_any_text_reads_back_as_itself(note: str, milestone: str) -> None:
    event = {"date": "2026-10-10", "type": "milestone-reported", "by": "fgw"}
    event |= {"milestone": milestone, "note": note}
    for text in (FLOW, BLOCK, EMPTY, FLOW.replace("\n", "\r\n")):
        placed = place_event(text, event)
        assert placed is not None
        new, line, added = placed
        assert new == text.replace("events: []", "events:") + added  # events come last
        doc, problems = load_text(new, "t.yaml")
        assert doc is not None, (problems, new)
        assert doc.data["events"][-1] == event
        assert doc.loc("events", len(doc.data["events"]) - 1).line == line
        assert {k: v for k, v in doc.data.items() if k != "events"} == {
            k: v
            for k, v in load_text(text, "t.yaml")[0].data.items()
            if k != "events"  # type: ignore[union-attr]
        }


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("报送工作方案，已印发", "报送工作方案，已印发"),
        ("12个县市已完成", "12个县市已完成"),
        ("a: b", '"a: b"'),
        ("见 #3", '"见 #3"'),
        ("123", '"123"'),
        ("null", '"null"'),
        ("-1", '"-1"'),
        ("'引号'", "\"'引号'\""),
        ("两行\n说明", '"两行\\n说明"'),
        (" 前后空格 ", '" 前后空格 "'),
        ("", '""'),
    ],
)
def test_scalars(value: str, written: str) -> None:
    assert scalar(value) == written


def test_reassigned_then_the_new_owner_records(repo: GitRepo) -> None:
    path = repo.path / SAMPLE_TASK
    code, out = record(
        repo,
        "SL-2026-0040",
        "改派",
        "--by",
        "zfb",
        "--owner",
        "zjj",
        "--co-units",
        "",
        "--note",
        "改由州住建局牵头",
        "--as-of",
        "2026-11-30",
    )
    assert code == 0, out
    assert path.read_text("utf-8").endswith(
        "  - {date: 2026-11-30, type: reassigned, by: zfb, owner: zjj, co_units: [], "
        "note: 改由州住建局牵头}\n"
    )
    before = path.read_bytes()
    code, out = record(
        repo, "SL-2026-0040", "plan-reported", "--by", "sthjj", "--as-of", "2026-11-30"
    )
    assert code == 1 and "duty-separation" in out and path.read_bytes() == before
    code, out = record(
        repo, "SL-2026-0040", "plan-reported", "--by", "zjj", "--as-of", "2026-11-30"
    )
    assert code == 0, out
    assert run_cli("validate", "ledger", cwd=repo.path).exit_code == 0


def test_backfill_by_the_assigning_unit_needs_a_note(repo: GitRepo) -> None:
    """An event older than backfill_days: only a maintainer of the assigning unit records
    it on the unit's behalf (补录), with a note — as the gate judges it."""
    path = repo.path / SAMPLE_TASK
    before = path.read_bytes()
    old = [
        "SL-2026-0040",
        "plan-reported",
        "--by",
        "sthjj",
        "--date",
        "2026-11-27",
        "--as-of",
        "2026-12-10",
        "--account",
        "zfb-dcs1",
    ]
    code, out = record(repo, *old)
    assert code == 1 and "backfill-without-note" in out and path.read_bytes() == before
    base = repo.head()
    code, out = record(repo, *old, "--note", "补录：11月27日已报送方案")
    assert code == 0, out
    repo.commit("补录", author="zfb-dcs1")
    gate = run_cli(
        "check-change",
        "--base",
        base,
        "--actor",
        "zfb-dcs1",
        "--as-of",
        "2026-12-10",
        cwd=repo.path,
    )
    assert gate.exit_code == 0, gate.output


def test_events_before_other_keys_and_comments() -> None:
    text = (
        "id: ES-2026-0001\n"
        "events:\n"
        "  - {date: 2026-10-09, type: deployed, by: fgw}  # 行尾注释\n"
        "  # 下一个字段的注释\n"
        "title: 示例\n"
    )
    placed = place_event(text, {"date": "2026-10-10", "type": "completed", "by": "fgw"})
    assert placed is not None
    new, line, added = placed
    assert line == 4 and added == "  - {date: 2026-10-10, type: completed, by: fgw}\n"
    assert new == text.replace("  # 下一个", added + "  # 下一个")
    comment = "events: []  # 尚无记录\ntitle: x\n"
    placed = place_event(comment, {"date": "2026-10-10", "type": "completed", "by": "fgw"})
    assert placed is not None and placed[0] == (
        "events:   # 尚无记录\n  - {date: 2026-10-10, type: completed, by: fgw}\ntitle: x\n"
    )
    flow = "events: [{date: 2026-10-09, type: deployed, by: fgw}]\n"
    placed = place_event(flow, {"date": "2026-10-10", "type": "completed", "by": "fgw"})
    assert placed is not None and placed[0] == (
        "events: [{date: 2026-10-09, type: deployed, by: fgw}, "
        "{date: 2026-10-10, type: completed, by: fgw}]\n"
    )
    no_newline = "events:\n  - {date: 2026-10-09, type: deployed, by: fgw}"
    placed = place_event(no_newline, {"date": "2026-10-10", "type": "completed", "by": "fgw"})
    assert placed is not None and placed[0] == (
        no_newline + "\n  - {date: 2026-10-10, type: completed, by: fgw}\n"
    )


def test_bom_and_crlf_are_kept(repo: GitRepo) -> None:
    path = repo.path / SAMPLE_TASK
    raw = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(raw)
    code, out = record(
        repo, "SL-2026-0040", "plan-reported", "--by", "sthjj", "--as-of", "2026-11-30"
    )
    assert code == 0, out
    assert path.read_bytes() == raw + b"  - {date: 2026-11-30, type: plan-reported, by: sthjj}\r\n"
