"""Load a whole ledger in stages: read → schema → ledger rules → records.

``load_ledger`` never raises for bad content: it returns what could be loaded and every
problem found, the way beancount's loader does. Invalid tasks are left out of the result.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from duban import schema, validate
from duban.model import (
    Event,
    Ledger,
    LedgerConfig,
    Milestone,
    Owner,
    Task,
    Unit,
    as_date,
)
from duban.problems import Location, Problem
from duban.rules import Rule, load_rules
from duban.workdays import CalendarRangeError, WorkCalendar, load_calendar
from duban.yamlload import Document, load_file


@dataclass(frozen=True)
class Layout:
    """Where a ledger's files are: ``ledger/`` with its config, roster, rules, calendar, tasks."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "ledger.yaml"

    @property
    def units(self) -> Path:
        return self.root / "units.yaml"

    @property
    def rules(self) -> Path:
        return self.root / "rules.yaml"

    @property
    def calendar(self) -> Path:
        return self.root / "calendar"

    @property
    def tasks(self) -> Path:
        return self.root / "tasks"

    def scan_tasks(self) -> tuple[list[Path], list[Path]]:
        """One walk of ``tasks/``: the task files (``*.yaml``), and the files that look like
        tasks but would be skipped (``.yml``, ``.YAML``), each sorted. Folders are only
        walked, whatever their name (``2026.yaml/`` is a folder, not a task file)."""
        found = [
            path
            for folder, _, files in os.walk(self.tasks)
            for path in (Path(folder, name) for name in files)
            if path.suffix.lower() in (".yml", ".yaml")
        ]
        return (
            sorted(p for p in found if p.suffix == ".yaml"),
            sorted(p for p in found if p.suffix != ".yaml"),
        )

    def task_files(self) -> list[Path]:
        return self.scan_tasks()[0]

    @cached_property
    def _resolved(self) -> tuple[Path, Path]:
        """The ledger folder and the working folder, resolved once (``display`` runs for
        every file)."""
        return self.root.resolve(), Path.cwd().resolve()

    def display(self, path: Path) -> str:
        """A path as people see it in messages: relative to the working folder if possible."""
        root, cwd = self._resolved
        try:
            inside = path.relative_to(self.root)
        except ValueError:
            full = path.resolve()
        else:  # the usual case: no symlink resolution per file
            full = root / inside
        try:
            return str(full.relative_to(cwd))
        except ValueError:
            return str(path)


def _read(path: Path, name: str, layout: Layout) -> tuple[Document | None, list[Problem]]:
    if not path.is_file():
        return None, [
            Problem(
                "file-missing",
                Location(layout.display(path)),
                f"缺少文件 {path.name}",
                f"missing file {path.name}",
            )
        ]
    doc, problems = load_file(path, layout.display(path))
    if doc is None:
        return None, problems
    problems = schema.check(doc, name)
    return (doc if not problems else None), problems


def load_config(layout: Layout) -> tuple[LedgerConfig | None, list[Problem]]:
    doc, problems = _read(layout.config, "ledger", layout)
    if doc is None:
        return None, problems
    data = doc.data
    config = LedgerConfig(
        name=data["name"],
        id_prefix=data["id_prefix"],
        timezone=data["timezone"],
        language=data["language"],
        short_name=data.get("short_name", ""),
        warning_days=data.get("warning_days", 3),
        site_url=data.get("site_url", ""),
        repo_url=data.get("repo_url", ""),
        contact=data.get("contact", ""),
        fictional=data.get("fictional", False),
        notice=data.get("notice", ""),
        where=doc.loc(),
    )
    return config, problems


def load_units(layout: Layout) -> tuple[dict[str, Unit], list[Problem]]:
    doc, problems = _read(layout.units, "units", layout)
    if doc is None:
        return {}, problems
    units: dict[str, Unit] = {}
    for index, item in enumerate(doc.data["units"]):
        where = doc.loc("units", index, "code")
        if item["code"] in units:
            first = units[item["code"]].where
            problems.append(
                Problem(
                    "duplicate-unit",
                    where,
                    f"单位代码 {item['code']} 重复 (已用于 {first})",
                    f"unit code {item['code']} is used twice (first at {first})",
                    field=f"$.units[{index}].code",
                )
            )
            continue
        units[item["code"]] = Unit(
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            maintainers=tuple(item["maintainers"]),
            short_name=item.get("short_name", ""),
            where=where,
        )
    return units, problems


def load_task(
    path: Path,
    layout: Layout,
    id_prefix: str,
    units: dict[str, Unit],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
) -> tuple[Task | None, list[Problem]]:
    """One task file through every stage; ``None`` when it is not valid."""
    doc, problems = load_file(path, layout.display(path))
    if doc is None:
        return None, problems
    problems = validate.check_codes(doc)
    bad = {p.field for p in problems}
    problems += [p for p in schema.check(doc, "task") if p.field not in bad]
    if problems:
        return None, problems
    problems = validate.check_task(doc, path.stem, id_prefix, units, rules, span)
    if problems:
        return None, problems
    return task_from_doc(doc), []


def task_from_doc(doc: Document) -> Task:
    """Build the record of a valid task document."""
    data = doc.data
    owner = data["owner"]
    return Task(
        id=data["id"],
        title=data["title"],
        received=as_date(data["received"]),
        assigned_by=data["assigned_by"],
        owner=Owner(owner["unit"], owner["lead"], tuple(owner.get("co_units", ()))),
        standard=data["standard"],
        priority=data["priority"],
        visibility=data["visibility"],
        deadline=as_date(data["deadline"]) if "deadline" in data else None,
        deadline_rule=data.get("deadline_rule"),
        source=data.get("source", ""),
        description=data.get("description", ""),
        milestones=tuple(
            Milestone(m["title"], as_date(m["due"]), doc.loc("milestones", i))
            for i, m in enumerate(data.get("milestones", []))
        ),
        events=tuple(
            Event(
                index=i,
                date=as_date(e["date"]),
                type=e["type"],
                by=e["by"],
                where=doc.loc("events", i),
                note=e.get("note", ""),
                deadline=as_date(e["deadline"]) if "deadline" in e else None,
                milestone=e.get("milestone"),
            )
            for i, e in enumerate(data["events"])
        ),
        doc=doc,
    )


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
            f"按时限规则 “{rule.id}” 计算的完成时限超出工作日历范围: {exc.zh}",
            f"the deadline computed by rule '{rule.id}' falls outside the working-day "
            f"calendar: {exc.en}",
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
                "缺少节假日安排目录 calendar/ (没有它, 所有时限都只能估算)",
                "missing the calendar/ folder of holiday arrangements (every deadline would "
                "be an estimate)",
            )
        )
    if not layout.tasks.is_dir():
        problems.append(
            Problem(
                "file-missing",
                Location(layout.display(layout.tasks)),
                "缺少任务目录 tasks/ (Git 不保存空目录: 尚无任务时可在其中放一个 .gitkeep)",
                "missing the tasks/ folder (Git keeps no empty folder: with no task yet, "
                "put a .gitkeep in it)",
            )
        )
    task_files, misnamed = layout.scan_tasks()
    for path in misnamed:
        problems.append(
            Problem(
                "file-extension",
                Location(layout.display(path)),
                "任务文件的扩展名须为 .yaml, 此文件不会被读取",
                "task files must end in .yaml; this file is not read",
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
    return Ledger(root, config, units, rules, calendar, tuple(tasks)), problems
