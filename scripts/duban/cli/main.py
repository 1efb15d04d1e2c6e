"""The command line: a thin layer over the library. Exit codes: 0 ok, 1 findings, 2 cannot run."""

from __future__ import annotations

from pathlib import Path

import click

from duban import __version__
from duban.ledger import load_ledger
from duban.model import PRIORITIES
from duban.render import problems as report
from duban.text import pick_lang

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


def need_folder(ledger: Path, lang: str) -> None:
    """Stop (exit 2) unless the ledger folder exists."""
    if not ledger.is_dir():
        fail(f"找不到台账目录: {ledger}" if lang == "zh" else f"no such ledger folder: {ledger}")


@main.command()
@click.argument("ledger", default="ledger", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text")
@LANG_OPTION
def validate(ledger: Path, fmt: str, lang: str | None) -> None:
    """Check every file of the LEDGER folder; report every problem (exit 1 if any)."""
    lang = pick_lang(lang)
    need_folder(ledger, lang)
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
    type=click.Choice(PRIORITIES),
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

    from duban.calendar.clock import parse_date
    from duban.calendar.workdays import CalendarError
    from duban.ledger import compute_due

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


def _status_options(func):  # type: ignore[no-untyped-def]
    """Options shared by ``status`` and ``overdue``."""
    from duban.render.status import FORMATS

    for option in reversed(
        [
            click.option(
                "--ledger", default="ledger", type=click.Path(path_type=Path), help="Ledger folder."
            ),
            click.option("--as-of", "as_of", help="The day to report on (default: today there)."),
            click.option("--unit", help="Only tasks this unit owns or co-handles."),
            click.option("--format", "fmt", type=click.Choice(FORMATS), default="table"),
            click.option(
                "--fail-on-overdue", is_flag=True, help="Exit 1 when anything is overdue."
            ),
            LANG_OPTION,
        ]
    ):
        func = option(func)
    return func


def _run_status(
    kind: str,
    ledger_dir: Path,
    as_of: str | None,
    unit: str | None,
    fmt: str,
    fail_on_overdue: bool,
    lang: str | None,
) -> None:
    from duban.calendar.clock import parse_date, today
    from duban.calendar.workdays import CalendarError
    from duban.render.status import OVERDUE_REPORTERS, STATUS_REPORTERS
    from duban.status.select import ledger_status, overdue_items, unit_items

    lang = pick_lang(lang)
    need_folder(ledger_dir, lang)
    ledger, problems = load_ledger(ledger_dir)
    if ledger is None:
        fail(report.text(problems, lang))
        return
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        click.echo(
            f"注意: 台账有 {len(errors)} 个问题 (运行 duban validate 查看), 有问题的任务未计入"
            if lang == "zh"
            else f"note: the ledger has {len(errors)} problem(s) (see duban validate); "
            "invalid tasks are left out",
            err=True,
        )
    if unit is not None and unit not in ledger.units:
        fail(f"未知的单位代码: {unit}" if lang == "zh" else f"unknown unit code: {unit}")
    try:
        day = parse_date(as_of) if as_of else today(ledger.config.timezone)
        if kind == "overdue" and unit is not None:
            statuses = unit_items(ledger_status(ledger, day), unit)
        else:
            statuses = ledger_status(ledger, day, unit)
    except CalendarError as exc:
        fail(exc.message(lang))
        return
    reporters = OVERDUE_REPORTERS if kind == "overdue" else STATUS_REPORTERS
    out = reporters[fmt](statuses, ledger, day, lang)
    if out:
        click.echo(out)
    raise SystemExit(1 if fail_on_overdue and overdue_items(statuses) else 0)


@main.command()
@_status_options
def status(
    ledger: Path,
    as_of: str | None,
    unit: str | None,
    fmt: str,
    fail_on_overdue: bool,
    lang: str | None,
) -> None:
    """Every task's light (红灯/黄灯/绿灯/已办结/已销号) and next item as of a day."""
    _run_status("status", ledger, as_of, unit, fmt, fail_on_overdue, lang)


@main.command()
@_status_options
def overdue(
    ledger: Path,
    as_of: str | None,
    unit: str | None,
    fmt: str,
    fail_on_overdue: bool,
    lang: str | None,
) -> None:
    """Overdue items with working days late; never fails unless --fail-on-overdue."""
    _run_status("overdue", ledger, as_of, unit, fmt, fail_on_overdue, lang)


@main.command("check-change")
@click.option("--base", required=True, help="The trusted revision (the PR's base branch).")
@click.option("--head", default="HEAD", show_default=True, help="The revision to check.")
@click.option("--actor", help="Platform handle of who made the change (the PR author).")
@click.option("--repo", default=".", show_default=True, help="The Git repository.")
@click.option(
    "--ledger",
    "ledger_dir",
    default="ledger",
    show_default=True,
    help="Ledger folder in the repository.",
)
@click.option("--as-of", default=None, help="Today (YYYY-MM-DD; default: today in Asia/Shanghai).")
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text")
@LANG_OPTION
def check_change(
    base: str,
    head: str,
    actor: str | None,
    repo: str,
    ledger_dir: str,
    as_of: str | None,
    fmt: str,
    lang: str | None,
) -> None:
    """Refuse illegal changes to the ledger from BASE to HEAD (exit 1, one reason a line)."""
    from duban.calendar.clock import parse_date, today
    from duban.calendar.workdays import CalendarError
    from duban.check.change import CheckError
    from duban.check.change import check_change as run_check

    lang = pick_lang(lang)
    try:
        day = parse_date(as_of) if as_of else today()
        problems = run_check(repo, base, head, actor, ledger_dir, day)
    except CalendarError as exc:
        fail(exc.message(lang))
        return
    except CheckError as exc:
        fail(exc.message(lang))
        return
    if not actor and fmt == "text":
        click.echo(
            "注意: 未给出 --actor, 未检查提交人所属单位"
            if lang == "zh"
            else "note: no --actor given; who made the change was not checked",
            err=True,
        )
    out = report.REPORTERS[fmt](problems, lang)
    if out:
        click.echo(out)
    if fmt == "text":
        click.echo(
            (
                f"拒绝: {len(problems)} 处不允许的修改"
                if lang == "zh"
                else f"refused: {len(problems)} illegal change(s)"
            )
            if problems
            else ("检查通过: 修改合规" if lang == "zh" else "OK: the change is allowed"),
            err=True,
        )
    raise SystemExit(1 if problems else 0)


@main.command()
@click.option("--ledger", default="ledger", type=click.Path(path_type=Path), help="Ledger folder.")
@click.option("--as-of", "as_of", help="The day to remind for (default: today there).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--apply", "do_apply", is_flag=True, help="Open/edit/close the issues with gh.")
@click.option("--label", default="催办", show_default=True, help="Issue label of reminders.")
@LANG_OPTION
def remind(
    ledger: Path, as_of: str | None, fmt: str, do_apply: bool, label: str, lang: str | None
) -> None:
    """The 催办 reminder each unit should have (one issue per unit, closed when clear).

    The reminders themselves are in Chinese; --lang sets the language of the messages.
    """
    from duban.calendar.clock import parse_date, today
    from duban.calendar.workdays import CalendarError
    from duban.notify import remind as reminders
    from duban.status.select import ledger_status

    lang = pick_lang(lang)
    need_folder(ledger, lang)
    loaded, problems = load_ledger(ledger)
    if loaded is None:
        fail(report.text(problems, lang))
        return
    try:
        day = parse_date(as_of) if as_of else today(loaded.config.timezone)
        plan = reminders.plan(loaded, ledger_status(loaded, day), day)
    except CalendarError as exc:
        fail(exc.message(lang))
        return
    if fmt == "json":
        click.echo(reminders.plan_json(plan, day, label))
    else:
        click.echo(reminders.plan_text(plan, day))
    errors = [p for p in problems if p.severity == "error"]
    if do_apply and errors:
        # A task left out for a typo must not make its unit look clear (and close its issue).
        fail(
            (
                f"台账有 {len(errors)} 个问题, 未更新催办提醒; 请先修正 (duban validate):\n"
                if lang == "zh"
                else f"the ledger has {len(errors)} problem(s); the reminders were not "
                "updated: fix them first (duban validate):\n"
            )
            + report.text(errors, lang)
        )
    if do_apply:
        try:
            for line in reminders.apply(plan, label):
                click.echo(line, err=True)
        except reminders.ApplyError as exc:
            fail(str(exc))


def _build_site(
    ledger: Path,
    as_of: str | None,
    out: Path,
    repo: Path | None,
    config: Path | None,
    strict: bool,
    lang: str,
) -> bool | None:
    """Run the site build and print its problems and outcome, never exiting (``serve`` keeps
    serving after a failed rebuild): True when built cleanly, False when built with errors,
    None when nothing could be built."""
    from duban.calendar.clock import parse_date
    from duban.problems import UserError
    from duban.web.build import build_site

    try:
        day = parse_date(as_of) if as_of else None
        result, problems = build_site(
            ledger, out=out, as_of=day, repo=repo, config_file=config, strict=strict
        )
    except UserError as exc:
        click.echo(exc.message(lang), err=True)
        return None
    if problems:
        click.echo(report.text(problems, lang), err=True)
    if result is None:
        click.echo("无法生成网站" if lang == "zh" else "cannot build the site", err=True)
        return None
    errors = sum(1 for p in problems if p.severity == "error")
    click.echo(
        f"网站已生成: {result.site_dir} ({result.tasks} 项公开任务, {result.pages} 个页面,"
        f" 统计截至 {result.as_of})"
        if lang == "zh"
        else f"site built: {result.site_dir} ({result.tasks} public tasks, {result.pages} pages,"
        f" as of {result.as_of})",
        err=True,
    )
    return errors == 0


def _site_options(func):  # type: ignore[no-untyped-def]
    for option in reversed(
        [
            click.option("--ledger", default="ledger", type=click.Path(path_type=Path)),
            click.option("--as-of", "as_of", help="Status date YYYY-MM-DD (default: today)."),
            click.option("--out", default="site", type=click.Path(path_type=Path)),
            click.option(
                "--repo",
                type=click.Path(path_type=Path),
                help="Git repository for audit trails (default: the one holding the ledger).",
            ),
            click.option(
                "--config",
                type=click.Path(path_type=Path),
                help="Site config (default: ./mkdocs.yml).",
            ),
            click.option("--strict", is_flag=True, help="MkDocs warnings are errors."),
            LANG_OPTION,
        ]
    ):
        func = option(func)
    return func


@main.command()
@_site_options
def build(
    ledger: Path,
    as_of: str | None,
    out: Path,
    repo: Path | None,
    config: Path | None,
    strict: bool,
    lang: str | None,
) -> None:
    """Generate the public status site (MkDocs Material) into --out (default: site/)."""
    lang = pick_lang(lang)
    need_folder(ledger, lang)
    ok = _build_site(ledger, as_of, out, repo, config, strict, lang)
    raise SystemExit(2 if ok is None else 0 if ok else 1)


@main.command()
@_site_options
@click.option("--port", default=8000, show_default=True, type=int)
def serve(
    ledger: Path,
    as_of: str | None,
    out: Path,
    repo: Path | None,
    config: Path | None,
    strict: bool,
    lang: str | None,
    port: int,
) -> None:
    """Build the site, serve it on 127.0.0.1 and rebuild when the ledger changes."""
    from duban.web.serve import serve as run

    lang = pick_lang(lang)
    need_folder(ledger, lang)
    watch = [ledger, config or Path("mkdocs.yml"), Path("docs")]
    run(
        lambda: _build_site(ledger, as_of, out, repo, config, strict, lang),
        out,
        watch,
        port=port,
        announce=lambda url: click.echo(f"预览地址: {url} (Ctrl-C 结束)", err=True),
    )


@main.command()
@click.argument("task_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--ledger-repo",
    default=".",
    type=click.Path(path_type=Path),
    help="The Git repository of the ledger (default: current folder).",
)
@click.option("--no-cache", is_flag=True, help="Read the whole history (ignore .duban-cache/).")
@LANG_OPTION
def audit(task_id: str, fmt: str, ledger_repo: Path, no_cache: bool, lang: str | None) -> None:
    """The audit trail of task ID from Git history: who changed what, when, through which PR."""
    import json

    from duban.audit.trail import audit_for_cli
    from duban.render.audit import trail_text, trail_to_json

    lang = pick_lang(lang)
    trail, problems, fatal = audit_for_cli(ledger_repo, task_id, not no_cache)
    for problem in problems:
        click.echo(f"{problem.severity}: {problem.message(lang)}", err=True)
    if fatal:
        raise SystemExit(2)
    if trail is None:
        fail(f"历史中没有任务 {task_id}" if lang == "zh" else f"no task {task_id} in the history")
        return
    if fmt == "json":
        payload = trail_to_json(trail, lang)
        payload["problems"] = [p.to_json(lang) for p in problems]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(trail_text(trail, lang))
