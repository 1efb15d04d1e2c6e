"""How far back a new event may be dated (``backfill_days`` of ``ledger.yaml``), counted on
the working-day calendar *at the base commit*, like the roster: a pull request cannot widen
its own window by adding days off. Only when the base has no calendar (a new ledger) is the
head's calendar used, since there is then nothing trusted to count on."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from duban.calendar.workdays import CalendarError, WorkCalendar
from duban.git import BlobReader, diff_entries
from duban.load.calendar import load_calendar
from duban.load.settings import load_config_text

#: The id of Git's empty tree: a diff from it lists every file of a commit.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass(frozen=True, slots=True)
class Backfill:
    """The limit: ``days`` working days before the day of the check, on ``calendar``."""

    days: int
    calendar: WorkCalendar
    source: str
    """Which calendar it counts on: ``base`` or ``head``."""

    def backdated(self, day: object, today: date) -> bool:
        """Whether an event dated ``day`` (ISO text) lies more than :attr:`days` working days
        before ``today``; a day the calendar cannot count is backdated (fail closed)."""
        try:
            when = date.fromisoformat(str(day))
            return when < today and self.calendar.working_days_between(when, today) > self.days
        except (ValueError, CalendarError):
            return True


def _calendar_at(
    repo: Any, blobs: BlobReader, rev: str, root: PurePosixPath
) -> WorkCalendar | None:
    """The calendar of commit ``rev`` (None when it has no calendar file)."""
    folder = str(root / "calendar")
    entries = [e for e in diff_entries(repo, EMPTY_TREE, rev, folder) if e.path]
    if not entries:
        return None
    with tempfile.TemporaryDirectory(prefix="duban-calendar-") as tmp:
        target = Path(tmp) / "ledger" / "calendar"
        target.mkdir(parents=True)
        for entry in entries:
            name = PurePosixPath(str(entry.path)).name
            raw = blobs.blob(entry.new_blob)
            if raw is not None and PurePosixPath(str(entry.path)).parent == PurePosixPath(folder):
                (target / name).write_bytes(raw)
        calendar, _ = load_calendar(target)
    return calendar


def read_backfill(
    repo: Any, blobs: BlobReader, base: str, head: str, root: PurePosixPath
) -> Backfill:
    """``backfill_days`` from the base's ``ledger.yaml`` (default 3) and the calendar to
    count it on (the base's, else the head's)."""
    raw = blobs.at(base, str(root / "ledger.yaml"))
    config, _ = load_config_text(raw, "ledger.yaml") if raw else (None, [])
    days = config.backfill_days if config else 3
    calendar = _calendar_at(repo, blobs, base, root)
    if calendar is not None:
        return Backfill(days, calendar, "base")
    calendar = _calendar_at(repo, blobs, head, root)
    return Backfill(days, calendar or WorkCalendar({}, [], []), "head")
