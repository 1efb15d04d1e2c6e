"""`duban demo`: the sample ledger as a Git history of pull requests, and its site."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from duban.check.change import check_change
from duban.demo import DEMO_AS_OF, versions, write_demo
from duban.load.yamlload import load_text
from support import SAMPLE, git, run_cli


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("demo") / "repo"
    assert write_demo(SAMPLE, repo) == []
    return repo


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_history_ends_in_the_sample_ledger_byte_for_byte(demo_repo: Path) -> None:
    assert _files(demo_repo / "ledger") == _files(SAMPLE)
    assert git(demo_repo, "status", "--porcelain") == ""


def test_every_event_arrives_in_its_own_change_on_its_date(demo_repo: Path) -> None:
    subjects = git(demo_repo, "log", "--first-parent", "--format=%ad %s", "--date=short")
    merges = [line for line in subjects.splitlines() if "Merge pull request #" in line]
    events = sum(len(load_text(p.read_bytes(), p.name)[0].data["events"])  # type: ignore[union-attr]
                 for p in (SAMPLE / "tasks").rglob("*.yaml"))  # fmt: skip
    tasks = len(list((SAMPLE / "tasks").rglob("*.yaml")))
    direct = [line for line in subjects.splitlines() if "Merge" not in line][:-1]  # not the root
    assert len(merges) + len(direct) >= events + tasks
    assert 1 <= len(direct) <= events // 20  # a few, not many
    assert all(line[:10] <= str(DEMO_AS_OF) for line in subjects.splitlines())
    numbers = [int(line.split("#")[1].split()[0]) for line in merges]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))


def _merges(repo: Path) -> list[tuple[str, str, str, str]]:
    """(first parent, pull request head, its author, its date) of every merge on main."""
    out = git(repo, "log", "--first-parent", "--merges", "--format=%P %ad", "--date=short")
    merges = []
    for line in out.splitlines():
        first, head, day = line.split()
        author = git(repo, "log", "-1", "--format=%an", head)
        merges.append((first, head, author, day))
    return merges


@pytest.mark.slow
def test_each_pull_request_passes_the_gate_as_its_clerks_account(demo_repo: Path) -> None:
    """The generated history is one the pull-request gate would have let through: every
    change is recorded by an account of the unit whose part it is, on the day it happened.
    (Judged for a spread of them: the first ones, every 15th, and each kind of change.)"""
    merges = _merges(demo_repo)
    subjects = {head: git(demo_repo, "log", "-1", "--format=%s", head) for _, head, _, _ in merges}
    chosen = set(range(0, len(merges), 15)) | {len(merges) - 1}
    for kind in ("改派", "同意延期", "已销号", "已核实", "调整为", "退回"):
        chosen |= {i for i, m in enumerate(merges) if kind in subjects[m[1]]}
    assert len(chosen) > 15
    for i in sorted(chosen):
        base, head, author, day = merges[i]
        refused = check_change(
            str(demo_repo), base, head, author, "ledger", dt.date.fromisoformat(day)
        )
        assert refused == [], (subjects[head], author, [p.message("en") for p in refused])


def test_a_change_by_the_wrong_account_would_have_been_refused(demo_repo: Path) -> None:
    """The check above can fail: the same pull request, claimed by another unit's clerk."""
    base, head, _, day = next(
        m
        for m in _merges(demo_repo)
        if "已部署" in git(demo_repo, "log", "-1", "--format=%s", m[1])
        and not m[2].startswith("czj-")
    )
    refused = check_change(
        str(demo_repo), base, head, "czj-clerk1", "ledger", dt.date.fromisoformat(day)
    )
    assert "event-not-actor" in [p.code for p in refused]


def test_the_trail_shows_pull_requests_field_changes_and_direct_commits(demo_repo: Path) -> None:
    raised = git(demo_repo, "log", "--no-merges", "--format=%s", "--grep=调整为").splitlines()
    assert raised, "some task is raised from 一般 to 重要/紧急 (a field change)"
    task_id = raised[0].split("：")[0]
    done = run_cli("audit", task_id, "--ledger-repo", demo_repo, "--format", "json")
    assert done.exit_code == 0, done.output
    trail = json.loads(done.stdout)
    text = json.dumps(trail, ensure_ascii=False)
    assert '"$.priority"' in text and all(c["pr"] for c in trail["changes"][:2])
    direct = git(demo_repo, "log", "--first-parent", "--no-merges", "--format=%s").splitlines()
    direct_id = next(s for s in direct if s.startswith("SL-")).split("：")[0]
    done = run_cli("audit", direct_id, "--ledger-repo", demo_repo, "--format", "json")
    assert any(not c["reviewed"] for c in json.loads(done.stdout)["changes"])


def test_versions_cut_events_line_by_line_or_not_at_all() -> None:
    text = (
        "id: X\nevents:\n  - {date: 2026-01-05, type: decomposed, by: zfb}\n"
        "  - date: 2026-01-06\n    type: deployed\n    by: fgw\nvisibility: public\n"
    )
    doc, _ = load_text(text.encode(), "x.yaml")
    assert doc is not None
    assert versions(text, doc) == [
        "id: X\nevents: []\nvisibility: public\n",
        "id: X\nevents:\n  - {date: 2026-01-05, type: decomposed, by: zfb}\nvisibility: public\n",
        text,
    ]
    flow = "id: X\nevents: [{date: 2026-01-05, type: decomposed, by: zfb}]\n"
    doc, _ = load_text(flow.encode(), "x.yaml")
    assert doc is not None and versions(flow, doc) is None  # arrives whole


@pytest.mark.slow
def test_the_command_builds_the_site_with_real_trails(tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = run_cli("demo", "--ledger", SAMPLE, "--out", out, "--keep-repo", tmp_path / "repo")
    assert done.exit_code == 0, done.output
    page = next((out / "tasks").glob("*/index.html")).read_text(encoding="utf-8")
    assert "合并请求 #" in page
    assert "2026-11-30" in (out / "index.html").read_text(encoding="utf-8")  # pinned as-of
    assert (tmp_path / "repo" / ".git").is_dir()
    again = run_cli("demo", "--ledger", SAMPLE, "--out", out, "--keep-repo", tmp_path / "repo")
    assert again.exit_code == 2 and "已存在" in again.stderr  # never overwrites a folder


def test_a_broken_ledger_gives_no_demo(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    shutil.copytree(SAMPLE, ledger)
    first = sorted((ledger / "tasks").rglob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "  - {date: 2026-13-40}\n", "utf-8")
    done = run_cli("demo", "--ledger", ledger, "--out", tmp_path / "site")
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert not (tmp_path / "site").exists()
