"""``duban fmt [PATHS...] [--check]``: task files in the house style of the sample ledger
(:mod:`duban.clerk.fmt`), content unchanged; ``--check`` lists the files that would change."""

from __future__ import annotations

from pathlib import Path

import click

from duban.clerk.fmt import format_files, summary
from duban.render import problems as report
from duban.text import Text

from .boundary import OK, PROBLEMS
from .options import lang_option


@click.command(name="fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; list files that would change (exit 1).")
@lang_option
def fmt(paths: tuple[Path, ...], check: bool, lang: str) -> int:
    """Rewrite task files (PATHS: files or folders; default: ledger) in the house style."""
    results = format_files(paths or (Path("ledger"),), check=check)
    changed = [r for r in results if r.changed]
    problems = [p for r in results for p in r.problems]
    for result in changed:
        label = Text("需要整理格式", "would reformat") if check else Text("已整理", "reformatted")
        click.echo(f"{label(lang)}: {result.display}")
    if problems:
        click.echo(report.text(problems, lang), err=True)
    click.echo(summary(results, check)(lang), err=True)
    return PROBLEMS if problems or (check and changed) else OK
