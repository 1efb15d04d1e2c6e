"""``duban export --format xlsx|csv --out FILE``: the 台账 as a workbook."""

from __future__ import annotations

from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.clerk.export import FORMATS
from duban.clerk.export import export as write_export
from duban.problems import UserError
from duban.text import Text

from .boundary import OK, load_for_reports
from .options import as_of_option, format_option, lang_option, ledger_option, unit_option


@click.command()
@ledger_option()
@format_option(FORMATS, "xlsx")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="File to write.")
@as_of_option("The day of the status columns (default: today there).")
@unit_option
@click.option("--internal", is_flag=True, help="Include internal tasks (not for publication).")
@lang_option
def export(
    ledger: Path,
    fmt: str,
    out: Path,
    as_of: str | None,
    unit: str | None,
    internal: bool,
    lang: str,
) -> int:
    """The ledger (台账) as an Excel workbook or a CSV file: one row per task, with status."""
    loaded = load_for_reports(ledger, lang)
    if unit is not None and unit not in loaded.units:
        raise UserError(Text(f"未知的单位代码：{unit}", f"unknown unit code: {unit}"))
    day = parse_date(as_of) if as_of else today(loaded.config.timezone)
    count = write_export(loaded, out, fmt, day, unit, internal)
    click.echo(Text(f"已导出 {count} 项任务到 {out}", f"exported {count} task(s) to {out}")(lang))
    return OK
