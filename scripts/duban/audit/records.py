"""The records of an audit trail: commits, changes, trails, and the state the cache keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

from duban.audit.diff import FieldChange
from duban.git import TASKS_PREFIX
from duban.problems import Problem

TZ = ZoneInfo("Asia/Shanghai")

ChangeKind = Literal[
    "created", "modified", "renamed", "deleted", "invalid", "repaired", "published", "internal"
]
"""What a change did. The public trail (:func:`duban.web.public.public_trails`) adds two kinds
that the audit itself never records: ``published``, the first version of a run in which the
task is public after versions that were not (shown without fields: they would compare with
the internal version), and ``internal``, one placeholder standing for a run of versions that
were not public (no commit, no values)."""


CACHE_DIR = ".duban-cache"


@dataclass(frozen=True, slots=True)
class Commit:
    """Who made a change, when (Beijing time, ISO 8601), and how it reached the main branch.

    ``merge`` is the first-parent merge that brought the commit into the main branch (None
    for commits made on it); ``pr`` the pull request number of that merge or of a squash
    commit; ``reviewed`` is False for changes that reached the main branch without a PR."""

    sha: str
    author: str
    time: str
    subject: str
    pr: int | None = None
    merge: str | None = None
    reviewed: bool = True

    @property
    def short_sha(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class Change:
    """What one commit did to one task file.

    ``kind``: created, modified, renamed (possibly with field changes), deleted, invalid (the
    file did not parse: see ``problems``), repaired (valid again; ``fields`` compare with the
    last valid version). ``status`` is Git's letter (A, M, R, D)."""

    commit: Commit
    kind: ChangeKind
    status: str
    path: str
    old_path: str | None = None
    fields: tuple[FieldChange, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Trail:
    """The audit trail of one task (file stem), oldest change first."""

    task_id: str
    path: str
    deleted: bool
    changes: tuple[Change, ...]


class Pending(NamedTuple):
    """A change before attribution (what the cache stores of it, as a JSON list)."""

    sha: str
    kind: ChangeKind
    status: str
    path: str
    old_path: str | None
    fields: tuple[FieldChange, ...]
    problems: tuple[Problem, ...]


@dataclass
class State:
    """Everything needed to continue after ``head``; what the cache stores."""

    head: str | None = None
    prefix: str = TASKS_PREFIX
    """The folder of the task files in the repository (``ledger/tasks/``): a state is only
    continued for the same folder."""
    changes: dict[str, list[Pending]] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    path_key: dict[str, str] = field(default_factory=dict)
    last_path: dict[str, str] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    fallback: dict[str, Any] = field(default_factory=dict)
    """Last valid data of tasks whose current version does not parse."""
