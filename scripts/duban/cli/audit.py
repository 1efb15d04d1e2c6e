"""``duban audit ID``: the audit trail of a task from the Git history."""

from __future__ import annotations

from pathlib import Path

import click

from duban.audit.trail import audit_for_cli
from duban.problems import UserError
from duban.render.audit import audit_json, problem_lines, trail_text
from duban.text import Text

from .boundary import OK, CannotRun
from .options import format_option, lang_option


@click.command()
@click.argument("task_id", metavar="ID")
@format_option(["text", "json"], "text")
@click.option(
    "--ledger-repo",
    default=".",
    type=click.Path(path_type=Path),
    help="The Git repository of the ledger (default: current folder).",
)
@click.option("--no-cache", is_flag=True, help="Read the whole history (ignore .duban-cache/).")
@lang_option
def audit(task_id: str, fmt: str, ledger_repo: Path, no_cache: bool, lang: str) -> int:
    """The audit trail of task ID from Git history: who changed what, when, through which PR."""
    trail, problems, fatal = audit_for_cli(ledger_repo, task_id, not no_cache)
    if problems:
        click.echo(problem_lines(problems, lang), err=True)
    if fatal:
        raise CannotRun()  # the problems above say why
    if trail is None:
        raise UserError(Text(f"历史中没有任务 {task_id}", f"no task {task_id} in the history"))
    if fmt == "json":
        click.echo(audit_json(trail, problems, lang))
    else:
        click.echo(trail_text(trail, lang))
    return OK
