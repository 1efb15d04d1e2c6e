"""``duban check-change --base REV``: refuse illegal changes to the ledger."""

from __future__ import annotations

import click

from duban.calendar.clock import parse_date, today
from duban.check.change import check_change as run_check
from duban.problems import UserError
from duban.render import problems as report
from duban.text import Text

from .boundary import OK, PROBLEMS
from .options import as_of_option, format_option, lang_option, ledger_option

STAGED = Text(
    "注意：检查的是暂存区（git commit 将要提交的内容）",
    "note: what is staged was checked (what git commit would commit)",
)
WORKING_TREE = Text(
    "注意：未给出 --head，检查的是工作区（包括尚未提交的修改）",
    "note: no --head given; the working tree was checked (uncommitted edits included)",
)


@click.command("check-change")
@click.option("--base", required=True, help="The trusted revision (the PR's base branch).")
@click.option(
    "--head",
    default=None,
    help="The revision to check (default: the working tree, uncommitted edits included).",
)
@click.option(
    "--staged",
    is_flag=True,
    help="Without --head: check what is staged (what git commit would commit), as a hook.",
)
@click.option("--actor", help="Platform handle of who made the change (the PR author).")
@click.option("--repo", default=".", show_default=True, help="The Git repository.")
@ledger_option("Ledger folder in the repository.", dest="ledger_dir", as_path=False)
@as_of_option("Today (YYYY-MM-DD; default: today in Asia/Shanghai).")
@format_option(report.FORMATS, "text")
@lang_option
def check_change(
    base: str,
    head: str | None,
    staged: bool,
    actor: str | None,
    repo: str,
    ledger_dir: str,
    as_of: str | None,
    fmt: str,
    lang: str,
) -> int:
    """Refuse illegal changes to the ledger from BASE to HEAD (exit 1, one reason a line)."""
    day = parse_date(as_of) if as_of else today()
    if staged and head is not None:
        raise UserError(
            Text("--staged 与 --head 不能同时使用", "--staged and --head exclude each other")
        )
    problems = run_check(repo, base, head, actor, ledger_dir, day, staged=staged)
    if fmt == "text":
        if head is None:
            click.echo((STAGED if staged else WORKING_TREE)(lang), err=True)
        if not actor:
            click.echo(report.NO_ACTOR(lang), err=True)
    out = report.REPORTERS[fmt](problems, lang)
    if out:
        click.echo(out)
    if fmt == "text":
        click.echo(report.change_summary(problems, lang), err=True)
    return PROBLEMS if problems else OK
