"""`duban check-change` on real Git repositories made in temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from duban.check.change import CheckError, check_change
from support import GitRepo, make_ledger, run_cli, task_yaml

#: Who commits in these repositories, and when.
AUTHOR = {"author": "测试", "email": "test@example.org", "when": "2026-07-01T09:00:00+08:00"}

OPEN = task_yaml(
    "ES-2026-0001",
    title="制定示例工作方案",
    received="2026-03-02",
    deadline="2026-06-30",
    events=[
        "date: 2026-03-03, type: decomposed, by: zfb",
        "date: 2026-03-05, type: deployed, by: fgw",
    ],
)
# line 14: first event, line 15: second event; appended events start on line 16.

CLOSED = task_yaml(
    "ES-2026-0002",
    title="已销号的示例任务",
    received="2026-03-02",
    co_units=(),
    deadline="2026-06-30",
    events=[
        "date: 2026-06-20, type: completed, by: fgw",
        "date: 2026-06-24, type: verified, by: zfb",
        "date: 2026-06-24, type: closed, by: zfb",
    ],
)

TASKS = "ledger/tasks/2026"


def git(repo: Path, *args: str) -> str:
    return GitRepo(repo, init=False, **AUTHOR).git(*args)


def commit(repo: Path, message: str) -> None:
    GitRepo(repo, init=False, **AUTHOR).commit(message)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A repository whose main branch holds a ledger with an open and a closed task, and a
    branch ``pr`` checked out from it. Built once; each test gets a copy."""
    root = tmp_path_factory.mktemp("check-change") / "repo"
    made = GitRepo(root, **AUTHOR)
    make_ledger(root / "ledger")
    (root / TASKS).mkdir(parents=True)
    (root / TASKS / "ES-2026-0001.yaml").write_text(OPEN, encoding="utf-8")
    (root / TASKS / "ES-2026-0002.yaml").write_text(CLOSED, encoding="utf-8")
    commit(root, "base ledger")
    git(root, "checkout", "-q", "-b", "pr")
    return made


@pytest.fixture
def repo(template: GitRepo, tmp_path: Path) -> Path:
    """A fresh copy of :func:`template`."""
    return template.copy(tmp_path / "repo").path


def task(repo: Path, name: str = "ES-2026-0001") -> Path:
    return repo / TASKS / f"{name}.yaml"


def append(repo: Path, line: str, name: str = "ES-2026-0001") -> None:
    path = task(repo, name)
    path.write_text(path.read_text(encoding="utf-8") + f"  - {{{line}}}\n", encoding="utf-8")


def replace(repo: Path, old: str, new: str, name: str = "ES-2026-0001") -> None:
    path = task(repo, name)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def refusals(repo: Path, actor: str | None) -> list[tuple[str, str, int]]:
    commit(repo, "change")
    problems = check_change(str(repo), "main", "HEAD", actor)
    return [(p.code, p.where.path, p.where.line) for p in problems]


F1 = f"{TASKS}/ES-2026-0001.yaml"
F2 = f"{TASKS}/ES-2026-0002.yaml"


# -- legal changes pass ----------------------------------------------------------------------


def test_owner_appends_report(repo: Path) -> None:
    append(repo, "date: 2026-03-09, type: plan-reported, by: fgw")
    append(repo, "date: 2026-03-10, type: progress-reported, by: czj")  # a co-unit's clerk...
    commit(repo, "fgw reports")
    assert check_change(str(repo), "main", "HEAD", "fgw-clerk")[0].code == "event-not-actor"
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    append(repo, "date: 2026-03-09, type: plan-reported, by: fgw")
    assert refusals(repo, "fgw-clerk") == []


def test_assigner_legal_changes(repo: Path) -> None:
    append(
        repo,
        "date: 2026-06-01, type: extension-approved, by: zfb, deadline: 2026-07-31, note: 同意",
    )
    append(repo, "date: 2026-07-01, type: reopened, by: zfb, note: 省督查发现问题", "ES-2026-0002")
    replace(repo, "title: 制定示例工作方案", "title: 制定示例工作方案（修订）")
    new = OPEN.replace("ES-2026-0001", "ES-2026-0003").replace(
        "  - {date: 2026-03-05, type: deployed, by: fgw}\n", ""
    )
    (repo / TASKS / "ES-2026-0003.yaml").write_text(new, encoding="utf-8")
    assert refusals(repo, "@ZFB-Clerk") == []  # handles are case-insensitive, @ optional


