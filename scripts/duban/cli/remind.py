"""``duban remind``: the 催办 reminder each unit should have, optionally applied with ``gh``."""

from __future__ import annotations

from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.notify import remind as reminders
from duban.status.select import ledger_status

from .boundary import OK, CannotRun, load_or_stop
from .options import as_of_option, format_option, lang_option, ledger_option


@click.command()
@ledger_option()
@as_of_option("The day to remind for (default: today there).")
@format_option(["text", "json"], "text")
@click.option("--apply", "do_apply", is_flag=True, help="Open/edit/close the issues with gh.")
@click.option("--label", default="催办", show_default=True, help="Issue label of reminders.")
@lang_option
def remind(ledger: Path, as_of: str | None, fmt: str, do_apply: bool, label: str, lang: str) -> int:
    """The 催办 reminder each unit should have (one issue per unit, closed when clear).

    The reminders themselves are in Chinese; --lang sets the language of the messages.
    """
    loaded, problems = load_or_stop(ledger)
    day = parse_date(as_of) if as_of else today(loaded.config.timezone)
    plan = reminders.plan(loaded, ledger_status(loaded, day), day)
    if fmt == "json":
        click.echo(reminders.plan_json(plan, day, label))
    else:
        click.echo(reminders.plan_text(plan, day))
    if not do_apply:
        return OK
    refusal = reminders.apply_refusal(problems)
    if refusal is not None:
        raise CannotRun(refusal.problems, refusal.text)
    for line in reminders.apply(plan, label):
        click.echo(line, err=True)
    return OK
