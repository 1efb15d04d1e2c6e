"""Machine-readable output: ``api/tasks.json`` and one iCalendar feed per unit.

``api/tasks.json`` (stable, language-neutral keys; dates ``YYYY-MM-DD``)::

    {"schema": "duban-site-tasks/2", "ledger": ..., "as_of": ..., "commit": ...,
     "tasks": [<task_record> + {"url"}]}

Each task has the one shape of a task's status (``schemas/status.schema.json``), the same as
``duban status --format json`` less the command line's extras (file paths and lines).

``api/calendars/<unit>.ics``: an all-day event for every obligation still to be met by that
unit (open or overdue) and for the deadline of every live task it leads, built with the
``icalendar`` package. The files are deterministic: DTSTAMP is the as-of date. Every feed
carries the ledger's time zone as a VTIMEZONE (from the as-of year to two years on), so the
feed of a unit with nothing dated to meet is still a valid calendar: RFC 5545 requires at
least one component, and the unit pages link to every unit's feed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from icalendar import Calendar, Event, Timezone, vText

from duban.render.status import task_record
from duban.render.text import safe_url
from duban.status.records import LIGHT_LABELS, STATE_LABELS
from duban.web.markup import json_text, plain_text
from duban.web.public import PublicView

SCHEMA = "duban-site-tasks/2"


def tasks_json(view: PublicView, commit: str, base_url: str, page_url: Callable[[str], str]) -> str:
    """``api/tasks.json``: the public tasks in the shape of ``duban status --format json``
    (:func:`duban.render.status.task_record`, ``schemas/status.schema.json``) plus each
    task page's ``url``; ``page_url`` is :meth:`duban.web.pages.Pages.page_url`."""
    payload = {
        "schema": SCHEMA,
        "ledger": view.ledger.config.name,
        "as_of": view.as_of.isoformat(),
        "commit": commit,
        "tasks": [
            {**task_record(s), "url": base_url + page_url(f"tasks/{s.task.id}.md")}
            for s in sorted(view.statuses, key=lambda s: s.task.id)
        ],
    }
    return json_text(payload) + "\n"


def unit_calendar(
    view: PublicView, code: str, base_url: str, page_url: Callable[[str], str]
) -> bytes:
    ledger = view.ledger
    cal = Calendar()
    cal.add("prodid", "-//duban//督办台账//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", plain_text(f"{ledger.unit_label(code)} 督办时限"))
    cal.add("x-wr-timezone", ledger.config.timezone)
    cal.add_component(_zone(ledger.config.timezone, view.as_of))
    stamp = datetime.combine(view.as_of, datetime.min.time(), tzinfo=UTC)
    for s in sorted(view.statuses, key=lambda s: s.task.id):
        if not s.live:
            continue
        t = s.task
        url = base_url + page_url(f"tasks/{t.id}.md") if safe_url(base_url) else ""
        items: list[tuple[str, str, date, bool, str]] = [
            (o.key, o.label, o.due, o.provisional, o.state)
            for o in s.obligations
            if o.state in ("open", "overdue") and o.unit == code
        ]
        done = s.completed_on is not None
        if s.owner.unit == code and not done and not any(k == "complete" for k, *_ in items):
            items.append(("deadline", "完成时限", s.deadline, s.provisional, s.light))
        for key, label, due, provisional, state in items:
            event = Event()
            event.add("uid", f"{t.id}-{key}@duban")
            event.add("dtstamp", stamp)
            event.add("dtstart", due)  # a date: an all-day event (no DTEND needed, RFC 5545)
            mark = "（暂定）" if provisional else ""
            event.add("summary", f"【{label}{mark}】{t.id} {t.title}")
            light = LIGHT_LABELS[s.light].zh
            state_zh = STATE_LABELS[state].zh if state in STATE_LABELS else light
            event.add("description", f"任务状态：{light}；本项：{state_zh}")
            if url:
                event.add("url", url)
            _plain(event)
            cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical


def _zone(name: str, as_of: date) -> Timezone:
    """The VTIMEZONE of ``name`` for the as-of year and the two after it (UTC for a name
    the time-zone database does not know; the ledger's settings are checked before)."""
    first, last = date(as_of.year, 1, 1), date(as_of.year + 2, 12, 31)
    try:
        zone = Timezone.from_tzid(name, first_date=first, last_date=last)
    except ValueError:
        zone = Timezone.from_tzid("UTC", first_date=first, last_date=last)
    zone.pop("COMMENT", None)  # "This timezone only works from ...": English, and obvious
    return zone


def _plain(event: Event) -> None:
    """The event's text properties as plain text (:func:`duban.web.markup.plain_text`): a
    calendar client may render HTML in them. icalendar escapes the rest (RFC 5545)."""
    for name in ("summary", "description"):
        if name in event:
            event[name] = vText(plain_text(str(event[name])))


def write_feeds(
    view: PublicView,
    root: Path,
    units: Sequence[str],
    commit: str,
    base_url: str,
    page_url: Callable[[str], str],
) -> None:
    """``root/api/tasks.json`` and ``root/api/calendars/<unit>.ics`` for each unit; links to
    task pages are ``base_url`` + ``page_url("tasks/<id>.md")``, ``page_url`` being
    :meth:`duban.web.links.Links.page_url` (the one home of the page-URL rule)."""
    view.write(root / "api" / "tasks.json", tasks_json(view, commit, base_url, page_url))
    for code in units:
        ics = unit_calendar(view, code, base_url, page_url)
        view.write_bytes(root / "api" / "calendars" / f"{code}.ics", ics)


__all__ = ["SCHEMA", "tasks_json", "unit_calendar", "write_feeds"]
