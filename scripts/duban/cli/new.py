"""``duban new``: a new task file with the next free id of its year, checked as ``validate``
would before anything is written (:mod:`duban.clerk.newtask`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from duban.calendar.clock import parse_date, today
from duban.clerk import newtask
from duban.model import PRIORITIES, Ledger
from duban.problems import Problem, UserError
from duban.render import problems as report
from duban.source import Location
from duban.text import Text

from .boundary import OK, PROBLEMS, load_or_stop
from .options import lang_option, ledger_option


def interactive() -> bool:
    """Whether a person is at the keyboard (prompts are asked only then)."""
    return bool(sys.stdin.isatty())


def _missing(option: str, zh: str, en: str) -> UserError:
    return UserError(Text(f"缺少{zh}：请用 {option} 给出", f"missing {en}: give it with {option}"))


def _ask(value: str | None, option: str, zh: str, en: str, ask: bool) -> str:
    """``value``, else the answer to a prompt in Chinese, else a user error naming the
    option."""
    if value is not None:
        return value
    if not ask:
        raise _missing(option, zh, en)
    answer: str = click.prompt(zh, type=str)
    return answer


def _unit(ledger: Ledger, given: str, option: str, problems: list[Problem]) -> str:
    code = newtask.resolve_unit(ledger.units, given)
    if code is None:
        problems.append(newtask.unknown_unit(given, ledger.units, Location(option), ""))
        return given.strip()
    return code


def _assigner(ledger: Ledger, given: str | None, ask: bool, problems: list[Problem]) -> str:
    if given is not None:
        return _unit(ledger, given, "--assigned-by", problems)
    assigning = newtask.assigning_units(ledger.units)
    if len(assigning) == 1:
        return assigning[0]
    if ask and assigning:
        answer: str = click.prompt("交办单位", type=click.Choice(assigning))
        return answer
    listing = "、".join(assigning) or "（无）"
    raise UserError(
        Text(
            f"units.yaml 中的交办单位不止一个（{listing}）：请用 --assigned-by 指定",
            f"units.yaml has several assigning units ({', '.join(assigning)}): "
            "choose one with --assigned-by",
        )
    )


def _deadline(deadline: str | None, rule: str | None, ask: bool) -> tuple[str | None, str | None]:
    if deadline is not None and rule is not None:
        raise UserError(
            Text(
                "--deadline 与 --rule 只能给出一个（完成时限或时限规则）",
                "give either --deadline or --rule, not both",
            )
        )
    if deadline is None and rule is None:
        if not ask:
            raise _missing("--deadline 或 --rule", "完成时限", "the deadline")
        deadline = click.prompt("完成时限（YYYY-MM-DD）", type=str)
    if deadline is not None:
        deadline = parse_date(deadline).isoformat()
    return deadline, rule


def _no_bad_bytes(values: dict[str, str | None]) -> None:
    for option, value in values.items():
        if value is not None and newtask.not_text(value):
            raise UserError(
                Text(
                    f"{option} 含有无法识别的字符（不是 UTF-8 文本），请重新输入",
                    f"{option} holds bytes that are not UTF-8 text; type it again",
                )
            )


@click.command()
@click.option("--title", help="What is to be done (督办事项).")
@click.option("--unit", help="Responsible unit: its code (or its exact name in units.yaml).")
@click.option("--co-units", help="Co-handling units, comma separated (codes or exact names).")
@click.option(
    "--lead", help=f"First responsible, a post, never a name (default {newtask.DEFAULT_LEAD})."
)
@click.option("--received", help="Date received, YYYY-MM-DD (default: today in the ledger's zone).")
@click.option("--deadline", help="Deadline, YYYY-MM-DD (or --rule).")
@click.option("--rule", help="Deadline rule of rules.yaml counted from --received (or --deadline).")
@click.option("--standard", help="Work standard: what counts as done (工作标准).")
@click.option(
    "--priority",
    type=click.Choice(PRIORITIES),
    default="normal",
    show_default=True,
    help="Priority (一般 normal, 重要 important, 紧急 urgent).",
)
@click.option(
    "--visibility",
    type=click.Choice(newtask.VISIBILITIES),
    default="public",
    show_default=True,
    help="internal: kept off the public site.",
)
@click.option("--source", help="Where the task comes from (交办来源), e.g. a meeting.")
@click.option("--assigned-by", help="Assigning unit (default: the only one in units.yaml).")
@ledger_option()
@click.option("--dry-run", is_flag=True, help="Print the task file instead of writing it.")
@lang_option
def new(
    title: str | None,
    unit: str | None,
    co_units: str | None,
    lead: str | None,
    received: str | None,
    deadline: str | None,
    rule: str | None,
    standard: str | None,
    priority: str,
    visibility: str,
    source: str | None,
    assigned_by: str | None,
    ledger: Path,
    dry_run: bool,
    lang: str,
) -> int:
    """Create a task file with the next free id of its year (prompts when at a terminal)."""
    _no_bad_bytes(
        {
            "--title": title,
            "--unit": unit,
            "--co-units": co_units,
            "--lead": lead,
            "--standard": standard,
            "--source": source,
            "--assigned-by": assigned_by,
        }
    )
    book, _ = load_or_stop(ledger)
    ask = interactive()
    problems: list[Problem] = []
    the_title = _ask(title, "--title", "督办事项", "the title (--title)", ask)
    owner = _unit(
        book, _ask(unit, "--unit", "责任单位", "the responsible unit", ask), "--unit", problems
    )
    co = [_unit(book, c, "--co-units", problems) for c in newtask.split_codes(co_units or "")]
    the_standard = _ask(standard, "--standard", "工作标准", "the work standard", ask)
    day = parse_date(received) if received is not None else today(book.config.timezone)
    the_deadline, the_rule = _deadline(deadline, rule, ask)
    assigner = _assigner(book, assigned_by, ask, problems)
    if problems:
        click.echo(report.text(problems, lang), err=True)
        return PROBLEMS
    draft = newtask.Draft(
        title=the_title,
        unit=owner,
        lead=lead if lead is not None else newtask.DEFAULT_LEAD,
        received=day.isoformat(),
        assigned_by=assigner,
        standard=the_standard,
        priority=priority,
        visibility=visibility,
        co_units=tuple(co),
        deadline=the_deadline,
        deadline_rule=the_rule,
        source=source,
    )
    made = newtask.create(book, draft, dry_run=dry_run)
    if made.problems:
        click.echo(report.text(made.problems, lang), err=True)
    if newtask.errors(made.problems):
        click.echo(Text("未写入任何文件。", "nothing was written.")(lang), err=True)
        return PROBLEMS
    if dry_run:
        click.echo(made.text, nl=False)
    else:
        click.echo(str(made.path))
    return OK
