"""Reading ``rules.yaml`` into :class:`~duban.calendar.rules.Rule` records."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from duban.calendar.rules import TASK_OBLIGATIONS, Rule
from duban.calendar.workdays import Period
from duban.load import schema
from duban.load.yamlload import load_file, load_text
from duban.problems import Problem
from duban.source import Document, Location
from duban.text import Text


def _problem(code: str, where: Location, zh: str, en: str, fld: str) -> Problem:
    return Problem(code, where, Text(zh, en), field=fld)


def load_rules(path: Path, display: str | None = None) -> tuple[dict[str, Rule], list[Problem]]:
    """Read and validate ``rules.yaml`` against ``schemas/rules.schema.json``.

    Returns the rules by id (in file order) and every problem: schema violations, duplicate
    ids, a missing per-task obligation (:data:`TASK_OBLIGATIONS`). A file that fails its
    schema yields no rules.
    """
    return rules_from(*load_file(path, display or str(path)))


def load_rules_text(raw: bytes, display: str) -> tuple[dict[str, Rule], list[Problem]]:
    """``rules.yaml`` from its contents (a Git blob), by the same steps as a file."""
    return rules_from(*load_text(raw, display))


def rules_from(
    doc: Document | None, problems: list[Problem]
) -> tuple[dict[str, Rule], list[Problem]]:
    if doc is None:
        return {}, problems
    found = schema.check(doc, "rules")
    if found:
        return {}, problems + found
    rules: dict[str, Rule] = {}
    for k, item in enumerate(doc.data["rules"]):
        where = doc.loc("rules", k)
        rid = item["id"]
        if rid in rules:
            problems.append(
                _problem(
                    "rules-duplicate-id",
                    doc.loc("rules", k, "id"),
                    f"规则编号 “{rid}” 重复（第一次出现在 {rules[rid].where}）",
                    f"rule id '{rid}' is used twice (first at {rules[rid].where})",
                    f"$.rules[{k}].id",
                )
            )
            continue
        rules[rid] = _rule(item, where)
    missing = [rid for rid in TASK_OBLIGATIONS if rid not in rules]
    if missing:
        problems.append(
            _problem(
                "rules-missing",
                doc.loc("rules"),
                f"规则目录缺少任务必需的规则：{', '.join(missing)}",
                f"the catalogue lacks rules every task needs: {', '.join(missing)}",
                "$.rules",
            )
        )
    return rules, problems


def _rule(item: dict[str, Any], where: Location) -> Rule:
    """The record of one schema-valid catalogue entry."""
    period = Period.parse(item["period"]) if item.get("period") else None
    variants = {p: Period.parse(v) for p, v in (item.get("variants") or {}).items()}
    return Rule(
        id=item["id"],
        measure=item["measure"],
        title=item["title"],
        text=item["text"],
        kind=item["kind"],
        applies=item["applies"],
        period=period,
        where=where,
        variants=MappingProxyType(variants),
        starts=item.get("starts"),
        met_by=item.get("met_by"),
        before=bool(item.get("before", False)),
        every=item.get("every"),
        quota=item.get("quota"),
        configurable=bool(item.get("configurable", False)),
        note=item.get("note", ""),
    )
