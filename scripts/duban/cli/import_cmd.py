"""``duban import FILE``: one task file per row of a 交办单 sheet (.xlsx or .csv), all or
nothing (:mod:`duban.clerk.importing`)."""

from __future__ import annotations

from pathlib import Path

import click

from duban.clerk import importing
from duban.clerk import sheet as sheet_rows
from duban.clerk.newtask import VISIBILITIES
from duban.model import PRIORITIES
from duban.problems import UserError
from duban.text import Text

from .boundary import OK, PROBLEMS, load_or_stop
from .options import lang_option, ledger_option


@click.command("import")
@click.argument("sheet", metavar="FILE", type=click.Path(path_type=Path))
@click.option(
    "--priority",
    type=click.Choice(PRIORITIES),
    default="normal",
    show_default=True,
    help="Priority of rows without a 紧急程度 column or value.",
)
@click.option(
    "--visibility",
    type=click.Choice(VISIBILITIES),
    default="public",
    show_default=True,
    help="Visibility of rows without a 公开范围 column or value.",
)
@click.option("--encoding", help="Encoding of a .csv file (default: UTF-8, else GB18030).")
@ledger_option()
@click.option("--dry-run", is_flag=True, help="Print the task files instead of writing them.")
@lang_option
def import_tasks(
    sheet: Path,
    priority: str,
    visibility: str,
    encoding: str | None,
    ledger: Path,
    dry_run: bool,
    lang: str,
) -> int:
    """Create one task file per row of a 交办单 sheet (.xlsx or .csv): all rows or none."""
    book, _ = load_or_stop(ledger)
    display = str(sheet)
    rows = sheet_rows.read_sheet(sheet, display, encoding)
    defaults = importing.Defaults(priority=priority, visibility=visibility)
    planned = importing.plan(book, rows, display, defaults)
    if planned.problems:
        for problem in planned.problems:
            click.echo(sheet_rows.where(problem, lang), err=True)
        click.echo(
            Text(
                f"共 {len(planned.problems)} 处问题，未写入任何文件。",
                f"{len(planned.problems)} problem(s); nothing was written.",
            )(lang),
            err=True,
        )
        return PROBLEMS
    if dry_run:
        for path, text in planned.files:
            click.echo(f"# {path}\n{text}")
        return OK
    taken = importing.write(planned)
    if taken is not None:
        raise UserError(
            Text(
                f"{taken} 已被他人同时创建，未写入任何文件；请重新导入",
                f"{taken} was created by someone else meanwhile; nothing was written: import again",
            )
        )
    for path, _text in planned.files:
        click.echo(str(path))
    click.echo(
        Text(
            f"已创建 {len(planned.files)} 个任务文件。", f"created {len(planned.files)} task files."
        )(lang),
        err=True,
    )
    return OK