def test_moving_a_task_to_another_folder_keeping_its_id_is_allowed(repo: Path) -> None:
    (repo / "ledger/tasks/archive").mkdir()
    git(repo, "mv", F1, "ledger/tasks/archive/ES-2026-0001.yaml")
    assert refusals(repo, "fgw-clerk") == []


def test_base_branch_moving_on_is_not_a_deletion(repo: Path) -> None:
    """Compared with the merge base: tasks added on main after the branch are not 'deleted'."""
    git(repo, "checkout", "-q", "main")
    (repo / TASKS / "ES-2026-0009.yaml").write_text(OPEN.replace("0001", "0009"), encoding="utf-8")
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "pr")
    append(repo, "date: 2026-03-09, type: plan-reported, by: fgw")
    assert refusals(repo, "fgw-clerk") == []


# -- each refusal ----------------------------------------------------------------------------


def test_task_deleted(repo: Path) -> None:
    task(repo).unlink()
    assert refusals(repo, "zfb-clerk") == [("task-deleted", F1, 1)]


def test_task_renamed_to_another_id(repo: Path) -> None:
    git(repo, "mv", F1, f"{TASKS}/ES-2026-0100.yaml")
    assert refusals(repo, "zfb-clerk") == [("task-renamed", f"{TASKS}/ES-2026-0100.yaml", 1)]


def test_task_moved_out_of_tasks(repo: Path) -> None:
    git(repo, "mv", F1, "ledger/ES-2026-0001.yaml")
    assert ("task-deleted", F1, 1) in refusals(repo, "zfb-clerk")


def test_id_changed(repo: Path) -> None:
    replace(repo, "id: ES-2026-0001", "id: ES-2026-0101")
    assert refusals(repo, "zfb-clerk") == [("id-changed", F1, 1)]


def test_event_altered(repo: Path) -> None:
    replace(repo, "{date: 2026-03-05, type: deployed", "{date: 2026-03-04, type: deployed")
    assert refusals(repo, "fgw-clerk") == [("event-altered", F1, 15)]


def test_event_removed(repo: Path) -> None:
    replace(repo, "  - {date: 2026-03-05, type: deployed, by: fgw}\n", "")
    assert refusals(repo, "fgw-clerk") == [("event-removed", F1, 13)]


def test_event_inserted_in_the_middle_alters_the_record(repo: Path) -> None:
    replace(
        repo,
        "  - {date: 2026-03-05, type: deployed, by: fgw}\n",
        "  - {date: 2026-03-04, type: reported-to-leader, by: fgw}\n"
        "  - {date: 2026-03-05, type: deployed, by: fgw}\n",
    )
    assert refusals(repo, "fgw-clerk") == [("event-altered", F1, 15)]


def test_event_by_another_unit_than_the_actors(repo: Path) -> None:
    append(repo, "date: 2026-03-09, type: plan-reported, by: czj")
    assert refusals(repo, "fgw-clerk") == [("event-not-actor", F1, 16)]


def test_duty_separation(repo: Path) -> None:
    append(
        repo,
        "date: 2026-03-09, type: extension-approved, by: fgw, deadline: 2026-09-30, note: 自批",
    )
    append(repo, "date: 2026-03-10, type: completed, by: zfb")
    assert refusals(repo, None) == [("duty-separation", F1, 16), ("duty-separation", F1, 17)]


def test_closed_task_changed(repo: Path) -> None:
    append(repo, "date: 2026-07-01, type: progress-reported, by: fgw", "ES-2026-0002")
    assert refusals(repo, "fgw-clerk") == [("closed-task-changed", F2, 16)]


