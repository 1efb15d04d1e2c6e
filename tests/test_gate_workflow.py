"""The gate cannot be edited by the pull request it judges (issue 11, item 6).

Read from ``.github/workflows/pr.yml``: the checking job runs from the base branch's
definition (``pull_request_target``), installs duban only from the base checkout (not
editable), checks the head out into a folder of its own that is only read by the installed
``duban``, keeps no credentials, and takes the actor from the pull request's opener; a run
triggered by another account fails. Each rule is a function; each is shown to fail on a bad
variant of the workflow, so a rule that cannot fail cannot pass unnoticed.
"""

from __future__ import annotations

import copy
import os
import posixpath
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_workflows import (
    FILES,
    WORKFLOWS,
    check_runs_only_duban,
    load,
    mentions_folder,
    plain_checkout,
    shell_commands,
    steps,
    tool,
)

PR = WORKFLOWS / "pr.yml"
BASE_REF = "${{ github.event.pull_request.base.sha }}"
HEAD_REF = "${{ github.event.pull_request.head.sha }}"
OPENER = "${{ github.event.pull_request.user.login }}"
BASE_VAR, HEAD_VAR = "$BASE_SHA", "$HEAD_SHA"
#: The one Python set-up: the runner's python3, a venv in a constant folder under RUNNER_TEMP
#: (outside the workspace), put on PATH before anything is fetched.
PYTHON_SETUP = [
    ["python3", "-m", "venv", "$RUNNER_TEMP/duban-venv"],
    ["echo", "$RUNNER_TEMP/duban-venv/bin", ">>", "$GITHUB_PATH"],
]
# Variables that make a program load code from elsewhere than the installed package.
LOADERS = {"PATH", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "LD_PRELOAD"}
PIP_OPTIONS = {"--disable-pip-version-check", "--no-cache-dir", "--no-input"}

Workflow = dict[str, Any]
Job = dict[str, Any]


def pr_workflow() -> Workflow:
    return load(PR)


def triggers(data: Workflow) -> dict[str, Any]:
    on = data["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on)


def checking_job(data: Workflow) -> Job:
    """The one job that runs ``duban check-change``."""
    jobs = [
        job
        for job in data["jobs"].values()
        if any("check-change" in s.get("run", "") for s in steps(job))
    ]
    assert len(jobs) == 1, "exactly one job runs check-change"
    return jobs[0]


def folder(path: object) -> str:
    """A checkout's folder, normalised; never the workspace itself or outside it."""
    assert isinstance(path, str) and path, "every checkout names its own folder"
    norm = posixpath.normpath(path)
    assert norm not in (".", "") and not norm.startswith(("/", "..")), path
    return norm


def inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top + "/")


def working_directory(data: Workflow, job: Job, step: dict[str, Any]) -> str:
    for source in (
        step,
        job.get("defaults", {}).get("run", {}),
        data.get("defaults", {}).get("run", {}),
    ):
        if "working-directory" in source:
            return posixpath.normpath(source["working-directory"])
    return "."


# -- the rules ---------------------------------------------------------------------------


def check_trigger(data: Workflow) -> None:
    """The definition that runs is the base branch's: ``pull_request_target`` only (under
    ``pull_request`` GitHub runs the workflow file of the pull request's merge commit)."""
    on = triggers(data)
    assert list(on) == ["pull_request_target"], f"only pull_request_target, not {list(on)}"
    event = on["pull_request_target"] or {}
    assert event.get("branches") == ["main"]
    assert set(event.get("types", ["opened", "synchronize", "reopened"])) <= {
        "opened",
        "synchronize",
        "reopened",
    }


def check_only_pr_workflow_judges(paths: list[Path]) -> None:
    """No other workflow runs check-change (one that ran on ``pull_request`` would be the
    pull request's own copy)."""
    for path in paths:
        if path.name != "pr.yml":
            assert "check-change" not in path.read_text(encoding="utf-8"), path.name


