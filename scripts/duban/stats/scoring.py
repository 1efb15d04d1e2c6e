"""Transparent scores (measure 九): every point comes from one rule of ``scoring.yaml``, with
the count it was given for, and the score is their sum.

=====================  ==============================================  =====================
rule id                counts                                          ``scoring.yaml`` key
=====================  ==============================================  =====================
``base``               1                                               ``base``
``on-time``            on-time completions (incl. 延期办结)            ``on_time_bonus`` (+)
``late``               late completions + open overdue tasks           ``late.per_item`` (−)
``working-days-late``  their working days late, each capped at         ``late.per_working_day``
                       ``late.max_days_per_item``                      (−)
``sent-back``          ``sent-back`` events                            ``sent_back`` (−)
``unexplained-delay``  late or open overdue tasks without an           ``unexplained_delay``
                       explanation (measure 六)                         (−)
=====================  ==============================================  =====================

Only owners are scored (the owner answers for the completion); co-units' figures are shown
unscored. Ranks: higher score first, then higher on-time rate (a unit without a rate after
those with one), then the unit **code** — stable, the same in every locale, unlike an order of
Chinese names. A score below ``thresholds.interview_below`` calls for 约谈, else below
``thresholds.criticism_below`` for 通报批评. Nothing but the tasks' outcomes is counted: no
activity metric (logins, clicks, edits) ever.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from duban.load.scoring import Scoring
from duban.model import Ledger
from duban.stats.records import Action, Figures, Points, Role, TaskFigure, UnitStats

#: The rule ids, in the order points are listed.
RULES = ("base", "on-time", "late", "working-days-late", "sent-back", "unexplained-delay")
RULE_LABELS = {
    "base": "基础分",
    "on-time": "按期办结加分",
    "late": "超时或逾期未办结扣分",
    "working-days-late": "逾期工作日扣分",
    "sent-back": "核实退回扣分",
    "unexplained-delay": "未说明延误原因扣分",
}


def _pts(value: float) -> float:
    """Points rounded to hundredths (the file's values are decimals such as 0.5)."""
    return round(value, 2) + 0.0  # + 0.0: never -0.0


def points(figures: Figures, tasks: Sequence[TaskFigure], scoring: Scoring) -> tuple[Points, ...]:
    """The points each rule gives ``figures`` (of ``tasks``), in :data:`RULES` order."""
    capped = sum(min(t.days_late, scoring.late_max_days) for t in tasks if t.delayed)
    counts = {
        "base": (1, scoring.base),
        "on-time": (figures.on_time, scoring.on_time_bonus),
        "late": (figures.delayed, -scoring.late_per_item),
        "working-days-late": (capped, -scoring.late_per_working_day),
        "sent-back": (figures.sent_back, -scoring.sent_back),
        "unexplained-delay": (figures.unexplained, -scoring.unexplained_delay),
    }
    return tuple(Points(rule, n, _pts(n * each)) for rule, (n, each) in counts.items())


def total(items: Sequence[Points]) -> float:
    return _pts(sum(p.points for p in items))


def action(score: float, scoring: Scoring) -> Action | None:
    """约谈 below the interview line, else 通报批评 below the criticism line."""
    if score < scoring.interview_below:
        return "interview"
    if score < scoring.criticism_below:
        return "criticism"
    return None


def ranked(
    ledger: Ledger,
    by_role: Mapping[tuple[str, Role], tuple[Figures, Sequence[TaskFigure]]],
    scoring: Scoring,
) -> tuple[UnitStats, ...]:
    """One :class:`UnitStats` per (unit, role) from its figures and tasks: the owners scored
    and ranked, then the co-units by code."""
    owners: list[UnitStats] = []
    cos: list[UnitStats] = []
    for (code, role), (figures, tasks) in by_role.items():
        unit = ledger.units.get(code)
        name = unit.name if unit else code
        fields = {f: getattr(figures, f) for f in Figures.__dataclass_fields__}
        if role == "owner":
            given = points(figures, tasks, scoring)
            score = total(given)
            line = UnitStats(
                **fields,
                unit=code,
                name=name,
                role=role,
                score=score,
                rank=None,
                action=action(score, scoring),
                points=given,
                tasks=tuple(tasks),
            )
            owners.append(line)
        else:
            line = UnitStats(
                **fields,
                unit=code,
                name=name,
                role=role,
                score=None,
                rank=None,
                action=None,
                points=(),
                tasks=tuple(tasks),
            )
            cos.append(line)
    owners.sort(key=rank_key)
    ranked_owners = [_with_rank(u, i) for i, u in enumerate(owners, 1)]
    cos.sort(key=lambda u: u.unit)
    return (*ranked_owners, *cos)


def rank_key(u: UnitStats) -> tuple[float, float, str]:
    """Higher score, then higher on-time rate (None last), then the unit code."""
    rate = u.on_time_rate
    return (-(u.score or 0.0), -(rate if rate is not None else -1.0), u.unit)


def _with_rank(u: UnitStats, rank: int) -> UnitStats:
    return replace(u, rank=rank)


__all__ = ["RULES", "RULE_LABELS", "action", "points", "rank_key", "ranked", "total"]