def test_closed_task_fields_changed_even_by_assigner(repo: Path) -> None:
    replace(repo, "deadline: 2026-06-30", "deadline: 2026-05-30", "ES-2026-0002")
    assert refusals(repo, "zfb-clerk") == [("closed-task-changed", F2, 10)]


def test_reopened_by_owner_is_refused(repo: Path) -> None:
    append(repo, "date: 2026-07-01, type: reopened, by: fgw, note: 想重开", "ES-2026-0002")
    found = refusals(repo, "fgw-clerk")
    assert ("duty-separation", F2, 16) in found


def test_owner_changes_deadline(repo: Path) -> None:
    replace(repo, "deadline: 2026-06-30", "deadline: 2026-12-31")
    assert refusals(repo, "fgw-clerk") == [("task-fields-changed", F1, 11)]


def test_new_task_by_owner(repo: Path) -> None:
    new = OPEN.replace("ES-2026-0001", "ES-2026-0003").replace(
        "  - {date: 2026-03-03, type: decomposed, by: zfb}\n", ""
    )
    (repo / TASKS / "ES-2026-0003.yaml").write_text(new, encoding="utf-8")
    found = refusals(repo, "fgw-clerk")
    assert found == [("task-created-by-non-assigner", f"{TASKS}/ES-2026-0003.yaml", 4)]


def test_new_task_must_be_valid(repo: Path) -> None:
    new = OPEN.replace("ES-2026-0001", "ES-2026-0003").replace("priority: normal", "priority: 很急")
    (repo / TASKS / "ES-2026-0003.yaml").write_text(new, encoding="utf-8")
    found = refusals(repo, "zfb-clerk")
    assert [(path, line) for _, path, line in found] == [(f"{TASKS}/ES-2026-0003.yaml", 10)]


def test_roster_is_read_at_the_base(repo: Path) -> None:
    """Adding yourself to the assigning unit's maintainers in the PR grants nothing."""
    units = repo / "ledger" / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace(
            "maintainers: [zfb-clerk]", "maintainers: [zfb-clerk, fgw-clerk]"
        ),
        encoding="utf-8",
    )
    append(
        repo,
        "date: 2026-06-01, type: extension-approved, by: zfb, deadline: 2026-09-30, note: 自批",
    )
    assert refusals(repo, "fgw-clerk") == [
        ("event-not-actor", F1, 16),
        ("settings-changed", "ledger/units.yaml", 1),
    ]


# -- the command -----------------------------------------------------------------------------