def checkout_steps(job: Job) -> list[dict[str, Any]]:
    """The steps that run ``git init``, ``fetch``, ``clone``, ``pull`` or ``checkout``."""
    found = []
    for step in steps(job):
        for words in shell_commands(step.get("run", "")):
            if words[0] == "git" and {"init", "fetch", "clone", "pull", "checkout"} & set(words):
                found.append(step)
                break
    return found


def check_checkouts(data: Workflow) -> tuple[str, str]:
    """Two checkouts, each the exact plain-git form (:func:`plain_checkout`): the base commit,
    and the head commit (with the base, for the merge), from this repository on this server,
    each in a folder of its own, neither inside the other; no token (no env, no header, no
    credential in the URL), no submodules, no LFS, no shallow history, no action; returns
    (base folder, head folder)."""
    job = checking_job(data)
    assert not [s for s in steps(job) if "uses" in s], "no action: plain git only"
    assert job["env"]["BASE_SHA"] == BASE_REF and job["env"]["HEAD_SHA"] == HEAD_REF
    found = checkout_steps(job)
    assert len(found) == 2, "one checkout of the base, one of the head"
    by_ref: dict[str, tuple[str, list[str]]] = {}
    for step in found:
        assert set(step) <= {"name", "run"}, f"no env, with or if on a checkout: {set(step)}"
        path, fetched, ref = plain_checkout(step["run"])
        by_ref[ref] = (path, fetched)
    assert set(by_ref) == {BASE_VAR, HEAD_VAR}, "the base and the head, by commit"
    (base, base_fetched), (head, head_fetched) = by_ref[BASE_VAR], by_ref[HEAD_VAR]
    assert base_fetched == [BASE_VAR], base_fetched
    assert sorted(head_fetched) == sorted([HEAD_VAR, BASE_VAR]), head_fetched
    base_dir, head_dir = folder(base), folder(head)
    assert not inside(head_dir, base_dir), "the head is never checked out into the base"
    assert not inside(base_dir, head_dir), "the base is never inside the head's folder"
    return base_dir, head_dir


def check_python_setup(data: Workflow) -> None:
    """The one write to GITHUB_PATH is the venv's bin under RUNNER_TEMP, made by the
    runner's python3 before either checkout (so nothing fetched can be on PATH); no step
    writes GITHUB_ENV."""
    job = checking_job(data)
    writers = [
        i
        for i, s in enumerate(steps(job))
        if "GITHUB_PATH" in s.get("run", "") or "GITHUB_ENV" in s.get("run", "")
    ]
    assert len(writers) == 1, "one step writes GITHUB_PATH, none GITHUB_ENV"
    step = steps(job)[writers[0]]
    assert shell_commands(step["run"]) == PYTHON_SETUP, step["run"]
    assert set(step) <= {"name", "run"}, set(step)
    first_checkout = min(steps(job).index(s) for s in checkout_steps(job))
    assert writers[0] < first_checkout, "Python is set up before anything is fetched"


def check_installs(data: Workflow) -> None:
    """Exactly one install in the job, ``python -m pip install [quiet options] <base>``,
    run from the workspace: not editable, no requirements file, nothing else."""
    base_dir, _ = check_checkouts(data)
    job = checking_job(data)
    installs = []
    for step in steps(job):
        for words in shell_commands(step.get("run", "")):
            if any(w in ("pip", "pip3", "install", "develop", "setup.py", "uv") for w in words):
                installs.append((step, words))
    assert len(installs) == 1, f"one install, not {[' '.join(w) for _, w in installs]}"
    step, words = installs[0]
    assert working_directory(data, job, step) == ".", "installed from the workspace"
    assert words[:4] == ["python", "-m", "pip", "install"], " ".join(words)
    *options, target = words[4:]
    assert set(options) <= PIP_OPTIONS, f"pip options {set(options) - PIP_OPTIONS}"
    assert target.startswith("./") and folder(target) == base_dir, "only the base checkout"


