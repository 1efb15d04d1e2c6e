"""The test helpers themselves (tests/support): each can fail, and does when it should."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from support import GitRepo, git_env, need, need_module, run_cli, run_installed, task_yaml
from support.tasks import ev


def test_git_repo_is_isolated_and_repeatable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same files, author and dates give the same commit ids, whatever the caller's Git
    environment says (an inherited GIT_DIR or author would change them)."""
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "someone else")
    shas = []
    for name in ("a", "b"):
        repo = GitRepo(tmp_path / name, when="2026-03-02T09:00:00+08:00")
        repo.write("x.txt", "x\n")
        shas.append(repo.commit("first"))
        assert repo.git("log", "-1", "--format=%an <%ae> %aI") == (
            "王芳 <secret-mail@example.org> 2026-03-02T09:00:00+08:00"
        )
    assert shas[0] == shas[1]
    env = git_env()
    assert env["GIT_CONFIG_GLOBAL"] and env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert "GIT_DIR" not in env


def test_task_yaml_builds_a_valid_task_in_field_order() -> None:
    text = task_yaml(
        "ES-2026-0001",
        co_units=(),
        deadline=None,
        deadline_rule="draft-general",
        description="说明",
        milestones=[("完成调研", "2026-12-15")],
        events=[ev("2026-10-09", "deployed", "fgw", "部署", milestone="x")],
    )
    keys = [line.split(":")[0] for line in text.splitlines() if not line.startswith(" ")]
    assert keys == [
        "id", "title", "received", "assigned_by", "owner", "standard", "priority",
        "deadline_rule", "visibility", "description", "milestones", "events",
    ]  # fmt: skip
    assert "co_units" not in text
    assert text.endswith(
        "  - {date: 2026-10-09, type: deployed, by: fgw, milestone: x, note: 部署}\n"
    )
    assert task_yaml().splitlines()[-1] == "events: []"


@click.command()
@click.option("--boom", is_flag=True)
def _toy(boom: bool) -> None:
    click.echo("out")
    click.echo("err", err=True)
    if boom:
        raise RuntimeError("escaped")


def test_cli_runner_keeps_streams_apart_and_shows_an_escaped_traceback() -> None:
    ok = run_cli(command=_toy)
    assert (ok.exit_code, ok.stdout, ok.stderr) == (0, "out\n", "err\n")
    boom = run_cli("--boom", command=_toy)
    assert boom.exit_code == 1 and "Traceback" in boom.stderr and "escaped" in boom.stderr


def test_cli_runner_runs_in_the_given_folder(tmp_path: Path) -> None:
    done = run_cli("validate", cwd=tmp_path)  # the default ledger/ is looked for here
    assert done.returncode == 2 and str(Path("ledger")) in done.stderr


@pytest.mark.packaging
def test_installed_command_reports_its_version() -> None:
    from duban import __version__

    done = run_installed("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"duban, version {__version__}"


def test_missing_tool_skips_on_a_desk_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    need(True, "x", "y")  # present: nothing happens
    with pytest.raises(pytest.skip.Exception, match="needs no-such-tool"):
        need(False, "no-such-tool", "apt-get install it")
    with pytest.raises(pytest.skip.Exception):
        need_module("no_such_module_duban")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        need(False, "no-such-tool", "apt-get install it")
    with pytest.raises(pytest.fail.Exception):
        need_module("no_such_module_duban")
