"""``duban remind``: the 催办 reminder each unit should have; optionally applied as issues
(through ``gh`` or the forge's REST API) and sent to each unit's robots and e-mail."""

from __future__ import annotations

import os
from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.notify import channels
from duban.notify import forge as forges
from duban.notify import remind as reminders
from duban.notify.forge_env import AUTO
from duban.status.select import ledger_status

from .boundary import OK, PROBLEMS, CannotRun, load_or_stop
from .options import as_of_option, format_option, lang_option, ledger_option


@click.command()
@ledger_option()
@as_of_option("The day to remind for (default: today there).")
@format_option(["text", "json"], "text")
@click.option("--apply", "do_apply", is_flag=True, help="Open/edit/close the issues on the forge.")
@click.option(
    "--forge",
    type=click.Choice(["gh-cli", *forges.FORGES, AUTO]),
    default="gh-cli",
    show_default=True,
    help="How --apply reaches the issues: the gh CLI, or the REST API of GitHub, Gitea or "
    "Forgejo (token, address and repository from the environment); auto: the forge whose "
    "runner runs the job (FORGEJO_ACTIONS, GITEA_ACTIONS, GITHUB_ACTIONS).",
)
@click.option(
    "--notify",
    "do_notify",
    is_flag=True,
    help="Send each unit's digest to the channels of units.yaml (robots, e-mail).",
)
@click.option("--label", default="催办", show_default=True, help="Issue label of reminders.")
@lang_option
def remind(
    ledger: Path,
    as_of: str | None,
    fmt: str,
    do_apply: bool,
    forge: str,
    do_notify: bool,
    label: str,
    lang: str,
) -> int:
    """The 催办 reminder each unit should have (one issue per unit, closed when clear).

    The reminders themselves are in Chinese; --lang sets the language of the messages.
    """
    loaded, problems = load_or_stop(ledger)
    day = parse_date(as_of) if as_of else today(loaded.config.timezone)
    statuses = ledger_status(loaded, day)
    plan = reminders.plan(loaded, statuses, day)
    if fmt == "json":
        click.echo(reminders.plan_json(plan, day, label))
    else:
        click.echo(reminders.plan_text(plan, day))
    if not do_apply and not do_notify:
        return OK
    refusal = reminders.apply_refusal(problems)
    if refusal is not None:
        raise CannotRun(refusal.problems, refusal.text)
    failed = False
    if do_notify:
        deliveries = channels.notify(loaded, statuses, day, os.environ)
        for delivery in deliveries:
            click.echo(delivery.line(lang), err=True)
        click.echo(channels.summary(deliveries)(lang), err=True)
        failed = any(not d.ok for d in deliveries)
    if do_apply:
        if forge == "gh-cli":
            done = reminders.apply(plan, label)
        else:
            done = forges.apply(plan, forge, os.environ, label)
        for line in done:
            click.echo(line, err=True)
    return PROBLEMS if failed else OK
