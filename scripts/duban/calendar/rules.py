"""The rule catalogue (``ledger/rules.yaml``): every time limit of the measures
(ARCHITECTURE.md, "Where each measure lives").

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
from types import MappingProxyType

from duban.calendar.workdays import Due, Period, PeriodError, WorkCalendar, add_months
from duban.source import Location
from duban.text import Text

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

#: The per-task obligations that fall due early, counted from ``received``; a completion
#: report discharges them when they were never recorded on their own (see
#: :mod:`duban.status.task`). In measure order; their periods come from ``ledger/rules.yaml``.
EARLY_OBLIGATIONS = TASK_OBLIGATIONS[:5]


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
            raise PeriodError(
                Text("倒数时限只能按日或月计", "backward periods are in days or months")
            )
        return calendar.add(start, period)

    def label(self, lang: str = "zh") -> str:
        """``措施七 反馈落实方案`` / ``measure 七: 反馈落实方案``."""
        return Text(f"措施{self.measure} {self.title}", f"measure {self.measure}: {self.title}")(
            lang
        )
