"""Immutable records of the ledger. Each carries where it was written, for messages and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duban.source import Document, Location
from duban.text import Text

if TYPE_CHECKING:
    from duban.calendar.rules import Rule
    from duban.calendar.workdays import WorkCalendar
from collections.abc import Sequence

from duban.calendar.workdays import WorkCalendar

PRIORITIES = ("normal", "important", "urgent")


EVENT_TYPES = (
    "decomposed",
    "reported-to-leader",
    "deployed",
    "plan-reported",
    "progress-reported",
    "milestone-reported",
    "delay-explained",
    "extension-approved",
    "completed",
    "sent-back",
    "verified",
    "closed",
    "reopened",
)


#: Separation of duties (DESIGN.md §4): who may record each kind of event.
ASSIGNER_ONLY = frozenset({"extension-approved", "sent-back", "verified", "closed", "reopened"})


OWNER_ONLY = frozenset(
    {
        "deployed",
        "plan-reported",
        "progress-reported",
        "milestone-reported",
        "delay-explained",
        "completed",
    }
)


EITHER = frozenset({"decomposed", "reported-to-leader"})


PRIORITY_LABELS = {
    "normal": Text("一般", "normal"),
    "important": Text("重要", "important"),
    "urgent": Text("紧急", "urgent"),
}


VISIBILITY_LABELS = {"public": Text("公开", "public"), "internal": Text("内部", "internal")}


EVENT_LABELS = {
    "decomposed": Text("已分解", "decomposed"),
    "reported-to-leader": Text("已报告主要领导", "reported to the principal leader"),
    "deployed": Text("已部署", "deployed"),
    "plan-reported": Text("已反馈落实方案", "plan reported"),
    "progress-reported": Text("已反馈落实情况", "progress reported"),
    "milestone-reported": Text("阶段节点已反馈", "milestone reported"),
    "delay-explained": Text("已说明延误原因", "delay explained"),
    "extension-approved": Text("同意延期", "extension approved"),
    "completed": Text("已完成", "completed"),
    "sent-back": Text("核实未通过退回", "sent back"),
    "verified": Text("已核实", "verified"),
    "closed": Text("已销号", "closed"),
    "reopened": Text("重新办理", "reopened"),
}


@dataclass(frozen=True, slots=True)
class LedgerConfig:
    name: str
    id_prefix: str
    timezone: str = "Asia/Shanghai"
    language: str = "zh-CN"
    short_name: str = ""
    warning_days: int = 3
    site_url: str = ""
    repo_url: str = ""
    contact: str = ""
    fictional: bool = False
    notice: str = ""
    where: Location = Location("ledger.yaml")


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    kind: str
    maintainers: tuple[str, ...]
    short_name: str = ""
    where: Location = Location("units.yaml")

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Milestone:
    title: str
    due: date
    where: Location


@dataclass(frozen=True, slots=True)
class Event:
    index: int
    date: date
    type: str
    by: str
    where: Location
    note: str = ""
    deadline: date | None = None
    milestone: str | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    unit: str
    lead: str
    co_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    received: date
    assigned_by: str
    owner: Owner
    standard: str
    priority: str
    visibility: str
    events: tuple[Event, ...]
    milestones: tuple[Milestone, ...] = ()
    deadline: date | None = None
    deadline_rule: str | None = None
    source: str = ""
    description: str = ""
    doc: Document | None = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> str:
        return self.doc.path if self.doc else ""

    @property
    def public(self) -> bool:
        return self.visibility == "public"

    def loc(self, *keys: str | int) -> Location:
        """Where a field of this task is written, e.g. ``task.loc("deadline")``."""
        return self.doc.loc(*keys) if self.doc else Location(self.path)

    def units(self) -> tuple[str, ...]:
        """Every unit involved: the owner first, then co-units."""
        return (self.owner.unit, *self.owner.co_units)


@dataclass(frozen=True)
class Ledger:
    """A whole ledger, loaded and validated; invalid tasks are left out (and reported)."""

    root: Path
    config: LedgerConfig
    units: dict[str, Unit]
    rules: dict[str, Rule]
    calendar: WorkCalendar
    tasks: tuple[Task, ...]

    def unit_label(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.label if unit else code


def as_date(value: Any) -> date:
    """A schema-checked ``YYYY-MM-DD`` string as a date."""
    return date.fromisoformat(value)


def cycle_start(types: Sequence[object]) -> int:
    """Where the current cycle starts in a task's event types: just after the last
    ``reopened`` (0 when never reopened). The task is closed when ``"closed"`` is among
    ``types[cycle_start(types):]``.

    A ``reopened`` makes the task live again: completion and verification start anew.
    """
    return max((i + 1 for i, t in enumerate(types) if t == "reopened"), default=0)
