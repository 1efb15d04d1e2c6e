"""What Decap CMS writes passes the gate (issue 17, item 2), tested with the real thing: the
`yaml` npm package at the version decap-cms-core bundles (1.10.2, ``tests/package.json``)
driven by ``tests/decap_yaml.js``, a copy of Decap's own YAML format code (fromFile, toFile,
entryToRaw). A rewrite of every sample task loads and validates exactly as the original and is
no change for ``check-change``; a legal edit made the CMS way passes for the owner's clerk,
an illegal one is refused with the usual message; what a form leaves empty means absent.

The node package comes from ``cd tests && npm ci`` (``.ci/run`` does it); without it the
tests skip, and fail under CI=true.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from duban.check.change import check_change
from duban.check.change_checks import check
from duban.check.change_records import Context, Modified
from duban.check.pipeline import load_task_text
from duban.ledger import load_ledger
from duban.load.yamlload import load_text
from duban.model import Ledger, Task
from duban.problems import Problem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, SAMPLE, need, run_cli, sample_repo

SCRIPT = ROOT / "tests" / "decap_yaml.js"
YAML_PACKAGE = ROOT / "tests" / "node_modules" / "yaml" / "package.json"
#: The collection's field order (Decap's fieldsOrder): the task schema's properties.
FIELDS = json.loads((ROOT / "schemas" / "task.schema.json").read_text("utf-8"))["properties"]
FIELDS = list(FIELDS)
SAMPLE_TASKS = sorted((SAMPLE / "tasks").rglob("*.yaml"))
SCHEMA_COMMENT = "yaml-language-server: $schema=../../../schemas/task.schema.json"


def decap(requests: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers of ``tests/decap_yaml.js`` (one node process for the whole batch)."""
    need(shutil.which("node"), "node", "apt-get install nodejs npm")
    need(YAML_PACKAGE.is_file(), "the yaml npm package", "cd tests && npm ci")
    version = json.loads(YAML_PACKAGE.read_text("utf-8"))["version"]
    assert version == "1.10.2", f"tests/node_modules has yaml {version}, Decap bundles 1.10.2"
    done = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(list(requests)),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    assert not [a for a in answers if "error" in a], answers
    return answers


def rewrite(texts: Sequence[str], fields: Sequence[str] = FIELDS) -> list[str]:
    """What the CMS saves for each text when the clerk changes nothing."""
    answers = decap([{"op": "rewrite", "text": t, "fields": list(fields)} for t in texts])
    return [a["text"] for a in answers]


def parse(text: str) -> dict[str, Any]:
    data: dict[str, Any] = decap([{"op": "parse", "text": text}])[0]["data"]
    return data


def stringify(data: dict[str, Any], comments: dict[str, str] | None = None) -> str:
    request = {"op": "stringify", "data": data, "fields": FIELDS, "comments": comments or {}}
    text: str = decap([request])[0]["text"]
    return text


@pytest.fixture(scope="module")
def rewrites() -> dict[Path, str]:
    texts = [p.read_text("utf-8") for p in SAMPLE_TASKS]
    return dict(zip(SAMPLE_TASKS, rewrite(texts), strict=True))


def record(task: Task | None) -> object:
    """A task record without where it was written (a rewrite moves the lines)."""
    assert task is not None
    fields = {f.name: getattr(task, f.name) for f in dataclasses.fields(task) if f.name != "doc"}
    fields["events"] = [dataclasses.replace(e, where=None) for e in task.events]
    fields["milestones"] = [dataclasses.replace(m, where=None) for m in task.milestones]
    return fields


def said(problems: Sequence[Problem]) -> list[tuple[str, str, str, str]]:
    return sorted((p.code, p.field, p.severity, p.text.zh) for p in problems)


@functools.cache
def sample() -> Ledger:
    ledger, _ = load_ledger(SAMPLE)
    assert ledger is not None
    return ledger


def ctx(actor: str | None) -> Context:
    ledger = sample()
    rules = {r.id: r.usable_as_deadline for r in ledger.rules.values()}
    return Context(ledger.units, actor, ledger.config.id_prefix, rules)


def clerk_of(unit: str) -> str:
    ledger = sample()
    return str(ledger.units[unit].maintainers[0])


def gate(old: str, new: str, actor: str | None, name: str = "t.yaml") -> list[Problem]:
    path = f"ledger/tasks/2026/{name}"
    return check(Modified(path, path, old.encode(), new.encode()), ctx(actor))


def loaded(text: str, path: Path) -> tuple[Task | None, list[Problem]]:
    ledger = sample()
    rules = {r.id: r.usable_as_deadline for r in ledger.rules.values()}
    span = (ledger.calendar.first_day.isoformat(), ledger.calendar.last_day.isoformat())
    return load_task_text(text.encode(), path.name, "SL", ledger.units, rules, span)


