"""Text hygiene: a bidirectional control character in any text field of any ledger file is a
problem at that file, line and field (``text-bidi-control``), in Chinese with how to fix it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from duban.check.hygiene import BIDI_CONTROLS
from duban.check.pipeline import load_task_text
from duban.ledger import load_ledger
from support import ev, make_ledger, run_cli, task_yaml

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Trojan Source"


def write(ledger: Path, rel: str, text: str) -> None:
    (ledger / rel).parent.mkdir(parents=True, exist_ok=True)
    (ledger / rel).write_text(text, encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def bidi(problems: list) -> list:  # type: ignore[type-arg]
    return [p for p in problems if p.code == "text-bidi-control"]


TASK = "tasks/2026/ES-2026-9001.yaml"


def a_task(**fields: object) -> str:
    events = [ev("2026-09-30", "reported-to-leader", "fgw", "已报告")]
    return task_yaml(received="2026-09-30", events=events, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS))
def test_every_bidi_control_in_a_title_is_refused(tmp_path: Path, char: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    write(ledger, TASK, a_task(title=f"推进工作{char}方案"))
    loaded, problems = load_ledger(ledger)
    found = bidi(problems)
    assert len(found) == 1, problems
    assert found[0].field == "$.title" and found[0].where.path.endswith("ES-2026-9001.yaml")
    assert f"U+{ord(char):04X}" in found[0].message("zh") and "请删除" in found[0].message("zh")
    assert loaded is not None and loaded.tasks == ()  # the task is not taken as valid


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"standard": f"按{RLO}要求完成"}, "$.standard"),
        ({"lead": f"主要{RLO}负责同志"}, "$.owner.lead"),
        ({"description": "说明\u2066内容\u2069"}, "$.description"),
        ({"milestones": [("节点\u200f一", "2026-11-30")]}, "$.milestones[0].title"),
    ],
)
def test_bidi_controls_in_other_task_fields(tmp_path: Path, fields: dict, field: str) -> None:  # type: ignore[type-arg]
    ledger = make_ledger(tmp_path / "ledger")
    text = a_task(**fields)
    write(ledger, TASK, text)
    _, problems = load_ledger(ledger)
    found = bidi(problems)
    assert [p.field for p in found] == [field], problems
    char = next(c for c in text if c in BIDI_CONTROLS)
    assert found[0].where.line == line_of(text, char)


def test_a_note_of_an_event_at_its_line(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    events = [
        ev("2026-09-30", "reported-to-leader", "fgw"),
        ev("2026-10-09", "deployed", "fgw", f"已部署{RLO}txt.exe"),
    ]
    text = task_yaml(received="2026-09-30", events=events)
    write(ledger, TASK, text)
    _, problems = load_ledger(ledger)
    (found,) = bidi(problems)
    assert found.field == "$.events[1].note"
    assert found.where.line == line_of(text, RLO)


def test_check_change_reads_task_blobs_through_the_same_check() -> None:
    raw = a_task(title=f"标题{RLO}").encode()
    task, problems = load_task_text(
        raw, "ledger/tasks/2026/ES-2026-9001.yaml", "ES", ["zfb", "fgw", "czj"], {}
    )
    assert task is None and [p.code for p in problems] == ["text-bidi-control"]


@pytest.mark.parametrize(
    "rel, old, new, field",
    [
        ("ledger.yaml", "name: 测试州人民政府督办台账", f"name: 测试州{RLO}督办台账", "$.name"),
        (
            "ledger.yaml",
            "notice: 测试用虚构数据。",
            "notice: 测试用\u2067虚构\u2069数据。",
            "$.notice",
        ),
        ("units.yaml", "name: 测试州财政局", "name: 测试州\u202b财政局", "$.units[2].name"),
        ("rules.yaml", "title: 任务分解落实", f"title: 任务{RLO}分解落实", "$.rules[0].title"),
        ("calendar/2026.yaml", "name: 元旦", "name: 元\u061c旦", "$.holidays[0].name"),
    ],
)
def test_every_ledger_file_is_checked(
    tmp_path: Path, rel: str, old: str, new: str, field: str
) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    text = (ledger / rel).read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    write(ledger, rel, text)
    _, problems = load_ledger(ledger)
    found = bidi(problems)
    assert [p.field for p in found] == [field], problems
    assert found[0].where.path.endswith(rel) and found[0].where.line == line_of(text, new)


def test_validate_exits_1_naming_file_line_and_field(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    text = a_task(title=f"推进{RLO}工作")
    write(ledger, TASK, text)
    result = run_cli("validate", ledger)
    assert result.exit_code == 1, result.output
    line = line_of(text, RLO)
    assert f"ES-2026-9001.yaml:{line}" in result.output
    assert "text-bidi-control" in result.output and "$.title" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", 'https://a.example/"><svg onload=x>', "ftp://a"],
)
def test_an_address_the_site_would_not_link_is_refused(tmp_path: Path, url: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    settings = ledger / "ledger.yaml"
    text = settings.read_text(encoding="utf-8") + f"repo_url: {json.dumps(url)}\n"
    settings.write_text(text, encoding="utf-8")
    _, problems = load_ledger(ledger)
    found = [p for p in problems if p.code == "url-unsafe"]
    assert [p.field for p in found] == ["$.repo_url"], problems
    assert found[0].where.line == line_of(text, "repo_url")
    assert "https://" in found[0].message("zh")


def test_a_plain_address_passes(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    settings = ledger / "ledger.yaml"
    text = settings.read_text(encoding="utf-8") + "repo_url: https://git.example.gov.cn/a/b\n"
    settings.write_text(text, encoding="utf-8")
    _, problems = load_ledger(ledger)
    assert problems == []


def test_clean_text_passes(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    write(ledger, TASK, a_task(title="推进（重点）工作：“三年行动”"))
    loaded, problems = load_ledger(ledger)
    assert bidi(problems) == [] and loaded is not None and len(loaded.tasks) == 1


def test_a_control_written_as_an_escape_is_found_too() -> None:
    """The whole-file pre-scan passes over a file with no control character in its source; a
    double-quoted escape (``"\\u202e"``) puts one in the value without one in the source."""
    from duban.check.hygiene import text_problems
    from duban.load.yamlload import load_text

    escaped, _ = load_text(b'title: "abc\\u202Edef"\n', "x.yaml")
    plain, _ = load_text(b"title: abcdef\n", "x.yaml")
    assert escaped is not None and plain is not None
    assert [p.code for p in text_problems(escaped)] == ["text-bidi-control"]
    assert text_problems(plain) == []
