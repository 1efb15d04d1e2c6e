"""The changes ``check-change`` judges, one typed record each, and what they are judged
against: a task file :class:`Added`, :class:`Deleted` or :class:`Modified`, anything else
under the ledger folder :class:`SettingsChanged`, and the :class:`Context` (the roster at the
base commit, the actor, the base's id prefix and rules). The checks are
:mod:`duban.check.change_checks`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from duban.check.backfill import Backfill
from duban.model import Unit


@dataclass(frozen=True, slots=True)
class Added:
    """A new task file (also a copy, or a file moved into ``tasks/``)."""

    path: str
    raw: bytes | None


@dataclass(frozen=True, slots=True)
class Deleted:
    """A task file deleted, or moved out of ``tasks/`` (to ``moved_to``)."""

    path: str
    raw: bytes | None
    moved_to: str | None = None


@dataclass(frozen=True, slots=True)
class Modified:
    """A task file changed, possibly renamed (``old_path`` differs from ``path``)."""

    old_path: str
    path: str
    old: bytes | None
    new: bytes | None


@dataclass(frozen=True, slots=True)
class SettingsChanged:
    """A file of the ledger other than a task file changed: settings, roster, rules,
    calendar. ``raw``: its new contents (None when deleted or not a file)."""

    path: str
    raw: bytes | None = field(default=None, compare=False, repr=False)


LedgerChange = Added | Deleted | Modified | SettingsChanged


@dataclass(frozen=True)
class Context:
    """What every check needs: ``units`` from ``units.yaml`` at the base commit, the actor
    (None: who made the change is not checked), the base's ``id_prefix`` and deadline rules
    (rule id → usable as a ``deadline_rule``), today (None: dates are not checked), the
    ``code_maintainers`` of the base roster (lower case) and the backfill limit (None: no
    limit on how far back a new event is dated)."""

    units: Mapping[str, Unit]
    actor: str | None
    id_prefix: str = ""
    rules: Mapping[str, bool] = field(default_factory=dict)
    today: date | None = None
    code_maintainers: frozenset[str] = frozenset()
    backfill: Backfill | None = None

    @cached_property
    def actor_units(self) -> frozenset[str]:
        """The units the actor maintains (per the base roster)."""
        if not self.actor:
            return frozenset()
        handle = self.actor.lstrip("@").lower()
        return frozenset(
            code
            for code, unit in self.units.items()
            if handle in {str(m).lstrip("@").lower() for m in unit.maintainers}
        )

    @property
    def who(self) -> str:
        """``@handle [fgw]`` — the actor and the units they maintain (``-`` for none)."""
        if not self.actor:
            return ""
        return f"@{self.actor.lstrip('@')} [{', '.join(sorted(self.actor_units)) or '-'}]"

    def assigning(self) -> set[str]:
        return {code for code, unit in self.units.items() if unit.kind == "assigning"}

    def assigns(self, assigner: object) -> bool:
        """Whether the actor maintains ``assigner`` and it is an assigning unit."""
        return assigner in self.actor_units & self.assigning()

    def backdated(self, day: object) -> bool:
        """Whether a new event dated ``day`` is older than the backfill limit allows."""
        if self.today is None or self.backfill is None:
            return False
        return self.backfill.backdated(day, self.today)
