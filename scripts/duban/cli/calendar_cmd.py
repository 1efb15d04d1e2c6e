"""``duban calendar parse NOTICE.txt [MORE.txt ...]``: the year's calendar file from the text of
the State Council's holiday notice (and the notices amending it), checked before it is
written (:mod:`duban.calendar.notice`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from duban.calendar.notice import calendar_yaml, parse_notices
from duban.load.calendar import read_calendar_file
from duban.load.layout import YEAR_FILE
from duban.load.reading import read_bounded
from duban.problems import Problem, UserError
from duban.render import problems as report
from duban.source import Location
from duban.text import Text

from .boundary import OK, PROBLEMS, CannotRun
from .help import Group
from .options import group_lang_option, lang_option


@click.group(name="calendar", cls=Group)
@group_lang_option
def calendar_group() -> None:
    """The working-day calendar: ledger/calendar/YYYY.yaml from the holiday notice."""


def _read_text(path: Path) -> tuple[str, list[Problem]]:
    data, problem = read_bounded(path, str(path))
    if problem is not None or data is None:
        raise CannotRun([problem] if problem else [])
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError(
            Text(
                f"{path} 既不是 UTF-8 也不是 GB18030 编码的文本；请另存为 UTF-8",
                f"{path} is neither UTF-8 nor GB18030 text: save it as UTF-8",
            )
        ) from None
    warning = Problem(
        "notice-encoding",
        Location(str(path), 1, 1),
        Text("文件不是 UTF-8 编码，已按 GB18030 读取", "not UTF-8; read as GB18030"),
        severity="warning",
    )
    return text, [warning]


def _loader_problems(text: str, year: int) -> list[Problem]:
    """What the ledger's own calendar loader says about the file about to be written."""
    with tempfile.TemporaryDirectory(prefix="duban-calendar-") as folder:
        path = Path(folder) / f"{year}.yaml"
        path.write_text(text, encoding="utf-8")
        _, problems = read_calendar_file(path, f"{year}.yaml")
    return problems


def _write_atomic(out: Path, text: str) -> None:
    """``text`` into ``out`` through a temporary file in the same folder, so an interrupted
    write leaves the old file or none, never half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@calendar_group.command(name="parse")
@click.argument(
    "notices", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="NOTICE..."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the calendar file here (e.g. ledger/calendar/2027.yaml); default: stdout.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing --out file.")
@lang_option
def parse(notices: tuple[Path, ...], out: Path | None, force: bool, lang: str) -> int:
    """The year's calendar file from the text of the holiday notice NOTICE (copied from a
    web page into a text file) and the notices amending it, in order. Nothing is written
    when anything cannot be read with certainty (exit 1)."""
    if out is not None and out.exists() and not force:
        raise UserError(
            Text(
                f"{out} 已存在，未覆盖；确认要替换时加 --force",
                f"{out} exists and was not overwritten: add --force to replace it",
            )
        )
    texts: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for path in notices:
        text, found = _read_text(path)
        problems += found
        texts.append((str(path), text))
    calendar = parse_notices(texts)
    problems += calendar.problems
    content = ""
    if calendar.ok and calendar.year is not None:
        content = calendar_yaml(calendar)
        problems += _loader_problems(content, calendar.year)
        match = YEAR_FILE.fullmatch(out.name) if out is not None else None
        if match and int(match.group(1)) != calendar.year:
            problems.append(
                Problem(
                    "notice-out-year",
                    Location(str(out)),
                    Text(
                        f"通知是{calendar.year}年的，却要写入 {out}；请写入 {calendar.year}.yaml",
                        f"the notice is for {calendar.year} but --out is {out}",
                    ),
                )
            )
    if problems:
        click.echo(report.text(problems, lang), err=True)
    if report.errors(problems) or not content:
        click.echo(
            Text("未写入：请先改正以上问题", "nothing written: correct the problems above")(lang),
            err=True,
        )
        return PROBLEMS
    if out is None:
        click.echo(content, nl=False)
    else:
        _write_atomic(out, content)
        click.echo(Text(f"已写入 {out}", f"written: {out}")(lang), err=True)
    return OK
