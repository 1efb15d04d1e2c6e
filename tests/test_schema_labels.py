"""Editor completion in Chinese, and the deadline sentence.

The task schema's enums carry their Chinese labels as ``enumDescriptions`` and
``markdownEnumDescriptions`` (what yaml-language-server and VS Code show beside each code in
completion); they must be the labels the rest of duban uses (``duban.model``), one per value.
The schema errors show them too, and the deadline/deadline_rule choice reads as a sentence.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from duban.load.schema import load_schema
from duban.model import EVENT_LABELS, EVENT_TYPES, PRIORITIES, PRIORITY_LABELS, VISIBILITY_LABELS
from support import make_ledger, run_cli, write_task


def enums(node: Any, path: str = "$") -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if isinstance(node, dict):
        if "enum" in node:
            found[path] = node
        for key, value in node.items():
            found |= enums(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found |= enums(value, f"{path}[{i}]")
    return found


def test_task_enums_carry_the_model_s_labels() -> None:
    schema = load_schema("task")
    props = schema["properties"]
    event_type = schema["$defs"]["event"]["properties"]["type"]
    assert event_type["enum"] == list(EVENT_TYPES)
    assert event_type["enumDescriptions"] == [EVENT_LABELS[k].zh for k in EVENT_TYPES]
    assert props["priority"]["enum"] == list(PRIORITIES)
    assert props["priority"]["enumDescriptions"] == [PRIORITY_LABELS[p].zh for p in PRIORITIES]
    labels = props["visibility"]["enumDescriptions"]
    assert [label.split("：")[0] for label in labels] == [
        VISIBILITY_LABELS[v].zh for v in props["visibility"]["enum"]
    ]


@pytest.mark.parametrize("name", ["task", "units"])
def test_every_labelled_enum_has_one_label_per_value(name: str) -> None:
    labelled = 0
    for path, node in enums(load_schema(name)).items():
        for key in ("enumDescriptions", "markdownEnumDescriptions"):
            if key in node:
                labelled += 1
                assert len(node[key]) == len(node["enum"]), (path, key)
                assert all(isinstance(x, str) and x.strip() for x in node[key]), (path, key)
    assert labelled >= 2


def test_errors_name_the_labels_and_the_deadline_sentence(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger")
    write_task(root, task_id="ES-2026-0001", deadline=None)
    write_task(root, task_id="ES-2026-0002", deadline_rule="draft-general")
    write_task(root, task_id="ES-2026-0003", priority="high")
    done = run_cli("validate", root)
    assert done.returncode == 1
    lines = {
        m.group(0): line
        for line in done.stdout.splitlines()
        if (m := re.search(r"ES-2026-\d{4}\.yaml", line))
    }
    assert "这项任务没有写完成时限：请写 deadline" in lines["ES-2026-0001.yaml"]
    assert "二者选一" in lines["ES-2026-0001.yaml"]
    assert (
        "同时写了完成时限 deadline 和时限规则 deadline_rule，只能保留一个"
        in (lines["ES-2026-0002.yaml"])
    )
    assert "（normal 一般 / important 重要 / urgent 紧急）" in lines["ES-2026-0003.yaml"]
    en = run_cli("validate", root, "--lang", "en")
    assert "is not one of normal / important / urgent" in en.stdout
    assert "一般" not in en.stdout and "has no deadline" in en.stdout


def test_an_error_in_another_schema_file_keeps_its_label(tmp_path: Path) -> None:
    """The unit code's pattern is defined once, in units.schema.json (task.schema.json refers
    to it by a relative ``$ref``): the error is located in that file and still named."""
    root = make_ledger(tmp_path / "ledger")
    write_task(root, task_id="ES-2026-0001", events=["date: 2026-09-30, type: decomposed, by: FGW"])
    done = run_cli("validate", root)
    assert done.returncode == 1
    assert 'schema-pattern: 字段 $.events[0].by（单位代码）："FGW"' in done.stdout, done.stdout
