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
from duban.problems import Problem, json_path
from duban.source import Document
from duban.text import Text

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

    def refusals(
        self, doc: Document, index: int, today: date, assigner: str, by_assigner: bool
    ) -> list[Problem]:
        """For backdated event ``index``: refused unless a maintainer of the assigning unit
        records it (``by_assigner``) with a note (补录)."""
        event = doc.data["events"][index]
        day = event.get("date")
        if not by_assigner:
            keys: tuple[str | int, ...] = ("events", index, "date")
            text = Text(
                f"办理记录的日期 {day} 早于今天（{today}）{self.days} 个工作日以上，不能补登；"
                f"确需补录的，请交办单位 {assigner} 代为补录并在 note 中写明原因",
                f"the event is dated {day}, more than {self.days} working days before today "
                f"({today}); only the assigning unit {assigner} may record it (补录, with a "
                "note saying why)",
            )
            return [Problem("event-backdated", doc.loc(*keys), text, field=json_path(keys))]
        if str(event.get("note") or "").strip():
            return []
        keys = ("events", index)
        text = Text(
            f"补录 {self.days} 个工作日以前的办理记录（{day}）须在 note 中写明补录原因",
            f"a backfilled event ({day}, more than {self.days} working days ago) must carry "
            "a note saying why",
        )
        return [Problem("backfill-without-note", doc.loc(*keys), text, field=json_path(keys))]


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
