"""``duban status`` and ``duban overdue``: lights and overdue items as of a day."""

from __future__ import annotations

from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.problems import UserError
from duban.render.duties import ledger_duty_status, with_duties
from duban.render.status import FORMATS, OVERDUE_REPORTERS, STATUS_REPORTERS
from duban.status.select import ledger_status, overdue_items, unit_items
from duban.text import Text

from .boundary import OK, PROBLEMS, load_for_reports
from .options import apply_all, as_of_option, format_option, lang_option, ledger_option, unit_option

status_options = apply_all(
    [
        ledger_option(),
        as_of_option("The day to report on (default: today there)."),
        unit_option,
        format_option(FORMATS, "table"),
        click.option("--fail-on-overdue", is_flag=True, help="Exit 1 when anything is overdue."),
        lang_option,
    ]
)


def run_status(
    kind: str,
    ledger_dir: Path,
    as_of: str | None,
    unit: str | None,
    fmt: str,
    fail_on_overdue: bool,
    lang: str,
) -> int:
    """``status`` or ``overdue`` (``kind``); the exit code."""
    ledger = load_for_reports(ledger_dir, lang)
    if unit is not None and unit not in ledger.units:
        raise UserError(Text(f"未知的单位代码：{unit}", f"unknown unit code: {unit}"))
    day = parse_date(as_of) if as_of else today(ledger.config.timezone)
    if kind == "overdue" and unit is not None:
        statuses = unit_items(ledger_status(ledger, day), unit)
    else:
        statuses = ledger_status(ledger, day, unit)
    reporters = OVERDUE_REPORTERS if kind == "overdue" else STATUS_REPORTERS
    out = reporters[fmt](statuses, ledger, day, lang)
    duties = ledger_duty_status(ledger, day)
    if unit is None:  # the leaders' duties (measures 十, 十六) are no unit's
        out = with_duties(fmt, out, duties, lang, red_only=kind == "overdue")
    if out:
        click.echo(out)
    red = unit is None and any(light == "red" for _, light in duties.lights())
    return PROBLEMS if fail_on_overdue and (overdue_items(statuses) or red) else OK


@click.command()
@status_options
def status(
    ledger: Path, as_of: str | None, unit: str | None, fmt: str, fail_on_overdue: bool, lang: str
) -> int:
    """Every task's light (红灯/黄灯/绿灯/已办结/已销号) and next item as of a day."""
    return run_status("status", ledger, as_of, unit, fmt, fail_on_overdue, lang)


@click.command()
@status_options
def overdue(
    ledger: Path, as_of: str | None, unit: str | None, fmt: str, fail_on_overdue: bool, lang: str
) -> int:
    """Overdue items with working days late; never fails unless --fail-on-overdue."""
    return run_status("overdue", ledger, as_of, unit, fmt, fail_on_overdue, lang)
