"""The public filter: the ONE place that decides what reaches the public site.

Everything the site writes (Markdown, JSON, iCalendar) is built from a :class:`PublicView`
and goes through :meth:`PublicView.write`. The view keeps only tasks with ``visibility:
public`` whose text names no unpublished task; their audit trails go through
:func:`public_trails`.

Nothing written is ever rewritten: redaction is by construction. A public task whose text
names an internal task (or a task file that did not load) is a validation error
(``names-internal-task``, :mod:`duban.check.disclosure`) and is left out of the site until
it is fixed, like an invalid task. What the public may not see is left out whole, never
edited word by word:

- commit messages of commits that touched a task not published, or that name one, are not
  shown (:data:`HIDDEN_SUBJECT`);
- a task made public shows no internal past: its trail starts at the first version in which
  it was public; a run of earlier versions is one ``internal`` line (:data:`INTERNAL_PAST`,
  no date, values or messages), and the first public version is ``published``, without the
  field changes that would compare it with the internal one or the internal file name;
- Git authors (persons) are never kept.

Nothing else in :mod:`duban.web` decides about visibility; tests plant internal canary
tasks and scan every built file (tests/test_site_leak.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from duban.audit.diff import FieldChange
from duban.audit.records import Change, Commit, Trail
from duban.check.disclosure import (
    Matcher,
    Secret,
    document_problems,
    ledger_secrets,
    strings,
    title_key,
)
from duban.load.duties import MeetingYear, ResearchYear
from duban.model import Ledger, Task
from duban.status.records import TaskStatus

#: Shown instead of the message of a commit that touched or names a task not published.
HIDDEN_SUBJECT = "〔提交说明涉及不公开事项，不予显示〕"
#: The one line that stands for a run of versions in which the task was not public.
INTERNAL_PAST = "此前为内部事项"
#: Shown instead of an old value of a public task that named a task not published.
WITHHELD = "〔涉及不公开事项，不予显示〕"


@dataclass(frozen=True)
class PublicView:
    """What the public may see of a ledger on a date: its published tasks only."""

    ledger: Ledger
    """The whole ledger (its roster, rules and calendar; its internal tasks too: never list
    ``ledger.tasks`` on the site)."""
    as_of: date
    """The status date."""
    statuses: tuple[TaskStatus, ...]
    """The statuses of the published tasks."""

    def write(self, path: Path, text: str) -> None:
        """Write a file of the public site, as given: the only way the site writes text."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")

    def write_bytes(self, path: Path, data: bytes) -> None:
        """Write a binary-encoded file of the public site (iCalendar), as given."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def is_public(task: Task) -> bool:
    """The rule itself: a task is published only when it says ``visibility: public``."""
    return task.public


def duty_text_public(record: MeetingYear | ResearchYear | None) -> bool:
    """A leader's duty record (measures 十, 十六): its post and figures are public; its
    topics, places, units and minutes only when its file says ``visibility: public`` (a
    record with any problem is not loaded at all, :func:`duban.ledger.ledger_duties`)."""
    return record is not None and record.public


@dataclass(frozen=True)
class Published:
    """What the site publishes of the ledger's tasks, and all the public audit trail needs of
    the ledger: small, so the trail can be made in another process (:mod:`duban.web.build`)."""

    ids: frozenset[str]
    """The tasks that are published: public, and naming no task that is not."""
    matcher: Matcher
    """What no public text may name."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """The title of each published task."""
    assigners: Mapping[str, str] = field(default_factory=dict)
    """The assigning unit of each published task."""
    unit_labels: Mapping[str, str] = field(default_factory=dict)
    """The label of each unit code."""


def published(ledger: Ledger) -> Published:
    """The published tasks of ``ledger`` (:class:`Published`)."""
    secrets = ledger_secrets(ledger.root, ledger.tasks)
    matcher = Matcher(tuple(secrets))
    shown = [
        t
        for t in ledger.tasks
        if is_public(t)
        and (not secrets or t.doc is None or not document_problems(t.doc, matcher, t.id))
    ]
    return Published(
        ids=frozenset(t.id for t in shown),
        matcher=matcher,
        titles={t.id: t.title for t in shown},
        assigners={t.id: t.assigned_by for t in shown},
        unit_labels={code: ledger.unit_label(code) for code in ledger.units},
    )


def public_view(
    ledger: Ledger,
    statuses: Iterable[TaskStatus],
    as_of: date,
    shown: Published | None = None,
) -> PublicView:
    """Keep what is published (``shown``, computed when not given): public tasks whose text
    names no unpublished task (those are ``names-internal-task`` errors of ``validate``, left
    out until fixed)."""
    ids = (shown if shown is not None else published(ledger)).ids
    kept = tuple(s for s in statuses if s.task.id in ids)
    return PublicView(ledger=ledger, as_of=as_of, statuses=kept)


# -- audit trails ------------------------------------------------------------------------

_PLACEHOLDER = Change(Commit(sha="", author="", time="", subject=""), "internal", "", "")


def _visibility_before(change: Change, after: str | None) -> str | None:
    """The visibility of the version before ``change`` (the last valid one), from the
    visibility ``after`` it and its field changes; None when not known (nothing before, or
    a deleted version, of which the trail keeps no values)."""
    if change.kind in ("created", "deleted"):
        return None
    for f in change.fields:
        if f.field == "$.visibility":
            return f.old if isinstance(f.old, str) else None
    return after


def _public_versions(trail: Trail) -> list[bool]:
    """For each change, whether the version it made was public. Only the present version is
    known for sure (public: the task is published), so the trail is walked back from it; a
    version that does not parse counts as public only when the valid one before it was; a
    deletion is never shown (the version it leaves is none)."""
    shown = [False] * len(trail.changes)
    visibility: str | None = "public"
    for i in range(len(trail.changes) - 1, -1, -1):
        change = trail.changes[i]
        shown[i] = change.kind != "deleted" and visibility == "public"
        visibility = _visibility_before(change, visibility)
    return shown


@dataclass
class _Past:
    """What a task's trail says of versions that were not public."""

    changes: list[Change]
    hidden_shas: set[str]
    secrets: list[Secret]