def run(repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("check-change", "--repo", repo, *args, cwd=repo)


def test_command_reports_each_reason_on_its_own_line(repo: Path) -> None:
    task(repo).unlink()
    append(repo, "date: 2026-07-01, type: progress-reported, by: fgw", "ES-2026-0002")
    commit(repo, "bad")
    done = run(repo, "--base", "main", "--actor", "fgw-clerk")
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith(f"{F1}:1:") and "task-deleted" in lines[0]
    assert lines[1].startswith(f"{F2}:16:") and "closed-task-changed" in lines[1]
    done = run(repo, "--base", "main", "--actor", "fgw-clerk", "--format", "github")
    assert done.stdout.startswith(f"::error file={F1},line=1,")


def test_command_passes_legal_change(repo: Path) -> None:
    append(repo, "date: 2026-03-09, type: plan-reported, by: fgw")
    commit(repo, "ok")
    done = run(
        repo,
        "--base",
        "main",
        "--head",
        "pr",
        "--actor",
        "fgw-clerk",
        "--lang",
        "en",
        "--as-of",
        "2026-03-10",  # within backfill_days of the event (issue 11, item 4)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK" in done.stderr


def test_command_cannot_run(repo: Path, tmp_path: Path) -> None:
    done = run(repo, "--base", "no-such-branch")
    assert done.returncode == 2 and "no-such-branch" in done.stderr
    assert "Traceback" not in done.stderr
    (tmp_path / "empty").mkdir()
    done = run(tmp_path / "empty", "--base", "main")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    with pytest.raises(CheckError):
        check_change(str(repo), "main", "HEAD", None, ledger="elsewhere")


def test_refuses_events_dated_after_today(repo: Path) -> None:
    from datetime import date

    append(repo, "date: 2026-11-25, type: plan-reported, by: fgw")
    append(repo, "date: 2026-12-15, type: completed, by: fgw")
    commit(repo, "fgw reports ahead of time")
    problems = check_change(str(repo), "main", "HEAD", "fgw-clerk", today=date(2026, 11, 27))
    assert [(p.code, p.where.line) for p in problems] == [("event-in-future", 17)]
    # On 12-15 the completion is due, but the 11-25 event is then too old (backfill_days, #11)
    problems = check_change(str(repo), "main", "HEAD", "fgw-clerk", today=date(2026, 12, 15))
    assert [(p.code, p.where.line) for p in problems] == [("event-backdated", 16)]


def test_appended_event_must_be_valid(repo: Path) -> None:
    append(repo, "date: 2026-03-09, type: plan-reported, by: [fgw]")
    assert ("schema-type", F1, 16) in refusals(repo, "fgw-clerk")
    done = run(repo, "--base", "main", "--actor", "fgw-clerk", "--lang", "en")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{F1}:16:" in done.stdout


# -- the working tree (no --head): a clerk's check before committing -------------------------


def test_without_head_the_working_tree_is_judged_and_left_alone(repo: Path) -> None:
    before = git(repo, "status", "--porcelain=v1", "-uall"), git(repo, "rev-parse", "HEAD")
    append(repo, "date: 2026-03-09, type: plan-reported, by: fgw")  # legal, not committed
    legal = run(repo, "--base", "main", "--actor", "fgw-clerk", "--as-of", "2026-03-10")
    assert legal.returncode == 0, legal.output
    assert "检查的是工作区" in legal.stderr
    # the same edit by another unit's clerk is refused, at its line
    refused = run(repo, "--base", "main", "--actor", "czj-clerk", "--as-of", "2026-03-10")
    assert refused.returncode == 1
    assert f"{F1}:16:" in refused.stdout and "event-not-actor" in refused.stdout
    # an untracked new task file is judged too (only the assigning unit creates tasks)
    (repo / TASKS / "ES-2026-0003.yaml").write_text(
        OPEN.replace("ES-2026-0001", "ES-2026-0003"), encoding="utf-8"
    )
    refused = run(repo, "--base", "main", "--actor", "fgw-clerk", "--as-of", "2026-03-10")
    assert "task-created-by-non-assigner" in refused.stdout, refused.output
    # with --head, only the commit is judged: HEAD is the base's tree, nothing to refuse
    committed = run(repo, "--base", "main", "--head", "HEAD", "--actor", "czj-clerk")
    assert committed.returncode == 0, committed.output
    assert "检查的是工作区" not in committed.stderr
    # the clerk's index, HEAD and files are as they were (apart from the edits made above)
    (repo / TASKS / "ES-2026-0003.yaml").unlink()
    git(repo, "checkout", "--", TASKS)
    assert (git(repo, "status", "--porcelain=v1", "-uall"), git(repo, "rev-parse", "HEAD")) == (
        before
    )


def test_without_head_a_deleted_file_in_the_working_tree_is_refused(repo: Path) -> None:
    task(repo).unlink()
    refused = run(repo, "--base", "main", "--actor", "zfb-clerk")
    assert refused.returncode == 1 and "task-deleted" in refused.stdout, refused.output


def test_staged_judges_what_git_commit_would_commit(repo: Path) -> None:
    append(repo, "date: 2026-03-09, type: plan-reported, by: fgw")
    git(repo, "add", TASKS)
    append(repo, "date: 2026-03-09, type: progress-reported, by: czj")  # not staged
    args = ("--base", "main", "--actor", "fgw-clerk", "--as-of", "2026-03-10")
    staged = run(repo, *args, "--staged")
    assert staged.returncode == 0, staged.output
    assert "检查的是暂存区" in staged.stderr
    assert run(repo, *args).returncode == 1  # the working tree has czj's line
    both = run(repo, *args, "--staged", "--head", "HEAD")
    assert both.returncode == 2 and "--staged" in both.stderr
