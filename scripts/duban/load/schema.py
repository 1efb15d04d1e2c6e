"""JSON Schema checks (2020-12, formats on) with messages in Chinese that name the field."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jsonschema_rs

from duban.problems import Problem, json_path
from duban.source import Document
from duban.text import Text


def schemas_dir() -> Traversable:
    """The top-level ``schemas/`` folder: shipped in a wheel as the data package
    ``duban.schemas``; read in place from a source checkout (editable installs)."""
    try:
        return resources.files("duban.schemas")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[3] / "schemas"


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        schemas_dir().joinpath(f"{name}.schema.json").read_text("utf-8")
    )
    return schema


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.validator_for(load_schema(name), validate_formats=True)


def check(doc: Document, name: str) -> list[Problem]:
    """Every schema violation in ``doc`` against schema ``name``, located at its field."""
    validator = _validator(name)
    if validator.is_valid(doc.data):
        return []
    schema = load_schema(name)
    problems = []
    for error in validator.iter_errors(doc.data):
        keys = tuple(error.instance_path)
        zh, en = _explain(error, schema, doc.data)
        kind = type(error.kind).__name__
        if kind == "AdditionalProperties":  # point at the unknown key itself
            keys = (*keys, sorted(error.kind.unexpected)[0])
        code = f"schema-{_kebab(kind)}"
        if kind.startswith("OneOf") and keys == () and name == "task":
            code = "deadline-choice"  # the task's only top-level oneOf
        problems.append(Problem(code, doc.loc(*keys), Text(zh, en), field=json_path(keys)))
    return problems


def _kebab(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def _describe(schema: dict[str, Any], schema_path: list[str | int]) -> str:
    """The Chinese description of the schema node an error belongs to (first sentence)."""
    node: Any = schema
    found = ""
    for step in schema_path[:-1]:
        if isinstance(node, dict) and "$ref" in node and step not in node:
            node = _resolve(schema, node["$ref"])
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "description" in node:
            found = node["description"]
    return found.split("。")[0].split(":")[0].split("(")[0].strip()


def _resolve(schema: dict[str, Any], ref: str) -> Any:
    node: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _explain(error: Any, schema: dict[str, Any], data: Any) -> tuple[str, str]:
    kind = error.kind
    name = type(kind).__name__
    keys = list(error.instance_path)
    field = json_path(tuple(keys))
    label = _describe(schema, list(error.schema_path))
    what_zh = f"字段 {field}" + (f" ({label})" if label else "")
    what_en = f"field {field}"
    value = error.instance
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, dict | list) else ""
    if name == "Required":
        prop = kind.property
        return (
            f"缺少必填字段 “{prop}” (位于 {field})",
            f"missing required field '{prop}' in {field}",
        )
    if name == "AdditionalProperties":
        extra = ", ".join(kind.unexpected)
        return (
            f"{what_zh} 中有未定义的字段: {extra} (拼写错误?)",
            f"unknown field(s) in {field}: {extra} (a typo?)",
        )
    if name == "Format" and kind.format == "date":
        return (
            f"{what_zh}: {shown} 不是真实存在的日期 (应为 YYYY-MM-DD)",
            f"{what_en}: {shown} is not a real date (expected YYYY-MM-DD)",
        )
    if name == "Format":
        return (
            f"{what_zh}: {shown} 格式不对 (应为 {kind.format})",
            f"{what_en}: {shown} is not a valid {kind.format}",
        )
    if name == "Enum":
        options = " / ".join(str(o) for o in kind.options)
        return (
            f"{what_zh}: {shown} 不是允许的值 ({options})",
            f"{what_en}: {shown} is not one of {options}",
        )
    if name == "Type":
        return (
            f"{what_zh}: {shown or '该值'} 类型不对",
            f"{what_en}: wrong type ({error.message})",
        )
    if name == "Pattern":
        return (f"{what_zh}: {shown} 格式不对", f"{what_en}: {shown} has the wrong form")
    if name in ("MinLength", "MinItems"):
        return (f"{what_zh}: 内容太短或为空", f"{what_en}: too short or empty")
    if name in ("MaxLength", "MaxItems"):
        return (f"{what_zh}: 内容太长", f"{what_en}: too long")
    if name in ("OneOfNotValid", "OneOfMultipleValid") and keys == [] and isinstance(data, dict):
        return (
            "完成时限 deadline 与时限规则 deadline_rule 必须且只能填写一个",
            "give exactly one of deadline and deadline_rule",
        )
    if name == "Not" and keys and isinstance(value, dict):
        return (
            f"{what_zh}: 该类型的记录不能带这个字段 (deadline 仅用于同意延期, "
            "milestone 仅用于阶段节点反馈)",
            f"{what_en}: this event type cannot carry that field (deadline is for "
            "extension-approved, milestone for milestone-reported)",
        )
    if name == "UniqueItems":
        return (f"{what_zh}: 有重复项", f"{what_en}: has duplicate items")
    return (f"{what_zh}: {error.message}", f"{what_en}: {error.message}")
