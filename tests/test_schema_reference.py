"""Differential test: duban's schema validator against a reference implementation.

duban validates with ``jsonschema-rs`` (:func:`duban.load.schema.check`). Python's
``jsonschema`` (Draft 2020-12, with its format checker) is kept as an independent reference:
every golden file under ``tests/golden/`` that the strict loader turns into a document must get
the same verdict (valid / invalid) from both, against the schema it is written for. Files of
``golden/load/`` are loader fixtures written for no schema: they are checked against every
schema (the verdicts must agree whatever they are). Files the loader refuses have no document
to validate; ``test_every_golden_file_is_compared`` makes sure that is the only way out.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.jsonschema
from duban.load.schema import check
from duban.load.yamlload import load_file
from duban.source import Document
from support import GOLDEN, SCHEMAS

NAMES = sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json"))
FILES = sorted(GOLDEN.rglob("*.yaml"))


def schemas_for(path: Path) -> list[str]:
    """The schema a golden file is written for (every schema for loader fixtures)."""
    rel = path.relative_to(GOLDEN)
    if rel.parts[0] == "tasks":
        return ["task"]
    if rel.parts[0] == "ledger":
        return [{"ledger.yaml": "ledger", "units.yaml": "units"}[path.name]]
    assert rel.parts[0] == "load", f"{rel}: which schema is this golden folder written for?"
    return NAMES


@cache
def document(path: Path) -> Document | None:
    doc, _ = load_file(path)
    return doc


#: Where the reference finds the schemas: the folder itself, as an editor reads it (each
#: file's base is its own address, so ``units.schema.json#/$defs/code`` is the file beside).
FOLDER = SCHEMAS.resolve().as_uri() + "/"


@cache
def registry() -> referencing.Registry[Any]:
    """Every file of ``schemas/`` at its ``file://`` address; nothing else is retrievable."""
    return referencing.Registry().with_resources(
        (
            FOLDER + path.name,
            referencing.Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")),
                default_specification=referencing.jsonschema.DRAFT202012,
            ),
        )
        for path in SCHEMAS.glob("*.schema.json")
    )


@cache
def reference(name: str) -> jsonschema.Draft202012Validator:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    root = {"$ref": f"{FOLDER}{name}.schema.json"}
    return jsonschema.Draft202012Validator(root, registry=registry(), format_checker=checker)


#: Disagreements whose cause is known, each with it. Only differences of the reference itself
#: belong here; any other disagreement is a finding (a schema or validator bug) to fix.
#: (Python's `re` lets `$` match before a final newline, python-jsonschema/jsonschema#576:
#: every pattern in `schemas/` ends in `(?!\\n)$`, the end of the string in both dialects;
#: see test_patterns_are_anchored_in_every_dialect.)
KNOWN: dict[tuple[str, str], str] = {}


def _case(path: Path, name: str) -> Any:
    rel = str(path.relative_to(GOLDEN))
    marks = (
        [pytest.mark.xfail(reason=KNOWN[rel, name], strict=True)] if (rel, name) in KNOWN else []
    )
    return pytest.param(path, name, id=f"{rel}-{name}", marks=marks)


# Only files the loader turns into a document (the others: see the next test).
CASES = [_case(p, name) for p in FILES if document(p) is not None for name in schemas_for(p)]


def test_every_golden_file_is_compared() -> None:
    """Each golden YAML file is compared, or refused by the strict loader with a problem
    (then there is no document for either validator to see)."""
    assert len(FILES) > 40
    refused = []
    for path in FILES:
        if document(path) is None:
            _, problems = load_file(path)
            assert problems, path
            refused.append(path.relative_to(GOLDEN).parts[0])
    assert set(refused) <= {"load", "tasks"}  # loader fixtures, and a task's duplicate key
    assert len(FILES) - len(refused) > 30


def test_the_reference_checks_every_format_the_schemas_use() -> None:
    """Without the package that checks it (``rfc3986-validator`` for ``uri``), jsonschema
    passes a format silently: it would be no reference for it."""
    used: set[str] = set()
    for name in NAMES:
        _collect_formats(json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8")), used)
    assert {"date", "uri"} <= used
    assert used <= set(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)


def _collect_formats(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            found.add(node["format"])
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            _collect_formats(value, found)


@pytest.mark.parametrize(("path", "name"), CASES)
def test_same_verdict_as_the_reference_validator(path: Path, name: str) -> None:
    doc = document(path)
    assert doc is not None
    ours = check(doc, name)
    theirs = sorted(
        reference(name).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))
    )
    assert (ours == []) == (theirs == []), (
        f"duban: {[p.code + ' ' + (p.field or '') for p in ours]}; "
        f"jsonschema: {[e.json_path + ': ' + e.message for e in theirs]}"
    )


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for v in node.values() for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


def test_patterns_are_anchored_in_every_dialect() -> None:
    """A pattern ending in a bare `$` lets Python-based tools (check-jsonschema) accept a code
    with a trailing line break; `(?!\\n)$` is the end of the string for ECMA-262 and Python."""
    patterns = [
        p
        for path in sorted(SCHEMAS.glob("*.schema.json"))
        for p in _patterns(json.loads(path.read_text("utf-8")))
    ]
    assert len(patterns) >= 10
    assert [p for p in patterns if not (p.startswith("^") and p.endswith("(?!\\n)$"))] == []
    assert re.search(patterns[0], "x\n") is None
