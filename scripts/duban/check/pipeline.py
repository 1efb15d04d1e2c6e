"""One task file through every stage: strict YAML → codes → schema → ledger rules → record."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from duban.check import tasks as validate
from duban.load import schema
from duban.load.layout import Layout
from duban.load.tasks import task_from_doc
from duban.load.yamlload import load_file
from duban.model import Task, Unit
from duban.problems import Problem


def load_task(
    path: Path,
    layout: Layout,
    id_prefix: str,
    units: dict[str, Unit],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
) -> tuple[Task | None, list[Problem]]:
    """One task file through every stage; ``None`` when it is not valid."""
    doc, problems = load_file(path, layout.display(path))
    if doc is None:
        return None, problems
    problems = validate.check_codes(doc)
    bad = {p.field for p in problems}
    problems += [p for p in schema.check(doc, "task") if p.field not in bad]
    if problems:
        return None, problems
    problems = validate.check_task(doc, path.stem, id_prefix, units, rules, span)
    if problems:
        return None, problems
    return task_from_doc(doc), []
