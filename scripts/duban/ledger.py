"""Load a whole ledger in stages: read → schema → ledger rules → records.

``load_ledger`` never raises for bad content: it returns what could be loaded and every
problem found, the way beancount's loader does. Invalid tasks are left out of the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType

from duban.calendar.rules import Rule
from duban.calendar.workdays import CalendarError, CalendarRangeError, Due, Period, WorkCalendar
from duban.check import disclosure
from duban.check import ids as task_ids
from duban.check.hygiene import text_problems, url_problems
from duban.check.pipeline import load_task
from duban.check.privacy import findings
from duban.check.roster import roster_problems
from duban.load.calendar import load_calendar
from duban.load.duties import Duties, load_duties
from duban.load.layout import Layout
from duban.load.rules import load_rules
from duban.load.scoring import load_scoring
from duban.load.settings import load_config, load_units
from duban.load.yamlload import load_file
from duban.model import Ledger, LedgerConfig, Task, Unit
from duban.problems import Problem, json_path
from duban.source import Document, Location
from duban.text import Text


def load_ledger(root: Path) -> tuple[Ledger | None, list[Problem]]:
    """Load and check a whole ledger. ``None`` only when its settings cannot be read at all."""
    layout = Layout(root)
    config, problems = load_config(layout)
    units, unit_problems = load_units(layout)
    rules, rule_problems = load_rules(layout.rules)
    calendar, calendar_problems = load_calendar(layout.calendar)
    task_files, misnamed, irregular = layout.scan()
    problems += unit_problems + roster_problems(units) + rule_problems + calendar_problems
    problems += _hygiene_problems(layout)
    problems += load_scoring(root)[1]  # optional; duban stats reads it again to score
    problems += _layout_problems(layout, misnamed)
    problems += [layout.irregular_problem(path) for path in irregular]
    tasks, task_problems = _load_tasks(layout, task_files, config, units, rules, calendar)
    problems += task_problems
    problems += disclosure.ledger_problems(tasks, disclosure.ledger_secrets(root, tasks))
    problems += ledger_duties(root, units, tasks)[1]
    problems.sort(key=Problem.sort_key)
    if config is None:
        return None, problems
    ledger = Ledger(
        root, config, MappingProxyType(units), MappingProxyType(rules), calendar, tuple(tasks)
    )
    return ledger, problems


def ledger_duties(
    root: Path, units: Mapping[str, Unit], tasks: Sequence[Task] = ()
) -> tuple[Duties, list[Problem]]:
    """The recurring duties of measures 十 and 十六 (:mod:`duban.load.duties`) and their
    problems, with characters that hide or disguise text and personal data (a mobile number,
    ID number or e-mail address: posts, never people) in any of their files, and a public
    record naming a task that is not public (``names-internal-task``,
    :mod:`duban.check.disclosure`; ``tasks``: the loaded ones, the other task files are read
    for it). A record with any of these problems is left out, like a record the loader refused."""
    docs: list[Document] = []
    duties, problems = load_duties(root, units, docs)
    public = [d for d in docs if isinstance(d.data, dict) and d.data.get("visibility") == "public"]
    secrets = disclosure.ledger_secrets(root, tasks) if public else []
    matcher = disclosure.Matcher(tuple(secrets))
    refused: set[str] = set()
    for doc in docs:
        found = text_problems(doc) + _personal_data(doc)
        if secrets and any(doc is d for d in public):
            found += disclosure.document_problems(doc, matcher)
        if found:
            refused.add(doc.path)
        problems += found
    if refused:
        duties = Duties(
            duties.posts,
            tuple(m for m in duties.meetings if m.where.path not in refused),
            tuple(r for r in duties.research if r.where.path not in refused),
        )
    return duties, problems


def _personal_data(doc: Document) -> list[Problem]:
    """``personal-data`` in any string of a duty file (they are about posts, and public)."""
    found: list[Problem] = []
    stack: list[tuple[tuple[str | int, ...], object]] = [((), doc.data)]
    while stack:
        keys, value = stack.pop()
        if isinstance(value, dict):
            stack += [((*keys, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [((*keys, i), v) for i, v in enumerate(value)]
        elif isinstance(value, str):
            for position, kind in findings(value):
                field = json_path(keys)
                text = Text(
                    f"字段 {field} 第 {position + 1} 个字符起含{kind.zh}："
                    "领导履职记录只写职务和单位，不得含有个人信息，请删除",
                    f"field {field} contains {kind.en} at character {position + 1}: duty "
                    "records name posts and units only; remove it",
                )
                found.append(Problem("personal-data", doc.loc(*keys), text, field=field))
    return sorted(found, key=Problem.sort_key)


def _hygiene_problems(layout: Layout) -> list[Problem]:
    """Characters that hide or disguise text in the settings, the roster, the rules and the
    calendar, and addresses in the settings that would not be linked
    (:mod:`duban.check.hygiene`; task files get the same check in their pipeline). Each file
    is read again, bounded like the first time; what cannot be read was reported then."""
    calendar = sorted(layout.calendar.glob("*.yaml")) if layout.calendar.is_dir() else []
    problems: list[Problem] = []
    for path in (layout.config, layout.units, layout.rules, *calendar):
        doc, _ = load_file(path, layout.display(path))
        if doc is not None:
            problems += text_problems(doc)
            problems += url_problems(doc) if path == layout.config else []
    return problems


def _layout_problems(layout: Layout, misnamed: Sequence[Path]) -> list[Problem]:
    """A missing calendar or tasks folder, and files under ``tasks/`` that are not read."""
    problems: list[Problem] = []
    if not layout.calendar.is_dir():
        missing = Text(
            "缺少节假日安排目录 calendar/（没有它，所有时限都只能估算）",
            "missing the calendar/ folder of holiday arrangements (every deadline would "
            "be an estimate)",
        )
        problems.append(Problem("file-missing", Location(layout.display(layout.calendar)), missing))
    if not layout.tasks.is_dir():
        missing = Text(
            "缺少任务目录 tasks/（Git 不保存空目录：尚无任务时可在其中放一个 .gitkeep）",
            "missing the tasks/ folder (Git keeps no empty folder: with no task yet, "
            "put a .gitkeep in it)",
        )
        problems.append(Problem("file-missing", Location(layout.display(layout.tasks)), missing))
    skipped = Text(
        "任务文件的扩展名须为 .yaml，此文件不会被读取",
        "task files must end in .yaml; this file is not read",
    )
    problems += [Problem("file-extension", Location(layout.display(p)), skipped) for p in misnamed]
    return problems


def _load_tasks(
    layout: Layout,
    task_files: Sequence[Path],
    config: LedgerConfig | None,
    units: Mapping[str, Unit],
    rules: Mapping[str, Rule],
    calendar: WorkCalendar,
) -> tuple[list[Task], list[Problem]]:
    """Every task file through the per-file pipeline, then the checks across files: a
    deadline rule beyond the calendar, ids used twice."""
    prefix = config.id_prefix if config else ""
    deadline_rules = {rule.id: rule.usable_as_deadline for rule in rules.values()}
    span = (calendar.first_day.isoformat(), calendar.last_day.isoformat())
    tasks: list[Task] = []
    problems: list[Problem] = []
    seen: dict[str, Location] = {}
    names = [path.name.split(".", 1)[0] for path in task_files]  # for a free id to suggest
    for path in task_files:
        task, task_problems = load_task(path, layout, prefix, units, deadline_rules, span, calendar)
        problems += task_problems
        if task is None:
            continue
        refused = rule_beyond_calendar(task, rules, calendar) or task_ids.duplicate_ids(
            seen, task.id, task.loc("id"), names
        )
        if refused:
            problems.append(refused)
        else:
            tasks.append(task)
    return tasks, problems


def rule_beyond_calendar(
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
                f"按时限规则 “{rule.id}” 计算的完成时限超出工作日历范围：{exc.zh}",
                f"the deadline computed by rule '{rule.id}' falls outside the working-day "
                f"calendar: {exc.en}",
            ),
            field="$.deadline_rule",
        )
    return None


# -- duban due ---------------------------------------------------------------------------


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
    :class:`~duban.calendar.workdays.CalendarError` (with both languages) for anything the
    user must fix: bad period, unknown rule, a rule without a fixed period, a broken calendar
    file, a date outside the calendar.
    """
    if (period_text is None) == (rule_id is None):
        raise CalendarError(
            Text(
                "请给出时限（如 5wd）或 --rule 规则编号，二者选一",
                "give either a period (e.g. 5wd) or --rule ID, not both",
            ),
        )
    calendar = _calendar_for_due(ledger, lang)
    if rule_id is not None:
        result = _due_by_rule(ledger, calendar, start, rule_id, priority, lang)
    else:
        result = calendar.add(start, Period.parse(period_text or ""))
    note = _provisional_note(calendar, start, result)(lang) if result.provisional else ""
    return result, note