def check_head_is_data(data: Workflow) -> None:
    """No step runs code from the head: in its folder only the installed ``duban`` runs;
    no other script than its checkout names the folder or changes directory; no local
    action, no custom shell, no variable that loads code from elsewhere, no write to
    GITHUB_PATH/GITHUB_ENV but the Python set-up (:func:`check_python_setup`)."""
    _, head_dir = check_checkouts(data)
    check_python_setup(data)
    job = checking_job(data)
    vetted = checkout_steps(job)
    for env in (data.get("env", {}), job.get("env", {})):
        assert not LOADERS & set(env), f"no {LOADERS & set(env)}"
    for step in steps(job):
        uses = str(step.get("uses", ""))
        assert not uses.startswith(("./", ".\\", "docker://")), f"no local action: {uses}"
        assert not LOADERS & set(step.get("env", {})), step.get("name")
        if "run" not in step:
            continue
        script = step["run"]
        assert "shell" not in step, "the default shell only"
        if inside(working_directory(data, job, step), head_dir):
            check_runs_only_duban(script)
        if step in vetted:  # the exact checkout form, checked by check_checkouts
            continue
        assert not mentions_folder(script, head_dir), mentions_folder(script, head_dir)


def check_no_credentials(data: Workflow) -> None:
    """No secret and no token reaches a step; the token itself is read-only."""
    text = yaml.safe_dump(data)
    for word in ("secrets.", "github.token", "GITHUB_TOKEN", "token:"):
        assert word not in text, word
    assert data.get("permissions") == {}, "nothing at the top level"
    assert checking_job(data)["permissions"] == {"contents": "read"}


def check_actor(data: Workflow) -> None:
    """The actor is the pull request's opener, and the one-account check runs first, always."""
    job = checking_job(data)
    assert job["env"]["PR_AUTHOR"] == OPENER
    for step in steps(job):
        assert "PR_AUTHOR" not in step.get("env", {}), "PR_AUTHOR is not redefined"
        for words in shell_commands(step.get("run", "")):
            if words[:2] == ["duban", "check-change"]:
                assert "--actor" in words, " ".join(words)
                assert words[words.index("--actor") + 1] == "$PR_AUTHOR", " ".join(words)
    first = steps(job)[0]
    assert "run" in first and "if" not in first and not first.get("continue-on-error")
    assert first.get("env") == {
        "RUN_ACTOR": "${{ github.actor }}",
        "RUN_TRIGGERING_ACTOR": "${{ github.triggering_actor }}",
    }


