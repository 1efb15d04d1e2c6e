"""``duban stats``: per-unit figures, scores and ranks for a period (measure 九), or with
``--weekly`` the trend of a year week by week."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.problems import UserError
from duban.render.stats import FORMATS, render_stats, render_trend
from duban.stats.figures import ledger_stats
from duban.stats.periods import Period, month, parse_period, span
from duban.stats.trend import weekly
from duban.text import Text

from .boundary import OK, CannotRun, load_for_reports
from .options import apply_all, as_of_option, format_option, lang_option, ledger_option

stats_options = apply_all(
    [
        ledger_option(),
        click.option(
            "--period",
            help="Month 2026-11, quarter 2026-Q4 or year 2026 (default: the month of --as-of).",
        ),
        click.option("--from", "start", help="First day of the period (YYYY-MM-DD), with --to."),
        click.option("--to", "end", help="Last day of the period (YYYY-MM-DD), with --from."),
        as_of_option("The day to report on (default: today there)."),
        click.option("--internal", is_flag=True, help="Count internal tasks too (not public)."),
        click.option(
            "--weekly",
            "weekly_",
            is_flag=True,
            help="The trend: status as of each Sunday of a year.",
        ),
        click.option("--year", type=int, help="The year of --weekly (default: that of --as-of)."),
        format_option(FORMATS, "table"),
        click.option(
            "--out",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write to this file (required for xlsx) instead of printing.",
        ),
        lang_option,
    ]
)


def choose_period(period: str | None, start: str | None, end: str | None, day: Period) -> Period:
    """``--period``, or ``--from``/``--to`` (both), else ``day`` (the month of the as-of)."""
    if period is not None and (start or end):
        raise UserError(
            Text("--period 与 --from/--to 只能选一种", "give --period or --from/--to, not both")
        )
    if period is not None:
        return parse_period(period)
    if start or end:
        if not (start and end):
            raise UserError(Text("--from 与 --to 须同时给出", "give both --from and --to"))
        return span(parse_date(start), parse_date(end))
    return day


def write_out(out: Path, data: str | bytes) -> None:
    """Write ``data`` to ``out`` whole or not at all: a temporary file beside it, then
    renamed over it (never a half-written file; a folder is refused by click)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(Text(f"找不到输出目录：{folder}", f"no such folder: {folder}"))
    fd, tmp = tempfile.mkstemp(prefix=".duban-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command()
@stats_options
def stats(
    ledger: Path,
    period: str | None,
    start: str | None,
    end: str | None,
    as_of: str | None,
    internal: bool,
    weekly_: bool,
    year: int | None,
    fmt: str,
    out: Path | None,
    lang: str,
) -> int:
    """Per-unit figures, scores and ranks for a period (measure 九), or --weekly trends."""
    loaded = load_for_reports(ledger, lang)
    if fmt == "xlsx" and out is None:
        raise UserError(Text("xlsx 格式须用 --out 指定文件", "the xlsx format needs --out FILE"))
    day = parse_date(as_of) if as_of else today(loaded.config.timezone)
    data: str | bytes
    if weekly_:
        if period or start or end:
            raise UserError(
                Text("--weekly 按 --year 统计, 不用 --period/--from/--to", "--weekly takes --year")
            )
        chosen = year if year is not None else day.year
        if not 1900 <= chosen <= 2200:
            raise UserError(Text(f"年份超出范围：{chosen}", f"year out of range: {chosen}"))
        data = render_trend(weekly(loaded, chosen, day, internal), loaded, fmt, lang)
    else:
        if year is not None:
            raise UserError(Text("--year 只用于 --weekly", "--year goes with --weekly"))
        chosen_period = choose_period(period, start, end, month(day.year, day.month))
        result, bad = ledger_stats(loaded, chosen_period, day, internal=internal)
        if bad:
            text = Text("评分规则 scoring.yaml 有错误，无法计分", "scoring.yaml is invalid")
            raise CannotRun(bad, text)
        data = render_stats(result, loaded, fmt, lang)
    if out is not None:
        write_out(out, data)
    else:
        assert isinstance(data, str)
        click.echo(data)
    return OK
