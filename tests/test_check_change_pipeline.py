"""``check-change`` reads with the loaders of ``validate``: the same verdict on every task
file, typed changes, small pure checks, and Git failures as "cannot run". Real repositories
in temporary folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from duban.check.change import CheckError, check_change, classify
from duban.check.change_checks import check_added, check_deleted, check_settings
from duban.check.change_records import Added, Context, Deleted, Modified, SettingsChanged
from duban.cli.main import main
from duban.git import RawEntry
from duban.ledger import load_ledger
from duban.model import Unit
from support import GOLDEN, make_ledger
from test_check_change import OPEN, commit, git

INVALID = sorted(p for p in (GOLDEN / "tasks" / "invalid").iterdir() if p.is_dir())

#: Checks that need more than one file (duplicate ids) or the calendar: validate only.
VALIDATE_ONLY = {"duplicate-id", "date-out-of-calendar"}


def _repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    make_ledger(root / "ledger")
    (root / "ledger" / "tasks" / ".gitkeep").write_text("", "utf-8")
    commit(root, "base ledger")
    git(root, "checkout", "-q", "-b", "pr")
    return root


@pytest.mark.parametrize("case", [c for c in INVALID if c.name not in VALIDATE_ONLY], ids=str)
def test_check_change_and_validate_give_a_new_task_the_same_verdict(
    tmp_path: Path, case: Path
) -> None:
    """Every golden invalid task, added in a pull request, is refused by check-change with
    exactly the problems validate reports for it."""
    repo = _repo(tmp_path / "repo")
    shutil.copytree(case, repo / "ledger" / "tasks" / case.name)
    commit(repo, "add")
    refused = check_change(str(repo), "main", "HEAD")
    _, validated = load_ledger(repo / "ledger")

    def key(p: object) -> tuple[str, str, int, int, str]:
        return (Path(p.where.path).name, p.code, p.where.line, p.where.col, p.field)  # type: ignore[attr-defined]

    task_problems = [p for p in validated if "/tasks/" in p.where.path.replace(os.sep, "/")]
    assert task_problems, case.name
    assert sorted(map(key, refused)) == sorted(map(key, task_problems))
    assert sorted(p.message("en") for p in refused) == sorted(
        p.message("en") for p in task_problems
    )


def _units() -> dict[str, Unit]:
    return {
        "zfb": Unit("zfb", "政府办", "assigning", ("zfb-clerk",)),
        "fgw": Unit("fgw", "发改委", "responsible", ("fgw-clerk",)),
        "czj": Unit("czj", "财政局", "responsible", ("czj-clerk",)),
    }


def test_classify_types_each_raw_entry() -> None:
    blobs = {"a": b"A", "b": b"B"}

    def read(blob: str | None) -> bytes | None:
        return blobs.get(blob or "")

    tasks = "ledger/tasks/"
    t1, t2 = "ledger/tasks/ES-1.yaml", "ledger/tasks/ES-2.yaml"
    assert classify(RawEntry("A", None, t1, None, "b"), tasks, read) == Added(t1, b"B")
    assert classify(RawEntry("C", t2, t1, "a", "b"), tasks, read) == Added(t1, b"B")
    assert classify(RawEntry("D", t1, None, "a", None), tasks, read) == Deleted(t1, b"A")
    assert classify(RawEntry("M", t1, t1, "a", "b"), tasks, read) == Modified(t1, t1, b"A", b"B")
    assert classify(RawEntry("R", t1, "ledger/old/ES-1.yaml", "a", "a"), tasks, read) == (
        Deleted(t1, b"A", moved_to="ledger/old/ES-1.yaml")
    )
    assert classify(RawEntry("R", "ledger/x.yaml", t1, "a", "b"), tasks, read) == Added(t1, b"B")
    assert classify(
        RawEntry("M", "ledger/units.yaml", "ledger/units.yaml", "a", "b"), tasks, read
    ) == (SettingsChanged("ledger/units.yaml"))
    # a .yml file under tasks/ is not a task file: a settings change
    assert classify(RawEntry("A", None, "ledger/tasks/x.yml", None, "a"), tasks, read) == (
        SettingsChanged("ledger/tasks/x.yml")
    )


def test_the_checks_are_pure_functions_of_the_change() -> None:
    ctx = Context(_units(), "fgw-clerk", "ES")
    assert ctx.actor_units == {"fgw"}
    deleted = check_deleted(Deleted("ledger/tasks/ES-2026-0001.yaml", OPEN.encode()), ctx)
    assert [(p.code, p.where.line) for p in deleted] == [("task-deleted", 1)]
    assert [p.code for p in check_settings(SettingsChanged("ledger/units.yaml"), ctx)] == [
        "settings-changed"
    ]
    assert (
        check_settings(SettingsChanged("ledger/units.yaml"), Context(_units(), "zfb-clerk")) == []
    )
    added = check_added(Added("ledger/tasks/2026/ES-2026-0001.yaml", OPEN.encode()), ctx)
    assert sorted(p.code for p in added) == ["event-not-actor", "task-created-by-non-assigner"]
    by_assigner = check_added(
        Added("ledger/tasks/2026/ES-2026-0001.yaml", OPEN.encode()), Context(_units(), None, "ES")
    )
    assert by_assigner == []
    misnamed = check_added(Added("ledger/tasks/2026/ES-2026-0009.yaml", OPEN.encode()), ctx)
    assert [p.code for p in misnamed] == ["id-filename"]  # validate's rule, from the pipeline


def test_an_invalid_base_roster_means_the_check_cannot_run(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "main")
    units = repo / "ledger" / "units.yaml"
    units.write_text(units.read_text("utf-8").replace("kind:", "kinds:", 1), "utf-8")
    commit(repo, "break the roster")
    with pytest.raises(CheckError) as caught:
        check_change(str(repo), "main", "pr", "fgw-clerk")
    assert "units.yaml" in caught.value.message("en")


def test_a_corrupted_repository_means_the_check_cannot_run(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    task = repo / "ledger" / "tasks" / "2026" / "ES-2026-0001.yaml"
    task.parent.mkdir(parents=True)
    task.write_text(OPEN, "utf-8")
    commit(repo, "add")
    blob = git(repo, "rev-parse", "HEAD:ledger/tasks/2026/ES-2026-0001.yaml").strip()
    obj = repo / ".git" / "objects" / blob[:2] / blob[2:]
    os.chmod(obj, 0o644)
    obj.unlink()
    with pytest.raises(CheckError) as caught:
        check_change(str(repo), "main", "pr")
    assert "Git" in caught.value.message("en") and "Git" in caught.value.message("zh")
    done = CliRunner().invoke(
        main, ["check-change", "--repo", str(repo), "--base", "main", "--head", "pr"]
    )
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)


def test_a_ledger_at_the_repository_root(tmp_path: Path) -> None:
    """``--ledger .``: the task files are ``tasks/...`` (not ``./tasks/...``)."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    make_ledger(root)
    (root / "tasks" / "2026").mkdir(parents=True)
    (root / "tasks" / "2026" / "ES-2026-0001.yaml").write_text(OPEN, "utf-8")
    commit(root, "base ledger")
    git(root, "checkout", "-q", "-b", "pr")
    git(root, "rm", "-q", "tasks/2026/ES-2026-0001.yaml")
    commit(root, "delete")
    problems = check_change(str(root), "main", "HEAD", None, ledger=".")
    assert [(p.code, p.where.path) for p in problems] == [
        ("task-deleted", "tasks/2026/ES-2026-0001.yaml")
    ]
