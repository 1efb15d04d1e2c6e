"""``duban bulletin``: the period's 督查通报 as a Word document (GB/T 9704 layout) or as
Markdown (measure 九)."""

from __future__ import annotations

from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.problems import UserError
from duban.render.bulletin import markdown
from duban.render.bulletin_docx import docx_bytes
from duban.render.problems import errors
from duban.stats.periods import month, parse_period
from duban.text import Text
from duban.web.bulletins import period_bulletin

from .boundary import OK, CannotRun, load_or_stop
from .options import apply_all, as_of_option, format_option, lang_option, ledger_option
from .stats import write_out

FORMATS = ("docx", "markdown")

bulletin_options = apply_all(
    [
        ledger_option(),
        click.option(
            "--period",
            help="Month 2026-11, quarter 2026-Q4 or year 2026 (default: the month of --as-of).",
        ),
        click.option("--number", type=int, required=True, help="The issue number (第N期)."),
        as_of_option("The day to report on (default: today there)."),
        click.option(
            "--internal",
            is_flag=True,
            help="Include internal tasks (the document says 内部; never publish it).",
        ),
        format_option(FORMATS, "docx"),
        click.option(
            "--out",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write to this file (required for docx) instead of printing.",
        ),
        lang_option,
    ]
)


@click.command()
@bulletin_options
def bulletin(
    ledger: Path,
    period: str | None,
    number: int,
    as_of: str | None,
    internal: bool,
    fmt: str,
    out: Path | None,
    lang: str,
) -> int:
    """The period's 督查通报 (measure 九) as a Word document or Markdown."""
    if not 1 <= number <= 9999:
        raise UserError(Text(f"期数应为 1 至 9999：{number}", f"--number must be 1-9999: {number}"))
    if fmt == "docx" and out is None:
        raise UserError(Text("docx 格式须用 --out 指定文件", "the docx format needs --out FILE"))
    loaded, problems = load_or_stop(ledger)
    if found := errors(problems):
        click.echo(
            Text(
                f"注意：台账有 {len(found)} 个问题（运行 duban validate 查看），有问题的任务未计入",
                f"note: the ledger has {len(found)} problem(s) (see duban validate); invalid "
                "tasks are left out",
            )(lang),
            err=True,
        )
    day = parse_date(as_of) if as_of else today(loaded.config.timezone)
    chosen = parse_period(period) if period is not None else month(day.year, day.month)
    made, bad = period_bulletin(loaded, chosen, day, number, internal=internal)
    if bad:
        raise CannotRun(
            bad, Text("评分规则 scoring.yaml 有错误，无法计分", "scoring.yaml is invalid")
        )
    data: str | bytes = docx_bytes(made, loaded) if fmt == "docx" else markdown(made, loaded)
    if out is not None:
        write_out(out, data)
    else:
        assert isinstance(data, str)
        click.echo(data, nl=False)
    return OK
