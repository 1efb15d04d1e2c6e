"""Obligations and lights: where every task stands on a given date (DESIGN.md §2, §5).

For each task, :func:`task_status` lists the obligations of the rule catalogue that apply to
it, each with its due date, the rule and measure it comes from, and its state:

- ``met-on-time``: the event that meets it is dated on or before the due date;
- ``met-late``: it was met after the due date (``days_late`` working days late);
- ``open``: not met yet and the due date has not passed;
- ``overdue``: not met and the due date has passed (a deadline ends at 24:00 of its date).

The obligations (start dates and periods come from ``rules.yaml``; the defaults in brackets
are those of the measures):

===================  =====  =====================================  ==========================
key                  meas.  due                                    met by
===================  =====  =====================================  ==========================
decompose            四     received + 1wd                         ``decomposed``
report-to-leader     五     received (当日: the day it is known)   ``reported-to-leader``
deploy               五     received + 3wd (urgent: 0d)            ``deployed``
plan-feedback        七     received + 5wd (important/urgent: 0d)  ``plan-reported``
progress-feedback    七     received + 10wd                        ``progress-reported``
milestone:<title>    七     the milestone's ``due``                ``milestone-reported``
complete             八     the task's deadline (see below)        ``completed``
verify               八     last completion + 5wd (local rule)     ``verified`` (or ``closed``)
===================  =====  =====================================  ==========================

Decisions, and why:

- **Deadline.** The explicit ``deadline``, or its ``deadline_rule`` applied to ``received``;
  the latest ``extension-approved`` event (by the assigning unit) replaces it.
- **progress-feedback is not asked of short tasks.** When the task's deadline is on or before
  the progress-feedback due date, the completion report *is* the progress report (measure 七
  asks for feedback on tasks still running after 10 working days), so the obligation is left
  out instead of being counted twice.
- **A completion report discharges the early feedback obligations.** When a task is completed
  and decomposition, deployment, plan/progress feedback or a milestone report was never
  recorded, that obligation counts as met *by the completion report* on its date
  (``implied=True``): met on time if that date is within its limit, otherwise *met late* with
  the working days late. Not "missed forever": measure 八's 落实情况报告 is the fullest
  feedback there is, and a finished task must not stay red for paperwork; but the lateness
  stays visible and counts against the on-time rate (measure 九).
- **sent-back** (verification failed) undoes the completion: the owner must complete again, by
  the (possibly extended) deadline; the verification clock restarts at the new completion.
- **closed** (销号) also meets verification (销号 follows 核实). **reopened** after ``closed``
  makes the task live again: it must be completed, verified and closed again.
- **A closed task is not live.** Its obligations are evaluated as of the closing date (what was
  unmet then stays on record), and :attr:`TaskStatus.overdue` is empty: nothing of a closed
  task can be done any more.
- **Lights** (§5): ``closed`` if closed; ``done`` if completed and awaiting verification (even
  when verification is late — that is the assigning unit's item, and is listed as overdue
  for it); else ``red`` if anything is overdue, ``yellow`` if an open obligation is due within
  ``warning_days`` working days (``ledger.yaml``, default 3; due today counts), else ``green``.
- Events dated after ``as_of`` are ignored: the status is the one of that day.
- ``explained``: for an overdue or late item, a ``delay-explained`` event (measure 六: reason
  and catch-up measures) was recorded once the item was due soon or late — dated at most
  ``warning_days`` working days before its due date, or later. One explanation covers every
  item of the task in that state at its date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from duban.calendar.workdays import Due, Period, WorkCalendar
from duban.model import Event, Ledger, Task, cycle_start
from duban.status.records import Obligation, TaskStatus

#: key → (rule id, default measure, zh label, en label, default period, met-by event type).
#: The rule catalogue overrides measure, period and event when it has the rule.
OBLIGATIONS: dict[str, tuple[str, str, str, str, str | None, str]] = {
    "decompose": ("decompose", "四", "分解落实任务", "decompose the task", "1wd", "decomposed"),
    "report-to-leader": (
        "report-to-leader",
        "五",
        "报告单位主要领导",
        "report to the principal leader",
        "0d",
        "reported-to-leader",
    ),
    "deploy": ("deploy", "五", "研究部署", "deploy the work", "3wd", "deployed"),
    "plan-feedback": (
        "plan-feedback",
        "七",
        "反馈落实方案",
        "report the implementation plan",
        "5wd",
        "plan-reported",
    ),
    "progress-feedback": (
        "progress-feedback",
        "七",
        "反馈落实情况",
        "report progress",
        "10wd",
        "progress-reported",
    ),
    "complete": ("complete", "八", "完成任务", "complete the task", None, "completed"),
    "verify": ("verify", "八", "核实销号", "verify and close", "5wd", "verified"),
}


#: Obligations discharged by a completion report when never recorded on their own (so are
#: milestone reports), in measure order.
IMPLIED_BY_COMPLETION = (
    "decompose",
    "report-to-leader",
    "deploy",
    "plan-feedback",
    "progress-feedback",
)


_DEFAULT_VARIANTS = {
    "deploy": {"urgent": "0d"},
    "plan-feedback": {"important": "0d", "urgent": "0d"},
}


def _period(text: str | None) -> Period | None:
    return Period.parse(text) if text else None


def _late(calendar: WorkCalendar, due: date, when: date) -> int:
    """Working days from ``due`` to ``when`` (0 when not after)."""
    return max(0, calendar.working_days_between(due, when)) if when > due else 0


def _cycle(events: Sequence[Event]) -> tuple[list[Event], date | None]:
    """The events of the current cycle (after the last ``reopened``) and the closing date."""
    cycle = list(events[cycle_start([e.type for e in events]) :])
    closed_on = next((e.date for e in reversed(cycle) if e.type == "closed"), None)
    return cycle, closed_on


def effective_deadline(
    task: Task, ledger: Ledger, as_of: date
) -> tuple[Due, tuple[str | int, ...]]:
    """The deadline in force on ``as_of`` and the field that sets it.

    The latest ``extension-approved`` event up to ``as_of`` wins; else the explicit deadline;
    else the ``deadline_rule`` applied to ``received``.
    """
    extensions = [e for e in task.events if e.type == "extension-approved" and e.date <= as_of]
    extensions = [e for e in extensions if e.deadline is not None]
    if extensions:
        last = extensions[-1]
        assert last.deadline is not None
        return Due(last.deadline, ledger.calendar.is_estimated(last.deadline)), (
            "events",
            last.index,
            "deadline",
        )
    if task.deadline is not None:
        return Due(task.deadline, ledger.calendar.is_estimated(task.deadline)), ("deadline",)
    rule = ledger.rules.get(task.deadline_rule or "")
    period = rule.period_for(task.priority) if rule else None
    if rule is None or period is None:
        # Validation reports an unknown rule; the status stage must not crash on it.
        return Due(task.received, False), ("deadline_rule",)
    due = rule.due(ledger.calendar, task.received, task.priority)
    assert due is not None  # the rule has a period
    return due, ("deadline_rule",)


def task_status(task: Task, ledger: Ledger, as_of: date) -> TaskStatus:
    """The status of ``task`` as of ``as_of`` (events after that date are ignored)."""
    events = [e for e in task.events if e.date <= as_of]
    cycle, closed_on = _cycle(events)
    # A closed task's clock stops when it is closed.
    now = closed_on or as_of
    warning = ledger.config.warning_days
    calendar = ledger.calendar
    deadline, deadline_field = effective_deadline(task, ledger, as_of)

    # The standing completion: the owner's last `completed` not undone by a later
    # `sent-back`. A co-unit's `completed` reports its part only: the task is not done.
    completed: Event | None = None
    for event in cycle:
        if event.type == "completed" and event.by == task.owner.unit:
            completed = event
        elif event.type == "sent-back":
            completed = None
    first_completion = next(
        (e for e in events if e.type == "completed" and e.by == task.owner.unit), None
    )
    explanations = [e.date for e in events if e.type == "delay-explained"]

    def explained(due: date) -> bool:
        # Explained when an explanation was given once the item was due soon or late.
        return any(
            d >= due or calendar.working_days_between(d, due) <= warning for d in explanations
        )

    obligations: list[Obligation] = []

    def add(
        key: str,
        due: Due,
        field: tuple[str | int, ...],
        met: Event | None,
        *,
        rule: str | None,
        measure: str,
        zh: str,
        en: str,
        unit: str,
        implied_by: Event | None = None,
    ) -> None:
        implied = False
        if met is None and implied_by is not None:
            met, implied = implied_by, True
        if met is not None:
            late = _late(calendar, due.date, met.date)
            state = "met-late" if met.date > due.date else "met-on-time"
            met_on: date | None = met.date
        elif now > due.date:
            state, late, met_on = "overdue", _late(calendar, due.date, now), None
        else:
            state, late, met_on = "open", 0, None
        obligations.append(
            Obligation(
                key=key,
                rule=rule,
                measure=measure,
                label=zh,
                label_en=en,
                due=due.date,
                provisional=due.provisional,
                state=state,
                met_on=met_on,
                days_late=late,
                field=field,
                explained=state in ("overdue", "met-late") and explained(due.date),
                unit=unit,
                implied=implied,
            )
        )

    def first(kind: str) -> Event | None:
        return next((e for e in events if e.type == kind), None)

    owner = task.owner.unit
    for key in IMPLIED_BY_COMPLETION:
        rule_id, measure, zh, en, default, met_by = OBLIGATIONS[key]
        rule = ledger.rules.get(rule_id)
        if rule is not None:
            period = rule.period_for(task.priority)
            measure, met_by = rule.measure, rule.met_by or met_by
        else:
            period = _period(_DEFAULT_VARIANTS.get(key, {}).get(task.priority, default))
        if period is None:
            continue
        due = calendar.add(task.received, period)
        if key == "progress-feedback" and deadline.date <= due.date:
            continue  # the completion report is the progress report (see module doc)
        add(
            key,
            due,
            ("received",),
            first(met_by),
            rule=rule_id if rule is not None else None,
            measure=measure,
            zh=zh,
            en=en,
            unit=owner,
            implied_by=first_completion,
        )

    for index, milestone in enumerate(task.milestones):
        met = next(
            (
                e
                for e in events
                if e.type == "milestone-reported" and e.milestone == milestone.title
            ),
            None,
        )
        add(
            f"milestone:{milestone.title}",
            Due(milestone.due, calendar.is_estimated(milestone.due)),
            ("milestones", index, "due"),
            met,
            rule="progress-feedback" if "progress-feedback" in ledger.rules else None,
            measure="七",
            zh=f"阶段反馈：{milestone.title}",
            en=f"milestone report: {milestone.title}",
            unit=owner,
            implied_by=first_completion,
        )

    rule = ledger.rules.get("complete")
    add(
        "complete",
        deadline,
        deadline_field,
        completed,
        rule="complete" if rule else None,
        measure=rule.measure if rule else "八",
        zh=OBLIGATIONS["complete"][2],
        en=OBLIGATIONS["complete"][3],
        unit=owner,
    )

    if completed is not None:
        rule = ledger.rules.get("verify")
        period = (rule.period_for(task.priority) if rule else None) or Period(5, "wd")
        verified = next(
            (e for e in cycle if e.type in ("verified", "closed") and e.index > completed.index),
            None,
        )
        add(
            "verify",
            calendar.add(completed.date, period),
            ("events", completed.index),
            verified,
            rule="verify" if rule else None,
            measure=rule.measure if rule else "八",
            zh=OBLIGATIONS["verify"][2],
            en=OBLIGATIONS["verify"][3],
            unit=task.assigned_by,
        )

    obligations.sort(key=lambda o: (o.due, _ORDER.get(o.key.split(":")[0], 9)))
    soon_until = _window_end(calendar, as_of, warning)
    if closed_on is not None:
        light = "closed"
    elif completed is not None:
        light = "done"
    elif any(o.state == "overdue" for o in obligations):
        light = "red"
    elif any(o.state == "open" and o.due <= soon_until for o in obligations):
        light = "yellow"
    else:
        light = "green"

    return TaskStatus(
        task=task,
        as_of=as_of,
        light=light,
        deadline=deadline.date,
        provisional=any(o.provisional for o in obligations) or deadline.provisional,
        obligations=tuple(obligations),
        completed_on=completed.date if completed else None,
        closed_on=closed_on,
        on_time=(completed.date <= deadline.date) if completed else None,
        soon_until=soon_until,
    )


_ORDER = {
    "report-to-leader": 0,
    "decompose": 1,
    "deploy": 2,
    "plan-feedback": 3,
    "progress-feedback": 4,
    "milestone": 5,
    "complete": 6,
    "verify": 7,
}


def _window_end(calendar: WorkCalendar, as_of: date, warning_days: int) -> date:
    """The last day of the warning window: due dates up to it are "due soon".

    An open item is due soon when at most ``warning_days`` working days lie in
    ``(as_of, due]``; that holds up to the day before the (warning_days + 1)-th working day.
    """
    return calendar.nth_working_day_after(as_of, warning_days + 1) - timedelta(days=1)
