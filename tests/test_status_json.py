"""One JSON shape for a task's status (``schemas/status.schema.json``): ``duban status
--format json``, ``duban overdue --format json`` and the site's ``api/tasks.json`` validate
against it, checked with the python ``jsonschema`` package as reference validator."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from duban.cli.main import main
from support import ROOT, SAMPLE
from support.site import AS_OF, CANARY_ID, Built

SCHEMA = json.loads((ROOT / "schemas" / "status.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
#: Keys only the command line adds (where a clerk edits), and only the site adds.
CLI_TASK_EXTRAS = {"path", "visibility"}
CLI_OBLIGATION_EXTRAS = {"path", "line"}
SITE_EXTRAS = {"url"}


def errors(payload: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(payload)]


def cli_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


@pytest.fixture
def built(built_site: Built) -> Built:
    return built_site


def test_the_schema_is_a_sound_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("as_of", ["2026-03-01", "2026-06-30", "2026-11-30"])
def test_status_json_of_the_sample_ledger_matches_the_schema(as_of: str) -> None:
    data = cli_json("status", "--ledger", str(SAMPLE), "--as-of", as_of)
    assert data["tasks"] and errors(data) == []
    lights = {t["light"] for t in data["tasks"]}
    assert lights <= {"red", "yellow", "green", "done", "closed"}


def test_overdue_json_matches_the_schema() -> None:
    data = cli_json("overdue", "--ledger", str(SAMPLE), "--as-of", "2026-11-30")
    assert data["count"] > 0 and errors(data) == []


def test_site_tasks_json_matches_the_schema(built) -> None:  # type: ignore[no-untyped-def]
    data = json.loads((built.site / "api" / "tasks.json").read_text(encoding="utf-8"))
    assert data["schema"] == "duban-site-tasks/2"
    assert data["tasks"] and errors(data) == []
    assert CANARY_ID not in {t["id"] for t in data["tasks"]}


def test_the_site_and_the_command_line_share_one_shape(built) -> None:  # type: ignore[no-untyped-def]
    """The same task, the same keys and values, less the documented extras of each side."""
    site = json.loads((built.site / "api" / "tasks.json").read_text(encoding="utf-8"))
    cli = cli_json("status", "--ledger", str(built.repo / "ledger"), "--as-of", str(AS_OF))
    assert CANARY_ID in {t["id"] for t in cli["tasks"]}  # the command line sees everything
    ours = {t["id"]: t for t in cli["tasks"] if t["visibility"] == "public"}
    assert [t["id"] for t in site["tasks"]] == sorted(ours)
    for task in site["tasks"]:
        mine = dict(ours[task["id"]])
        assert set(mine) - set(task) == CLI_TASK_EXTRAS and set(task) - set(mine) == SITE_EXTRAS
        for extra in CLI_TASK_EXTRAS:
            del mine[extra]
        mine["obligations"] = [
            {k: v for k, v in o.items() if k not in CLI_OBLIGATION_EXTRAS}
            for o in mine["obligations"]
        ]
        assert {k: v for k, v in task.items() if k not in SITE_EXTRAS} == mine


def _a_task() -> dict[str, Any]:
    data = cli_json("status", "--ledger", str(SAMPLE), "--as-of", "2026-11-30")
    task: dict[str, Any] = data["tasks"][0]
    assert task["obligations"]
    return task


@pytest.mark.parametrize("key", ["light", "deadline", "owner", "obligations", "received"])
def test_the_schema_rejects_a_task_missing_a_required_key(key: str) -> None:
    task = _a_task()
    assert errors({"as_of": "2026-11-30", "ledger": "x", "tasks": [task]}) == []
    broken = copy.deepcopy(task)
    del broken[key]
    assert any(
        repr(key) in e for e in errors({"as_of": "2026-11-30", "ledger": "x", "tasks": [broken]})
    )


def test_the_schema_rejects_unknown_keys_codes_and_missing_obligation_keys() -> None:
    task = _a_task()
    for mutate in (
        lambda t: t.update(secret="x"),
        lambda t: t.update(light="purple"),
        lambda t: t["obligations"][0].pop("state"),
        lambda t: t["obligations"][0].update(due="30.11.2026"),
    ):
        broken = copy.deepcopy(task)
        mutate(broken)
        assert errors({"as_of": "2026-11-30", "ledger": "x", "tasks": [broken]}) != []