# -- what the CMS does to a file -------------------------------------------------------------


def test_the_cms_drops_comments_and_flow_style(rewrites: dict[Path, str]) -> None:
    """The differences this module guards against, seen in the real writer's output."""
    text = rewrites[SAMPLE / "tasks" / "2026" / "SL-2026-0001.yaml"]
    assert not text.startswith("#")  # the yaml-language-server line is gone
    assert "{" not in text and "[" not in text  # flow mappings and lists became blocks
    assert "  co_units:\n    - scjgj\n    - zwfwj\n" in text
    assert "  - date: 2026-01-05\n    type: decomposed\n    by: zfb\n" in text
    assert "received: 2026-01-05\n" in text  # dates stay plain


def test_every_sample_rewrite_loads_as_the_same_data(rewrites: dict[Path, str]) -> None:
    for path, text in rewrites.items():
        before, _ = load_text(path.read_bytes(), path.name)
        after, problems = load_text(text, path.name)
        assert after is not None, (path, problems)
        assert before is not None and after.data == before.data, path


def test_every_sample_rewrite_gives_the_same_record_and_problems(
    rewrites: dict[Path, str],
) -> None:
    for path, text in rewrites.items():
        task, problems = loaded(path.read_text("utf-8"), path)
        again, found = loaded(text, path)
        assert record(again) == record(task), path
        assert said(found) == said(problems), path


def test_validate_of_the_rewritten_ledger_is_the_same(
    rewrites: dict[Path, str], tmp_path: Path
) -> None:
    copy = tmp_path / "ledger"
    shutil.copytree(SAMPLE, copy)
    for path, text in rewrites.items():
        (copy / path.relative_to(SAMPLE)).write_text(text, encoding="utf-8")
    before, problems = load_ledger(SAMPLE)
    after, found = load_ledger(copy)
    assert before is not None and after is not None
    assert [record(t) for t in after.tasks] == [record(t) for t in before.tasks]
    assert said(found) == said(problems)


@pytest.mark.parametrize("actor", ["zfb-dcs1", "fgw-clerk1", "wlj-clerk1", None])
def test_a_rewrite_only_change_is_no_change_for_any_clerk(
    rewrites: dict[Path, str], actor: str | None
) -> None:
    for path, text in rewrites.items():
        assert gate(path.read_text("utf-8"), text, actor, path.name) == [], path


def test_a_rewrite_only_pull_request_passes_check_change(
    rewrites: dict[Path, str], tmp_path: Path
) -> None:
    """The real gate on a real repository: one commit rewriting every task file, by a
    clerk of a unit that owns none of most of them."""
    repo = sample_repo(tmp_path / "repo")
    repo.git("checkout", "-q", "-b", "cms/rewrite")
    for path, text in rewrites.items():
        repo.write(f"ledger/{path.relative_to(SAMPLE).as_posix()}", text)
    repo.commit("Update Tasks “SL-2026-0001”")
    assert check_change(str(repo.path), "main", "HEAD", "wlj-clerk1") == []


def test_field_order_from_another_form_is_no_change(rewrites: dict[Path, str]) -> None:
    """A form whose fields come in another order writes the keys in that order."""
    paths = list(rewrites)
    texts = rewrite([p.read_text("utf-8") for p in paths], list(reversed(FIELDS)))
    assert texts[0].startswith("events:")
    for path, text in zip(paths, texts, strict=True):
        assert gate(path.read_text("utf-8"), text, "fgw-clerk1", path.name) == [], path


def test_a_field_comment_restores_the_schema_line() -> None:
    """Decap writes a field's ``comment`` setting before its key: a ``comment`` on the id
    field of config.yml keeps the yaml-language-server line (for the cms command)."""
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8")
    saved = stringify(parse(text), {"id": SCHEMA_COMMENT})
    assert saved.splitlines()[0] == text.splitlines()[0]
    assert gate(text, saved, "wlj-clerk1", path.name) == []


# -- edits made in the form ------------------------------------------------------------------


def _open_tasks() -> list[Path]:
    """Sample tasks not closed, whose owner is still the first owner (no reassignment)."""
    found = []
    for path in SAMPLE_TASKS:
        task, _ = loaded(path.read_text("utf-8"), path)
        assert task is not None
        types = [e.type for e in task.events]
        if "closed" not in types and "reassigned" not in types:
            found.append(path)
    return found


def _appended(path: Path, unit: str, **more: str) -> tuple[str, str]:
    """The file and what the CMS saves after the clerk appends a progress report for
    ``unit`` (fields filled in the form's own order: type first)."""
    text = path.read_text("utf-8")
    data = parse(text)
    last = data["events"][-1]["date"] if data["events"] else data["received"]
    event = {"type": "progress-reported", "date": last, "by": unit, **more}
    data["events"].append(event)
    return text, stringify(data)


