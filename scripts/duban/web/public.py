"""The public filter: the ONE place that decides what reaches the public site.

Everything the site writes (Markdown, JSON, iCalendar) is built from a :class:`PublicView`
and goes through :meth:`PublicView.write`, which

1. keeps only tasks with ``visibility: public`` (their statuses; their audit trails go through
   :func:`public_trails`), and
2. redacts, in every text written, the ids and titles of internal tasks, so that a public
   task's note or a commit message that names an internal task does not reveal it.

Nothing else in :mod:`duban.web` decides about visibility; tests plant an internal canary
task and scan every built file (tests/test_site_leak.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from duban.audit.records import Trail
from duban.load.layout import Layout
from duban.load.yamlload import load_file
from duban.model import Ledger, Task
from duban.status.records import TaskStatus

REDACTED = "〔不公开事项〕"
#: Internal titles shorter than this are too generic to redact safely (and reveal little).
MIN_TITLE_CHARS = 4


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation of many literal words, as a prefix trie (fast on long texts)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@dataclass(frozen=True)
class PublicView:
    """What the public may see of a ledger on a date: public tasks only, redacted text."""

    ledger: Ledger
    """The whole ledger (its roster, rules and calendar; its internal tasks too, for the
    redaction: never list ``ledger.tasks`` on the site)."""
    as_of: date
    """The status date."""
    statuses: tuple[TaskStatus, ...]
    """The statuses of the public tasks."""
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    """What :meth:`redact` replaces (None when nothing is secret)."""

    def redact(self, text: str) -> str:
        """``text`` with every internal task id and title replaced by :data:`REDACTED`."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(REDACTED, text)

    def write(self, path: Path, text: str) -> None:
        """Write a file of the public site: the only way the site writes text."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.redact(text), encoding="utf-8", newline="\n")

    def write_bytes(self, path: Path, data: bytes) -> None:
        """Write a binary-encoded text file (iCalendar), redacted like :meth:`write`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.redact(data.decode("utf-8")).encode("utf-8"))


def is_public(task: Task) -> bool:
    """The rule itself: a task is published only when it says ``visibility: public``."""
    return task.public


_TITLE_LINE = re.compile(r"^title:[ \t]*['\"]?(.+?)['\"]?[ \t]*$", re.M)
#: Shown instead of the message of a commit that also touched a non-public task.
HIDDEN_SUBJECT = "〔提交说明涉及不公开事项, 不予显示〕"


def _unsure_files(ledger: Ledger) -> Iterable[tuple[str, str]]:
    """(id, title) of every task file that did not load as a valid task: such a file may be
    internal, so its id (file name) and title (as written) are kept secret too."""
    loaded = {t.id for t in ledger.tasks}
    for path in Layout(ledger.root).task_files():
        if path.stem in loaded:
            continue
        doc, _ = load_file(path)
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        if data.get("visibility") == "public" and data.get("id") == path.stem:
            continue  # public, merely invalid: nothing secret about it
        match = _TITLE_LINE.search(path.read_text(encoding="utf-8", errors="replace"))
        yield path.stem, str(data.get("title") or (match.group(1) if match else ""))


def _hide_subjects(trail: Trail, commits: set[str]) -> Trail:
    """The trail with the message of every commit in ``commits`` replaced, and no author:
    a Git author is a person (name, e-mail), and the public trail names units only."""
    changes = tuple(
        replace(
            c,
            commit=replace(
                c.commit,
                author="",
                subject=HIDDEN_SUBJECT if c.commit.sha in commits else c.commit.subject,
            ),
        )
        for c in trail.changes
    )
    return replace(trail, changes=changes)


def public_view(ledger: Ledger, statuses: Iterable[TaskStatus], as_of: date) -> PublicView:
    """Keep what is public; remember what must never be written.

    Secret: the ids and titles of internal tasks, and of task files that are not valid (they
    might be internal). Audit trails go through :func:`public_trails`.
    """
    kept = tuple(s for s in statuses if is_public(s.task))
    secret_pairs = [(t.id, t.title) for t in ledger.tasks if not is_public(t)]
    secret_pairs += list(_unsure_files(ledger))
    secret_ids = {task_id for task_id, _ in secret_pairs}
    secret_titles = {
        title.strip() for _, title in secret_pairs if len(title.strip()) >= MIN_TITLE_CHARS
    }
    parts = []
    if secret_ids:  # an id, not the start of a longer one (ES-2026-0066 in ES-2026-00661)
        parts.append(f"(?<![A-Za-z0-9])(?:{_trie_pattern(secret_ids)})(?![0-9])")
    if secret_titles:
        parts.append(_trie_pattern(secret_titles))
    pattern = re.compile("|".join(parts)) if parts else None
    return PublicView(
        ledger=ledger,
        as_of=as_of,
        statuses=kept,
        _pattern=pattern,
    )


def public_trails(ledger: Ledger, trails: Mapping[str, Trail]) -> dict[str, Trail]:
    """The audit trails of public tasks only. Commit messages of commits that touched any task
    not published (internal, invalid, or deleted since) are not shown at all: a clerk may
    have described the internal matter in other words. Commit authors (persons) are dropped.
    (Ids and titles of internal tasks are redacted anyway when the page is written.)"""
    ids = {t.id for t in ledger.tasks if is_public(t)}
    hidden = {c.commit.sha for tid, t in trails.items() if tid not in ids for c in t.changes}
    return {tid: _hide_subjects(t, hidden) for tid, t in trails.items() if tid in ids}


__all__ = ["REDACTED", "PublicView", "is_public", "public_trails", "public_view"]
