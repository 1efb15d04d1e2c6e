"""Task ids across the ledger: each used once, and which one a new task would take."""

from __future__ import annotations

import re
from collections.abc import Iterable

from duban.problems import Problem
from duban.source import Location
from duban.text import Text

#: The highest number of a task id within its year (``ES-2026-9999``).
MAX_NUMBER = 9999
_ID_PARTS = re.compile(r"(?P<prefix>.+)-(?P<year>\d{4})-\d+\Z")


def highest_number(prefix: str, year: int, names: Iterable[str]) -> int:
    """The highest number of ``year`` among ``names`` (ids, or file names up to their first
    dot, in any case: the web form names files in lower case); 0 when there is none."""
    pattern = re.compile(rf"{re.escape(prefix)}-{year}-(\d+)\Z", re.IGNORECASE)
    return max((int(m.group(1)) for name in names if (m := pattern.match(name))), default=0)


def free_id_after(task_id: str, names: Iterable[str]) -> str | None:
    """The id a new task of ``task_id``'s year would take: one more than the highest in
    ``names`` (None when ``task_id`` is not shaped like an id, or the year is full)."""
    parts = _ID_PARTS.match(task_id)
    if parts is None:
        return None
    prefix, year = parts.group("prefix"), int(parts.group("year"))
    number = highest_number(prefix, year, names) + 1
    return f"{prefix}-{year}-{number:04d}" if number <= MAX_NUMBER else None


def duplicate_ids(
    seen: dict[str, Location], task_id: str, where: Location, taken: Iterable[str] = ()
) -> Problem | None:
    """Ids are unique across the ledger; the second file names the first, and the id a new
    task would take (one more than the highest of ``seen`` and ``taken``: every task file's
    name)."""
    first = seen.get(task_id)
    if first is None:
        seen[task_id] = where
        return None
    free = free_id_after(task_id, [*seen, *taken])
    zh_fix = f"；若这是另一项新任务，请改用未用的编号 {free}（文件名同改）" if free else ""
    en_fix = f"; if this is another new task, give it the unused id {free} (and file name)"
    return Problem(
        "duplicate-id",
        where,
        Text(
            f"任务编号 {task_id} 重复（已用于 {first}）{zh_fix}",
            f"task id {task_id} is used twice (first in {first}){en_fix if free else ''}",
        ),
        field="$.id",
    )
