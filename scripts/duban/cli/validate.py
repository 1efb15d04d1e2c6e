"""``duban validate [LEDGER]``: every problem of every file; exit 1 if any is an error
(warnings are shown and do not fail it)."""

from __future__ import annotations

from pathlib import Path

import click

from duban.ledger import load_ledger
from duban.render import problems as report

from .boundary import OK, PROBLEMS, need_folder
from .options import format_option, lang_option


@click.command()
@click.argument("ledger", default="ledger", type=click.Path(path_type=Path))
@format_option(report.FORMATS, "text")
@lang_option
def validate(ledger: Path, fmt: str, lang: str) -> int:
    """Check every file of the LEDGER folder; report every problem (exit 1 if any error)."""
    result, problems = load_ledger(need_folder(ledger))
    out = report.REPORTERS[fmt](problems, lang)
    if out:
        click.echo(out)
    if fmt == "text":
        tasks = len(result.tasks) if result else 0
        click.echo(report.validate_summary(problems, tasks, lang), err=True)
    return PROBLEMS if report.errors(problems) else OK
