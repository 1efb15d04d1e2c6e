"""The first steps of a task's status: its clock and cycle, its deadline and its completion.

Each step is a small pure function over a :class:`~duban.model.Task` (and the ledger's
calendar and rules); :func:`duban.status.task.task_status` runs them in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from duban.calendar.workdays import Due
from duban.model import Event, Ledger, Task, cycle_start


@dataclass(frozen=True, slots=True)
class Clock:
    """What is known of a task on a date."""

    as_of: date
    """The status date."""
    events: tuple[Event, ...]
    """The task's events dated up to ``as_of`` (later ones are ignored)."""
    cycle: tuple[Event, ...]
    """The events of the current cycle: after the last ``reopened``."""
    closed_on: date | None
    """The date of the cycle's last ``closed`` event (None when the task is live)."""
    owner: str = ""
    """The responsible unit on ``as_of`` (after every ``reassigned`` up to it)."""

    @property
    def now(self) -> date:
        """The day obligations are judged on: a closed task's clock stops when it is closed."""
        return self.closed_on or self.as_of

    def first(self, kind: str | None) -> Event | None:
        """The first event of type ``kind`` (None for no type) up to ``as_of``."""
        return next((e for e in self.events if e.type == kind), None) if kind else None


def clock(task: Task, as_of: date) -> Clock:
    """The events of ``task`` up to ``as_of``, its current cycle and closing date."""
    events = tuple(e for e in task.events if e.date <= as_of)
    cycle = events[cycle_start([e.type for e in events]) :]
    closed_on = next((e.date for e in reversed(cycle) if e.type == "closed"), None)
    owner = task.owner_before(len(events)).unit
    return Clock(as_of=as_of, events=events, cycle=cycle, closed_on=closed_on, owner=owner)


@dataclass(frozen=True, slots=True)
class Deadline:
    """The completion deadline in force, the task field that sets it, and the deadline the
    completion is judged by (measures 八, 九).

    An extension approved while the deadline in force had not passed moves both. One approved
    after it had passed (逾期后延期) moves the deadline in force (the work goes on, the lights
    follow it) but not :attr:`judged_by`: the completion counts as late (超时办结: 超过办结时限
    才提出延期申请的按超时办结), and no later extension relieves it."""

    due: Due
    """The date in force, and whether it is provisional."""
    field: tuple[str | int, ...]
    """``("deadline",)``, ``("deadline_rule",)`` or ``("events", i, "deadline")``."""
    judged: date | None = None
    """The deadline the completion is judged by (None: :attr:`due`)."""
    extended: bool = False
    """Extended in time only: every extension was approved by the deadline then in force."""
    extended_after_deadline: bool = False
    """An extension was approved after the deadline then in force had passed (逾期后延期)."""

    @property
    def judged_by(self) -> date:
        """The deadline the completion is judged by: on time when completed by it."""
        return self.judged or self.due.date


def effective_deadline(task: Task, ledger: Ledger, as_of: date) -> Deadline:
    """The deadline in force on ``as_of``, the field that sets it, and the deadline the
    completion is judged by.

    The latest ``extension-approved`` event up to ``as_of`` wins; else the explicit deadline;
    else the ``deadline_rule`` (``ledger/rules.yaml``) applied to ``received``. Extensions are
    taken in order: one dated on or before the deadline then in force is in time (it moves the
    judged deadline too); one dated after it is late (逾期后延期): from then on the judged
    deadline stays the one that had passed.
    """
    original = _original_deadline(task, ledger)
    extensions = [
        e
        for e in task.events
        if e.type == "extension-approved" and e.date <= as_of and e.deadline is not None
    ]
    if not extensions:
        return original
    in_force = judged = original.due.date
    late = False
    for event in extensions:
        assert event.deadline is not None
        if event.date > in_force:
            late = True
        elif not late:
            judged = event.deadline
        in_force = event.deadline
    last = extensions[-1]
    assert last.deadline is not None
    due = Due(last.deadline, ledger.calendar.is_estimated(last.deadline))
    return Deadline(
        due,
        ("events", last.index, "deadline"),
        judged=judged,
        extended=not late,
        extended_after_deadline=late,
    )


def _original_deadline(task: Task, ledger: Ledger) -> Deadline:
    """The deadline as assigned: the explicit one, else the ``deadline_rule``'s."""
    calendar = ledger.calendar
    if task.deadline is not None:
        return Deadline(Due(task.deadline, calendar.is_estimated(task.deadline)), ("deadline",))
    rule = ledger.rules.get(task.deadline_rule or "")
    computed = rule.due(calendar, task.received, task.priority) if rule else None
    # Validation reports an unknown rule; the status stage must not crash on it.
    return Deadline(computed or Due(task.received, False), ("deadline_rule",))


@dataclass(frozen=True, slots=True)
class Completion:
    """The owner's completion reports that count."""

    standing: Event | None
    """The owner's last completion in the cycle not undone by a later ``sent-back``."""
    first: Event | None
    """The owner's first completion ever (up to ``as_of``): it discharges early obligations."""


def completion(task: Task, ledger: Ledger, clock: Clock) -> Completion:
    """The standing and the first completion report of the owner (the owner in force at the
    report: after a ``reassigned``, the new owner's).

    The event type is the ``complete`` rule's ``met_by`` (``ledger/rules.yaml``). A co-unit's
    completion reports its part only: the task is not done. ``sent-back`` (verification
    failed) undoes the completion before it; so does a ``reassigned`` (the new owner must
    complete).
    """
    kind = ledger.rules["complete"].met_by or "completed"

    def by_owner(event: Event) -> bool:
        return event.type == kind and event.by == task.owner_before(event.index).unit

    standing: Event | None = None
    for event in clock.cycle:
        if by_owner(event):
            standing = event
        elif event.type in ("sent-back", "reassigned"):
            standing = None
    first = next((e for e in clock.events if by_owner(e)), None)
    return Completion(standing=standing, first=first)
