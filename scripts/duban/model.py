"""Immutable records of the ledger. Each carries where it was written, for messages and links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from duban.calendar.rules import Rule
from duban.calendar.workdays import WorkCalendar
from duban.source import Document, Location
from duban.text import Text

Priority = Literal["normal", "important", "urgent"]
Visibility = Literal["public", "internal"]
UnitKind = Literal["assigning", "responsible"]

PRIORITIES: tuple[Priority, ...] = ("normal", "important", "urgent")
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
    "reassigned",
)

#: Separation of duties (README "The ledger, for clerks"; checked in ``check/duties.py``):
#: the assigning unit alone records these ...
ASSIGNER_ONLY = frozenset(
    {"extension-approved", "sent-back", "verified", "closed", "reopened", "reassigned"}
)
#: ... the responsible unit (owner or co-unit) alone these ...
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
#: ... and either of them these.
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
    "reassigned": Text("改派", "reassigned"),
}


@dataclass(frozen=True, slots=True)
class LedgerConfig:
    """The settings of ``ledger/ledger.yaml``."""

    name: str
    """The ledger's full name, shown as the site's title."""
    id_prefix: str
    """Prefix of task ids (``SL`` → ``SL-2026-0042``)."""
    timezone: str = "Asia/Shanghai"
    """The zone in which "today" is taken."""
    language: str = "zh-CN"
    short_name: str = ""
    warning_days: int = 3
    """An open item due within this many working days is yellow (黄灯)."""
    backfill_days: int = 3
    """A new event may be dated at most this many working days before the day of the check;
    older ones only the assigning unit records (补录, with a note)."""
    site_url: str = ""
    repo_url: str = ""
    contact: str = ""
    """Where readers report a mistake (shown on the data page)."""
    fictional: bool = False
    """The sample ledger says so on every page."""
    notice: str = ""
    where: Location = Location("ledger.yaml")


ChannelKind = Literal["dingtalk", "wecom", "feishu", "email"]
CHANNEL_KINDS: tuple[ChannelKind, ...] = ("dingtalk", "wecom", "feishu", "email")


@dataclass(frozen=True, slots=True)
class Channel:
    """Where a unit's 催办 digest is sent (``units.yaml`` ``channels``): a group robot
    (钉钉 ``dingtalk``, 企业微信 ``wecom``, 飞书 ``feishu``) or ``email``. The file holds only the
    NAMES of environment variables (the forge's secrets); never an address or a secret."""

    kind: ChannelKind
    webhook_env: str = ""
    """The variable holding the robot's webhook URL (robots)."""
    secret_env: str = ""
    """The variable holding the signing secret (钉钉, 飞书; optional)."""
    to_env: str = ""
    """The variable holding the recipients, comma-separated (``email``)."""
    internal: bool = False
    """An internal channel (the office's own group) names internal tasks; others count them."""
    where: Location = Location("units.yaml")


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of the roster ``ledger/units.yaml``."""

    code: str
    """Its stable code (``fgw``), used in ``by``, ``owner`` and ``assigned_by``."""
    name: str
    kind: str
    """``assigning`` (交办单位, e.g. 督查室) or ``responsible`` (责任单位)."""
    maintainers: tuple[str, ...]
    """Platform accounts that may record events for this unit."""
    short_name: str = ""
    where: Location = Location("units.yaml")
    maintainers_at: tuple[Location, ...] = ()
    """Where each of :attr:`maintainers` is written (empty when not known)."""
    channels: tuple[Channel, ...] = ()
    """Where its 催办 digest is sent by ``duban remind --notify``."""

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Milestone:
    """A stage of a task with its own due date (阶段节点, measure 七)."""

    title: str
    due: dt.date
    where: Location


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a task's ``events``: what a unit recorded, on which day."""

    index: int
    """Its position in ``events`` (events are only appended)."""
    date: dt.date
    type: str
    """One of :data:`EVENT_TYPES`."""
    by: str
    """The code of the unit that recorded it."""
    where: Location
    note: str = ""
    deadline: dt.date | None = None
    """The new deadline of an ``extension-approved``."""
    milestone: str | None = None
    """The milestone a ``milestone-reported`` reports."""
    owner: str | None = None
    """The new responsible unit of a ``reassigned``."""
    co_units: tuple[str, ...] | None = None
    """The new co-units of a ``reassigned`` (None: unchanged)."""


@dataclass(frozen=True, slots=True)
class Owner:
    """Who is responsible: the lead unit, its responsible person's title, co-units."""

    unit: str
    lead: str
    co_units: tuple[str, ...] = ()

    def reassigned(self, unit: str, co_units: Sequence[str] | None) -> Owner:
        """The owner after a ``reassigned`` to ``unit``: the same lead title; ``co_units``
        when given, else the co-units in force (the new owner never among them)."""
        kept = self.co_units if co_units is None else tuple(co_units)
        return Owner(unit, self.lead, tuple(c for c in kept if c != unit))


@dataclass(frozen=True)
class Task:
    """One task file (``ledger/tasks/YYYY/ID.yaml``), valid."""

    id: str
    title: str
    received: dt.date
    """The day the task was received: periods count from the day after."""
    assigned_by: str
    owner: Owner
    standard: str
    """What counts as done (完成标准)."""
    priority: Priority
    visibility: Visibility
    events: tuple[Event, ...]
    milestones: tuple[Milestone, ...] = ()
    deadline: dt.date | None = None
    """The explicit deadline, or None when ``deadline_rule`` gives it."""
    deadline_rule: str | None = None
    source: str = ""
    description: str = ""
    doc: Document | None = field(default=None, repr=False, compare=False)
    """The parsed file, for the position of every field."""

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
        """Every unit responsible now: the owner in force first, then co-units."""
        now = self.responsible()
        return (now.unit, *now.co_units)

    @cached_property
    def _in_force(self) -> tuple[Owner, ...]:
        owners = [self.owner]
        for event in self.events:
            owner = owners[-1]
            if event.type == "reassigned" and event.owner:
                owner = owner.reassigned(event.owner, event.co_units)
            owners.append(owner)
        return tuple(owners)

    def owner_before(self, index: int) -> Owner:
        """The owner in force for event ``index``: as first assigned, changed by every
        ``reassigned`` before it (events are in date order, so this is the owner at its
        date)."""
        return self._in_force[max(0, min(index, len(self.events)))]

    def responsible(self, as_of: dt.date | None = None) -> Owner:
        """The owner in force on ``as_of`` (after every reassignment up to it; None: all)."""
        count = sum(1 for e in self.events if as_of is None or e.date <= as_of)
        return self.owner_before(count)


@dataclass(frozen=True)
class Ledger:
    """A whole ledger, loaded and validated; invalid tasks are left out (and reported)."""

    root: Path
    """The ledger folder (``ledger/``)."""
    config: LedgerConfig
    units: Mapping[str, Unit]
    """The roster by unit code, in file order (read-only)."""
    rules: Mapping[str, Rule]
    """The rule catalogue by rule id, in file order (read-only)."""
    calendar: WorkCalendar
    tasks: tuple[Task, ...]

    def unit_label(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.label if unit else code


def as_date(value: Any) -> dt.date:
    """A schema-checked ``YYYY-MM-DD`` string as a date."""
    return dt.date.fromisoformat(value)


def cycle_start(types: Sequence[object]) -> int:
    """Where the current cycle starts in a task's event types: just after the last
    ``reopened`` (0 when never reopened). The task is closed when ``"closed"`` is among
    ``types[cycle_start(types):]``.

    A ``reopened`` makes the task live again: completion and verification start anew.
    """
    return max((i + 1 for i, t in enumerate(types) if t == "reopened"), default=0)
