"""The obligations of a task: what is due when (:class:`Duty`), and how it stands
(:class:`Judge` turns a duty into an :class:`~duban.status.records.Obligation`).

Periods, variants, measures and met-by events all come from the rule catalogue
(``ledger/rules.yaml``); only the wording of each obligation lives in
:data:`~duban.status.records.OBLIGATION_LABELS`. The rationale of each step is in the docstring
of :mod:`duban.status.task`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from duban.calendar.rules import EARLY_OBLIGATIONS, Rule
from duban.calendar.workdays import Due, WorkCalendar
from duban.model import Event, Ledger, Task
from duban.status.clock import Clock, Completion, Deadline
from duban.status.records import OBLIGATION_LABELS, Obligation, State, milestone_label
from duban.text import Text


class Duty(NamedTuple):
    """An obligation before it is judged: what, by when, by whom, and the event that met it.

    (A named tuple: made for every obligation of every task, it must be cheap to build.)"""

    key: str
    """The rule id, or ``milestone:<title>``."""
    rule: Rule
    """The rule of the catalogue it comes from (measure, id)."""
    label: Text
    due: Due
    field: tuple[str | int, ...]
    """The task field that holds it."""
    unit: str
    """The unit that must act."""
    met: Event | None
    """The event that met it, if any."""
    implied_by: Event | None = None
    """The completion report that discharges it when ``met`` is None."""


def _unit(task: Task, owner: str, met: Event | None) -> str:
    """Whose duty it is: the owner in force when it was met (a later ``reassigned`` does not
    rewrite history), else the owner in force now (``owner``; default: as first assigned)."""
    if met is not None:
        return task.owner_before(met.index).unit
    return owner or task.owner.unit


def _label(rule: Rule) -> Text:
    return OBLIGATION_LABELS.get(rule.id) or Text(rule.title, rule.title)


@dataclass(frozen=True, slots=True)
class Judge:
    """Judges duties on a date: met on time or late, open, overdue; explained or not."""

    calendar: WorkCalendar
    now: date
    """The day unmet duties are judged on (a closed task's closing date)."""
    warning_days: int
    explanations: tuple[Event, ...]
    """The task's ``delay-explained`` events up to the status date."""

    def late(self, due: date, when: date) -> int:
        """Working days from ``due`` to ``when`` (0 when not after)."""
        return max(0, self.calendar.working_days_between(due, when)) if when > due else 0

    def explained(self, due: date, met: Event | None = None) -> bool:
        """An explanation covers the item due on ``due`` (met by ``met``, None while unmet):
        it was recorded while the item was still unmet (before ``met`` in the task's events)
        and due soon (within ``warning_days`` working days of ``due``) or overdue (measure
        六: 对未按照要求完成的，及时说明原因). An explanation recorded after the item was met,
        or long before it fell due, covers nothing."""
        within = self.calendar.working_days_between
        return any(
            (met is None or e.index < met.index)
            and (e.date >= due or within(e.date, due) <= self.warning_days)
            for e in self.explanations
        )

    def __call__(self, duty: Duty) -> Obligation:
        """The obligation ``duty`` as it stands on :attr:`now`."""
        met, implied = duty.met, False
        if met is None and duty.implied_by is not None:
            met, implied = duty.implied_by, True
        due = duty.due.date
        state: State
        if met is not None:
            state = "met-late" if met.date > due else "met-on-time"
            late, met_on = self.late(due, met.date), met.date
        elif self.now > due:
            state, late, met_on = "overdue", self.late(due, self.now), None
        else:
            state, late, met_on = "open", 0, None
        return Obligation(
            key=duty.key,
            rule=duty.rule.id,
            measure=duty.rule.measure,
            label=duty.label.zh,
            label_en=duty.label.en,
            due=due,
            provisional=duty.due.provisional,
            state=state,
            met_on=met_on,
            days_late=late,
            field=duty.field,
            explained=state in ("overdue", "met-late") and self.explained(due, met),
            unit=duty.unit,
            implied=implied,
        )


def judge(ledger: Ledger, clock: Clock) -> Judge:
    """The judge of a task's duties as of its clock."""
    return Judge(
        calendar=ledger.calendar,
        now=clock.now,
        warning_days=ledger.config.warning_days,
        explanations=tuple(e for e in clock.events if e.type == "delay-explained"),
    )


def early_duties(
    task: Task, ledger: Ledger, clock: Clock, deadline: Deadline, done: Completion
) -> Iterator[Duty]:
    """Decompose, report to the leader, deploy, plan and progress feedback: each its rule's
    period (or the variant for the task's priority) after ``received``; a rule without a
    period for this priority asks nothing. progress-feedback is left out when the deadline
    comes first (the completion report is then the progress report)."""
    for rule_id in EARLY_OBLIGATIONS:
        rule = ledger.rules[rule_id]
        period = rule.period_for(task.priority)
        if period is None:
            continue
        due = ledger.calendar.add(task.received, period)
        if rule_id == "progress-feedback" and deadline.due.date <= due.date:
            continue
        met = clock.first(rule.met_by)
        unit = _unit(task, clock.owner, met)
        yield Duty(rule_id, rule, _label(rule), due, ("received",), unit, met, done.first)


def milestone_duties(task: Task, ledger: Ledger, clock: Clock, done: Completion) -> Iterator[Duty]:
    """One report per milestone by its ``due`` date, under the progress-feedback rule; met by
    the ``milestone-reported`` event naming it (or by the first completion report)."""
    rule = ledger.rules["progress-feedback"]
    for index, milestone in enumerate(task.milestones):
        met = next(
            (
                e
                for e in clock.events
                if e.type == "milestone-reported" and e.milestone == milestone.title
            ),
            None,
        )
        due = Due(milestone.due, ledger.calendar.is_estimated(milestone.due))
        field = ("milestones", index, "due")
        label = milestone_label(milestone.title)
        yield Duty(
            f"milestone:{milestone.title}",
            rule,
            label,
            due,
            field,
            _unit(task, clock.owner, met),
            met,
            done.first,
        )


def complete_duty(
    task: Task, ledger: Ledger, deadline: Deadline, done: Completion, unit: str = ""
) -> Duty:
    """Completion by the deadline in force, met by the standing completion report only; the
    duty of ``unit`` (the owner in force; default: the owner as first assigned)."""
    rule = ledger.rules["complete"]
    unit = _unit(task, unit, done.standing)
    return Duty("complete", rule, _label(rule), deadline.due, deadline.field, unit, done.standing)


def verify_duty(task: Task, ledger: Ledger, clock: Clock, done: Completion) -> Duty | None:
    """Verification by the assigning unit, the verify rule's period after the standing
    completion; met by a later ``verified`` (its met-by event) or ``closed`` (销号 follows
    核实) in the cycle. None while not completed, or when the rule sets no period."""
    completed = done.standing
    if completed is None:
        return None
    rule = ledger.rules["verify"]
    period = rule.period_for(task.priority)
    if period is None:
        return None
    due = ledger.calendar.add(completed.date, period)
    kinds = {rule.met_by, "closed"}
    met = next((e for e in clock.cycle if e.type in kinds and e.index > completed.index), None)
    field = ("events", completed.index)
    return Duty("verify", rule, _label(rule), due, field, task.assigned_by, met)
