"""``duban fmt``: task files in the house style of the sample ledger, content never changed
(issue 17, item 2). The sample is house style (byte-identical), every Decap CMS rewrite of it
comes back byte for byte, hypothesis tasks with odd strings in other layouts load the same
after ``fmt``; ``--check`` lists, a file that does not load or holds a comment is reported and
left alone, writes are atomic, hostile files get a clear message."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from duban.clerk import fmt, newtask
from duban.load.emptyvalues import drop_empty
from duban.load.reading import MAX_BYTES
from duban.load.yamlload import load_text
from hypothesis import given, settings
from hypothesis import strategies as st
from support import GOLDEN, ROOT, SAMPLE, finishes, run_cli
from test_cms_rewrite import SAMPLE_TASKS, rewrite

SAMPLE_FILE = SAMPLE / "tasks" / "2026" / "SL-2026-0001.yaml"


def formatted(text: str, path: Path = SAMPLE_FILE) -> fmt.Formatted:
    return fmt.format_text(text.encode("utf-8"), path.name, path)


def data(text: str) -> Any:
    doc, problems = load_text(text, "t.yaml")
    assert doc is not None, problems
    return doc.data


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """The sample ledger with the schemas beside it, as in this repository."""
    copy = tmp_path / "repo" / "ledger"
    shutil.copytree(SAMPLE, copy)
    shutil.copytree(ROOT / "schemas", tmp_path / "repo" / "schemas")
    return copy


# -- the house style -------------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLE_TASKS, ids=[p.stem for p in SAMPLE_TASKS])
def test_the_sample_is_house_style(path: Path) -> None:
    raw = path.read_bytes()
    result = fmt.format_text(raw, path.name, path)
    assert result.problems == () and result.text is not None
    assert result.text.encode("utf-8") == raw and not result.changed


def test_fmt_restores_every_cms_rewrite_byte_for_byte() -> None:
    """The CMS drops the schema line and every flow style; fmt brings the file back."""
    texts = [p.read_text("utf-8") for p in SAMPLE_TASKS]
    for path, text, saved in zip(SAMPLE_TASKS, texts, rewrite(texts), strict=True):
        assert saved != text
        result = formatted(saved, path)
        assert result.changed and result.text == text, path


def test_one_line_or_block_by_width() -> None:
    short = {"date": "2026-01-05", "type": "decomposed", "by": "zfb", "note": "登记"}
    long = short | {"note": "很长的说明" * 20}
    text = fmt.house_text({"id": "SL-2026-0001", "events": [long, short]}, "# x")
    lines = text.splitlines()
    assert lines[-1] == "  - {date: 2026-01-05, type: decomposed, by: zfb, note: 登记}"
    assert lines[3:7] == [
        "  - date: 2026-01-05",
        "    type: decomposed",
        "    by: zfb",
        "    note: " + "很长的说明" * 20,
    ]
    assert all(fmt.columns(line) <= fmt.WIDTH for line in lines if "{" in line)


def test_keys_in_the_house_order() -> None:
    text = (
        "events:\n  - {note: 好, by: fgw, type: deployed, date: 2026-01-07}\n"
        "owner: {co_units: [czj], lead: 主要负责同志, unit: fgw}\nid: SL-2026-0001\nextra: 1\n"
    )
    result = formatted(text)
    assert result.text is not None
    assert result.text.splitlines()[1:] == [
        "id: SL-2026-0001",
        "owner:",
        "  unit: fgw",
        "  lead: 主要负责同志",
        "  co_units: [czj]",
        "events:",
        "  - {date: 2026-01-07, type: deployed, by: fgw, note: 好}",
        "extra: 1",
    ]


def test_the_schema_line_is_the_path_to_the_schemas(tmp_path: Path) -> None:
    path = tmp_path / "office" / "ledger" / "tasks" / "2026" / "ES-2026-0001.yaml"
    assert (
        fmt.schema_line(path) == "# yaml-language-server: $schema=../../../schemas/task.schema.json"
    )
    flat = tmp_path / "office" / "ledger" / "tasks" / "ES-2026-0001.yaml"
    assert fmt.schema_line(flat).endswith("=../../schemas/task.schema.json")
    own = "# yaml-language-server: $schema=https://example.gov.cn/schemas/task.schema.json\n"
    result = formatted(own + "id: SL-2026-0001\n")
    assert result.text == own + "id: SL-2026-0001\n" and not result.changed


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("清偿进度达到70%", "清偿进度达到70%"),
        ("2026-01-05", "2026-01-05"),
        ("a: b", '"a: b"'),
        ("见 #3", '"见 #3"'),
        ("123", '"123"'),
        ("yes", "yes"),
        (" 前导空格", '" 前导空格"'),
        ("两行\n说明", '"两行\\n说明"'),
        ("a, b", '"a, b"'),
    ],
)
def test_strings_are_quoted_only_when_yaml_needs_it(value: str, written: str) -> None:
    text = fmt.house_text({"note": value}, "# x")
    assert text == f"# x\nnote: {written}\n"
    assert data(text) == {"note": value}


def test_fields_a_form_left_empty_are_left_out() -> None:
    """What a CMS save with empty fields looks like; fmt leaves the empty fields out and
    the record is the same (test_cms_rewrite checks the gate and validate on such saves)."""
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    house = path.read_text("utf-8")
    extra = "  - {date: 2026-11-19, type: progress-reported, by: wlj}\n"
    form = rewrite([house + extra.replace("by: wlj}", 'by: wlj, note: ""}')])[0]
    form = form.replace("visibility: public\n", "visibility: public\ndescription: null\n")
    form = form.replace("  lead: 分管副局长\n", "  lead: 分管副局长\n  co_units: []\n")
    assert 'note: ""' in form and "description: null" in form
    assert formatted(form, path).text == house + extra


# -- content never changes -------------------------------------------------------------------

ODD_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(list("\"':#-{}[],&*!|>%@`? \n\t，：；（）😀")),
    max_size=60,
)
SCALAR = ODD_TEXT | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
EVENT = st.fixed_dictionaries(
    {"date": st.just("2026-01-05"), "type": st.sampled_from(["deployed", "completed"])},
    optional={"by": ODD_TEXT, "note": ODD_TEXT | st.text(min_size=200, max_size=600)},
)
TASK = st.fixed_dictionaries(
    {"id": st.just("SL-2026-0001"), "title": ODD_TEXT, "events": st.lists(EVENT, max_size=4)},
    optional={
        "owner": st.fixed_dictionaries(
            {"unit": ODD_TEXT}, optional={"co_units": st.lists(ODD_TEXT, max_size=3)}
        ),
        "description": ODD_TEXT | st.text(min_size=300, max_size=3000),
        "milestones": st.lists(st.fixed_dictionaries({"title": ODD_TEXT, "due": SCALAR})),
        "odd": st.dictionaries(ODD_TEXT, SCALAR | st.lists(SCALAR), max_size=3),
    },
)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return type(b) is list and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


@settings(max_examples=150, deadline=None)
@given(task=TASK, flow=st.booleans(), width=st.sampled_from([20, 80, 10000]))
def test_fmt_never_changes_content(task: dict[str, Any], flow: bool, width: int) -> None:
    """A task in another layout (PyYAML's, flow or block, any line width, folded lines)
    loads to the same data after fmt (optional fields left empty left out, as every reader
    of a task does), and fmt of that is byte-identical."""
    source = yaml.safe_dump(
        task, allow_unicode=True, default_flow_style=flow, width=width, sort_keys=False
    )
    before, _ = load_text(source, "t.yaml")
    if before is None:  # PyYAML writes YAML 1.1; a few of its forms our loader refuses
        return
    result = formatted(source)
    assert result.text is not None, (result.problems, source)
    after, _ = load_text(result.text, "t.yaml")
    assert after is not None and _same(after.data, drop_empty(before).data)
    again = formatted(result.text)
    assert again.text == result.text and not again.changed


@settings(max_examples=60, deadline=None)
@given(note=ODD_TEXT.filter(bool), long=st.integers(1, 40))
def test_odd_notes_round_trip(note: str, long: int) -> None:
    task = {"id": "SL-2026-0001", "events": [{"date": "2026-01-05", "note": note * long}]}
    text = fmt.house_text(task, fmt.schema_line(SAMPLE_FILE))
    assert _same(data(text), task)
    assert formatted(text).text == text


# -- the command -----------------------------------------------------------------------------


def test_check_lists_the_files_that_would_change(ledger: Path) -> None:
    assert run_cli("fmt", "--check", ledger).exit_code == 0
    path = ledger / "tasks" / "2026" / "SL-2026-0037.yaml"
    house = path.read_bytes()
    (saved,) = rewrite([house.decode()])
    path.write_text(saved, encoding="utf-8")
    result = run_cli("fmt", "--check", ledger)
    assert result.exit_code == 1
    assert "需要整理格式" in result.stdout and "SL-2026-0037.yaml" in result.stdout
    assert result.stdout.count("\n") == 1 and path.read_text("utf-8") == saved
    result = run_cli("fmt", path)
    assert result.exit_code == 0 and "已整理" in result.stdout
    assert path.read_bytes() == house
    assert run_cli("fmt", "--check", path, "--lang", "en").exit_code == 0


def test_default_is_the_ledger_folder(ledger: Path) -> None:
    result = run_cli("fmt", "--check", cwd=ledger.parent)
    assert result.exit_code == 0 and "41 个文件格式已统一" in result.stderr


def test_a_file_that_does_not_load_is_reported_and_left(ledger: Path) -> None:
    path = ledger / "tasks" / "2026" / "SL-2026-0037.yaml"
    broken = path.read_text("utf-8").replace("title: ", "title: 重复\ntitle: ", 1)
    path.write_text(broken, encoding="utf-8")
    result = run_cli("fmt", ledger)
    assert result.exit_code == 1
    assert "SL-2026-0037.yaml:4:1" in result.stderr and "重复的键" in result.stderr
    assert path.read_text("utf-8") == broken
    assert "1 个文件无法整理" in result.stderr


def test_a_comment_is_never_dropped(ledger: Path) -> None:
    path = ledger / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8").replace("priority: normal", "priority: normal  # 待定")
    path.write_text(text, encoding="utf-8")
    result = run_cli("fmt", path)
    assert result.exit_code == 1 and "fmt-comment" in result.stderr and ":11:1:" in result.stderr
    assert "注释" in result.stderr and path.read_text("utf-8") == text


@pytest.mark.parametrize("kind", ["huge", "encoding", "symlink", "fifo", "empty"])
def test_hostile_files_get_a_clear_message(ledger: Path, tmp_path: Path, kind: str) -> None:
    folder = ledger / "tasks" / "2026"
    path = folder / "SL-2026-0099.yaml"
    if kind == "huge":
        path.write_bytes(b"id: " + b"x" * (MAX_BYTES + 10) + b"\n")
    elif kind == "encoding":
        path.write_bytes("id: 编号\n".encode("gbk"))
    elif kind == "symlink":
        target = tmp_path / "elsewhere.yaml"
        target.write_text("id: SL-2026-0099\n", encoding="utf-8")
        path.symlink_to(target)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_bytes(b"")
    before = os.lstat(path)
    result = run_cli("fmt", path)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "SL-2026-0099.yaml" in result.stderr
    after = os.lstat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert run_cli("fmt", "--check", ledger).exit_code == 1  # found in the folder too
    if kind == "symlink":
        assert (tmp_path / "elsewhere.yaml").read_text("utf-8") == "id: SL-2026-0099\n"


def test_a_failed_write_leaves_the_file_whole(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ledger / "tasks" / "2026" / "SL-2026-0037.yaml"
    (saved,) = rewrite([path.read_text("utf-8")])
    path.write_text(saved, encoding="utf-8")

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(fmt.os, "replace", full)
    result = run_cli("fmt", path)
    assert result.exit_code == 2 and "磁盘空间已满" in result.stderr
    assert path.read_text("utf-8") == saved
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_a_file_changed_meanwhile_is_not_overwritten(ledger: Path) -> None:
    path = ledger / "tasks" / "2026" / "SL-2026-0037.yaml"
    old = path.read_bytes()
    path.write_text(old.decode() + "  - {date: 2026-11-19, type: deployed, by: wlj}\n", "utf-8")
    now = path.read_bytes()
    refused = fmt.replace_unchanged(path, old, "id: x\n", path.name)
    assert refused is not None and refused.code == "fmt-file-changed"
    assert path.read_bytes() == now


def test_the_pre_commit_hook_formats_the_staged_files(ledger: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "duban-fmt"]
    assert hook["pass_filenames"] is True
    path = ledger / "tasks" / "2026" / "SL-2026-0037.yaml"
    assert re.search(hook["files"], "ledger/tasks/2026/SL-2026-0037.yaml")
    assert not re.search(hook["files"], "ledger/units.yaml")
    house = path.read_bytes()
    (saved,) = rewrite([house.decode()])
    path.write_text(saved, encoding="utf-8")
    command, *args = hook["entry"].split()
    assert command == "duban"
    assert run_cli(*args, *hook.get("args", []), path).exit_code == 0
    assert path.read_bytes() == house


def test_fmt_over_the_hostile_corpus_reports_and_keeps_every_file(ledger: Path) -> None:
    """A file that does not load is reported and kept byte for byte; one that loads (the
    corpus has a few that only the later checks refuse) keeps its content."""
    folder = ledger / "tasks" / "2026"
    corpus = [
        p for p in sorted((GOLDEN / "hostile").glob("*.yaml.hostile")) if "calendar" not in p.name
    ]
    for k, path in enumerate(corpus):
        shutil.copy(path, folder / f"SL-2026-{9001 + k}.yaml")
    before = {p: p.read_bytes() for p in folder.iterdir()}
    loads = {p: load_text(raw, p.name)[0] for p, raw in before.items()}
    result = finishes(lambda: run_cli("fmt", ledger))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    failed = [p for p, doc in loads.items() if doc is None]
    assert len(failed) >= 5 and f"{len(failed)} 个文件无法整理" in result.stderr
    for path, raw in before.items():
        doc = loads[path]
        if doc is None or path.name < "SL-2026-9000":  # refused, or the sample: house style
            assert path.read_bytes() == raw, path
        else:
            assert _same(data(path.read_text("utf-8")), drop_empty(doc).data), path


def test_a_large_file_of_distinct_values_is_formatted_in_time(tmp_path: Path) -> None:
    """Near the size limit, tens of thousands of values that each need judging."""
    path = tmp_path / "ledger" / "tasks" / "2026" / "SL-2026-0001.yaml"
    path.parent.mkdir(parents=True)
    notes = [f"第 {i} 次调度 note: x" if i % 97 == 0 else f"第 {i} 次 调度" for i in range(9000)]
    events = "".join(f"  - {{date: 2026-01-05, note: '{n}'}}\n" for n in notes)
    path.write_text("id: SL-2026-0001\nevents:\n" + events, encoding="utf-8")
    assert path.stat().st_size < MAX_BYTES
    result = finishes(lambda: fmt.format_file(path), seconds=30)
    assert result.text is not None and result.changed
    assert data(result.text)["events"][97]["note"] == notes[97]


def test_a_new_task_file_is_house_style() -> None:
    """``duban new`` writes the house style already (one value writer, clerk/yamltext.py)."""
    draft = newtask.Draft(
        title="制定示例方案：第一阶段 #1（草案）",
        unit="fgw",
        lead="主要负责同志",
        received="2026-03-02",
        assigned_by="zfb",
        standard="形成正式方案并印发，完成率达到 70%",
        co_units=("czj", "jyj"),
        deadline="2026-06-30",
        source="州政府第 12 次常务会议",
    )
    text = newtask.task_text(draft, "SL-2026-0042")
    result = formatted(text, SAMPLE / "tasks" / "2026" / "SL-2026-0042.yaml")
    assert result.text == text and not result.changed


def test_a_ledger_of_its_own_points_at_its_site(tmp_path: Path) -> None:
    """A ledger repository without schemas/ (the README's set-up): the line names the schema
    as the ledger's site publishes it; with schemas/ beside the ledger, the relative path."""
    ledger = tmp_path / "office" / "ledger"
    (ledger / "tasks" / "2026").mkdir(parents=True)
    config = (SAMPLE / "ledger.yaml").read_text("utf-8")
    assert "site_url:" in config
    lines = [line for line in config.splitlines() if not line.startswith("site_url:")]
    lines.append("site_url: https://duban.example.org/sub")
    (ledger / "ledger.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = ledger / "tasks" / "2026" / "SL-2026-0001.yaml"
    url = "https://duban.example.org/sub/schemas/task.schema.json"
    assert fmt.schema_line(path) == f"# yaml-language-server: $schema={url}"
    (tmp_path / "office" / "schemas").mkdir()
    (tmp_path / "office" / "schemas" / "task.schema.json").write_text("{}", encoding="utf-8")
    assert fmt.schema_line(path).endswith("=../../../schemas/task.schema.json")
