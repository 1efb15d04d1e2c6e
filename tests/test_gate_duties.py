"""Who may do what (issue 11, items 2-4): who may assign, reassignment as an event, and the
limit on backdating — in ``validate`` and in ``check-change``, on real Git repositories."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from duban.check.change import check_change
from duban.ledger import load_ledger
from duban.status.task import task_status
from support import GitRepo, ev, make_ledger, run_cli, task_yaml

TASK = "ledger/tasks/2026/ES-2026-0001.yaml"
BASE = task_yaml(
    "ES-2026-0001",
    received="2026-03-02",
    deadline="2026-06-30",
    events=[ev("2026-03-03", "decomposed", "zfb"), ev("2026-03-05", "deployed", "fgw")],
)
# lines 14 and 15 hold the two events; appended events start on line 16.


def refusals(repo: GitRepo, actor: str, today: str) -> list[tuple[str, str, int]]:
    problems = check_change(str(repo.path), "main", "HEAD", actor, today=date.fromisoformat(today))
    return [(p.code, p.where.path, p.where.line) for p in problems]


def append(repo: GitRepo, *events: str) -> None:
    repo.append(TASK, "".join(f"  - {{{e}}}\n" for e in events))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """main: a golden ledger with one open task of fgw (co-unit czj); branch pr from it."""
    repo = GitRepo(tmp_path_factory.mktemp("duties") / "repo", when="2026-03-05T09:00:00+08:00")
    make_ledger(repo.path / "ledger")
    repo.write(TASK, BASE)
    repo.commit("base ledger")
    repo.git("checkout", "-q", "-b", "pr")
    return repo


@pytest.fixture
def repo(template: GitRepo, tmp_path: Path) -> GitRepo:
    return template.copy(tmp_path / "repo")


def validate(ledger: Path) -> list[str]:
    done = run_cli("validate", ledger, "--lang", "en")
    assert "Traceback" not in done.stderr
    return done.stdout.strip().splitlines()


# -- item 2: who may assign -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"assigned_by": "czj", "co_units": ()}, "not an assigning unit"),
        ({"assigned_by": "fgw"}, "also this task's owner"),
        ({"assigned_by": "czj"}, "also this task's co-unit"),
        ({"assigned_by": "zfb", "unit": "zfb", "co_units": ()}, "also this task's owner"),
    ],
)
def test_validate_refuses_self_assignment(tmp_path: Path, fields: dict, why: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    path = ledger / "tasks" / "2026" / "ES-2026-9001.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(task_yaml(**fields), encoding="utf-8")
    lines = validate(ledger)
    hits = [line for line in lines if "assigner-not-allowed" in line]
    assert len(hits) == 1 and why in hits[0], lines
    assert hits[0].startswith(f"{path}:4:1: ") and "[$.assigned_by]" in hits[0]


def test_check_change_refuses_a_department_assigning(repo: GitRepo) -> None:
    new = "ledger/tasks/2026/ES-2026-0002.yaml"
    repo.write(new, task_yaml("ES-2026-0002", assigned_by="fgw", unit="czj", co_units=()))
    repo.commit("fgw assigns work to czj")
    assert refusals(repo, "fgw-clerk", "2026-09-30") == [("assigner-not-allowed", new, 4)]


def test_check_change_refuses_moving_assigned_by_to_the_owner(repo: GitRepo) -> None:
    repo.edit(TASK, "assigned_by: zfb", "assigned_by: fgw")
    repo.commit("the assigner hands the task to fgw's own desk")
    # Even the assigning unit's maintainer may not make the owner its own assigner.
    assert refusals(repo, "zfb-clerk", "2026-03-05") == [("assigner-not-allowed", TASK, 4)]


def test_roster_account_in_two_roles(tmp_path: Path, repo: GitRepo) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    units = ledger / "units.yaml"
    text = units.read_text(encoding="utf-8").replace("[fgw-clerk]", "[fgw-clerk, ZFB-clerk]")
    units.write_text(text, encoding="utf-8")
    lines = validate(ledger)
    assert len(lines) == 1 and lines[0].startswith(f"{units}:4:"), lines
    assert "roster-dual-role" in lines[0] and "ZFB-clerk" in lines[0]
    # At the base of a pull request, the same roster makes that account's changes refused.
    repo.git("checkout", "-q", "main")
    repo.write("ledger/units.yaml", text)
    repo.commit("roster with an account in two roles")
    repo.git("checkout", "-q", "pr")
    repo.git("merge", "-q", "main")
    append(repo, ev("2026-03-09", "plan-reported", "fgw"))
    repo.commit("plan")
    assert refusals(repo, "zfb-clerk", "2026-03-09") == [("actor-dual-role", TASK, 1)]
    assert refusals(repo, "fgw-clerk", "2026-03-09") == []  # fgw's other clerk is fine


# -- item 3: reassignment -------------------------------------------------------------


REASSIGN = ev("2026-03-20", "reassigned", "zfb", owner="czj", note="改由财政局牵头")


def merge_pr(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "pr")


def test_reassignment_keeps_history_and_moves_duties(repo: GitRepo) -> None:
    append(repo, REASSIGN)
    repo.commit("zfb reassigns the task to czj")
    assert refusals(repo, "zfb-clerk", "2026-03-20") == []
    assert refusals(repo, "fgw-clerk", "2026-03-20") == [("event-not-actor", TASK, 16)]
    merge_pr(repo)
    append(repo, ev("2026-03-23", "progress-reported", "czj"))
    repo.commit("czj reports")
    assert refusals(repo, "czj-clerk", "2026-03-24") == []
    repo.git("reset", "-q", "--hard", "main")
    append(repo, ev("2026-03-23", "progress-reported", "fgw"))
    repo.commit("fgw, no longer responsible, reports")
    assert refusals(repo, "fgw-clerk", "2026-03-24") == [("duty-separation", TASK, 17)]
    # validate judges each event against the owner in force at its date, too
    lines = validate(repo.path / "ledger")
    assert len(lines) == 1 and f"{TASK}:17:" in lines[0] and "duty-separation" in lines[0]


def test_reassigned_by_the_owner_or_to_the_assigner_is_refused(repo: GitRepo) -> None:
    append(repo, ev("2026-03-20", "reassigned", "fgw", owner="czj", note="我们不想办"))
    append(repo, ev("2026-03-21", "reassigned", "zfb", owner="zfb", note="自己办"))
    repo.commit("bad reassignments")
    found = refusals(repo, "fgw-clerk", "2026-03-21")
    assert ("duty-separation", TASK, 16) in found
    lines = validate(repo.path / "ledger")
    assert any(f"{TASK}:17:" in line and "reassigned-not-allowed" in line for line in lines)


def test_reassignment_needs_its_fields(repo: GitRepo) -> None:
    append(repo, ev("2026-03-20", "reassigned", "zfb", note="未写新的责任单位"))
    append(repo, ev("2026-03-21", "progress-reported", "fgw", owner="czj"))
    repo.commit("reassigned without owner; owner on another event")
    lines = validate(repo.path / "ledger")
    assert any(f"{TASK}:16:" in line and "schema-required" in line for line in lines), lines
    assert any(f"{TASK}:17:" in line and "schema-not" in line for line in lines), lines


def test_status_follows_the_reassignment(repo: GitRepo) -> None:
    append(repo, REASSIGN)
    repo.commit("reassigned")
    ledger, problems = load_ledger(repo.path / "ledger")
    assert ledger is not None and problems == []
    task = ledger.tasks[0]
    assert task.owner.unit == "fgw"  # the field stays as first assigned
    before = task_status(task, ledger, date(2026, 3, 19))
    after = task_status(task, ledger, date(2026, 7, 1))
    assert before.owner.unit == "fgw" and after.owner.unit == "czj"
    units = {o.key: o.unit for o in after.obligations}
    assert units["deploy"] == "fgw"  # met by fgw before the reassignment: history kept
    assert units["complete"] == "czj" and units["plan-feedback"] == "czj"
    assert {o.unit for o in before.obligations if o.key != "verify"} == {"fgw"}
    done = run_cli(
        "status",
        "--ledger",
        repo.path / "ledger",
        "--as-of",
        "2026-07-01",
        "--unit",
        "czj",
        "--format",
        "json",
    )
    assert '"owner": "czj"' in done.stdout
    assert (
        "ES-2026-0001"
        not in run_cli(
            "status", "--ledger", repo.path / "ledger", "--as-of", "2026-07-01", "--unit", "fgw"
        ).stdout
    )


# -- item 4: backdating ---------------------------------------------------------------


def test_backdated_completion_by_the_owner_is_refused(repo: GitRepo) -> None:
    append(repo, ev("2026-06-24", "completed", "fgw", note="方案已印发"))
    repo.commit("completed, recorded a week late")
    assert refusals(repo, "fgw-clerk", "2026-07-01") == [("event-backdated", TASK, 16)]
    assert refusals(repo, "fgw-clerk", "2026-06-29") == []  # 3 working days: still fine
    done = run_cli(
        "check-change",
        "--repo",
        repo.path,
        "--base",
        "main",
        "--actor",
        "fgw-clerk",
        "--as-of",
        "2026-07-01",
        cwd=repo.path,
    )
    assert done.returncode == 1 and f"{TASK}:16:" in done.stdout
    assert "event-backdated" in done.stdout and "补录" in done.stdout


def test_assigning_unit_backfills_with_a_note(repo: GitRepo) -> None:
    append(repo, ev("2026-06-24", "completed", "fgw", note="补录：责任单位6月24日已书面报送"))
    repo.commit("zfb backfills fgw's completion")
    assert refusals(repo, "zfb-clerk", "2026-07-01") == []
    # ... but not a recent one: recording for another unit is still refused
    assert refusals(repo, "zfb-clerk", "2026-06-25") == [("event-not-actor", TASK, 16)]


def test_backfill_without_a_note_is_refused(repo: GitRepo) -> None:
    append(repo, ev("2026-06-24", "completed", "fgw"))
    repo.commit("zfb backfills without saying why")
    assert refusals(repo, "zfb-clerk", "2026-07-01") == [("backfill-without-note", TASK, 16)]


def test_backfill_days_from_the_base_ledger(repo: GitRepo) -> None:
    # A pull request cannot widen its own window: the base's setting counts.
    repo.append("ledger/ledger.yaml", "backfill_days: 10\n")
    append(repo, ev("2026-06-24", "completed", "fgw"))
    repo.commit("widen the window and complete late")
    found = refusals(repo, "fgw-clerk", "2026-07-01")
    assert ("event-backdated", TASK, 16) in found
    repo.git("checkout", "-q", "main")
    repo.append("ledger/ledger.yaml", "backfill_days: 10\n")
    repo.commit("a longer window, on the trusted branch")
    repo.git("checkout", "-q", "-b", "pr2")
    append(repo, ev("2026-06-24", "completed", "fgw"))
    repo.commit("completed a week late")
    assert refusals(repo, "fgw-clerk", "2026-07-01") == []
