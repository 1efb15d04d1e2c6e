"""The command line: a thin layer over the library. Exit codes: 0 ok, 1 findings, 2 cannot run."""

from __future__ import annotations

from pathlib import Path

import click

from duban import __version__, report
from duban.ledger import load_ledger
from duban.problems import pick_lang

LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language for people (default: $DUBAN_LANG or zh).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="duban")
def main() -> None:
    """duban (督办): supervision ledger kept as YAML in Git."""


def fail(message: str) -> None:
    """Stop with exit code 2: the command cannot run (bad arguments, unreadable ledger...)."""
    click.echo(message, err=True)
    raise SystemExit(2)


__all__ = ["LANG_OPTION", "fail", "main", "pick_lang"]


@main.command()
@click.argument("ledger", default="ledger", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text")
@LANG_OPTION
def validate(ledger: Path, fmt: str, lang: str | None) -> None:
    """Check every file of the LEDGER folder; report every problem (exit 1 if any)."""
    lang = pick_lang(lang)
    if not ledger.is_dir():
        fail(
            f"找不到台账目录: {ledger}"
            if lang == "zh"
            else f"no such ledger folder: {ledger}"
        )
    result, problems = load_ledger(ledger)
    out = report.REPORTERS[fmt](problems, lang)
    if out:
        click.echo(out)
    if fmt == "text":
        tasks = len(result.tasks) if result else 0
        if problems:
            files = len({p.where.path for p in problems})
            summary = (
                f"发现 {len(problems)} 个问题, 涉及 {files} 个文件"
                if lang == "zh"
                else f"{len(problems)} problem(s) in {files} file(s)"
            )
        else:
            summary = f"检查通过: {tasks} 项任务" if lang == "zh" else f"OK: {tasks} task(s)"
        click.echo(summary, err=True)
    raise SystemExit(1 if problems else 0)


@main.command()
@click.argument("start", metavar="DATE")
@click.argument("period", required=False)
@click.option("--rule", "rule_id", help="Use the period of a rule from rules.yaml (e.g. deploy).")
@click.option(
    "--priority",
    type=click.Choice(["normal", "important", "urgent"]),
    default="normal",
    help="Priority, for rules with important/urgent variants.",
)
@click.option("--ledger", default="ledger", type=click.Path(path_type=Path), help="Ledger folder.")
@click.option("--json", "as_json", is_flag=True, help='Print {"due": ..., "provisional": ...}.')
@LANG_OPTION
def due(
    start: str,
    period: str | None,
    rule_id: str | None,
    priority: str,
    ledger: Path,
    as_json: bool,
    lang: str | None,
) -> None:
    """The due date of PERIOD (5wd, 15d, 1m, 0d) or --rule counted from DATE."""
    import json

    from duban.clock import parse_date
    from duban.rules import compute_due
    from duban.workdays import CalendarError

    lang = pick_lang(lang)
    try:
        result, note = compute_due(ledger, parse_date(start), period, rule_id, priority, lang)
    except CalendarError as exc:
        fail(exc.message(lang))
        return
    if as_json:
        payload = {"due": result.date.isoformat(), "provisional": result.provisional}
        click.echo(json.dumps(payload))
    else:
        click.echo(result.date.isoformat())
        if note:
            click.echo(note, err=True)
