"""The records of the status stage: obligations, their states, and each task's light."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from duban.model import Task
from duban.text import Text

STATES = ("met-on-time", "met-late", "open", "overdue")


LIGHTS = ("red", "yellow", "green", "done", "closed")


LIGHT_LABELS: dict[str, Text] = {
    "red": Text("红灯", "red"),
    "yellow": Text("黄灯", "yellow"),
    "green": Text("绿灯", "green"),
    "done": Text("已办结", "done"),
    "closed": Text("已销号", "closed"),
}


STATE_LABELS: dict[str, Text] = {
    "met-on-time": Text("按时履行", "met on time"),
    "met-late": Text("逾期履行", "met late"),
    "open": Text("未到期", "open"),
    "overdue": Text("逾期未履行", "overdue"),
}


@dataclass(frozen=True)
class Obligation:
    """One thing a unit must do by a date, and how it stands.

    ``field`` is the task field that holds it, for ``task.loc(*field)`` (annotations land on
    that line); ``unit`` is the unit that must act (the owner; the assigning unit for
    ``verify``); ``implied`` is True when it was met by the completion report rather than by
    its own event.
    """

    key: str
    rule: str | None
    measure: str
    label: str
    label_en: str
    due: date
    provisional: bool
    state: str
    met_on: date | None
    days_late: int
    field: tuple[str | int, ...]
    explained: bool
    unit: str = ""
    implied: bool = False

    def title(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label


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
    light: str
    deadline: date
    provisional: bool
    obligations: tuple[Obligation, ...]
    completed_on: date | None
    closed_on: date | None
    on_time: bool | None
    soon_until: date | None = None
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
