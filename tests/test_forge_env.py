"""``--forge auto``: the forge named by the runner's own environment (issue 16, item 2).

The environments below are what each runner sets in a job, from their sources: the Forgejo
Runner (``internal/app/run/runner.go``: ``GITEA_ACTIONS=true`` and ``FORGEJO_ACTIONS=true``,
``GITHUB_SERVER_URL`` its server), Gitea's act_runner (``GITEA_ACTIONS=true``,
``GITEA_ACTIONS_RUNNER_VERSION``) and both their act forks (``GITHUB_ACTIONS=true``,
``GITHUB_API_URL`` = server + ``/api/v1``, "the version of Gitea is v1"), and GitHub's runner
(``GITHUB_ACTIONS=true``, ``GITHUB_API_URL=https://api.github.com``). The end-to-end cases run
``duban remind --apply --forge auto`` against the local API servers of ``test_forge_api``,
which refuse another family's authorization and paths: a wrong guess fails there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from duban.notify import forge
from duban.notify.forge_env import MARKERS, detect_forge
from support import run_cli
from test_forge_api import AS_OF, TOKEN, ledger_dir, serve

__all__ = ["ledger_dir"]  # the fixture, shared with test_forge_api

SERVER = "https://git.example.cn"

GITHUB = {
    "CI": "true",
    "GITHUB_ACTIONS": "true",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_API_URL": "https://api.github.com",
    "GITHUB_REPOSITORY": "prefecture/ledger",
    "RUNNER_OS": "Linux",
}
GITEA = {
    "CI": "true",
    "ACT": "true",
    "GITHUB_ACTIONS": "true",
    "GITEA_ACTIONS": "true",
    "GITEA_ACTIONS_RUNNER_VERSION": "v0.2.11",
    "GITHUB_SERVER_URL": SERVER,
    "GITHUB_API_URL": f"{SERVER}/api/v1",
    "GITHUB_REPOSITORY": "prefecture/ledger",
}
FORGEJO = {
    **GITEA,
    "GITEA_ACTIONS_RUNNER_VERSION": "v12.1.0",
    "FORGEJO_ACTIONS": "true",
    "FORGEJO_ACTIONS_RUNNER_VERSION": "v12.1.0",
}
#: Every variable detection reads: cleared first, so the machine's own CI cannot leak in.
CLEAR: dict[str, str | None] = {
    **{marker: None for marker, _ in MARKERS},
    "DUBAN_FORGE": None,
    "DUBAN_FORGE_URL": None,
    "DUBAN_FORGE_REPO": None,
    "GITHUB_TOKEN": None,
    "GITHUB_API_URL": None,
    "GITHUB_REPOSITORY": None,
    "GITEA_SERVER_URL": None,
    "FORGEJO_SERVER_URL": None,
}


@pytest.mark.parametrize(
    ("environment", "kind", "api"),
    [
        (GITHUB, "github", "https://api.github.com"),
        (GITEA, "gitea", f"{SERVER}/api/v1"),
        (FORGEJO, "forgejo", f"{SERVER}/api/v1"),
        # An older Forgejo Runner (before v7) says only GITEA_ACTIONS: the same API v1.
        ({k: v for k, v in FORGEJO.items() if not k.startswith("FORGEJO")}, "gitea", None),
        # GitHub Enterprise Server: GitHub's runner, GitHub's API at another address.
        ({**GITHUB, "GITHUB_API_URL": "https://ghe.example.cn/api/v3"}, "github", None),
    ],
    ids=["github", "gitea", "forgejo", "forgejo-runner-before-v7", "github-enterprise"],
)
def test_each_runner_names_its_forge(environment: dict[str, str], kind: str, api: str) -> None:
    assert detect_forge(environment) == kind
    target = forge.target_from_env("auto", {**environment, "DUBAN_FORGE_TOKEN": "t"})
    assert target.kind == kind and (target.owner, target.repo) == ("prefecture", "ledger")
    assert target.api == (api or environment["GITHUB_API_URL"])


def test_duban_forge_overrides_and_is_checked() -> None:
    assert detect_forge({**GITHUB, "DUBAN_FORGE": "Forgejo "}) == "forgejo"
    with pytest.raises(forge.ForgeError) as caught:
        detect_forge({**GITEA, "DUBAN_FORGE": "gitlab\n" + "x" * 10_000})
    assert "DUBAN_FORGE" in caught.value.text.zh and len(caught.value.text.zh) < 200


@pytest.mark.parametrize(
    "environment",
    [{}, {"CI": "true"}, {"GITHUB_ACTIONS": "false", "GITEA_ACTIONS": "0"}, {"ACT": "true"}],
    ids=["nothing", "another-ci", "markers-off", "act-alone"],
)
def test_outside_a_runner_auto_says_what_to_write(environment: dict[str, str]) -> None:
    with pytest.raises(forge.ForgeError) as caught:
        forge.target_from_env("auto", {**environment, "DUBAN_FORGE_TOKEN": "t"})
    assert "--forge" in caught.value.text.zh and "DUBAN_FORGE" in caught.value.text.en


@pytest.mark.parametrize("kind", ["github", "gitea", "forgejo"])
def test_auto_reaches_the_right_api(kind: str, ledger_dir: Path) -> None:
    """The daily workflow's step, ``remind --apply --forge auto`` with the token in
    ``DUBAN_FORGE_TOKEN``, on each runner's environment (its API at the local server)."""
    for f in serve(kind):
        runner = {"github": GITHUB, "gitea": GITEA, "forgejo": FORGEJO}[kind]
        api = f.url if kind == "github" else f"{f.url}/api/v1"
        environment = {**CLEAR, **runner, "GITHUB_API_URL": api, "DUBAN_FORGE_TOKEN": TOKEN}
        environment["GITHUB_REPOSITORY"] = "dcs/ledger"
        args = ("remind", "--ledger", ledger_dir, "--as-of", AS_OF, "--apply", "--forge", "auto")
        done = run_cli(*args, env=environment)
        assert done.returncode == 0, done.stderr
        assert set(f.open_titles()) == {"fgw", "zfb"} and "created #" in done.stderr
        assert TOKEN not in done.stdout + done.stderr


def test_auto_outside_a_runner_is_exit_2(ledger_dir: Path) -> None:
    done = run_cli(
        "remind", "--ledger", ledger_dir, "--as-of", AS_OF, "--apply", "--forge", "auto",
        env={**CLEAR, "DUBAN_FORGE_TOKEN": TOKEN},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "无法自动识别代码托管平台" in done.stderr and "Traceback" not in done.stderr