def _public_past(trail: Trail) -> _Past:
    """The trail's changes as published: the first version of each public run is
    ``published``, each run of other versions one ``internal`` placeholder. The commits of
    the hidden versions, and the ids and titles the task had in them, are kept secret."""
    shown = _public_versions(trail)
    out: list[Change] = []
    hidden: set[str] = set()
    secrets: list[Secret] = []
    previous_public = False
    for change, public in zip(trail.changes, shown, strict=True):
        if not public:
            hidden.add(change.commit.sha)
            secrets += _own_secrets(change, trail.task_id)
            if not out or out[-1].kind != "internal":
                out.append(_PLACEHOLDER)
        elif not previous_public and change.kind != "created":
            # The first public version after versions that were not (or not known to be).
            secrets += _own_secrets(change, trail.task_id, only_old=True)
            if not out:
                out.append(_PLACEHOLDER)
            out.append(replace(change, kind="published", fields=(), old_path=None))
        else:
            out.append(change)
        previous_public = public
    return _Past(out, hidden, secrets)


def _own_secrets(change: Change, task_id: str, only_old: bool = False) -> list[Secret]:
    """The ids (file names) and titles a task had in a version that was not public."""
    found: list[Secret] = []
    paths = [change.old_path] if only_old else [change.path, change.old_path]
    for path in paths:
        stem = PurePosixPath(path or "").stem
        if stem and stem != task_id:
            found.append(Secret(stem, "", path or ""))
    for f in change.fields:
        if f.field in ("$.title", "$.id"):
            for value in (f.old,) if only_old else (f.old, f.new):
                if isinstance(value, str) and value:
                    is_id = f.field == "$.id" and value != task_id
                    found.append(Secret(value if is_id else "", "" if is_id else value, ""))
    return found


def _names(matcher: Matcher, value: Any) -> bool:
    return any(matcher.named(text) is not None for _, text in strings(value))


def _withheld(f: FieldChange, matcher: Matcher) -> FieldChange:
    """A field change with its values withheld when they name a task not published."""
    if not _names(matcher, f.old) and not _names(matcher, f.new):
        return f
    return replace(
        f,
        old=WITHHELD if f.old is not None else None,
        new=WITHHELD if f.new is not None else None,
    )


def _published_change(change: Change, hidden: set[str], matcher: Matcher) -> Change:
    """A change as shown: no author; no message of a commit in ``hidden`` or naming a task
    not published; no value, nor old file name, naming one."""
    if change.kind == "internal":
        return change
    subject = change.commit.subject
    if change.commit.sha in hidden or matcher.named(subject) is not None:
        subject = HIDDEN_SUBJECT
    old_path = change.old_path
    if old_path is not None and matcher.named(PurePosixPath(old_path).stem) is not None:
        old_path = None
    problems = change.problems
    if any(matcher.named(p.message("zh")) is not None for p in problems):
        problems = ()
    return replace(
        change,
        commit=replace(change.commit, author="", subject=subject),
        old_path=old_path,
        fields=tuple(_withheld(f, matcher) for f in change.fields),
        problems=problems,
    )


def public_trails(shown: Published, trails: Mapping[str, Trail]) -> dict[str, Trail]:
    """The audit trails of the published tasks only (``shown``: :func:`published`), each from
    its first public version.

    Commit messages of commits that touched any task not published (internal, invalid,
    deleted since, or a published task while it was internal) are not shown at all: a clerk
    may have described the internal matter in other words; nor are messages and old values
    that name such a task. Commit authors (persons) are dropped."""
    ids = shown.ids
    hidden = {c.commit.sha for tid, t in trails.items() if tid not in ids for c in t.changes}
    pasts = {tid: _public_past(t) for tid, t in trails.items() if tid in ids}
    extra: list[Secret] = []
    for past in pasts.values():
        hidden |= past.hidden_shas
        extra += past.secrets
    matcher = Matcher((*shown.matcher.secrets, *_usable(extra, shown.titles)))
    return {
        tid: replace(
            trails[tid],
            changes=tuple(_published_change(c, hidden, matcher) for c in past.changes),
        )
        for tid, past in pasts.items()
    }


def _usable(secrets: Sequence[Secret], published: Mapping[str, str]) -> list[Secret]:
    """Secrets of internal pasts, less the ids and titles that are published now."""
    titles = {title_key(title) for title in published.values()}
    kept = (
        Secret(
            "" if s.id in published else s.id,
            "" if title_key(s.title) in titles else s.title,
            s.path,
        )
        for s in secrets
    )
    return [s for s in kept if s.id or s.title]


__all__ = [
    "HIDDEN_SUBJECT",
    "INTERNAL_PAST",
    "WITHHELD",
    "PublicView",
    "Published",
    "duty_text_public",
    "is_public",
    "public_trails",
    "public_view",
    "published",
]
