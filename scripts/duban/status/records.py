"""The records of the status stage: obligations, their states, and each task's light.

Lights and states are string codes (``Literal`` types): machine output (``duban status
--format json``, the site's ``api/tasks.json``, ``schemas/status.schema.json``) uses the
codes, people see the labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal, get_args

from duban.model import Owner, Task
from duban.text import Text

State = Literal["met-on-time", "met-late", "open", "overdue"]
"""How an obligation stands: met on or before its due date, met after it, not met and not
yet due, not met and past due (a deadline ends at 24:00 of its date)."""

Light = Literal["red", "yellow", "green", "done", "closed"]
"""A task's light (see :mod:`duban.status.task`): red (something overdue), yellow (due soon), green,
done (completed, awaiting verification), closed (verified and closed, 销号)."""

STATES: tuple[State, ...] = get_args(State)
LIGHTS: tuple[Light, ...] = get_args(Light)


#: The lights' wording (codes stay English in machine output). ``done`` means the owner has
#: reported the task complete and the assigning unit has not yet verified it: 已办结待核实, so
#: that no reader takes it for finished (that is 已销号).
LIGHT_LABELS: dict[str, Text] = {
    "red": Text("红灯", "red"),
    "yellow": Text("黄灯", "yellow"),
    "green": Text("绿灯", "green"),
    "done": Text("已办结待核实", "done, awaiting verification"),
    "closed": Text("已销号", "closed"),
}


STATE_LABELS: dict[str, Text] = {
    "met-on-time": Text("按时履行", "met on time"),
    "met-late": Text("逾期履行", "met late"),
    "open": Text("未到期", "open"),
    "overdue": Text("逾期未履行", "overdue"),
}


#: What each per-task obligation is called, by rule id (``ledger/rules.yaml``); the rule's
#: period, measure and met-by event come from the catalogue, only the wording lives here.
OBLIGATION_LABELS: dict[str, Text] = {
    "decompose": Text("分解落实任务", "decompose the task"),
    "report-to-leader": Text("报告单位主要领导", "report to the principal leader"),
    "deploy": Text("研究部署", "deploy the work"),
    "plan-feedback": Text("反馈落实方案", "report the implementation plan"),
    "progress-feedback": Text("反馈落实情况", "report progress"),
    "complete": Text("完成任务", "complete the task"),
    "verify": Text("核实销号", "verify and close"),
}


def milestone_label(title: str) -> Text:
    """``阶段反馈：<title>`` / ``milestone report: <title>``."""
    return Text(f"阶段反馈：{title}", f"milestone report: {title}")


@dataclass(frozen=True)
class Obligation:
    """One thing a unit must do by a date, and how it stands."""

    key: str
    """``decompose`` … ``verify`` (the rule id), or ``milestone:<title>``."""
    rule: str | None
    """The rule of ``ledger/rules.yaml`` it comes from."""
    measure: str
    """The measure's Chinese numeral (``七``)."""
    label: str
    """What it is called, in Chinese."""
    label_en: str
    """What it is called, in English."""
    due: date
    """The last day to meet it."""
    provisional: bool
    """The due date depends on an estimated (unpublished) calendar year."""
    state: State
    """How it stands as of the status date."""
    met_on: date | None
    """The date of the event that met it (the completion report when ``implied``)."""
    days_late: int
    """Working days after ``due`` it was met, or is still unmet (0 when on time)."""
    field: tuple[str | int, ...]
    """The task field that holds it, for ``task.loc(*field)`` (annotations land there)."""
    explained: bool
    """Overdue or late, and a ``delay-explained`` event covers it (measure 六)."""
    unit: str = ""
    """The unit that must act: the owner; the assigning unit for ``verify``."""
    implied: bool = False
    """Met by the completion report rather than by its own event."""

    @property
    def text(self) -> Text:
        """The label in both languages."""
        return Text(self.label, self.label_en)

    def title(self, lang: str = "zh") -> str:
        return self.text(lang)


@dataclass(frozen=True)
class TaskStatus:
    """A task as of a date: its light, effective deadline and obligations.

    ``overdue``, ``due_soon`` and ``days_overdue`` are derived from the obligations once, when
    the status is made (also by :func:`dataclasses.replace`):

    - ``overdue``: unmet obligations past their due date (none for a closed task);
    - ``due_soon``: open obligations due within the warning window (none for a closed task);
    - ``days_overdue``: the most working days any item is late (0 when none is overdue).
    """

    task: Task
    as_of: date
    light: Light
    deadline: date
    """The completion deadline in force on ``as_of`` (extensions applied)."""
    provisional: bool
    """The deadline or any obligation's due date is provisional."""
    obligations: tuple[Obligation, ...]
    completed_on: date | None
    """The standing completion report (not undone by a ``sent-back``)."""
    closed_on: date | None
    on_time: bool | None
    """Completed by the deadline it is judged by (:attr:`judged_by`); None while not
    completed."""
    soon_until: date | None = None
    """The last day of the warning window."""
    judged_by: date | None = None
    """The deadline the completion is judged by (measure 九): :attr:`deadline`, unless an
    extension was approved after the deadline then in force had passed (the one that passed
    then stays the judge). None: :attr:`deadline`."""
    extended: bool = False
    """The deadline was extended, each time in time (延期; on time when met: 延期办结)."""
    extended_after_deadline: bool = False
    """An extension was approved after the deadline then in force had passed (逾期后延期):
    the completion counts as late (超时办结)."""
    days_late: int = 0
    """Working days the completion was late (after :attr:`judged_by`), or, not completed, how
    far the task is past its deadline in force; 0 when neither."""
    delay_explained: bool = False
    """Late or past its deadline, and a ``delay-explained`` recorded while the completion was
    unmet and due soon or overdue covers it (measure 六)."""
    overdue: tuple[Obligation, ...] = field(init=False)
    due_soon: tuple[Obligation, ...] = field(init=False)
    days_overdue: int = field(init=False)

    def __post_init__(self) -> None:
        overdue: tuple[Obligation, ...] = ()
        soon: tuple[Obligation, ...] = ()
        if self.live:
            overdue = tuple(o for o in self.obligations if o.state == "overdue")
            until = self.soon_until
            if until is not None:
                soon = tuple(o for o in self.obligations if o.state == "open" and o.due <= until)
        object.__setattr__(self, "overdue", overdue)
        object.__setattr__(self, "due_soon", soon)
        object.__setattr__(self, "days_overdue", max((o.days_late for o in overdue), default=0))

    @property
    def live(self) -> bool:
        return self.light != "closed"

    @cached_property
    def owner(self) -> Owner:
        """The owner in force on :attr:`as_of` (a ``reassigned`` changes it; the task's
        ``owner`` field stays as first assigned)."""
        return self.task.responsible(self.as_of)
