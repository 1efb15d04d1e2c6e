"""``duban due DATE PERIOD``: a due date counted in Chinese working days."""

from __future__ import annotations

import json
from pathlib import Path

import click

from duban.calendar.clock import parse_date
from duban.ledger import compute_due
from duban.model import PRIORITIES

from .boundary import OK
from .options import lang_option, ledger_option


@click.command()
@click.argument("start", metavar="DATE")
@click.argument("period", required=False)
@click.option("--rule", "rule_id", help="Use the period of a rule from rules.yaml (e.g. deploy).")
@click.option(
    "--priority",
    type=click.Choice(PRIORITIES),
    default="normal",
    help="Priority, for rules with important/urgent variants.",
)
@ledger_option()
@click.option("--json", "as_json", is_flag=True, help='Print {"due": ..., "provisional": ...}.')
@lang_option
def due(
    start: str,
    period: str | None,
    rule_id: str | None,
    priority: str,
    ledger: Path,
    as_json: bool,
    lang: str,
) -> int:
    """The due date of PERIOD (5wd, 15d, 1m, 0d) or --rule counted from DATE."""
    result, note = compute_due(ledger, parse_date(start), period, rule_id, priority, lang)
    if as_json:
        payload = {"due": result.date.isoformat(), "provisional": result.provisional}
        click.echo(json.dumps(payload))
    else:
        click.echo(result.date.isoformat())
        if note:
            click.echo(note, err=True)
    return OK
