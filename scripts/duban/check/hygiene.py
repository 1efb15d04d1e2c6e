"""Text hygiene of every ledger document: no character in any text that can hide or disguise
what it says.

Refused in any string (value or mapping key), raw or written as a YAML escape, in every kind of
ledger file: tasks (:mod:`duban.check.pipeline`, so ``validate`` and ``check-change`` alike),
``ledger.yaml``, ``units.yaml``, ``rules.yaml``, the calendar (:func:`duban.ledger.load_ledger`)
and the duty records (:func:`duban.ledger.ledger_duties`); which characters, and which look alike
but are allowed, is :mod:`duban.load.characters`:

- ``text-bidi-control``: a bidirectional control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
  U+061C) makes text show in an order other than the one it is stored in ("Trojan Source");
- ``text-control-character``: a control character (C0 but tab and line feed, DEL, C1, a carriage
  return from an escape) or a lone surrogate: an escape sequence would colour or rewrite a
  report in a terminal;
- ``text-invisible-character``: a zero-width or format character (U+200B, U+FEFF, a soft
  hyphen, tag characters...) hides text or makes two texts that look the same differ.

Each message names the character by code point and name only (:func:`duban.load.characters.shown`
for the field): a report never prints the character it reports. A raw control character in
the file never gets this far: the YAML reader refuses it (``yaml-control-character``,
:mod:`duban.load.yamlload`).
Codes and ids are held to more (no invisible character at all, ``check_codes`` in
:mod:`duban.check.tasks`).

The addresses of ``ledger.yaml`` (``site_url``, ``repo_url``) must be plain ``http(s)``
addresses (:func:`url_problems`); the site and the reminders link nothing else
(:func:`duban.render.text.safe_url`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from duban.load.characters import (
    BIDI_CONTROLS,
    char_name,
    first_refused,
    kind,
    may_hold_refused,
    shown,
)
from duban.problems import Problem, json_path
from duban.source import Document, Path_
from duban.text import Text

#: A plain ``http(s)`` address: nothing that could end an HTML attribute or a Markdown link
#: (quotes, spaces, brackets, parentheses), no other scheme (``javascript:``, ``data:``).
SAFE_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+")
#: The fields of ``ledger.yaml`` that the site and the reminders turn into links.
URL_FIELDS = ("site_url", "repo_url")


def _texts(node: object, path: Path_ = ()) -> Iterator[tuple[Path_, str, bool]]:
    """Every string of a document with the path of its field, and whether it is the field's
    key (mapping keys are strings too)."""
    if isinstance(node, str):
        yield path, node, False
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield (*path, key), key, True
            yield from _texts(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _texts(item, (*path, index))


#: Per kind of character: the code, what it is (Chinese, English) and what it does.
_KINDS = {
    "bidi": (
        "text-bidi-control",
        "双向文本控制字符",
        "the bidirectional control character",
        "它会让文字显示的顺序与实际内容不一致",
        "it makes text show in another order than it is written",
    ),
    "control": (
        "text-control-character",
        "控制字符",
        "the control character",
        "它在终端和报告中可能改写、隐藏或染色其他文字",
        "in a terminal or a report it can rewrite, hide or colour other text",
    ),
    "surrogate": (
        "text-control-character",
        "孤立的代理码点",
        "the lone surrogate",
        "它不是字符，无法保存为 UTF-8",
        "it is not a character and cannot be saved as UTF-8",
    ),
    "invisible": (
        "text-invisible-character",
        "不可见字符",
        "the invisible character",
        "它不显示，却能藏住文字，或让看起来相同的两段文字实际不同",
        "it shows as nothing but can hide text or make two texts that look the same differ",
    ),
}


def text_problems(doc: Document) -> list[Problem]:
    """A problem for each string of ``doc`` (mapping keys too) holding a character that can
    hide or disguise text (:mod:`duban.load.characters`), at its field's line, naming the
    first such character: ``text-bidi-control``, ``text-control-character`` or
    ``text-invisible-character``."""
    if doc.text is not None and not may_hold_refused(doc.text):
        return []  # none in the source, and no escape (``"\u202e"``) that could make one
    problems = []
    for path, text, is_key in _texts(doc.data):
        found = first_refused(text)
        if found is None:
            continue
        index, char = found
        code, what_zh, what_en, does_zh, does_en = _KINDS[kind(char)]
        name = char_name(char)
        field = shown(json_path(path))
        escape = _escapes(char)
        where_zh, where_en = (" 的键名", "'s key") if is_key else (" ", "")
        problems.append(
            Problem(
                code,
                doc.loc(*path),
                Text(
                    f"字段 {field}{where_zh}含{what_zh} {name}，位于第 {index + 1} 个字符："
                    f"{does_zh}。"
                    "请删除该字符（在编辑器中打开“显示不可见字符”后删除，或重新输入这段文字；"
                    f"若它写成了双引号中的转义，如 {escape}，删除这个转义）",
                    f"field {field}{where_en} contains {what_en} {name} at character "
                    f"{index + 1}: {does_en}; delete it (show invisible characters in the editor, "
                    f"or type the text again; if it is written as an escape in double quotes, "
                    f"such as {escape}, delete that)",
                ),
                field=field,
            )
        )
    return problems


def _escapes(char: str) -> str:
    """How ``char`` may be written as a YAML escape: ``\\x1b、\\u001b`` or ``\\u200b``."""
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}、\\u{code:04x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


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


__all__ = [
    "BIDI_CONTROLS",
    "SAFE_URL",
    "URL_FIELDS",
    "text_problems",
    "url_problems",
]
