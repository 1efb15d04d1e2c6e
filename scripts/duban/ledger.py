"""Load a whole ledger in stages: read → schema → ledger rules → records.

``load_ledger`` never raises for bad content: it returns what could be loaded and every
problem found, the way beancount's loader does. Invalid tasks are left out of the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType

from duban.calendar.rules import Rule
from duban.calendar.workdays import (
    CalendarRangeError,
    Due,
    Period,
    WorkCalendar,
)
from duban.check import tasks as validate
from duban.check.pipeline import load_task
from duban.load.calendar import load_calendar
from duban.load.layout import Layout
from duban.load.rules import load_rules
from duban.load.settings import load_config, load_units
from duban.model import Ledger, Task
from duban.problems import Problem
from duban.source import Location
from duban.text import Text


def compute_due(
    ledger: Path,
    start: date,
    period_text: str | None,
    rule_id: str | None,
    priority: str = "normal",
    lang: str = "zh",
) -> tuple[Due, str]:
    """What ``duban due`` prints: the due date and a note for people ("" unless provisional).

    Exactly one of ``period_text`` and ``rule_id`` must be given. Raises
    :class:`~duban.workdays.CalendarError` (with both languages) for anything the user must
    fix: bad period, unknown rule, a rule without a fixed period, a broken calendar file,
    a date outside the calendar.
    """
    from duban.calendar.workdays import CalendarError
    from duban.load.calendar import load_calendar

    if (period_text is None) == (rule_id is None):
        raise CalendarError(
            Text(
                "请给出时限（如 5wd）或 --rule 规则编号，二者选一",
                "give either a period (e.g. 5wd) or --rule ID, not both",
            ),
        )
    if not (ledger / "calendar").is_dir():
        raise CalendarError(
            Text(
                f"找不到工作日历目录: {ledger / 'calendar'}",
                f"no calendar folder: {ledger / 'calendar'}",
            ),
        )
    calendar, problems = load_calendar(ledger / "calendar")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        lines = "\n".join(f"{p.where}: {p.code}: {p.message(lang)}" for p in errors)
        raise CalendarError(
            Text(f"工作日历有错误，无法计算：\n{lines}", f"the calendar has errors:\n{lines}")
        )
    if rule_id is not None:
        rules, problems = load_rules(ledger / "rules.yaml")
        if problems and not rules:
            lines = "\n".join(f"{p.where}: {p.code}: {p.message(lang)}" for p in problems)
            raise CalendarError(
                Text(f"规则目录有错误：\n{lines}", f"the rule catalogue has errors:\n{lines}")
            )
        rule = rules.get(rule_id)
        if rule is None:
            known = ", ".join(rules)
            raise CalendarError(
                Text(
                    f"没有编号为 “{rule_id}” 的规则（可用：{known}）",
                    f"no rule '{rule_id}' (known: {known})",
                ),
            )
        result = rule.due(calendar, start, priority)
        if result is None:
            raise CalendarError(
                Text(
                    f"规则 {rule_id}（{rule.title}）没有固定时限",
                    f"rule {rule_id} ({rule.title}) has no fixed period",
                ),
            )
    else:
        assert period_text is not None
        result = calendar.add(start, Period.parse(period_text))
    note = ""
    if result.provisional:
        lo, hi = sorted((start, result.date))
        years = [y for y in range(lo.year, hi.year + 1) if calendar.is_provisional(y)]
        shown = "、".join(str(y) for y in years)
        files = ", ".join(f"calendar/{y}.yaml" for y in years)
        note = (
            f"注意：{shown} 年的放假安排尚未发布（台账中没有 {files}），"
            "该日期按《全国年节及纪念日放假办法》规定的节日估算（不含调休上班日），为暂定结果。"
            if lang == "zh"
            else f"note: the official holiday arrangement for {', '.join(map(str, years))} is not "
            f"published yet (no {files} in the ledger); this date is estimated from the statutory "
            "holidays (without make-up working days) and is provisional."
        )
    return result, note


def _rule_beyond_calendar(
    task: Task, rules: Mapping[str, Rule], calendar: WorkCalendar
) -> Problem | None:
    """A ``deadline_rule`` whose due date, counted from ``received``, falls outside the
    working-day calendar (the status stage could not compute it)."""
    rule = rules.get(task.deadline_rule or "")
    if rule is None:
        return None
    try:
        rule.due(calendar, task.received, task.priority)
    except CalendarRangeError as exc:
        return Problem(
            "date-out-of-calendar",
            task.loc("deadline_rule"),
            Text(
                f"按时限规则 “{rule.id}” 计算的完成时限超出工作日历范围: {exc.zh}",
                f"the deadline computed by rule '{rule.id}' falls outside the working-day "
                f"calendar: {exc.en}",
            ),
            field="$.deadline_rule",
        )
    return None


def load_ledger(root: Path) -> tuple[Ledger | None, list[Problem]]:
    """Load and check a whole ledger. ``None`` only when its settings cannot be read at all."""
    layout = Layout(root)
    config, problems = load_config(layout)
    units, unit_problems = load_units(layout)
    problems += unit_problems
    rules, rule_problems = load_rules(layout.rules)
    problems += rule_problems
    calendar, calendar_problems = load_calendar(layout.calendar)
    problems += calendar_problems
    if not layout.calendar.is_dir():
        problems.append(
            Problem(
                "file-missing",
                Location(layout.display(layout.calendar)),
                Text(
                    "缺少节假日安排目录 calendar/ (没有它, 所有时限都只能估算)",
                    "missing the calendar/ folder of holiday arrangements (every deadline would "
                    "be an estimate)",
                ),
            )
        )
    if not layout.tasks.is_dir():
        problems.append(
            Problem(
                "file-missing",
                Location(layout.display(layout.tasks)),
                Text(
                    "缺少任务目录 tasks/ (Git 不保存空目录: 尚无任务时可在其中放一个 .gitkeep)",
                    "missing the tasks/ folder (Git keeps no empty folder: with no task yet, "
                    "put a .gitkeep in it)",
                ),
            )
        )
    task_files, misnamed = layout.scan_tasks()
    for path in misnamed:
        problems.append(
            Problem(
                "file-extension",
                Location(layout.display(path)),
                Text(
                    "任务文件的扩展名须为 .yaml, 此文件不会被读取",
                    "task files must end in .yaml; this file is not read",
                ),
            )
        )
    prefix = config.id_prefix if config else ""

    tasks: list[Task] = []
    seen: dict[str, Location] = {}
    deadline_rules = {rule.id: rule.usable_as_deadline for rule in rules.values()}
    span = (calendar.first_day.isoformat(), calendar.last_day.isoformat())
    for path in task_files:
        task, task_problems = load_task(path, layout, prefix, units, deadline_rules, span)
        problems += task_problems
        if task is None:
            continue
        out_of_range = _rule_beyond_calendar(task, rules, calendar)
        if out_of_range:
            problems.append(out_of_range)
            continue
        duplicate = validate.duplicate_ids(seen, task.id, task.loc("id"))
        if duplicate:
            problems.append(duplicate)
            continue
        tasks.append(task)
    problems.sort(key=Problem.sort_key)
    if config is None:
        return None, problems
    ledger = Ledger(
        root, config, MappingProxyType(units), MappingProxyType(rules), calendar, tuple(tasks)
    )
    return ledger, problems