def _listing(problems: Sequence[Problem], lang: str) -> str:
    return "\n".join(f"{p.where}: {p.code}: {p.message(lang)}" for p in problems)


def _calendar_for_due(ledger: Path, lang: str) -> WorkCalendar:
    folder = ledger / "calendar"
    if not folder.is_dir():
        raise CalendarError(Text(f"找不到工作日历目录：{folder}", f"no calendar folder: {folder}"))
    calendar, problems = load_calendar(folder)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        lines = _listing(errors, lang)
        raise CalendarError(
            Text(f"工作日历有错误，无法计算：\n{lines}", f"the calendar has errors:\n{lines}")
        )
    return calendar


def _due_by_rule(
    ledger: Path, calendar: WorkCalendar, start: date, rule_id: str, priority: str, lang: str
) -> Due:
    rules, problems = load_rules(ledger / "rules.yaml")
    if problems and not rules:
        lines = _listing(problems, lang)
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
    return result


def _provisional_note(calendar: WorkCalendar, start: date, result: Due) -> Text:
    """Why a due date is provisional: the years whose holiday notice is not out yet."""
    lo, hi = sorted((start, result.date))
    years = [y for y in range(lo.year, hi.year + 1) if calendar.is_provisional(y)]
    files = ", ".join(f"calendar/{y}.yaml" for y in years)
    return Text(
        f"注意：{'、'.join(map(str, years))} 年的放假安排尚未发布（台账中没有 {files}），"
        "该日期按《全国年节及纪念日放假办法》规定的节日估算（不含调休上班日），为暂定结果。",
        f"note: the official holiday arrangement for {', '.join(map(str, years))} is not "
        f"published yet (no {files} in the ledger); this date is estimated from the statutory "
        "holidays (without make-up working days) and is provisional.",
    )
