"""`.pre-commit-hooks.yaml`, run by the real pre-commit in a scratch ledger repository: a bad
commit is blocked, a legal one goes through, a commit outside the ledger runs no hook."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from support import ROOT, GitRepo, git, git_env, make_ledger, need, run_cli, task_yaml
from support.shared import once, run_folder
from support.wheelhouse import pip_env

pytestmark = [pytest.mark.slow, pytest.mark.packaging]

TASK = "ledger/tasks/2026/ES-2026-0001.yaml"
TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _hook_repo(dest: Path) -> None:
    """This repository as it is on disk (uncommitted edits included), committed in ``dest``:
    pre-commit installs hooks from a commit of a repository."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    repo = GitRepo(dest)
    repo.commit("duban, for the pre-commit test")


@dataclass(frozen=True)
class Hooks:
    repo: Path
    """The hook repository (this one, committed)."""
    sha: str
    home: Path
    """``PRE_COMMIT_HOME``, shared by the tests of this run (pre-commit locks its store): the
    first commit builds the hook environment, the others reuse it."""
    wheelhouse: Path
    """Where that build's pip finds duban's dependencies (:mod:`support.wheelhouse`)."""


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Hooks:
    need(shutil.which("pre-commit"), "pre-commit", "pip install -e '.[test]'")
    repo = once(run_folder(tmp_path_factory) / "precommit-hooks", _hook_repo)
    sha = git(repo, "rev-parse", "HEAD")
    return Hooks(repo, sha, repo.with_name("precommit-home"), wheelhouse)


def _env(hooks: Hooks) -> dict[str, str]:
    env = git_env()
    env.update(pip_env(hooks.wheelhouse))
    env["PRE_COMMIT_HOME"] = str(hooks.home)
    env["PATH"] = os.environ["PATH"]
    return env


@pytest.fixture
def ledger_repo(tmp_path: Path, hooks: Hooks) -> GitRepo:
    """A ledger repository with one open task on ``main``, a branch ``work`` for the clerk,
    and both hooks installed (judging as fgw's clerk against ``main``)."""
    repo = GitRepo(tmp_path / "ledger-repo")
    make_ledger(repo.path / "ledger")
    task = repo.path / TASK
    task.parent.mkdir(parents=True)
    task.write_text(
        task_yaml(
            "ES-2026-0001",
            received="2026-09-01",
            events=["date: 2026-09-02, type: decomposed, by: zfb"],
        ),
        encoding="utf-8",
    )
    (repo.path / "README.md").write_text("示例台账\n", encoding="utf-8")
    (repo.path / ".pre-commit-config.yaml").write_text(
        f"""repos:
  - repo: {hooks.repo}
    rev: {hooks.sha}
    hooks:
      - id: duban-validate
      - id: duban-check-change
        args: [--base, main, --actor, fgw-clerk]
""",
        encoding="utf-8",
    )
    repo.commit("ledger")
    repo.git("checkout", "-q", "-b", "work")
    done = subprocess.run(
        ["pre-commit", "install"], cwd=repo.path, env=_env(hooks), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def _commit(repo: GitRepo, hooks: Hooks, message: str) -> subprocess.CompletedProcess[str]:
    repo.git("add", "-A")
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", message],
        cwd=repo.path,
        env=_env(hooks),
        capture_output=True,
        text=True,
        timeout=900,  # the first commit builds the hook's environment
    )


def _append(repo: GitRepo, line: str) -> None:
    path = repo.path / TASK
    path.write_text(path.read_text(encoding="utf-8") + f"  - {{{line}}}\n", encoding="utf-8")


def test_a_legal_commit_passes_and_a_bad_one_is_blocked(ledger_repo: GitRepo, hooks: Hooks) -> None:
    _append(ledger_repo, f"date: {TODAY}, type: deployed, by: fgw")
    done = _commit(ledger_repo, hooks, "fgw deployed")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ledger_repo.git("log", "-1", "--format=%s") == "fgw deployed"

    head = ledger_repo.git("rev-parse", "HEAD")
    _append(ledger_repo, f"date: {TODAY}, type: progress-reported, by: czj")  # not fgw's part
    done = _commit(ledger_repo, hooks, "czj's event by fgw's clerk")
    assert done.returncode != 0
    assert "event-not-actor" in done.stdout + done.stderr
    assert ledger_repo.git("rev-parse", "HEAD") == head  # blocked

    ledger_repo.git("checkout", "--", TASK)
    (ledger_repo.path / TASK).write_text("id: ES-2026-0001\ntitle：全角冒号\n", encoding="utf-8")
    done = _commit(ledger_repo, hooks, "broken YAML")
    assert done.returncode != 0
    shown = done.stdout + done.stderr  # git shows the hook's output on stderr
    assert "duban validate" in shown and "Failed" in shown and "yaml-fullwidth-colon" in shown
    assert ledger_repo.git("rev-parse", "HEAD") == head


def test_a_commit_outside_the_ledger_runs_no_duban(ledger_repo: GitRepo, hooks: Hooks) -> None:
    (ledger_repo.path / "README.md").write_text("示例台账（说明）\n", encoding="utf-8")
    done = _commit(ledger_repo, hooks, "readme")
    assert done.returncode == 0, done.stdout + done.stderr
    shown = done.stdout + done.stderr
    assert shown.count("(no files to check)Skipped") == 2, shown


def test_the_fmt_hook_restores_the_house_style(ledger_repo: GitRepo, hooks: Hooks) -> None:
    """``duban-fmt`` on a file as a web form saved it: the commit stops with the file
    rewritten in the house style; added again, it goes through."""
    from test_cms_rewrite import parse, stringify  # needs node and tests/node_modules (npm ci)

    (ledger_repo.path / ".pre-commit-config.yaml").write_text(
        f"""repos:
  - repo: {hooks.repo}
    rev: {hooks.sha}
    hooks:
      - id: duban-fmt
      - id: duban-validate
""",
        encoding="utf-8",
    )
    path = ledger_repo.path / TASK
    _append(ledger_repo, f"date: {TODAY}, type: deployed, by: fgw")
    house = run_cli("fmt", path)
    assert house.exit_code == 0, house.output
    done = _commit(ledger_repo, hooks, "house style")
    assert done.returncode == 0, done.stdout + done.stderr
    head, text = ledger_repo.git("rev-parse", "HEAD"), path.read_text("utf-8")

    data = parse(text)
    data["events"].append({"type": "progress-reported", "date": str(TODAY), "by": "fgw"})
    path.write_text(stringify(data), encoding="utf-8")
    done = _commit(ledger_repo, hooks, "saved by the web form")
    assert done.returncode != 0 and "duban fmt" in done.stdout + done.stderr
    assert ledger_repo.git("rev-parse", "HEAD") == head
    added = f"  - {{date: {TODAY}, type: progress-reported, by: fgw}}\n"
    assert path.read_text("utf-8") == text + added
    done = _commit(ledger_repo, hooks, "saved by the web form")
    assert done.returncode == 0, done.stdout + done.stderr
