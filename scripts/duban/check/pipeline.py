"""One task file through every stage: strict YAML → codes and text hygiene
(:mod:`duban.check.hygiene`) → schema → ledger rules (with no personal data in a public task,
:mod:`duban.check.privacy`) → record.

The same steps serve ``validate`` (files on disk, :func:`load_task`) and ``check-change``
(Git blobs, :func:`load_task_text`), so the two can never judge a task file differently.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath

from duban.check import tasks as validate
from duban.check.hygiene import bidi_problems
from duban.check.privacy import personal_data
from duban.load import schema
from duban.load.layout import Layout
from duban.load.tasks import task_from_doc
from duban.load.yamlload import load_file, load_text
from duban.model import Task
from duban.problems import Problem
from duban.source import Document


def shape_problems(doc: Document) -> list[Problem]:
    """Invisible characters in codes, bidirectional controls in any text
    (:mod:`duban.check.hygiene`), then the task schema (one problem per field)."""
    problems = validate.check_codes(doc)
    coded = {p.field for p in problems}
    problems += [p for p in bidi_problems(doc) if p.field not in coded]
    bad = {p.field for p in problems}
    return problems + [p for p in schema.check(doc, "task") if p.field not in bad]


def task_from(
    doc: Document,
    stem: str,
    id_prefix: str,
    units: Collection[str],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
) -> tuple[Task | None, list[Problem]]:
    """A parsed task document through the checks to its record; ``None`` when not valid."""
    problems = shape_problems(doc)
    if problems:
        return None, problems
    problems = validate.check_task(doc, stem, id_prefix, units, rules, span)
    problems += personal_data(doc)  # 去标识化: public tasks are published as written
    if problems:
        return None, problems
    return task_from_doc(doc), []


def load_task(
    path: Path,
    layout: Layout,
    id_prefix: str,
    units: Collection[str],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
) -> tuple[Task | None, list[Problem]]:
    """One task file through every stage; ``None`` when it is not valid."""
    doc, problems = load_file(path, layout.display(path))
    if doc is None:
        return None, problems
    return task_from(doc, path.stem, id_prefix, units, rules, span)


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
