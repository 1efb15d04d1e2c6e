"""The rule catalogue (``ledger/rules.yaml``): every time limit of the measures (DESIGN.md §2).

Each :class:`Rule` cites its measure (``四`` … ``十七``) and the original wording. A deadline
rule has a ``period`` for normal priority and optional ``variants`` for important/urgent
items; :meth:`Rule.period_for` picks the right one, and :meth:`Rule.due` computes the due
date from the rule's start date with a :class:`~duban.workdays.WorkCalendar`.

Typical use (the status stage)::

    rules, problems = load_rules(root / "ledger" / "rules.yaml")
    rule = rules["plan-feedback"]
    due = rule.due(calendar, task.received, task.priority)   # Due | None
    # which event meets it: rule.met_by == "plan-reported"; when the clock starts: rule.starts
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType

from duban.problems import Location, Problem
from duban.workdays import Due, Period, PeriodError, WorkCalendar, add_months

#: Rule ids that are per-task obligations tracked by the status stage, in measure order.
TASK_OBLIGATIONS = (
    "decompose",
    "report-to-leader",
    "deploy",
    "plan-feedback",
    "progress-feedback",
    "complete",
    "verify",
)


def usable_as_deadline(kind: object, starts: object, period: object, before: object) -> bool:
    """Whether a rule may be a task's ``deadline_rule``: a fixed period counted forward from
    the task's start, which the task records as ``received`` (the meeting, for ``minutes``).
    Not: recurring duties, quotas, ``complete`` (no period), ``verify`` (counted from the
    completion report) or backward rules such as ``leave-extension``."""
    return kind == "deadline" and period is not None and not before and starts != "completed"


@dataclass(frozen=True, slots=True)
class Rule:
    """One time limit of the measures.

    - ``id``: stable code, referenced by a task's ``deadline_rule`` (``draft-general``).
    - ``measure``: the measure's Chinese numeral (``七``); ``title``/``text``: name and original
      wording (Simplified).
    - ``kind``: ``deadline`` | ``recurring`` (``every`` quarter/year) | ``quota`` (``quota``
      per ``every``).
    - ``applies``: ``task`` | ``document`` | ``meeting`` | ``topic`` | ``leave`` | ``leader`` |
      ``report``.
    - ``period``: normal-priority limit, None when there is no fixed one (``complete``: the task
      sets it; recurring and quota rules).
    - ``variants``: priority → period (``{"urgent": Period(0, "d")}``).
    - ``starts``: the date the clock starts from: ``received`` | ``completed`` | ``meeting`` |
      ``ready`` | ``leave-end`` (None for recurring/quota).
    - ``before``: counted backwards from ``starts`` (``leave-extension``: 1 day before).
    - ``met_by``: the event type that meets it, or None when not tracked on tasks.
    - ``configurable``: the measures leave the limit to local rules (``verify``).
    - ``where``: where the rule is written in ``rules.yaml``.
    """

    id: str
    measure: str
    title: str
    text: str
    kind: str
    applies: str
    period: Period | None
    where: Location
    variants: Mapping[str, Period] = field(default_factory=lambda: MappingProxyType({}))
    starts: str | None = None
    met_by: str | None = None
    before: bool = False
    every: str | None = None
    quota: int | None = None
    configurable: bool = False
    note: str = ""

    def period_for(self, priority: str = "normal") -> Period | None:
        """The period for a task of ``priority`` (normal|important|urgent).

        The variant for that priority if there is one, else the normal ``period``; None when
        the rule has no fixed limit.
        """
        return self.variants.get(priority, self.period)

    @property
    def usable_as_deadline(self) -> bool:
        """True when a task's ``deadline_rule`` may name this rule (see the function)."""
        return usable_as_deadline(self.kind, self.starts, self.period, self.before)

    def due(self, calendar: WorkCalendar, start: date, priority: str = "normal") -> Due | None:
        """The due date counted from ``start`` (the rule's ``starts`` date), or None when the
        rule has no fixed period. Backward rules (``before``) count calendar days back and
        are never rolled (they are not provisional either)."""
        period = self.period_for(priority)
        if period is None:
            return None
        calendar.check_range(start)
        if self.before:
            if period.unit == "m":
                return Due(add_months(start, -period.n), False)
            if period.unit == "d":
                return Due(start - timedelta(days=period.n), False)
            raise PeriodError("倒数时限只能按日或月计", "backward periods are in days or months")
        return calendar.add(start, period)

    def label(self, lang: str = "zh") -> str:
        """``措施七 反馈落实方案`` / ``measure 七: 反馈落实方案``."""
        if lang == "en":
            return f"measure {self.measure}: {self.title}"
        return f"措施{self.measure} {self.title}"


