"""Obligations and lights: where every task stands on a given date.

For each task, :func:`task_status` lists the obligations of the rule catalogue that apply to
it, each with its due date, the rule and measure it comes from, and its state:

- ``met-on-time``: the event that meets it is dated on or before the due date;
- ``met-late``: it was met after the due date (``days_late`` working days late);
- ``open``: not met yet and the due date has not passed;
- ``overdue``: not met and the due date has passed (a deadline ends at 24:00 of its date).

The obligations (periods, variants, measures and met-by events come from
``ledger/rules.yaml``, the only source of them; the periods shown are those of the sample
catalogue, i.e. of the measures):

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
- **An extension approved after the deadline had passed does not make the task on time**
  (settled policy, issue 14): the obligations and the light follow the new deadline (the
  work goes on), but the completion is judged by the deadline that had passed
  (:attr:`TaskStatus.judged_by`): it counts as late (超时办结; 超过办结时限才提出延期申请的按
  超时办结), and the task is marked ``extended_after_deadline`` (逾期后延期). An extension
  approved by the deadline then in force moves both, and a task completed by it is on time
  (``extended``: 延期办结, counted apart by ``duban stats``).
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
- **Lights**: ``closed`` if closed; ``done`` if completed and awaiting verification (even
  when verification is late — that is the assigning unit's item, and is listed as overdue
  for it); else ``red`` if anything is overdue, ``yellow`` if an open obligation is due within
  ``warning_days`` working days (``ledger.yaml``, default 3; due today counts), else ``green``.
- **verify** is not asked when the catalogue gives the rule no period; an early obligation
  is not asked when its rule has no period for the task's priority.
- Events dated after ``as_of`` are ignored: the status is the one of that day.
- ``explained``: for an overdue or late item, a ``delay-explained`` event (measure 六: reason
  and catch-up measures) was recorded while the item was unmet and due soon or late — dated
  at most ``warning_days`` working days before its due date, or later, and before the event
  that met it. One explanation covers every item of the task in that state at its date; an
  explanation recorded after an item was met covers nothing of it (it cannot excuse a delay
  already over). :attr:`TaskStatus.delay_explained` is the same judgment for the completion
  against :attr:`TaskStatus.judged_by`.

The steps, each a function of its own: :func:`~duban.status.clock.clock` (events up to
``as_of``, the current cycle), :func:`~duban.status.clock.effective_deadline`,
:func:`~duban.status.clock.completion`, the duties of :mod:`duban.status.obligations`
(early obligations, milestones, completion, verification) judged by a
:class:`~duban.status.obligations.Judge`, and :func:`light`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from duban.calendar.workdays import WorkCalendar
from duban.model import Ledger, Task
from duban.status.clock import Completion, clock, completion, effective_deadline
from duban.status.obligations import (
    Duty,
    complete_duty,
    early_duties,
    judge,
    milestone_duties,
    verify_duty,
)
from duban.status.records import Light, Obligation, TaskStatus

#: The order of obligations due the same day.
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


def window_end(calendar: WorkCalendar, as_of: date, warning_days: int) -> date:
    """The last day of the warning window: due dates up to it are "due soon".

    An open item is due soon when at most ``warning_days`` working days lie in
    ``(as_of, due]``; that holds up to the day before the (warning_days + 1)-th working day.
    """
    return calendar.nth_working_day_after(as_of, warning_days + 1) - timedelta(days=1)


def light(
    closed_on: date | None, done: Completion, obligations: Sequence[Obligation], soon_until: date
) -> Light:
    """closed if closed; done if completed (awaiting verification, even late: that item is the
    assigning unit's); red if anything is overdue; yellow if an open item is due by
    ``soon_until``; else green."""
    if closed_on is not None:
        return "closed"
    if done.standing is not None:
        return "done"
    if any(o.state == "overdue" for o in obligations):
        return "red"
    if any(o.state == "open" and o.due <= soon_until for o in obligations):
        return "yellow"
    return "green"


def task_status(task: Task, ledger: Ledger, as_of: date) -> TaskStatus:
    """The status of ``task`` as of ``as_of`` (events after that date are ignored)."""
    now = clock(task, as_of)
    deadline = effective_deadline(task, ledger, as_of)
    done = completion(task, ledger, now)
    duties: list[Duty] = [
        *early_duties(task, ledger, now, deadline, done),
        *milestone_duties(task, ledger, now, done),
        complete_duty(task, ledger, deadline, done, now.owner),
    ]
    verify = verify_duty(task, ledger, now, done)
    if verify is not None:
        duties.append(verify)
    assess = judge(ledger, now)
    obligations = sorted(
        (assess(d) for d in duties), key=lambda o: (o.due, _ORDER.get(o.key.split(":")[0], 9))
    )
    soon_until = window_end(ledger.calendar, as_of, ledger.config.warning_days)
    completed = done.standing
    judged_by = deadline.judged_by
    days_late, explained = 0, False
    if completed is not None and completed.date > judged_by:
        days_late = assess.late(judged_by, completed.date)
        explained = assess.explained(judged_by, completed)
    elif completed is None and now.now > deadline.due.date:
        days_late = assess.late(deadline.due.date, now.now)
        explained = assess.explained(deadline.due.date)
    return TaskStatus(
        task=task,
        as_of=as_of,
        light=light(now.closed_on, done, obligations, soon_until),
        deadline=deadline.due.date,
        provisional=any(o.provisional for o in obligations) or deadline.due.provisional,
        obligations=tuple(obligations),
        completed_on=completed.date if completed else None,
        closed_on=now.closed_on,
        on_time=(completed.date <= judged_by) if completed else None,
        soon_until=soon_until,
        judged_by=judged_by,
        extended=deadline.extended,
        extended_after_deadline=deadline.extended_after_deadline,
        days_late=days_late,
        delay_explained=explained,
    )