RULES: list[Callable[[Workflow], object]] = [
    check_trigger,
    check_checkouts,
    check_python_setup,
    check_installs,
    check_head_is_data,
    check_no_credentials,
    check_actor,
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_pr_workflow_keeps_the_rule(rule: Callable[[Workflow], object]) -> None:
    rule(pr_workflow())


def test_no_other_workflow_runs_check_change() -> None:
    check_only_pr_workflow_judges(FILES)


# -- each rule can fail --------------------------------------------------------------------


def job_of(data: Workflow) -> Job:
    return data["jobs"]["check"]


def step_named(data: Workflow, start: str) -> dict[str, Any]:
    return next(s for s in steps(job_of(data)) if s.get("name", "").startswith(start))


def set_trigger(on: object) -> Callable[[Workflow], None]:
    def mutate(data: Workflow) -> None:
        data["on"] = on

    return mutate


def edit_run(start: str, old: str, new: str) -> Callable[[Workflow], None]:
    """Replace ``old`` (which must be there) by ``new`` in a step's script."""

    def mutate(data: Workflow) -> None:
        step = step_named(data, start)
        assert old in step["run"], (start, old)
        step["run"] = step["run"].replace(old, new)

    return mutate


def append_run(start: str, line: str) -> Callable[[Workflow], None]:
    def mutate(data: Workflow) -> None:
        step_named(data, start)["run"] += line + "\n"

    return mutate


def set_step(start: str, **fields: object) -> Callable[[Workflow], None]:
    def mutate(data: Workflow) -> None:
        step_named(data, start).update(fields)

    return mutate


def add_step(step: dict[str, Any]) -> Callable[[Workflow], None]:
    def mutate(data: Workflow) -> None:
        steps(job_of(data)).append(step)

    return mutate


def set_env(where: str, **env: str) -> Callable[[Workflow], None]:
    def mutate(data: Workflow) -> None:
        target = job_of(data) if where == "job" else step_named(data, where)
        target.setdefault("env", {}).update(env)

    return mutate


def in_pr(run: str) -> dict[str, Any]:
    return {"name": "bad", "working-directory": "pr", "run": run}


BAD: list[tuple[str, Callable[[Workflow], object], Callable[[Workflow], None]]] = [
    ("pull_request", check_trigger, set_trigger({"pull_request": {"branches": ["main"]}})),
    ("both triggers", check_trigger, set_trigger(["pull_request", "pull_request_target"])),
    ("workflow_run", check_trigger, set_trigger({"workflow_run": {"workflows": ["x"]}})),
    (
        "labeled runs",
        check_trigger,
        set_trigger({"pull_request_target": {"branches": ["main"], "types": ["labeled"]}}),
    ),
    ("head into base", check_checkouts, edit_run("Check out the pull request", " pr", " base")),
    ("head in base", check_checkouts, edit_run("Check out the pull request", " pr", " base/pr")),
    ("head at root", check_checkouts, edit_run("Check out the pull request", " pr", " .")),
    ("base in head", check_checkouts, edit_run("Check out the base", " base", " pr/base")),
    (
        "head credentials",
        check_checkouts,
        append_run("Check out the pull request", 'git -C pr config http.extraHeader "$AUTH"'),
    ),
    ("base token", check_checkouts, set_env("Check out the base", TOKEN="${{ github.token }}")),
    (
        "token in the URL",
        check_checkouts,
        edit_run("Check out the base", "$GITHUB_SERVER_URL/", "https://x:$TOKEN@example.org/"),
    ),
    (
        "merge ref",
        check_checkouts,
        edit_run("Check out the pull request", '"$HEAD_SHA" "$BASE_SHA"', "refs/pull/$PR/merge"),
    ),
    (
        "fork repository",
        check_checkouts,
        edit_run(
            "Check out the pull request", "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY", "$HEAD_REPO_URL"
        ),
    ),
    (
        "submodules",
        check_checkouts,
        append_run("Check out the pull request", "git -C pr submodule update --init"),
    ),
    ("lfs", check_checkouts, append_run("Check out the pull request", "git -C pr lfs pull")),
    (
        "shallow",
        check_checkouts,
        edit_run("Check out the pull request", "--no-tags", "--no-tags --depth=1"),
    ),
    (
        "head not fetched",
        check_checkouts,
        edit_run("Check out the pull request", ' "$HEAD_SHA" "$BASE_SHA"', ' "$BASE_SHA"'),
    ),
    (
        "checkout action",
        check_checkouts,
        add_step({"name": "bad", "uses": "actions/checkout@v5", "with": {"path": "x"}}),
    ),
    (
        "third checkout",
        check_checkouts,
        add_step({"name": "bad", "run": "git clone https://example.org/x.git x"}),
    ),
    (
        "head sha from elsewhere",
        check_checkouts,
        set_env("job", HEAD_SHA="${{ github.event.pull_request.head.ref }}"),
    ),
    (
        "venv in the head",
        check_python_setup,
        edit_run("Set up Python", "$RUNNER_TEMP/duban-venv/bin", "pr/.venv/bin"),
    ),
    (
        "python set up after the head",
        check_python_setup,
        lambda data: steps(job_of(data)).append(steps(job_of(data)).pop(1)),
    ),
    (
        "GITHUB_ENV",
        check_python_setup,
        add_step({"name": "bad", "run": 'echo "PYTHONPATH=x" >> "$GITHUB_ENV"'}),
    ),
    ("install head", check_installs, set_step("Install", run="python -m pip install ./pr")),
    (
        "install editable",
        check_installs,
        set_step("Install", run="python -m pip install -e ./base"),
    ),
    (
        "install both",
        check_installs,
        set_step("Install", run="python -m pip install ./base ./pr"),
    ),
    (
        "install in head",
        check_installs,
        set_step("Install", run="python -m pip install .", **{"working-directory": "pr"}),
    ),
    (
        "requirements of head",
        check_installs,
        add_step({"name": "bad", "run": "pip install -r pr/requirements.txt"}),
    ),
    ("head's script", check_head_is_data, add_step({"name": "bad", "run": "python pr/x.py"})),
    ("make in head", check_head_is_data, add_step(in_pr("make test"))),
    ("python -m in head", check_head_is_data, add_step(in_pr("python -m duban validate"))),
    (
        "cd into head",
        check_head_is_data,
        add_step({"name": "bad", "run": "cd pr && duban validate"}),
    ),
    (
        "workspace path",
        check_head_is_data,
        add_step({"name": "bad", "run": "$GITHUB_WORKSPACE/pr/x"}),
    ),
    (
        "local action",
        check_head_is_data,
        add_step({"name": "bad", "uses": "./pr/.github/actions/x"}),
    ),
    ("custom shell", check_head_is_data, set_step("Validate", shell="bash pr/x {0}")),
    ("PYTHONPATH", check_head_is_data, set_env("job", PYTHONPATH="pr")),
    ("PATH", check_head_is_data, set_env("Validate", PATH="pr/bin:/usr/bin")),
    (
        "GITHUB_PATH",
        check_head_is_data,
        add_step({"name": "bad", "run": 'echo x >> "$GITHUB_PATH"'}),
    ),
    (
        "job defaults into head",
        check_head_is_data,
        lambda data: job_of(data).update(defaults={"run": {"working-directory": "pr"}}),
    ),
    ("token in env", check_no_credentials, set_env("Validate", GH_TOKEN="${{ github.token }}")),
    ("secret in env", check_no_credentials, set_env("job", KEY="${{ secrets.KEY }}")),
    (
        "write permission",
        check_no_credentials,
        lambda data: job_of(data).update(permissions={"contents": "write"}),
    ),
    ("actor is the pusher", check_actor, set_env("job", PR_AUTHOR="${{ github.actor }}")),
    ("actor redefined", check_actor, set_env("Check the change", PR_AUTHOR="${{ github.actor }}")),
    (
        "other actor",
        check_actor,
        set_step("Check the change", run='duban check-change --base "$BASE_SHA" --actor x'),
    ),
    (
        "no actor",
        check_actor,
        set_step("Check the change", run='duban check-change --base "$BASE_SHA"'),
    ),
    ("one-account check skippable", check_actor, set_step("One pull request", **{"if": "false"})),
    (
        "one-account check ignored",
        check_actor,
        set_step("One pull request", **{"continue-on-error": True}),
    ),
    (
        "one-account check not first",
        check_actor,
        lambda data: steps(job_of(data)).append(steps(job_of(data)).pop(0)),
    ),
]


@pytest.mark.parametrize(("rule", "mutate"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_each_rule_fails_on_a_bad_variant(
    rule: Callable[[Workflow], object], mutate: Callable[[Workflow], None]
) -> None:
    bad = copy.deepcopy(pr_workflow())
    mutate(bad)
    with pytest.raises(AssertionError):
        rule(bad)


def test_another_workflow_running_check_change_is_caught(tmp_path: Path) -> None:
    other = tmp_path / "lint.yml"
    other.write_text("on: pull_request\njobs: {x: {steps: [{run: duban check-change}]}}\n")
    with pytest.raises(AssertionError):
        check_only_pr_workflow_judges([*FILES, other])


def test_mentions_folder_sees_paths_and_cd() -> None:
    assert mentions_folder("duban validate ledger", "pr") == []
    assert mentions_folder("duban validate --repo pro", "pr") == []
    for bad in ("./pr/x", "python pr/x.py", "cd base", "bash ${GITHUB_WORKSPACE}/pr/x", "ls pr"):
        assert mentions_folder(bad, "pr"), bad


# -- one pull request, one account ------------------------------------------------------


def one_account(opener: str, actor: str, triggering: str) -> subprocess.CompletedProcess[str]:
    """Run the workflow's one-account step as the runner would (``bash -e``)."""
    script = step_named(pr_workflow(), "One pull request")["run"]
    bash = shutil.which("bash")
    assert bash is not None
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PR_AUTHOR": opener,
        "RUN_ACTOR": actor,
        "RUN_TRIGGERING_ACTOR": triggering,
    }
    return subprocess.run(
        [bash, "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("actor", "triggering"),
    [("fgw-clerk", "fgw-clerk"), ("fgw-clerk", "")],
    ids=["github", "gitea (no triggering_actor)"],
)
def test_the_opener_passes(actor: str, triggering: str) -> None:
    done = one_account("fgw-clerk", actor, triggering)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


@pytest.mark.parametrize(
    ("opener", "actor", "triggering", "named"),
    [
        ("fgw-clerk", "czj-clerk", "czj-clerk", "czj-clerk"),  # another account pushed
        ("fgw-clerk", "czj-clerk", "", "czj-clerk"),  # the same on Gitea
        ("fgw-clerk", "czj-clerk", "fgw-clerk", "czj-clerk"),  # the opener re-ran that push
        ("fgw-clerk", "fgw-clerk", "czj-clerk", "czj-clerk"),  # another account re-ran
        ("", "czj-clerk", "czj-clerk", "czj-clerk"),  # no opener in the payload: fail closed
    ],
    ids=[
        "push by another",
        "gitea push by another",
        "opener re-runs",
        "re-run by another",
        "no opener",
    ],
)
def test_another_account_fails(opener: str, actor: str, triggering: str, named: str) -> None:
    done = one_account(opener, actor, triggering)
    assert done.returncode == 1
    assert done.stdout.startswith("::error title=")
    assert "一个拉取请求只属于一个账号" in done.stdout
    assert "One pull request belongs to one account" in done.stdout
    assert f"triggered by {named}," in done.stdout and f"由 {named} 触发" in done.stdout


# -- the linter agrees only with a reason ----------------------------------------------------


def test_zizmor_flags_pull_request_target_without_the_reasoned_ignore(tmp_path: Path) -> None:
    """The one zizmor finding silenced in pr.yml is dangerous-triggers, by a comment that
    gives the reason; without it zizmor reports the trigger."""
    zizmor = tool("zizmor")
    text = PR.read_text(encoding="utf-8")
    ignores = [
        line.strip()
        for line in text.splitlines()
        if "zizmor: ignore" in line and "ignore[github-env]" not in line
    ]
    assert len(ignores) == 1 and ignores[0].startswith("# zizmor: ignore[dangerous-triggers] ")
    assert "never run" in ignores[0], "the ignore says why"
    bad = tmp_path / "pr.yml"
    bad.write_text(text.replace(ignores[0], "# (no ignore)"), encoding="utf-8")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(bad)], capture_output=True, text=True
    )
    assert done.returncode != 0 and "dangerous-triggers" in done.stdout, done.stdout


def test_zizmor_flags_the_path_write_without_the_reasoned_ignore(tmp_path: Path) -> None:
    """The second silenced finding is github-env on the Python set-up (a constant folder
    under RUNNER_TEMP, made before anything is fetched: check_python_setup); without the
    comment zizmor reports it."""
    zizmor = tool("zizmor")
    text = PR.read_text(encoding="utf-8")
    (line,) = [x for x in text.splitlines() if "ignore[github-env]" in x]
    assert line.strip().startswith("run: | # zizmor: ignore[github-env] ") and "RUNNER_TEMP" in line
    bad = tmp_path / "pr.yml"
    bad.write_text(text.replace(line, line.split("#")[0].rstrip()), encoding="utf-8")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(bad)], capture_output=True, text=True
    )
    assert done.returncode != 0 and "github-env" in done.stdout, done.stdout


