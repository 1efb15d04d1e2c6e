"""The one Git layer (``duban.git``): its parser, its failures as problems, and the audit of a
ledger wherever it lives in the repository. Real repositories in temporary folders."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

from click.testing import CliRunner
from duban.audit.trail import audit_all
from duban.cli.main import main
from duban.git import (
    RawEntry,
    diff_entries,
    head_commit,
    open_repo,
    tasks_prefix,
    toplevel,
)
from support import ROOT, audit_task
from support import GitRepo as Repo
from support.site import AS_OF, SETTINGS, UNITS, tasks

PACKAGE = ROOT / "scripts" / "duban"
T1 = "ledger/tasks/2026/ES-2026-0001.yaml"


def _task(tid: str = "ES-2026-0001") -> str:
    return audit_task(tid, "制定示例工作方案", "2026-06-30")


def _two_commits(path: Path, rel: str = T1) -> tuple[Repo, list[str]]:
    repo = Repo(path)
    repo.write(rel, _task())
    first = repo.commit("交办", when="2026-03-02T09:00:00+08:00")
    repo.append(rel, "  - {date: 2026-03-05, type: deployed, by: fgw}\n")
    second = repo.commit("部署", when="2026-03-05T09:00:00+08:00")
    return repo, [first, second]


def _remove_object(repo: Repo, sha: str) -> None:
    """Corrupt the repository: delete the loose object file of ``sha``."""
    path = repo.path / ".git" / "objects" / sha[:2] / sha[2:]
    os.chmod(path, 0o644)
    path.unlink()


def test_one_raw_parser_for_diffs(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write("ledger/tasks/a b.yaml", _task())  # a space: paths are never quoted
    repo.write("ledger/tasks/gone.yaml", "x: 1\n")
    first = repo.commit("one")
    repo.git("mv", "ledger/tasks/a b.yaml", "ledger/tasks/ES-2026-0001.yaml")
    repo.git("rm", "-q", "ledger/tasks/gone.yaml")
    repo.write("ledger/units.yaml", "units: []\n")
    second = repo.commit("two")
    with open_repo(repo.path) as git_repo:
        entries = diff_entries(git_repo, first, second, "ledger")
    by_status = {e.status: e for e in entries}
    assert set(by_status) == {"R", "D", "A"}
    renamed = by_status["R"]
    assert (renamed.old_path, renamed.path) == (
        "ledger/tasks/a b.yaml",
        "ledger/tasks/ES-2026-0001.yaml",
    )
    assert renamed.old_blob and renamed.old_blob == renamed.new_blob
    assert by_status["D"] == RawEntry(
        "D", "ledger/tasks/gone.yaml", None, by_status["D"].old_blob, None
    )
    assert by_status["A"].path == "ledger/units.yaml" and by_status["A"].old_blob is None


def test_toplevel_head_and_tasks_prefix(tmp_path: Path) -> None:
    repo, shas = _two_commits(tmp_path / "r")
    inner = repo.path / "ledger" / "tasks"
    assert toplevel(inner) == repo.path.resolve()
    assert toplevel(tmp_path) is None  # not a repository
    sha, when = head_commit(repo.path)
    assert sha == shas[-1] and when.startswith("2026-03-05T09:00:00")
    assert head_commit(tmp_path) == ("", "")
    assert tasks_prefix(repo.path, repo.path / "ledger") == "ledger/tasks/"
    assert tasks_prefix(repo.path, repo.path / "office" / "ledger") == "office/ledger/tasks/"
    assert tasks_prefix(repo.path, repo.path) == "tasks/"
    assert tasks_prefix(repo.path, tmp_path / "elsewhere") is None


def test_no_git_outside_the_git_layer() -> None:
    """Nothing else in the package imports GitPython or runs ``git`` as a process."""
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "git" and path.parent.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not [n for n in names if n == "git" or n.startswith("git.")], path
        text = path.read_text("utf-8")
        assert '["git"' not in text and "'git'," not in text, path


def test_a_failing_git_log_is_a_problem_and_exit_2(tmp_path: Path) -> None:
    """A missing tree object makes ``git log`` fail: one error problem in both languages,
    and ``duban audit`` exits 2 with the message, never a traceback."""
    repo, shas = _two_commits(tmp_path / "r")
    _remove_object(repo, repo.git("rev-parse", f"{shas[0]}^{{tree}}"))
    trails, problems = audit_all(repo.path)
    assert trails == {}
    assert [(p.code, p.severity) for p in problems] == [("git-log-failed", "error")]
    assert "无法读取 Git 历史" in problems[0].zh and "cannot read the Git history" in problems[0].en
    assert "unable to read tree" in problems[0].en
    done = CliRunner().invoke(
        main, ["audit", "ES-2026-0001", "--ledger-repo", str(repo.path), "--lang", "en"]
    )
    assert done.exit_code == 2, done.output
    assert "cannot read the Git history" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)


def test_a_missing_blob_is_a_problem(tmp_path: Path) -> None:
    repo, shas = _two_commits(tmp_path / "r")
    _remove_object(repo, repo.git("rev-parse", f"{shas[0]}:{T1}"))
    trails, problems = audit_all(repo.path)
    assert trails == {}
    assert [(p.code, p.severity) for p in problems] == [("git-cat-file-failed", "error")]


def test_the_audit_reads_the_tasks_folder_where_it_is(tmp_path: Path) -> None:
    """The trails follow ``tasks_prefix``; the cache of one folder is not reused for another."""
    repo = Repo(tmp_path / "r")
    repo.write("a/ledger/tasks/ES-2026-0001.yaml", _task())
    repo.write("b/ledger/tasks/ES-2026-0002.yaml", _task("ES-2026-0002"))
    repo.commit("两个台账")
    assert audit_all(repo.path)[0] == {}  # nothing under ledger/tasks/
    cache = tmp_path / "cache"
    a, problems = audit_all(repo.path, cache, "a/ledger/tasks/")
    assert list(a) == ["ES-2026-0001"] and problems == []
    assert a["ES-2026-0001"].path == "a/ledger/tasks/ES-2026-0001.yaml"
    b, _ = audit_all(repo.path, cache, "b/ledger/tasks")  # the trailing slash is optional
    assert list(b) == ["ES-2026-0002"]
    assert list(audit_all(repo.path, cache, "a/ledger/tasks/")[0]) == ["ES-2026-0001"]


def _office_repo(path: Path) -> tuple[Repo, Path]:
    """A repository whose ledger lives at ``office/ledger/``, with one public task."""
    repo = Repo(path)
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", path / "docs")
    ledger = path / "office" / "ledger"
    repo.write("office/ledger/ledger.yaml", SETTINGS)
    repo.write("office/ledger/units.yaml", UNITS)
    shutil.copy(ROOT / "ledger" / "rules.yaml", ledger / "rules.yaml")
    shutil.copytree(ROOT / "ledger" / "calendar", ledger / "calendar")
    text = tasks()["ES-2026-0101"]
    rel = "office/ledger/tasks/2026/ES-2026-0101.yaml"
    repo.write(rel, "\n".join(text.rstrip("\n").split("\n")[:-1]) + "\n")
    repo.commit("交办 OFFICEMARK1", when="2026-12-01T10:00:00+08:00")
    repo.write(rel, text)
    repo.commit("登记 OFFICEMARK2", when="2026-12-02T10:00:00+08:00")
    return repo, ledger


def test_site_shows_the_trail_of_a_ledger_in_a_subfolder(tmp_path: Path) -> None:
    from duban.web.build import build_site

    _, ledger = _office_repo(tmp_path / "repo")
    result, problems = build_site(
        ledger, out=tmp_path / "site", as_of=AS_OF, config_file=tmp_path / "repo" / "mkdocs.yml"
    )
    assert result is not None
    assert [p.code for p in problems if p.severity == "error"] == []
    assert not [p for p in problems if p.code == "site-audit-layout"]
    page = (tmp_path / "site" / "tasks" / "ES-2026-0101" / "index.html").read_text("utf-8")
    assert "OFFICEMARK1" in page and "OFFICEMARK2" in page


def test_build_reports_an_unreadable_history_as_an_error(tmp_path: Path) -> None:
    """``duban build`` on a corrupted repository: the site is built, the audit step returns
    an error problem, and the command exits 1 (built with errors), without a traceback."""
    from duban.web.build import build_site

    repo, ledger = _office_repo(tmp_path / "repo")
    _remove_object(repo, repo.git("rev-parse", "HEAD~1^{tree}"))
    result, problems = build_site(
        ledger, out=tmp_path / "site", as_of=AS_OF, config_file=tmp_path / "repo" / "mkdocs.yml"
    )
    assert result is not None
    assert [(p.code, p.severity) for p in problems if p.code.startswith("git-")] == [
        ("git-log-failed", "error")
    ]
    done = CliRunner().invoke(
        main,
        [
            "build",
            "--ledger",
            str(ledger),
            "--out",
            str(tmp_path / "site2"),
            "--config",
            str(tmp_path / "repo" / "mkdocs.yml"),
            "--as-of",
            AS_OF.isoformat(),
            "--lang",
            "en",
        ],
    )
    assert done.exit_code == 1, done.output
    assert "cannot read the Git history" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