def test_an_event_appended_by_the_owner_s_clerk_passes() -> None:
    paths = _open_tasks()
    assert len(paths) >= 5
    texts = [p.read_text("utf-8") for p in paths]
    datas = [a["data"] for a in decap([{"op": "parse", "text": t} for t in texts])]
    note = "已完成第二批 60% 的工作量，详见附件: 进度表 #3"
    for data in datas:
        last = data["events"][-1]["date"] if data["events"] else data["received"]
        owner = data["owner"]["unit"]
        data["events"].append(
            {"type": "progress-reported", "date": last, "by": owner, "note": note}
        )
    saved = decap([{"op": "stringify", "data": d, "fields": FIELDS} for d in datas])
    for path, text, data, answer in zip(paths, texts, datas, saved, strict=True):
        owner = data["owner"]["unit"]
        assert gate(text, answer["text"], clerk_of(owner), path.name) == [], path
        task, problems = loaded(answer["text"], path)
        assert task is not None and task.events[-1].by == owner, (path, problems)
        assert task.events[-1].note == note


def test_empty_values_of_the_form_mean_absent() -> None:
    """A cleared text box (``note: ""``), a cleared select (``null``), an emptied list: the
    new event passes the gate and validates; the task's own fields left empty are no change
    of the task for the owner's clerk."""
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8")
    data = parse(text)
    data["events"].append(
        {"date": "2026-11-19", "type": "progress-reported", "by": "wlj", "note": ""}
    )
    data["events"].append(
        {"date": "2026-11-19", "type": "deployed", "by": "wlj", "milestone": None, "note": None}
    )
    data |= {"deadline": "", "description": "", "milestones": [], "source": data["source"]}
    data["owner"]["co_units"] = None
    saved = stringify(data)
    assert 'note: ""' in saved and "deadline: null" not in saved and 'deadline: ""' in saved
    assert gate(text, saved, "wlj-clerk1", path.name) == []
    task, problems = loaded(saved, path)
    assert task is not None, problems
    assert task.events[-1].note == "" and task.deadline is None and task.milestones == ()


def test_a_required_field_left_empty_says_so() -> None:
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    data = parse(path.read_text("utf-8"))
    data["events"].append({"date": "", "type": "progress-reported", "by": "wlj"})
    data["owner"]["lead"] = None
    task, problems = loaded(stringify(data), path)
    assert task is None
    empty = {p.field for p in problems if "必填字段，但没有填写内容" in p.text.zh}
    assert empty == {"$.events[3].date", "$.owner.lead"}, said(problems)


def test_another_unit_s_event_is_refused_as_usual() -> None:
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text, saved = _appended(path, "fgw")
    refused = gate(text, saved, "wlj-clerk1", path.name)
    not_actor = [p for p in refused if p.code == "event-not-actor"]
    assert len(not_actor) == 1 and "新增的办理记录由 fgw 登记" in not_actor[0].text.zh


def test_an_old_event_changed_in_the_form_is_refused_as_usual() -> None:
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8")
    data = parse(text)
    data["events"][0]["note"] = "登记来文（已补充）"
    refused = gate(text, stringify(data), "wlj-clerk1", path.name)
    assert [p.code for p in refused] == ["event-altered"]
    assert "第 1 条办理记录被修改" in refused[0].text.zh


def test_an_event_removed_in_the_form_is_refused_as_usual() -> None:
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8")
    data = parse(text)
    del data["events"][1]
    refused = gate(text, stringify(data), "wlj-clerk1", path.name)
    assert "event-removed" in [p.code for p in refused]


def test_a_task_field_changed_in_the_form_is_refused_for_the_owner() -> None:
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8")
    data = parse(text)
    data["deadline_rule"] = None  # cleared: the task then has no deadline rule
    data["deadline"] = "2027-01-31"
    refused = gate(text, stringify(data), "wlj-clerk1", path.name)
    assert "task-fields-changed" in [p.code for p in refused]


# -- odd text through the form ---------------------------------------------------------------

#: What a clerk can type: any character but controls, format characters (bidirectional
#: controls are refused on purpose, check/hygiene.py) and unassigned code points, plus YAML's
#: indicators, spaces and newlines (a textarea) often.
ODD = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Cn"))
    | st.sampled_from(list("\"':#-{}[],&*!|>%@` \n，：；（）😀")),
    max_size=80,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=ODD, long=st.integers(0, 3))
def test_any_note_saved_by_the_form_reads_back_the_same(note: str, long: int) -> None:
    """Whatever a clerk types (quotes, colons, ``#``, leading spaces, full-width punctuation,
    emoji, long notes the writer folds over lines), our loader reads what the CMS wrote as
    the text typed, and the gate lets the owner's clerk append it."""
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    typed = (note + " 会议纪要，第二次调度：") * (1 + long * 6)
    text, saved = _appended(path, "wlj", note=typed)
    doc, problems = load_text(saved, path.name)
    assert doc is not None, (problems, saved)
    assert doc.data["events"][-1].get("note", "") == typed
    assert gate(text, saved, "wlj-clerk1", path.name) == []