# -- CODEOWNERS ----------------------------------------------------------------------------

CODEOWNERS = WORKFLOWS.parent / "CODEOWNERS"
MAINTAINERS = "@example-prefecture/duban-maintainers"
DUCHASHI = "@example-prefecture/duchashi"
SETTINGS = ("ledger/ledger.yaml", "ledger/units.yaml", "ledger/rules.yaml", "ledger/calendar/")


def codeowners_rules(text: str) -> list[tuple[str, list[str]]]:
    rules = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *owners = line.split()
            # Only the forms this file uses, so the matcher below is exact for them.
            assert pattern == "*" or pattern.startswith("/"), pattern
            assert not any(c in pattern[1:] for c in "*?[!"), pattern
            rules.append((pattern, owners))
    return rules


def owners_of(rules: list[tuple[str, list[str]]], path: str) -> list[str] | None:
    """GitHub's rule for these forms: the last matching line wins; ``*`` matches every file,
    ``/dir/`` everything under dir, ``/file`` that file (or everything under it)."""
    found = None
    for pattern, owners in rules:
        anchored = pattern.lstrip("/")
        if (
            pattern == "*"
            or path == anchored.rstrip("/")
            or path.startswith(anchored.rstrip("/") + "/")
        ):
            found = owners
    return found


