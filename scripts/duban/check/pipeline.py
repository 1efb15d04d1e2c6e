"""One task file through every stage: strict YAML → codes and text hygiene
(:mod:`duban.check.hygiene`) → schema → ledger rules (with no personal data in a public task,
:mod:`duban.check.privacy`) → record.

The same steps serve ``validate`` (files on disk, :func:`load_task`) and ``check-change``
(Git blobs, :func:`load_task_text`), so the two can never judge a task file differently.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath

from duban.calendar.workdays import WorkCalendar
from duban.check import shapes
from duban.check import tasks as validate
from duban.check.hints import task_warnings
from duban.check.hygiene import text_problems
from duban.check.privacy import personal_data
from duban.load import schema
from duban.load.emptyvalues import drop_empty
from duban.load.layout import Layout
from duban.load.tasks import task_from_doc
from duban.load.yamlload import load_file, load_text
from duban.model import Task
from duban.problems import Problem
from duban.source import Document


def shape_problems(doc: Document) -> list[Problem]:
    """Invisible characters in codes, characters that hide or disguise text in any text
    (:mod:`duban.check.hygiene`: when there is one, nothing else is checked, so that no other
    message prints it), dates in a wrong form, keys glued to their values and lists in
    full-width brackets, then the task schema: one problem per mistake (the schema's own for
    the same field, under a glued key, or about the mapping it breaks, are left out)."""
    problems = shapes.check_codes(doc)
    coded = {p.field for p in problems}
    hidden = [p for p in text_problems(doc) if p.field not in coded]
    if hidden:
        return problems + hidden
    found = schema.check(doc, "task")
    if not found:  # every mistake below also breaks the schema
        return problems
    glued, brackets = shapes.check_glued(doc)
    problems += shapes.check_dates(doc) + glued + brackets
    bad = {p.field for p in problems} | {_parent(p.field) for p in glued}
    within = tuple(p.field + end for p in glued for end in (".", "["))
    return problems + [p for p in found if p.field not in bad and not p.field.startswith(within)]


def _parent(field: str) -> str:
    """``$.events[1].x`` → ``$.events[1]``; ``$.x`` → ``$``."""
    cut = max(field.rfind("."), field.rfind("["))
    return field[:cut] if cut > 1 else "$"


def task_from(
    doc: Document,
    stem: str,
    id_prefix: str,
    units: Collection[str],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[Task | None, list[Problem]]:
    """A parsed task document through the checks to its record; ``None`` when not valid.

    With the ledger's ``calendar``, warnings for people are added (:mod:`duban.check.hints`);
    warnings never make a task invalid. Optional fields left empty (``note: ""``,
    ``deadline_rule: null``: what a web form writes) are absent
    (:func:`duban.load.emptyvalues.drop_empty`)."""
    doc = drop_empty(doc)
    problems = shape_problems(doc)
    if _errors(problems):
        return None, problems
    problems += validate.check_task(doc, stem, id_prefix, units, rules, span)
    problems += personal_data(doc)  # 去标识化: public tasks are published as written
    if calendar is not None:
        problems += task_warnings(doc, calendar)
    if _errors(problems):
        return None, problems
    return task_from_doc(doc), problems


def _errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def load_task(
    path: Path,
    layout: Layout,
    id_prefix: str,
    units: Collection[str],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[Task | None, list[Problem]]:
    """One task file through every stage; ``None`` when it is not valid. With the ledger's
    ``calendar`` (``validate``), warnings too: a value cut short by `` #`` and
    :func:`duban.check.hints.task_warnings`."""
    doc, warnings = load_file(path, layout.display(path), comments=calendar is not None)
    if doc is None:
        return None, warnings
    task, problems = task_from(doc, path.stem, id_prefix, units, rules, span, calendar)
    return task, warnings + problems


def load_task_text(
    raw: bytes,
    path: str,
    id_prefix: str,
    units: Collection[str],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
) -> tuple[Task | None, list[Problem]]:
    """The contents of task file ``path`` (a Git blob) through every stage."""
    doc, problems = load_text(raw, path)
    if doc is None:
        return None, problems
    return task_from(doc, PurePosixPath(path).stem, id_prefix, units, rules, span)
