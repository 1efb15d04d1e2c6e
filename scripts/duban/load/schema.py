"""JSON Schema checks (2020-12, formats on) with messages in Chinese that name the field."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
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


BASE = "https://duban.invalid/schemas/"
"""The address every schema is known by while duban validates. The files carry no ``$id``
of their own (their base is where they are read from: ``schemas/`` in an editor, the site's
``schemas/`` once published with their URL as ``$id``, :mod:`duban.web.schemas`), so a
relative ``$ref`` between them (``units.schema.json#/$defs/code``) resolves beside the file
everywhere. ``.invalid`` (RFC 6761) never resolves: nothing is ever fetched."""


@cache
def schema_names() -> tuple[str, ...]:
    """Every schema of ``schemas/`` by name (``task`` for ``task.schema.json``)."""
    files = (entry.name for entry in schemas_dir().iterdir())
    return tuple(
        sorted(f.removesuffix(".schema.json") for f in files if f.endswith(".schema.json"))
    )


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        schemas_dir().joinpath(f"{name}.schema.json").read_text("utf-8")
    )
    return schema


@cache
def _registry() -> Any:
    """All the schemas, each at ``BASE`` + its file name, so that their ``$ref``s meet."""
    resources = [(f"{BASE}{n}.schema.json", load_schema(n)) for n in schema_names()]
    return jsonschema_rs.Registry(resources)


def _refuse(uri: str) -> Any:
    raise ValueError(f"duban's schemas refer to nothing outside schemas/: {uri}")


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.validator_for(
        load_schema(name),
        validate_formats=True,
        registry=_registry(),
        base_uri=f"{BASE}{name}.schema.json",
        retriever=_refuse,
    )


def check(doc: Document, name: str) -> list[Problem]:
    """Every schema violation in ``doc`` against schema ``name``, located at its field."""
    validator = _validator(name)
    if validator.is_valid(doc.data):
        return []
    schema = load_schema(name)
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.data):
        keys = tuple(error.instance_path)
        text = _explain(error, schema, doc.data)
        kind = type(error.kind).__name__
        if kind == "AdditionalProperties":  # point at the unknown key itself
            keys = (*keys, sorted(error.kind.unexpected)[0])
        code = f"schema-{_kebab(kind)}"
        if kind.startswith("OneOf") and keys == () and name == "task":
            code = "deadline-choice"  # the task's only top-level oneOf
        if any(p.field == json_path(keys) and p.text == text for p in problems):
            continue  # one message per field (an empty date breaks format and pattern)
        problems.append(Problem(code, doc.loc(*keys), text, field=json_path(keys)))
    return problems


def _kebab(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


#: Where a description's label ends: 单位代码：…, 交办来源，如 …, 任务编号（…）.
_LABEL_END = re.compile(r"[。:：，,]|(?=[(（])")


def _description(schema: dict[str, Any], schema_path: list[str | int]) -> str:
    """The innermost ``description`` on the way to the schema node an error belongs to."""
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
    return found


def _describe(schema: dict[str, Any], schema_path: list[str | int]) -> str:
    """The Chinese description of the schema node an error belongs to (first sentence)."""
    found = _description(schema, schema_path)
    return _LABEL_END.split(found)[0].strip()


def _form_hint(schema: dict[str, Any], schema_path: list[str | int]) -> str:
    """What the description says the form is, after its label (``单位代码：小写字母、数字和
    连字符（…）`` gives ``小写字母、数字和连字符（…）``); "" when it says nothing more."""
    found = _description(schema, schema_path)
    _, *rest = _LABEL_END.split(found.split("。")[0], maxsplit=1)
    return rest[0].strip(" ，：") if rest else ""


def _enum_labels(schema: dict[str, Any], schema_path: list[str | int]) -> tuple[str, ...]:
    """The ``enumDescriptions`` of the node an enum error belongs to (empty when none)."""
    node: Any = schema
    for step in schema_path[:-1]:
        if isinstance(node, dict) and "$ref" in node and step not in node:
            node = _resolve(schema, node["$ref"])
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return ()
    labels = node.get("enumDescriptions", ()) if isinstance(node, dict) else ()
    return tuple(str(label) for label in labels)


def _located(error: Any, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str | int]]:
    """The schema file an error's keyword is in and the keyword's path there: a ``$ref`` to
    another file (``units.schema.json#/$defs/code``) moves the error into that file."""
    where = str(getattr(error, "absolute_keyword_location", None) or "")
    resource, _, pointer = where.partition("#")
    name = resource.removeprefix(BASE).removesuffix(".schema.json")
    if not resource.startswith(BASE) or name not in schema_names():
        return schema, list(error.schema_path)
    steps = [
        urllib.parse.unquote(p).replace("~1", "/").replace("~0", "~")
        for p in pointer.split("/")[1:]
    ]
    return load_schema(name), [int(p) if p.isdigit() else p for p in steps]


def _resolve(schema: dict[str, Any], ref: str) -> Any:
    node: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


@dataclass(frozen=True, slots=True)
class _Subject:
    """What a schema error is about, as messages name it."""

    field: str
    """The JSON path, ``$.events[2].date``."""
    zh: str
    """``字段 $.deadline (完成时限)``: the path and the schema's Chinese description."""
    en: str
    shown: str
    """The offending value as JSON, or "" for a mapping or list."""
    labels: tuple[str, ...] = ()
    """The Chinese label of each allowed value (``enumDescriptions``), for an enum."""
    form: str = ""
    """What the description says the value looks like, for a pattern."""


def _explain(error: Any, schema: dict[str, Any], data: Any) -> Text:
    """The message of one schema error, in both languages, saying how to fix it."""
    kind, name = error.kind, type(error.kind).__name__
    keys = list(error.instance_path)
    field = json_path(tuple(keys))
    schema, schema_path = _located(error, schema)
    label = _describe(schema, schema_path)
    value = error.instance
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, dict | list) else ""
    at = _Subject(
        field,
        f"字段 {field}" + (f"（{label}）" if label else ""),
        f"field {field}",
        shown,
        _enum_labels(schema, schema_path) if name == "Enum" else (),
        _form_hint(schema, schema_path) if name == "Pattern" else "",
    )
    if name in ("OneOfNotValid", "OneOfMultipleValid") and keys == [] and isinstance(data, dict):
        if "deadline" in data and "deadline_rule" in data:
            return Text(
                "这项任务同时写了完成时限 deadline 和时限规则 deadline_rule，只能保留一个："
                "上级明确了完成日期的，保留 deadline（如 deadline: 2026-12-31）；"
                "按规则计算时限的，保留 deadline_rule（如 deadline_rule: draft-general）。",
                "this task gives both deadline and deadline_rule; keep one: deadline when a "
                "date was set (deadline: 2026-12-31), deadline_rule when the limit is counted "
                "by a rule of rules.yaml (deadline_rule: draft-general)",
            )
        return Text(
            "这项任务没有写完成时限：请写 deadline（上级明确的完成日期，如 deadline: 2026-12-31），"
            "或写 deadline_rule（按 rules.yaml 中的规则计算，如 deadline_rule: draft-general），"
            "二者选一。",
            "this task has no deadline: give deadline (the date set, e.g. deadline: "
            "2026-12-31) or deadline_rule (a rule of rules.yaml, e.g. deadline_rule: "
            "draft-general), one of the two",
        )
    if name == "Not" and "channels" in keys and isinstance(value, dict):
        return Text(
            f"{at.zh}：该类型的通知渠道不能带这个字段（群机器人 dingtalk、wecom、feishu 用 "
            "webhook_env，钉钉和飞书可加 secret_env；电子邮件 email 只用 to_env）",
            f"{at.en}: this kind of channel cannot carry that field (robots dingtalk, wecom, "
            "feishu take webhook_env, dingtalk and feishu also secret_env; email takes to_env)",
        )
    if name == "Not" and keys and isinstance(value, dict):
        return Text(
            f"{at.zh}：该类型的记录不能带这个字段（deadline 仅用于同意延期，"
            "milestone 仅用于阶段节点反馈，owner 和 co_units 仅用于改派 reassigned）",
            f"{at.en}: this event type cannot carry that field (deadline is for "
            "extension-approved, milestone for milestone-reported, owner and co_units for "
            "reassigned)",
        )
    explain = _EXPLAIN.get(name)
    if explain is not None:
        return explain(kind, at, error.message)
    return Text(f"{at.zh}: {error.message}", f"{at.en}: {error.message}")


def _required(kind: Any, at: _Subject, _: str) -> Text:
    prop = kind.property
    return Text(
        f"缺少必填字段 “{prop}”（位于 {at.field}）",
        f"missing required field '{prop}' in {at.field}",
    )


def _additional(kind: Any, at: _Subject, _: str) -> Text:
    extra = ", ".join(kind.unexpected)
    return Text(
        f"{at.zh} 中有未定义的字段：{extra}（拼写错误？）",
        f"unknown field(s) in {at.field}: {extra} (a typo?)",
    )


def _format(kind: Any, at: _Subject, _: str) -> Text:
    if at.shown == '""':
        return _left_empty(at)
    if kind.format == "date":
        return Text(
            f"{at.zh}：{at.shown} 不是真实存在的日期（应为 YYYY-MM-DD）",
            f"{at.en}: {at.shown} is not a real date (expected YYYY-MM-DD)",
        )
    return Text(
        f"{at.zh}：{at.shown} 格式不对（应为 {kind.format}）",
        f"{at.en}: {at.shown} is not a valid {kind.format}",
    )


def _enum(kind: Any, at: _Subject, _: str) -> Text:
    codes = [str(o) for o in kind.options]
    labels = at.labels if len(at.labels) == len(codes) else ("",) * len(codes)
    named = " / ".join(f"{o} {label}".strip() for o, label in zip(codes, labels, strict=True))
    return Text(
        f"{at.zh}：{at.shown} 不是允许的值（{named}）",
        f"{at.en}: {at.shown} is not one of {' / '.join(codes)}",
    )


def _type(kind: Any, at: _Subject, message: str) -> Text:
    if at.shown == "null":
        return _left_empty(at)
    return Text(f"{at.zh}：{at.shown or '该值'} 类型不对", f"{at.en}: wrong type ({message})")


def _left_empty(at: _Subject) -> Text:
    """A required field written without a value (``date:``, ``lead: null``, ``title: ""``;
    an optional one left empty is simply absent, :mod:`duban.load.emptyvalues`)."""
    return Text(
        f"{at.zh}：这是必填字段，但没有填写内容；请在冒号后写上内容",
        f"{at.en}: a required field left empty; write its value after the colon",
    )


def _pattern(kind: Any, at: _Subject, _: str) -> Text:
    if at.shown == '""':
        return _left_empty(at)
    should = f"；要求：{at.form}" if at.form else "；请对照字段说明修改"
    return Text(f"{at.zh}：{at.shown} 格式不对{should}", f"{at.en}: {at.shown} has the wrong form")


def _short(kind: Any, at: _Subject, _: str) -> Text:
    if at.shown == '""':
        return _left_empty(at)
    return Text(f"{at.zh}：内容太短或为空", f"{at.en}: too short or empty")


def _long(kind: Any, at: _Subject, _: str) -> Text:
    return Text(f"{at.zh}：内容太长", f"{at.en}: too long")


def _unique(kind: Any, at: _Subject, _: str) -> Text:
    return Text(f"{at.zh}：有重复项", f"{at.en}: has duplicate items")


#: jsonschema-rs error kind → its message.
_EXPLAIN: dict[str, Callable[[Any, _Subject, str], Text]] = {
    "Required": _required,
    "AdditionalProperties": _additional,
    "Format": _format,
    "Enum": _enum,
    "Type": _type,
    "Pattern": _pattern,
    "MinLength": _short,
    "MinItems": _short,
    "MaxLength": _long,
    "MaxItems": _long,
    "UniqueItems": _unique,
}