def test_the_audit_trail_sees_no_change_in_a_form_save(tmp_path: Path) -> None:
    """A rewrite with fields left empty, then an event with an empty note: the trail shows
    one appended event, no field change."""
    repo = sample_repo(tmp_path / "repo")
    rel = "ledger/tasks/2026/SL-2026-0037.yaml"
    text = (repo.path / rel).read_text("utf-8")
    data = parse(text)
    data |= {"deadline": "", "description": None, "milestones": []}
    repo.write(rel, stringify(data))
    repo.commit("Update Tasks “SL-2026-0037”")
    data["events"].append({"date": "2026-11-19", "type": "deployed", "by": "wlj", "note": ""})
    repo.write(rel, stringify(data))
    repo.commit("Update Tasks “SL-2026-0037”")
    result = run_cli("audit", "SL-2026-0037", "--format", "json", "--no-cache", cwd=repo.path)
    assert result.exit_code == 0, result.output
    versions = json.loads(result.stdout)["changes"]
    assert [v["kind"] for v in versions] == ["created", "modified", "modified"], versions
    rewrite_only, appended = versions[1]["fields"], versions[2]["fields"]
    assert rewrite_only == [], rewrite_only
    assert [(f["field"], f["op"]) for f in appended] == [("$.events[3]", "added")], appended
    assert appended[0]["new"] == {"date": "2026-11-19", "type": "deployed", "by": "wlj"}


#: Notes the CMS writes in each of its styles: literal blocks (``|-``, ``|``, ``|+``, with an
#: indentation indicator ``|-2``), a folded block (``>-``), double quotes, plain.
STYLES = {
    "两行\n说明": "|-",
    "尾随换行\n": "|",
    "两个尾随换行\n\n": "|+",
    "  前导空格\n第二行": "|-2",
    "多行 " * 30 + "\n第二段": ">-",
    "   ": '"',
    "- 开头短横": '"',
    "# 开头井号\n第二行": "|-",
    "\u3000全角空格开头，tab\t在中间": "\u3000",
}


@pytest.mark.parametrize("note", list(STYLES), ids=list(STYLES.values()))
def test_each_style_the_cms_writes_reads_back(note: str) -> None:
    saved = stringify({"note": note})
    assert saved.startswith(f"note: {STYLES[note]}"), saved
    doc, problems = load_text(saved, "t.yaml")
    assert doc is not None and doc.data == {"note": note}, (problems, saved)


def test_a_line_separator_the_cms_writes_raw_is_named() -> None:
    """Decap's YAML 1.2 writer leaves U+2028 unquoted; libyaml (YAML 1.1) ends a line there.
    The file is refused with a message naming the invisible character and its line."""
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    _, saved = _appended(path, "wlj", note="第一段\u2028第二段")
    assert "第一段\u2028第二段" in saved
    task, problems = loaded(saved, path)
    assert task is None and [p.code for p in problems] == ["yaml-line-separator"]
    line = saved[: saved.index("\u2028")].count("\n") + 1
    assert problems[0].where.line == line and "U+2028 行分隔符" in problems[0].text.zh


def test_quoted_dates_are_the_same_dates() -> None:
    """A writer that quotes dates (``received: "2026-11-16"``) changes nothing."""
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8")
    quoted = text.replace("received: 2026-11-16", 'received: "2026-11-16"')
    quoted = quoted.replace("date: 2026-11-17", "date: '2026-11-17'")
    assert quoted.count('"2026-11-16"') == 1 and quoted.count("'2026-11-17'") == 1
    (task, problems), (again, found) = loaded(text, path), loaded(quoted, path)
    assert record(again) == record(task) and said(found) == said(problems)
    assert gate(text, quoted, "wlj-clerk1", path.name) == []


def test_a_timestamp_the_cms_rewrites_is_caught_by_the_gate() -> None:
    """Decap reads a plain ``2026-11-30T08:00:00Z`` as a date-time (its own ``!timestamp``
    tag) and writes it back with milliseconds: a change of content, never let through."""
    path = SAMPLE / "tasks" / "2026" / "SL-2026-0037.yaml"
    text = path.read_text("utf-8").replace("note: 登记来文}", "note: 2026-11-16T08:00:00Z}")
    assert "note: 2026-11-16T08:00:00Z}" in text
    (saved,) = rewrite([text])
    assert "note: 2026-11-16T08:00:00.000Z" in saved
    assert [p.code for p in gate(text, saved, "wlj-clerk1", path.name)] == ["event-altered"]