def check_codeowners(text: str, files: list[str]) -> None:
    """Tasks have no code owner; the settings and roster belong to the assigning unit;
    everything else to the code maintainers."""
    rules = codeowners_rules(text)
    for path in files:
        owners = owners_of(rules, path)
        if path.startswith("ledger/tasks/"):
            assert not owners, f"{path}: the gate judges task files, {owners}"
        elif path.startswith("ledger/"):
            assert owners == [DUCHASHI], f"{path}: {owners}"
        else:
            assert owners == [MAINTAINERS], f"{path}: {owners}"


def repository_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=WORKFLOWS.parent.parent, capture_output=True, text=True
    )
    sample = [
        ".github/workflows/pr.yml",
        ".github/CODEOWNERS",
        "scripts/duban/cli/main.py",
        "schemas/task.schema.json",
        "docs/index.md",
        "mkdocs.yml",
        "pyproject.toml",
        "ledger/tasks/2026/SL-2026-0042.yaml",
        *(s + "2026.yaml" if s.endswith("/") else s for s in SETTINGS),
    ]
    return sorted({*listed.stdout.split(), *sample})


def test_codeowners() -> None:
    files = repository_files()
    assert any(f.startswith("ledger/tasks/") for f in files)
    check_codeowners(CODEOWNERS.read_text(encoding="utf-8"), files)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("tasks owned", "/ledger/tasks/\n", f"/ledger/tasks/ {DUCHASHI}\n"),
        ("no default", f"*                       {MAINTAINERS}\n", ""),
        ("roster by another team", f"/ledger/units.yaml      {DUCHASHI}", "/ledger/units.yaml x"),
        ("calendar unowned", f"/ledger/calendar/       {DUCHASHI}", "/ledger/calendar/"),
    ],
    ids=["tasks owned", "no default", "roster by another team", "calendar unowned"],
)
def test_codeowners_check_can_fail(name: str, old: str, new: str) -> None:
    text = CODEOWNERS.read_text(encoding="utf-8")
    assert old in text, name
    with pytest.raises(AssertionError):
        check_codeowners(text.replace(old, new), repository_files())


def test_validate_judges_the_merged_tree() -> None:
    """The base is merged into the pull request's data before validate and overdue read it,
    so both judge what the merge would give (check-change computes the same merge itself)."""
    job = checking_job(yaml.safe_load(PR.read_text("utf-8")))
    names = [str(step.get("name", "")) for step in steps(job)]
    merge = names.index("Merge the base into the pull request's data")
    assert merge < names.index("Validate the ledger")
    assert merge < next(i for i, n in enumerate(names) if n.startswith("Overdue items"))


@pytest.mark.parametrize(
    "script",
    [
        'git -c core.hooksPath=x -c user.email=duban@invalid merge --no-edit --no-ff "$BASE_SHA"',
        "git config core.hooksPath .",
        'git -c user.name=duban -c user.email=duban@invalid merge --no-edit "$HEAD_SHA"',
        "git submodule update --init",
    ],
)
def test_only_the_exact_merge_runs_on_the_data(script: str) -> None:
    with pytest.raises(AssertionError):
        check_runs_only_duban(script)
