"""Text hygiene of every ledger document: no bidirectional control characters in any text.

A bidirectional control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) makes text
show in an order other than the one it is stored in ("Trojan Source"): a title, a note or a
unit's name could read one way on the site, in a reminder or in a review and mean another.
Nothing in a ledger needs one, so any text field holding one is a problem at its line, in
every kind of ledger file: tasks (:mod:`duban.check.pipeline`), ``ledger.yaml``,
``units.yaml``, ``rules.yaml`` and the calendar (:func:`duban.ledger.load_ledger`).
Codes and ids are held to more (no invisible character at all, ``check_codes`` in
:mod:`duban.check.tasks`).

The addresses of ``ledger.yaml`` (``site_url``, ``repo_url``) must be plain ``http(s)``
addresses (:func:`url_problems`); the site and the reminders link nothing else
(:func:`duban.render.text.safe_url`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from duban.problems import Problem, json_path
from duban.source import Document, Path_
from duban.text import Text

#: The bidirectional formatting characters of Unicode (UAX #9): embeddings, overrides,
#: isolates and their terminators, and the implicit marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


#: A plain ``http(s)`` address: nothing that could end an HTML attribute or a Markdown link
#: (quotes, spaces, brackets, parentheses), no other scheme (``javascript:``, ``data:``).
SAFE_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+")
#: The fields of ``ledger.yaml`` that the site and the reminders turn into links.
URL_FIELDS = ("site_url", "repo_url")


def _texts(node: object, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every string of a document (mapping keys too) with the path of its field."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield (*path, key), key
            yield from _texts(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _texts(item, (*path, index))


def bidi_problems(doc: Document) -> list[Problem]:
    """A ``text-bidi-control`` problem for each text field of ``doc`` holding a
    bidirectional control character, at the field's line (the first such character)."""
    if doc.text is not None and "\\" not in doc.text and BIDI_CONTROLS.isdisjoint(doc.text):
        return []  # none in the source, and no escape (``"\u202e"``) that could make one
    problems = []
    for path, text in _texts(doc.data):
        if BIDI_CONTROLS.isdisjoint(text):
            continue
        index, char = next((i, c) for i, c in enumerate(text) if c in BIDI_CONTROLS)
        code = f"U+{ord(char):04X}"
        name = unicodedata.name(char, code)
        field = json_path(path)
        problems.append(
            Problem(
                "text-bidi-control",
                doc.loc(*path),
                Text(
                    f"字段 {field} 含双向文本控制字符 {code}（{name}），位于第 {index + 1} 个"
                    "字符：它会让文字显示的顺序与实际内容不一致。请删除该字符（在编辑器中打开"
                    "“显示不可见字符”后删除，或重新输入这段文字）",
                    f"field {field} contains the bidirectional control character {code} "
                    f"({name}) at character {index + 1}: it makes text show in another order "
                    "than it is written; delete it (show invisible characters in the editor, "
                    "or type the text again)",
                ),
                field=field,
            )
        )
    return problems


def url_problems(doc: Document) -> list[Problem]:
    """A ``url-unsafe`` problem for each address of ``ledger.yaml`` (:data:`URL_FIELDS`)
    that is not a plain ``http(s)`` address: the site and the reminders would not link it."""
    data = doc.data if isinstance(doc.data, dict) else {}
    problems = []
    for name in URL_FIELDS:
        value = data.get(name)
        if not isinstance(value, str) or not value or SAFE_URL.fullmatch(value):
            continue
        field = json_path((name,))
        problems.append(
            Problem(
                "url-unsafe",
                doc.loc(name),
                Text(
                    f"字段 {field} 应是以 http:// 或 https:// 开头的网址，且不含空格、引号、"
                    "尖括号、方括号或圆括号（如 https://duban.example.gov.cn/）；"
                    "网站和催办提醒不会链接其他形式的地址",
                    f"field {field} must be an http:// or https:// address without spaces, "
                    "quotes or brackets (such as https://duban.example.gov.cn/); the site "
                    "and the reminders link nothing else",
                ),
                field=field,
            )
        )
    return problems


__all__ = ["BIDI_CONTROLS", "SAFE_URL", "URL_FIELDS", "bidi_problems", "url_problems"]
