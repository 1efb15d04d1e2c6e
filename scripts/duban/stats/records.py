"""The records of the statistics stage: a task as counted, the figures of some tasks, the
points of a scoring rule, a unit's line, the whole report. All frozen; see
:mod:`duban.stats.figures` for the rules that make them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from duban.load.scoring import Scoring
from duban.stats.periods import Period

Outcome = Literal["on-time", "late", "open-overdue", "open"]
Role = Literal["owner", "co-unit"]
Action = Literal["criticism", "interview"]
"""What the thresholds of ``scoring.yaml`` call for: 通报批评 or 约谈 (measure 九)."""

OUTCOME_LABELS = {
    "on-time": "按期办结",
    "late": "超时办结",
    "open-overdue": "逾期未办结",
    "open": "未到期",
}
ROLE_LABELS = {"owner": "牵头", "co-unit": "协办"}
ACTION_LABELS = {"criticism": "通报批评", "interview": "约谈"}


class Rate(NamedTuple):
    """The on-time rate (按期办结率) as counts: ``on_time / total``."""

    on_time: int
    """Tasks completed on time."""
    total: int
    """Tasks completed (on time or late) plus tasks open past their deadline."""

    @property
    def value(self) -> float | None:
        return self.on_time / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class TaskFigure:
    """One task as the statistics count it."""

    id: str
    deadline: date
    """The deadline in force on the status date (it decides the period)."""
    judged_by: date
    """The deadline the completion is judged by (``TaskStatus.judged_by``)."""
    outcome: Outcome
    completed_on: date | None
    days_late: int
    """Working days late (completed late), or past the deadline (open overdue); else 0."""
    explained: bool
    """Late or open overdue, and the delay is explained (measure 六)."""
    extended: bool
    """Extended in time (延期)."""
    extended_after_deadline: bool
    """Extended after the deadline had passed (逾期后延期)."""
    sent_back: int
    """``sent-back`` events up to the status date."""
    public: bool

    @property
    def delayed(self) -> bool:
        return self.outcome in ("late", "open-overdue")


@dataclass(frozen=True, slots=True)
class Figures:
    """The counts of some tasks (JSON keys of ``duban stats``: ``schemas/stats.schema.json``)."""

    due: int
    """Tasks whose deadline in force falls in the period."""
    completed: int
    on_time: int
    late: int
    open_overdue: int
    on_time_rate: float | None
    """on_time / (completed + open_overdue); None when that is 0."""
    extended: int
    """On-time completions after an extension approved in time (延期办结)."""
    extended_after_deadline: int
    """Tasks extended after their deadline had passed (逾期后延期)."""
    sent_back: int
    """``sent-back`` events on these tasks."""
    explained: int
    """Late or open-overdue tasks with their delay explained."""
    working_days_late: int
    """Working days late of the late and open-overdue tasks, summed."""

    @property
    def delayed(self) -> int:
        """Late or open-overdue tasks."""
        return self.late + self.open_overdue

    @property
    def unexplained(self) -> int:
        return self.delayed - self.explained


@dataclass(frozen=True, slots=True)
class Points:
    """What one scoring rule gave a unit: the rule, how many it counted, the points."""

    rule: str
    """``base``, ``on-time``, ``late``, ``working-days-late``, ``sent-back``,
    ``unexplained-delay`` (the keys of ``scoring.yaml`` they come from: README)."""
    count: int
    points: float
    """Added (positive) or deducted (negative)."""


@dataclass(frozen=True, slots=True)
class UnitStats(Figures):
    """One unit in one role for the period: its figures, score, rank and the tasks counted."""

    unit: str
    """The unit code (``units.yaml``)."""
    name: str
    """The unit's name."""
    role: Role
    score: float | None
    """base + the points (owner role only; None for a co-unit)."""
    rank: int | None
    """1 = best, among the owners (None for a co-unit): score, then on-time rate (None
    last), then unit code, so ranks are unique and reproducible."""
    action: Action | None
    """通报批评 or 约谈 when the score is below its threshold (owner role only)."""
    points: tuple[Points, ...]
    """Every rule that gave points, with its count (the score is their sum)."""
    tasks: tuple[TaskFigure, ...]
    """The tasks counted, by id."""


@dataclass(frozen=True, slots=True)
class Stats:
    """``duban stats``: per-unit figures for a period, as of a date."""

    period: Period
    as_of: date
    internal: bool
    """Internal tasks were counted."""
    scoring: Scoring
    units: tuple[UnitStats, ...]
    """The owners by rank, then the co-units by unit code."""
    summary: Figures
    """Every counted task once."""

    def owners(self) -> tuple[UnitStats, ...]:
        return tuple(u for u in self.units if u.role == "owner")

    def unit(self, code: str, role: Role = "owner") -> UnitStats | None:
        return next((u for u in self.units if u.unit == code and u.role == role), None)
