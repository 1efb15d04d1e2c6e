"""A new task file: its fields (:class:`Draft`), its YAML text in the house style of the
sample tasks, the next free id of its year, the checks ``validate`` runs on it, and the
exclusive, atomic write.

Every scalar is written plain when the project's strict loader reads it back as the same
string, and double-quoted (with escapes) otherwise, so any title — quotes, colons, ``#``,
newlines, a leading ``*``, ``&``, ``!``, ``@``, ``-`` or ``?`` — round-trips exactly.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from duban.check import ids as task_ids
from duban.check.pipeline import load_task_text
from duban.clerk.yamltext import scalar
from duban.ledger import rule_beyond_calendar
from duban.load.layout import Layout
from duban.model import Ledger, Unit
from duban.problems import Problem, UserError
from duban.source import Location
from duban.text import Text

SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/task.schema.json"
"""The first line of every task file (tasks/YYYY/ID.yaml), for editors."""

VISIBILITIES = ("public", "internal")
DEFAULT_LEAD = "主要负责同志"
"""首问责任制: the principal leader of the responsible unit is the first responsible."""

MAX_NUMBER = task_ids.MAX_NUMBER
"""Task ids carry four digits (``SL-2026-0042``)."""

_ATTEMPTS = 50
"""How many next numbers ``create`` tries when other writers take them meanwhile."""


@dataclass(frozen=True, slots=True)
class Draft:
    """The fields of a new task, as the clerk gave them (unit codes already resolved)."""

    title: str
    unit: str
    lead: str
    received: str
    assigned_by: str
    standard: str
    priority: str = "normal"
    visibility: str = "public"
    co_units: tuple[str, ...] = ()
    deadline: str | None = None
    deadline_rule: str | None = None
    source: str | None = None


# -- YAML text -------------------------------------------------------------------------------


def task_text(draft: Draft, task_id: str) -> str:
    """The task file of ``draft`` under ``task_id``, in the field order and style of the
    sample tasks (``owner`` as a block, ``co_units`` as a flow list, no events yet)."""
    lines = [SCHEMA_LINE, f"id: {scalar(task_id)}", f"title: {scalar(draft.title)}"]
    if draft.source is not None:
        lines.append(f"source: {scalar(draft.source)}")
    lines += [
        f"received: {scalar(draft.received)}",
        f"assigned_by: {scalar(draft.assigned_by)}",
        "owner:",
        f"  unit: {scalar(draft.unit)}",
        f"  lead: {scalar(draft.lead)}",
    ]
    if draft.co_units:
        lines.append(f"  co_units: [{', '.join(scalar(c) for c in draft.co_units)}]")
    lines += [f"standard: {scalar(draft.standard)}", f"priority: {scalar(draft.priority)}"]
    if draft.deadline is not None:
        lines.append(f"deadline: {scalar(draft.deadline)}")
    if draft.deadline_rule is not None:
        lines.append(f"deadline_rule: {scalar(draft.deadline_rule)}")
    lines += [f"visibility: {scalar(draft.visibility)}", "events: []"]
    return "\n".join(lines) + "\n"


def not_text(value: str) -> bool:
    """Whether ``value`` cannot be written as UTF-8 (lone surrogates: bytes of the command
    line that were not UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# -- units -----------------------------------------------------------------------------------


def resolve_unit(units: Mapping[str, Unit], given: str) -> str | None:
    """The code of the unit ``given`` names: its code, or its full or short name when exactly
    one unit has that name; ``None`` otherwise."""
    value = given.strip()
    if value in units:
        return value
    found = [u.code for u in units.values() if value and value in (u.name, u.short_name)]
    return found[0] if len(found) == 1 else None


def unknown_unit(given: str, units: Mapping[str, Unit], where: Location, field: str) -> Problem:
    """``given`` names no unit: the problem, with the codes and names to choose from."""
    listing = "、".join(f"{u.code}（{u.short_name or u.name}）" for u in units.values())
    listing_en = ", ".join(f"{u.code} ({u.short_name or u.name})" for u in units.values())
    return Problem(
        "unknown-unit",
        where,
        Text(
            f"找不到单位 “{given}”：请写单位代码，或 units.yaml 中唯一的单位全称或简称"
            f"（可用：{listing}）",
            f"no unit '{given}': give a unit code, or a full or short name of exactly one "
            f"unit of units.yaml (known: {listing_en})",
        ),
        field=field,
    )


def assigning_units(units: Mapping[str, Unit]) -> list[str]:
    """The codes of the assigning units (督查室) of the roster."""
    return [u.code for u in units.values() if u.kind == "assigning"]


def split_codes(text: str) -> list[str]:
    """``"czj, jyj"``, ``"州财政局、州教育局"`` → the items (commas of both widths, 、, ;)."""
    return [part.strip() for part in re.split(r"[,，、;；\s]+", text) if part.strip()]


# -- ids -------------------------------------------------------------------------------------


def task_id(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"


def file_ids(tasks: Path) -> set[str]:
    """The name of every file under ``tasks/`` up to its first dot (links not followed)."""
    return {name.split(".", 1)[0] for _folder, _dirs, files in os.walk(tasks) for name in files}


def next_free(prefix: str, year: int, names: Iterable[str]) -> int:
    """The number after the highest of ``year`` among ``names`` (ids or file names up to
    their first dot, in any case: the web form names files in lower case); gaps are not
    reused."""
    number = task_ids.highest_number(prefix, year, names) + 1
    if number > MAX_NUMBER:
        raise numbers_exhausted(year)
    return number


def numbers_exhausted(year: int) -> UserError:
    return UserError(
        Text(
            f"{year} 年的任务编号已用完（最大 {MAX_NUMBER}）",
            f"no task number is left for {year} (the highest is {MAX_NUMBER})",
        )
    )


def next_number(tasks: Path, prefix: str, year: int, taken: Iterable[str] = ()) -> int:
    """The next free number of ``year``: one more than the highest in use, counting every
    file under ``tasks/`` named like an id (whether it loads or not, whatever its extension)
    and the ids in ``taken``."""
    return next_free(prefix, year, [*taken, *file_ids(tasks)])


def task_path(layout: Layout, task_id: str) -> Path:
    """Where task ``task_id`` lives: ``tasks/YYYY/ID.yaml`` (the year of the id)."""
    year = task_id.split("-")[1] if task_id.count("-") >= 2 else "unknown"
    return layout.tasks / year / f"{task_id}.yaml"


# -- checks ----------------------------------------------------------------------------------


def check_text(
    ledger: Ledger, text: str, path: Path, seen: Mapping[str, Location] | None = None
) -> list[Problem]:
    """The problems ``validate`` would report for ``text`` as the task file ``path``: the
    one-file pipeline (strict YAML, schema, ledger rules, personal data) with the ledger's
    units, rules and calendar, then the checks across files (a deadline rule beyond the
    calendar, an id already used)."""
    layout = Layout(ledger.root)
    rules = {rule.id: rule.usable_as_deadline for rule in ledger.rules.values()}
    calendar = ledger.calendar
    span = (calendar.first_day.isoformat(), calendar.last_day.isoformat())
    display = layout.display(path)
    task, problems = load_task_text(
        text.encode("utf-8"), display, ledger.config.id_prefix, ledger.units, rules, span
    )
    if task is None:
        return problems
    ids = seen if seen is not None else ledger_ids(ledger)
    first = {task.id: ids[task.id]} if task.id in ids else {}  # duplicate_ids adds to it
    refused = rule_beyond_calendar(task, ledger.rules, calendar) or task_ids.duplicate_ids(
        first, task.id, task.loc("id"), ids
    )
    return [refused] if refused else []


def ledger_ids(ledger: Ledger) -> dict[str, Location]:
    """Each task id of the ledger and where it is (for :func:`check_text`)."""
    return {t.id: t.loc("id") for t in ledger.tasks}


def errors(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


# -- writing ---------------------------------------------------------------------------------


def write_exclusive(path: Path, text: str) -> bool:
    """Create ``path`` holding ``text``, atomically and only if nothing is there: the text
    goes to a temporary file in the same folder, which is then hard-linked to ``path`` (fails
    if it exists; where links are not supported: ``O_EXCL`` then ``os.replace``). ``False``
    when ``path`` exists already. Readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".duban-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (some network or FAT file systems)
            try:
                reserved = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                return False
            os.close(reserved)
            os.replace(tmp, path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_all(files: Sequence[tuple[Path, str]]) -> Path | None:
    """Write every ``(path, text)`` with :func:`write_exclusive`, as a set: if one path is
    taken (returned) or writing fails (raised), the files written so far are removed."""
    written: list[Path] = []
    try:
        for path, text in files:
            if not write_exclusive(path, text):
                _remove(written)
                return path
            written.append(path)
    except BaseException:
        _remove(written)
        raise
    return None


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@dataclass(frozen=True, slots=True)
class Created:
    """What :func:`create` did: the file (``None`` when refused), its text, the problems."""

    path: Path | None
    text: str
    problems: tuple[Problem, ...]


def create(
    ledger: Ledger, draft: Draft, *, dry_run: bool = False, year: int | None = None
) -> Created:
    """Make the task file of ``draft`` with the next free id of its year (the year of
    ``received`` unless ``year``): checked as ``validate`` would, written only when it has no
    error (a number another writer took meanwhile is skipped)."""
    layout = Layout(ledger.root)
    prefix = ledger.config.id_prefix
    the_year = year if year is not None else int(draft.received[:4])
    taken = [t.id for t in ledger.tasks]
    number = next_number(layout.tasks, prefix, the_year, taken)
    return _attempt(ledger, layout, draft, prefix, the_year, number, dry_run)


def _attempt(
    ledger: Ledger,
    layout: Layout,
    draft: Draft,
    prefix: str,
    year: int,
    number: int,
    dry_run: bool,
) -> Created:
    for candidate in range(number, min(number + _ATTEMPTS, MAX_NUMBER + 1)):
        new_id = task_id(prefix, year, candidate)
        path = task_path(layout, new_id)
        text = task_text(draft, new_id)
        problems = check_text(ledger, text, path)
        if errors(problems) or dry_run:
            return Created(None, text, tuple(problems))
        if write_exclusive(path, text):
            return Created(path, text, tuple(problems))
    raise UserError(
        Text(
            "其他人正在同时新建任务，未能取得空闲的任务编号；请稍后重试",
            "others are creating tasks at the same time and no free id could be taken; try again",
        )
    )
