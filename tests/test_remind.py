"""`duban remind`: the reminder each unit should have, and applying it with the gh CLI.

``gh`` itself needs GitHub; the apply test puts a small stand-in ``gh`` first on PATH that
keeps the issues in a JSON file and answers the same sub-commands the real one does
(``label create``, ``issue list --json``, ``issue create/edit --body-file -``, ``issue close``).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest
from duban.ledger import load_ledger
from duban.model import Ledger
from duban.notify import remind
from duban.status.select import ledger_status
from support import run_cli
from support.httpserver import reminder_ledger

D = date.fromisoformat


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    return reminder_ledger(tmp_path / "ledger")


def load(root: Path) -> Ledger:
    ledger, problems = load_ledger(root)
    assert problems == [] and ledger is not None
    return ledger


def plan(root: Path, as_of: str) -> dict[str, remind.Reminder]:
    ledger = load(root)
    day = D(as_of)
    return {r.unit: r for r in remind.plan(ledger, ledger_status(ledger, day), day)}


def test_plan_per_unit(ledger_dir: Path) -> None:
    p = plan(ledger_dir, "2026-10-14")
    fgw, zfb, czj = p["fgw"], p["zfb"], p["czj"]
    assert fgw.action == "open" and fgw.mentions == ("@fgw-clerk",)
    assert fgw.marker == "<!-- duban-remind:fgw -->" and fgw.body.startswith(fgw.marker)
    assert "@fgw-clerk" in fgw.body
    assert "[ES-2026-0001 示例任务](https://duban.example.org/tasks/ES-2026-0001/)" in fgw.body
    assert "反馈落实方案（措施七） | 2026-10-13 | 逾期 1 个工作日 | **未说明** |" in fgw.body
    # The internal task: counted, never named.
    assert "ES-2026-0002" not in fgw.body and fgw.internal > 0
    assert f"另有 {fgw.internal} 项内部事项" in fgw.body
    assert fgw.title.startswith("【催办】州发改委：逾期")
    # Verification is the assigning unit's item: due Oct 16, within 3 working days.
    assert zfb.action == "open" and zfb.overdue == 0 and zfb.due_soon == 1
    assert "核实销号" in zfb.body and "ES-2026-0003" in zfb.body
    assert czj.action == "close" and czj.body == ""


def test_unit_clear_closes(ledger_dir: Path) -> None:
    for name in ("ES-2026-0001", "ES-2026-0002"):
        (ledger_dir / "tasks" / "2026" / f"{name}.yaml").unlink()
    p = plan(ledger_dir, "2026-10-09")
    assert p["fgw"].action == "close"


def test_command_json(ledger_dir: Path) -> None:
    done = run_cli("remind", "--ledger", ledger_dir, "--as-of", "2026-10-14", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["as_of"] == "2026-10-14" and data["label"] == "催办"
    actions = {r["unit"]: r["action"] for r in data["reminders"]}
    assert actions == {"zfb": "open", "fgw": "open", "czj": "close"}
    assert data["open"] == 2


FAKE_GH = r'''#!PYTHON
"""A stand-in for the gh CLI: issues kept in $FAKE_GH_STATE (JSON)."""
import json, os, sys
path = os.environ["FAKE_GH_STATE"]
state = {"issues": [], "log": []}
if os.path.exists(path):
    state = json.load(open(path, encoding="utf-8"))
args = sys.argv[1:]
state["log"].append(args[:2])
def opt(name):
    return args[args.index(name) + 1] if name in args else None
def body():
    value = opt("--body-file")
    return sys.stdin.read() if value == "-" else open(value, encoding="utf-8").read()
if args[:2] == ["label", "create"]:
    pass
elif args[:2] == ["issue", "list"]:
    label = opt("--label")
    found = [
        {"number": i["number"], "title": i["title"], "body": i["body"]}
        for i in state["issues"]
        if i["state"] == "open" and label in i["labels"]
    ]
    print(json.dumps(found))
elif args[:2] == ["issue", "create"]:
    number = len(state["issues"]) + 1
    state["issues"].append(
        {"number": number, "title": opt("--title"), "body": body(), "labels": [opt("--label")],
         "state": "open"}
    )
    print(f"https://example.org/issues/{number}")
elif args[:2] == ["issue", "edit"]:
    issue = state["issues"][int(args[2]) - 1]
    issue["title"], issue["body"] = opt("--title"), body()
elif args[:2] == ["issue", "close"]:
    state["issues"][int(args[2]) - 1]["state"] = "closed"
else:
    sys.exit(f"unknown: {args}")
json.dump(state, open(path, "w", encoding="utf-8"), ensure_ascii=False)
'''


def test_apply_keeps_one_issue_per_unit(ledger_dir: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.replace("PYTHON", sys.executable), encoding="utf-8")
    gh.chmod(0o755)
    state = tmp_path / "gh.json"
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_GH_STATE": str(state)}

    def run(as_of: str) -> dict:  # type: ignore[type-arg]
        done = run_cli("remind", "--ledger", ledger_dir, "--as-of", as_of, "--apply", env=env)
        assert done.returncode == 0, done.stderr
        return json.loads(state.read_text(encoding="utf-8"))

    s = run("2026-10-14")
    assert [(i["number"], i["state"]) for i in s["issues"]] == [(1, "open"), (2, "open")]
    assert "<!-- duban-remind:zfb -->" in s["issues"][0]["body"]
    assert "<!-- duban-remind:fgw -->" in s["issues"][1]["body"]
    s = run("2026-10-14")  # same day again: nothing to edit
    assert ["issue", "edit"] not in s["log"] and len(s["issues"]) == 2
    s = run("2026-10-15")  # a day later: edited in place, no new issue
    assert ["issue", "edit"] in s["log"] and len(s["issues"]) == 2
    assert "逾期 2 个工作日" in s["issues"][1]["body"]
    # fgw records everything and verification happens: both clear → closed.
    for name in ("ES-2026-0001", "ES-2026-0002"):
        (ledger_dir / "tasks" / "2026" / f"{name}.yaml").unlink()
    path = ledger_dir / "tasks" / "2026" / "ES-2026-0003.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  - {date: 2026-10-15, type: verified, by: zfb}\n",
        encoding="utf-8",
    )
    s = run("2026-10-15")
    assert [i["state"] for i in s["issues"]] == ["closed", "closed"]


def test_apply_refuses_while_the_ledger_has_problems(ledger_dir: Path, tmp_path: Path) -> None:
    """A task dropped for a typo must not make its unit look clear and close its issue."""
    path = ledger_dir / "tasks" / "2026" / "ES-2026-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("received:", "recieved:"), "utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    called = tmp_path / "called"
    gh = bin_dir / "gh"
    gh.write_text(f"#!/bin/sh\ntouch {called}\necho '[]'\n", encoding="utf-8")
    gh.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = run_cli("remind", "--ledger", ledger_dir, "--as-of", "2026-10-14", "--apply", env=env)
    assert done.returncode == 2 and "未更新催办提醒" in done.stderr
    assert "ES-2026-0001.yaml" in done.stderr
    assert not called.exists()
