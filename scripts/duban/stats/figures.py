"""Per-unit figures for a period, as of a date (measure 九: 定期对执行情况进行盘点).

:func:`unit_stats` is the one entry point: it returns a :class:`Stats` holding one immutable
:class:`UnitStats` per unit and role, scored and ranked (:mod:`duban.stats.scoring`), and the
:attr:`Stats.summary` of every task counted once. The rules, each in one place:

- **Which tasks.** Those whose deadline in force on ``as_of`` falls in the period
  (:func:`duban.stats.periods.counted_on`, the rule of the site's month chart); public tasks
  only unless ``internal``.
- **Whose.** The owner in force on ``as_of`` (after any ``reassigned``) in role ``owner``;
  each co-unit in force in role ``co-unit`` (the same task's figures, not scored or ranked:
  the owner answers for the completion). A unit appears in a role when it has a task there.
- **Outcome of a task** (:func:`outcome`): ``on-time`` (completed by the deadline it is
  judged by: an extension approved after the deadline had passed leaves it late), ``late``
  (completed after it: 超时办结), ``open-overdue`` (not completed, its deadline in force
  passed), ``open`` (not completed, not yet due).
- **on_time_rate** = on_time / (completed + open_overdue), None when that is 0. The site's
  按期办结率 is the same rate (:func:`rate`).
- ``extended``: on-time completions whose deadline was extended in time (延期办结);
  ``extended_after_deadline``: tasks extended after their deadline had passed (逾期后延期);
  ``sent_back``: ``sent-back`` events up to ``as_of`` on the tasks counted;
  ``explained``: late or open-overdue tasks whose delay is explained (measure 六);
  ``working_days_late``: their working days late, summed (uncapped).

No activity metric (logins, clicks, edits) is ever counted: only the tasks' outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from duban.load.scoring import DEFAULT_SCORING, Scoring, load_scoring
from duban.model import Ledger
from duban.problems import Problem
from duban.stats.periods import Period, counted_on
from duban.stats.records import Figures, Outcome, Rate, Role, Stats, TaskFigure
from duban.stats.scoring import ranked
from duban.status.records import TaskStatus
from duban.status.select import ledger_status


def outcome_of(completed_on: date | None, judged_by: date, deadline: date, now: date) -> Outcome:
    """The one rule of a task's outcome: completed by ``judged_by`` (on time) or after it
    (late); not completed and ``now`` (the status date, or the closing date) past the
    ``deadline`` in force (open overdue), or not (open)."""
    if completed_on is not None:
        return "on-time" if completed_on <= judged_by else "late"
    return "open-overdue" if now > deadline else "open"


def outcome(status: TaskStatus) -> Outcome:
    """How a task stands for the statistics on its status date (see the module's docs)."""
    return outcome_of(
        status.completed_on,
        status.judged_by or status.deadline,
        status.deadline,
        status.closed_on or status.as_of,
    )


def rate(statuses: Iterable[TaskStatus]) -> Rate:
    """The on-time rate of some tasks: on time / (completed + open overdue)."""
    outcomes = [outcome(s) for s in statuses]
    return Rate(outcomes.count("on-time"), sum(1 for o in outcomes if o != "open"))


def task_figure(status: TaskStatus) -> TaskFigure:
    kind = outcome(status)
    delayed = kind in ("late", "open-overdue")
    backs = sum(1 for e in status.task.events if e.type == "sent-back" and e.date <= status.as_of)
    return TaskFigure(
        id=status.task.id,
        deadline=status.deadline,
        judged_by=status.judged_by or status.deadline,
        outcome=kind,
        completed_on=status.completed_on,
        days_late=status.days_late if delayed else 0,
        explained=delayed and status.delay_explained,
        extended=status.extended,
        extended_after_deadline=status.extended_after_deadline,
        sent_back=backs,
        public=status.task.public,
    )


def tally(tasks: Sequence[TaskFigure]) -> Figures:
    """The counts of ``tasks``."""
    kinds = [t.outcome for t in tasks]
    on_time, late, overdue = (
        kinds.count("on-time"),
        kinds.count("late"),
        kinds.count("open-overdue"),
    )
    judged = on_time + late + overdue
    return Figures(
        due=len(tasks),
        completed=on_time + late,
        on_time=on_time,
        late=late,
        open_overdue=overdue,
        on_time_rate=on_time / judged if judged else None,
        extended=sum(1 for t in tasks if t.outcome == "on-time" and t.extended),
        extended_after_deadline=sum(1 for t in tasks if t.extended_after_deadline),
        sent_back=sum(t.sent_back for t in tasks),
        explained=sum(1 for t in tasks if t.explained),
        working_days_late=sum(t.days_late for t in tasks if t.delayed),
    )


def counted(
    statuses: Iterable[TaskStatus], period: Period, internal: bool = False
) -> list[TaskStatus]:
    """The statuses the statistics count for ``period``: deadline in force in it; public
    tasks only unless ``internal``."""
    return [s for s in statuses if counted_on(s) in period and (internal or s.task.public)]


def unit_stats(
    ledger: Ledger,
    period: Period,
    as_of: date,
    *,
    scoring: Scoring = DEFAULT_SCORING,
    internal: bool = False,
    statuses: Sequence[TaskStatus] | None = None,
) -> Stats:
    """Per-unit figures, scores and ranks of the tasks due in ``period``, as of ``as_of``.

    ``statuses``: the ledger's statuses as of ``as_of`` when already computed (the site);
    else they are computed here."""
    if statuses is None:
        statuses = ledger_status(ledger, as_of)
    chosen = counted(statuses, period, internal)
    by_role: dict[tuple[str, Role], list[TaskFigure]] = {}
    for s in sorted(chosen, key=lambda s: s.task.id):
        figure = task_figure(s)
        by_role.setdefault((s.owner.unit, "owner"), []).append(figure)
        for co in s.owner.co_units:
            by_role.setdefault((co, "co-unit"), []).append(figure)
    lines = {key: (tally(tasks), tasks) for key, tasks in by_role.items()}
    units = ranked(ledger, lines, scoring)
    summary = tally([task_figure(s) for s in chosen])
    return Stats(period, as_of, internal, scoring, units, summary)


def ledger_stats(
    ledger: Ledger,
    period: Period,
    as_of: date,
    *,
    internal: bool = False,
    statuses: Sequence[TaskStatus] | None = None,
) -> tuple[Stats, list[Problem]]:
    """:func:`unit_stats` scored by the ledger's own ``scoring.yaml`` (the documented
    defaults without one), and the problems of that file: when it is invalid, the figures are
    scored by the defaults and its problems returned (``duban stats`` refuses to go on; a
    page may show the figures and say so)."""
    scoring, problems = load_scoring(ledger.root)
    stats = unit_stats(ledger, period, as_of, scoring=scoring, internal=internal, statuses=statuses)
    return stats, problems


__all__ = [
    "counted",
    "ledger_stats",
    "outcome",
    "outcome_of",
    "rate",
    "tally",
    "task_figure",
    "unit_stats",
]