def _problem(code: str, where: Location, zh: str, en: str, fld: str) -> Problem:
    return Problem(code, where, zh, en, field=fld)


def load_rules(path: Path, display: str | None = None) -> tuple[dict[str, Rule], list[Problem]]:
    """Read and validate ``rules.yaml`` against ``schemas/rules.schema.json``.

    Returns the rules by id (in file order) and every problem: schema violations, duplicate
    ids, a missing per-task obligation (:data:`TASK_OBLIGATIONS`). A file that fails its
    schema yields no rules.
    """
    from duban import schema
    from duban.yamlload import load_file

    display = display or str(path)
    doc, problems = load_file(path, display)
    if doc is None:
        return {}, problems
    found = schema.check(doc, "rules")
    if found:
        return {}, problems + found
    rules: dict[str, Rule] = {}
    for k, item in enumerate(doc.data["rules"]):
        where = doc.loc("rules", k)
        rid = item["id"]
        if rid in rules:
            problems.append(
                _problem(
                    "rules-duplicate-id",
                    doc.loc("rules", k, "id"),
                    f"规则编号 “{rid}” 重复（第一次出现在 {rules[rid].where}）",
                    f"rule id '{rid}' is used twice (first at {rules[rid].where})",
                    f"$.rules[{k}].id",
                )
            )
            continue
        period = Period.parse(item["period"]) if item.get("period") else None
        variants = {p: Period.parse(v) for p, v in (item.get("variants") or {}).items()}
        rules[rid] = Rule(
            id=rid,
            measure=item["measure"],
            title=item["title"],
            text=item["text"],
            kind=item["kind"],
            applies=item["applies"],
            period=period,
            where=where,
            variants=MappingProxyType(variants),
            starts=item.get("starts"),
            met_by=item.get("met_by"),
            before=bool(item.get("before", False)),
            every=item.get("every"),
            quota=item.get("quota"),
            configurable=bool(item.get("configurable", False)),
            note=item.get("note", ""),
        )
    missing = [rid for rid in TASK_OBLIGATIONS if rid not in rules]
    if missing:
        problems.append(
            _problem(
                "rules-missing",
                doc.loc("rules"),
                f"规则目录缺少任务必需的规则: {', '.join(missing)}",
                f"the catalogue lacks rules every task needs: {', '.join(missing)}",
                "$.rules",
            )
        )
    return rules, problems


__all__ = ["TASK_OBLIGATIONS", "Rule", "load_rules"]


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
    from duban.workdays import CalendarError, load_calendar

    if (period_text is None) == (rule_id is None):
        raise CalendarError(
            "请给出时限（如 5wd）或 --rule 规则编号，二者选一",
            "give either a period (e.g. 5wd) or --rule ID, not both",
        )
    if not (ledger / "calendar").is_dir():
        raise CalendarError(
            f"找不到工作日历目录: {ledger / 'calendar'}",
            f"no calendar folder: {ledger / 'calendar'}",
        )
    calendar, problems = load_calendar(ledger / "calendar")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        lines = "\n".join(f"{p.where}: {p.code}: {p.message(lang)}" for p in errors)
        raise CalendarError(
            f"工作日历有错误，无法计算：\n{lines}", f"the calendar has errors:\n{lines}"
        )
    if rule_id is not None:
        rules, problems = load_rules(ledger / "rules.yaml")
        if problems and not rules:
            lines = "\n".join(f"{p.where}: {p.code}: {p.message(lang)}" for p in problems)
            raise CalendarError(
                f"规则目录有错误：\n{lines}", f"the rule catalogue has errors:\n{lines}"
            )
        rule = rules.get(rule_id)
        if rule is None:
            known = ", ".join(rules)
            raise CalendarError(
                f"没有编号为 “{rule_id}” 的规则（可用：{known}）",
                f"no rule '{rule_id}' (known: {known})",
            )
        result = rule.due(calendar, start, priority)
        if result is None:
            raise CalendarError(
                f"规则 {rule_id}（{rule.title}）没有固定时限",
                f"rule {rule_id} ({rule.title}) has no fixed period",
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
