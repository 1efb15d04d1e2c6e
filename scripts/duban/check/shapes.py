"""What the values of a schema-valid task document look like, before the ledger's rules
(:mod:`duban.check.tasks`): codes and ids without invisible characters or line breaks, dates
written as ``YYYY-MM-DD``, keys and list items glued to their values by a missing space or a
full-width bracket."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date as _date

from duban.load.valuehints import glued
from duban.load.yamlhints import bracket_value
from duban.problems import Problem, json_path
from duban.source import Document
from duban.text import Text

Keys = tuple[str | int, ...]

#: Fields that hold codes and ids: no invisible characters, no line breaks.
CODE_FIELDS: tuple[tuple[str | int, ...], ...] = (
    ("id",),
    ("assigned_by",),
    ("deadline_rule",),
    ("owner", "unit"),
)


def _invisible(text: str) -> tuple[int, str] | None:
    """The first control, format (zero-width), separator or space character, if any."""
    for index, char in enumerate(text):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs"):
            return index, char
    return None


def check_codes(doc: Document) -> list[Problem]:
    """Ids and unit codes must not hide invisible characters or line breaks."""
    data = doc.data
    paths: list[tuple[str | int, ...]] = [p for p in CODE_FIELDS if value_at(data, p) is not None]
    owner = data.get("owner")
    if isinstance(owner, dict) and isinstance(owner.get("co_units"), list):
        paths += [("owner", "co_units", i) for i in range(len(owner["co_units"]))]
    if isinstance(data.get("events"), list):
        for i, e in enumerate(data["events"]):
            if isinstance(e, dict):
                paths += [("events", i, "by"), ("events", i, "owner")]
                co = e.get("co_units")
                paths += [("events", i, "co_units", k) for k in range(len(co or []))]
    problems = []
    for keys in paths:
        value = value_at(data, keys)
        if not isinstance(value, str):
            continue
        hit = _invisible(value)
        if hit:
            index, char = hit
            name = unicodedata.name(char, "CONTROL")
            problems.append(
                Problem(
                    "invisible-character",
                    doc.loc(*keys),
                    Text(
                        f"字段 {json_path(keys)} 含不可见字符 U+{ord(char):04X}（{name}），"
                        f"位于第 {index + 1} 个字符；编号和代码不能有空格、换行或零宽字符",
                        f"field {json_path(keys)} contains invisible character U+{ord(char):04X} "
                        f"({name}) at character {index + 1}",
                    ),
                    field=json_path(keys),
                )
            )
    return problems


#: A date as people write it: ``2026/3/5``, ``2026年3月5日``, ``2026-3-5``, ``2026.3.5``.
_LOOSE_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def date_paths(data: object) -> list[tuple[str | int, ...]]:
    """Where a task's dates are, in a document of any shape: received, deadline, milestones'
    due dates, events' dates and new deadlines."""
    if not isinstance(data, dict):
        return []
    paths: list[tuple[str | int, ...]] = [("received",), ("deadline",)]
    for name, fields in (("milestones", ("due",)), ("events", ("date", "deadline"))):
        items = data.get(name)
        if isinstance(items, list):
            paths += [
                (name, i, f)
                for i, item in enumerate(items)
                if isinstance(item, dict)
                for f in fields
            ]
    return paths


def check_dates(doc: Document) -> list[Problem]:
    """A date written ``2026/3/5``, ``2026年3月5日`` or ``2026-3-5``: one problem that shows
    the form to write (``2026-03-05``), instead of the schema's pattern and format ones."""
    problems = []
    for keys in date_paths(doc.data):
        value = value_at(doc.data, keys)
        if not isinstance(value, str) or _ISO_DATE.match(value):
            continue
        found = _LOOSE_DATE.match(unicodedata.normalize("NFKC", value))
        if found is None:
            continue
        year, month, day = (int(part) for part in found.groups())
        try:
            right = _date(year, month, day).isoformat()
        except ValueError:
            zh = f"“{value}” 不是真实存在的日期；请核对后写成 年-月-日 的形式（如 2026-03-05）"
            en = f"'{value}' is not a real date; write dates as YYYY-MM-DD"
        else:
            zh = (
                f"日期 “{value}” 的写法不对，应写成 {right}（年-月-日，用英文短横线“-”"
                "连接，月和日都写两位数）"
            )
            en = f"the date '{value}' is written the wrong way; write {right} (YYYY-MM-DD)"
        problems.append(Problem("date-form", doc.loc(*keys), Text(zh, en), field=json_path(keys)))
    return problems


def check_glued(doc: Document) -> tuple[list[Problem], list[Problem]]:
    """Keys and list items that YAML read as one piece of text because of a missing space
    or a full-width colon (``{date:2026-03-05, ...}``, ``- title：完成调研``) or a key
    behind full-width spaces (``　　co_units: [czj]``), then lists written with full-width
    brackets (``co_units: 【czj】``)."""
    problems: list[Problem] = []
    brackets: list[Problem] = []
    stack: list[tuple[object, Keys]] = [(doc.data, ())]
    while stack:
        node, path = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else []
        items += list(enumerate(node)) if isinstance(node, list) else []
        for key, value in items:
            keys = (*path, key)
            written = key if isinstance(key, str) else value
            found = glued(written) if isinstance(written, str) else None
            if found is not None:
                code, text = found
                problems.append(_shape(code, doc, keys, text))
            elif key == "co_units" and (char := bracket_value(value)) is not None:
                brackets.append(_shape("yaml-fullwidth-bracket", doc, keys, _bracket(keys, char)))
            else:
                stack.append((value, keys))
    return sorted(problems, key=Problem.sort_key), brackets


def _bracket(keys: Keys, char: str) -> Text:
    field = json_path(keys)
    return Text(
        f"字段 {field} 用了中文括号“{char}”；列表要用英文方括号，如 [czj, fgw]",
        f"field {field} uses a full-width bracket '{char}'; write the list with ASCII "
        "brackets, e.g. [czj, fgw]",
    )


def _shape(code: str, doc: Document, keys: tuple[str | int, ...], text: Text) -> Problem:
    return Problem(code, doc.loc(*keys), text, field=json_path(keys))


def value_at(data: object, keys: Iterable[str | int]) -> object:
    node = data
    for key in keys:
        if isinstance(node, dict) and isinstance(key, str):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    return node
