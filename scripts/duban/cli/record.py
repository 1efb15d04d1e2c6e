"""``duban record ID TYPE --by UNIT``: append one event to a task file, as the gate allows."""

from __future__ import annotations

from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.clerk.eventnames import catalogue, event_type
from duban.clerk.record import Entry, record_event
from duban.problems import UserError
from duban.render import problems as report
from duban.text import Text

from .boundary import OK, PROBLEMS, load_or_stop, need_folder
from .options import lang_option, ledger_option


def _listing(lang: str) -> str:
    """``duban record --list``: every type, its Chinese names, who records it, what it needs."""
    flags = {"deadline": "--deadline", "milestone": "--milestone", "owner": "--owner"}
    flags["note"] = "--note"
    lines = []
    for name in catalogue():
        needs = " ".join(flags[f] for f in name.required)
        aliases = "、".join(name.aliases)
        lines.append(
            Text(
                f"{name.code:<20} {name.label}（{aliases}）由{name.who.zh}登记"
                + (f"  须给出 {needs}" if needs else ""),
                f"{name.code:<20} {name.label} ({aliases})  by {name.who.en}"
                + (f"  needs {needs}" if needs else ""),
            )(lang)
        )
    return "\n".join(lines)


@click.command()
@click.argument("task_id", metavar="ID", required=False)
@click.argument("kind", metavar="TYPE", required=False)
@click.option("--by", "by", help="Code of the unit recording the event (e.g. fgw).")
@click.option("--date", "day", help="Date of the event (YYYY-MM-DD; default: today there).")
@click.option("--note", default="", help="What was done (reasons, measures, how verified).")
@click.option("--deadline", help="The new deadline of an extension-approved (YYYY-MM-DD).")
@click.option("--milestone", help="The milestone title a milestone-reported reports.")
@click.option("--owner", help="The new responsible unit of a reassigned.")
@click.option("--co-units", "co_units", help="The new co-units of a reassigned (a,b; '' none).")
@click.option("--account", help="Platform account committing it (default: first maintainer).")
@click.option("--as-of", "as_of", help="Today (YYYY-MM-DD; default: today in the ledger's zone).")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@click.option("--list", "show_list", is_flag=True, help="List the event types and exit.")
@ledger_option()
@lang_option
def record(
    task_id: str | None,
    kind: str | None,
    by: str | None,
    day: str | None,
    note: str,
    deadline: str | None,
    milestone: str | None,
    owner: str | None,
    co_units: str | None,
    account: str | None,
    as_of: str | None,
    dry_run: bool,
    show_list: bool,
    ledger: Path,
    lang: str,
) -> int:
    """Append one event of TYPE (code or Chinese name) to task ID, checked as validate and
    check-change would; refused with the problems (exit 1), nothing written."""
    if show_list:
        click.echo(_listing(lang))
        return OK
    if not task_id or not kind or not by:
        raise UserError(
            Text(
                "用法：duban record 任务编号 办理环节 --by 单位代码"
                "（duban record --list 查看环节）",
                "usage: duban record ID TYPE --by UNIT (see duban record --list)",
            )
        )
    loaded, found = load_or_stop(need_folder(ledger))
    now = parse_date(as_of) if as_of else today(loaded.config.timezone)
    units = (
        None
        if co_units is None
        else tuple(c.strip().lower() for c in co_units.replace("，", ",").split(",") if c.strip())
    )
    entry = Entry(
        type=event_type(kind),
        by=by.strip().lower(),
        date=parse_date(day) if day else now,
        note=note,
        deadline=parse_date(deadline) if deadline else None,
        milestone=milestone,
        owner=owner.strip().lower() if owner else None,
        co_units=units,
    )
    done, problems = record_event(loaded, found, task_id, entry, now, account, write=not dry_run)
    if problems or done is None:
        click.echo(report.text(problems, lang), err=True)
        click.echo(Text("拒绝：未写入任何内容", "refused: nothing was written")(lang), err=True)
        return PROBLEMS
    what = Text(
        f"{'检查通过（未写入）' if dry_run else '已登记'}：{done.display}:{done.line}",
        f"{'OK (not written)' if dry_run else 'recorded'}: {done.display}:{done.line}",
    )
    click.echo(done.added, nl=False)
    click.echo(what(lang), err=True)
    return OK
