"""Strict YAML: the ledger's files are read so that nothing changes meaning silently.

libyaml (through PyYAML's C parser) builds the node tree; we turn nodes into plain data
ourselves with the YAML 1.2 core schema: dates stay strings, ``no``/``on``/``yes``/``off``
stay strings, only ``true``/``false`` are booleans. Every node keeps its position so later
stages can name the file, line and column of a field.

Rejected, each with file:line:col: duplicate keys (naming the first occurrence), anchors and
aliases, several documents, an empty file, a top level that is not a mapping, tab
indentation, bytes that are not UTF-8, custom tags, files over ``MAX_BYTES`` (read by
:mod:`duban.load.reading`: regular files only, never through a link), nesting deeper than
``MAX_DEPTH``, numbers longer than ``MAX_NUMBER_CHARS``. Nothing here raises for any input.
Accepted: CRLF line ends and a UTF-8 BOM.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

import yaml

from duban.load.characters import char_name, shown
from duban.load.reading import MAX_BYTES as MAX_BYTES
from duban.load.reading import decode, read_bounded, too_large
from duban.load.yamlbuild import MAX_DEPTH as MAX_DEPTH
from duban.load.yamlbuild import Builder, location_of
from duban.load.yamlcore import MAX_NUMBER_CHARS as MAX_NUMBER_CHARS
from duban.load.yamlhints import diagnose
from duban.problems import Problem
from duban.problems import json_path as _json_path
from duban.source import Location
from duban.text import Text

try:  # libyaml is part of every PyYAML wheel; the pure-Python parser is a slow fallback.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]
from duban.source import Document, Path_

_NODE_TAGS: dict[type, str] = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Loader(_BaseLoader):
    """Composes the node tree only. Plain scalars get their type from
    :class:`~duban.load.yamlbuild.Builder` (YAML 1.2 core), so PyYAML's YAML 1.1 resolver, a
    regex search per scalar, is skipped; explicit tags are kept as written and checked by the
    builder."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return _NODE_TAGS[kind]

    def descend_resolver(self, *_: Any) -> None:  # path-based resolvers: not used
        pass

    def ascend_resolver(self, *_: Any) -> None:
        pass


#: Where an anchor (``&a``) or alias (``*a``) can start: at a line start, after a space
#: (``- *a``, ``key: &a``) or a flow indicator (``[*a]``, ``{"k":*a}``). A ``&`` or ``*``
#: elsewhere ("R&D", ``a*b``) cannot be one, so the text is not parsed a second time for it.
_ANCHOR_START = re.compile(r"(?:^|[\s\[{,:?])[&*]", re.M)


def load_file(
    path: Path, display: str | None = None, *, comments: bool = False
) -> tuple[Document | None, list[Problem]]:
    """Read (bounded, regular files only) and parse one YAML file strictly; never raises."""
    name = display if display is not None else str(path)
    raw, problem = read_bounded(path, name)
    if raw is None:
        return None, [problem] if problem is not None else []
    return load_text(raw, name, comments=comments)


def load_text(
    raw: str | bytes, display: str, *, comments: bool = False
) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text (or bytes, which must be UTF-8) strictly.

    With ``comments``, a document is returned with warnings (severity ``warning``) for each
    plain value that a `` #`` cut short (:func:`duban.load.yamlhints.comment_cut`)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            return None, [too_large(display, len(raw))]
        text, problem = decode(raw, display)
        if problem is not None:
            return None, [problem]
    else:
        text = raw
    text = text.removeprefix("\ufeff")

    next_line = text.find(NEXT_LINE)
    if next_line >= 0:  # YAML 1.1 reads it as a line break: the value would silently change
        return None, [_control_problem(text, display, next_line)]
    problems = _check_tabs(text, display)
    if _ANCHOR_START.search(text):
        problems += _check_anchors(text, display)
    if problems:
        return None, problems

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, display, text)]
    except yaml.YAMLError as exc:  # reader errors (e.g. forbidden characters)
        return None, [_reader_problem(exc, text, display)]
    finally:
        loader.dispose()

    if node is None:
        return None, [
            Problem(
                "yaml-empty",
                Location(display, 1, 1),
                Text("文件为空（没有任何内容）", "the file is empty"),
            )
        ]
    if not isinstance(node, yaml.MappingNode):
        return None, [
            Problem(
                "yaml-not-mapping",
                location_of(display, node.start_mark),
                Text(
                    "顶层必须是键值映射（如 “title: 制定方案”）",
                    "the top level must be a mapping (key: value)",
                ),
            )
        ]
    builder = Builder(display, _commented(text) if comments and "#" in text else None)
    data = builder.build(node, ())
    if builder.problems:
        return None, builder.problems
    return Document(display, data, builder.positions, text), builder.warnings


def _commented(text: str) -> dict[int, str] | None:
    """The lines (0-based number → text) where a comment may follow a value: a ``#`` after
    something else than spaces. None when there is none (a whole-line comment does not count)."""
    lines = {
        number: line
        for number, line in enumerate(text.splitlines())
        if "#" in line and not line.lstrip().startswith("#")
    }
    return lines or None


def _check_tabs(text: str, display: str) -> list[Problem]:
    if "\t" not in text:
        return []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        col = line.find("\t", 0, indent)
        if col >= 0 and line.strip():
            problems.append(
                Problem(
                    "yaml-tab-indent",
                    Location(display, number, col + 1),
                    Text(
                        "缩进中有制表符（Tab），YAML 只能用空格缩进",
                        "tab character in indentation; YAML indents with spaces only",
                    ),
                )
            )
    return problems


def _check_anchors(text: str, display: str) -> list[Problem]:
    """Anchors and aliases are refused outright: found on the event stream, never expanded."""
    problems = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                problems.append(
                    Problem(
                        "yaml-alias",
                        location_of(display, event.start_mark),
                        Text(
                            f"不允许使用别名（*{event.anchor}）；请直接写出内容",
                            f"aliases are not allowed (*{event.anchor}); write the value out",
                        ),
                    )
                )
            elif anchor := getattr(event, "anchor", None):
                problems.append(
                    Problem(
                        "yaml-anchor",
                        location_of(display, event.start_mark),
                        Text(
                            f"不允许使用锚点（&{anchor}）",
                            f"anchors are not allowed (&{anchor})",
                        ),
                    )
                )
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, display, text))
    except yaml.YAMLError as exc:
        problems.append(_reader_problem(exc, text, display))
    return problems


def _syntax_problem(exc: yaml.MarkedYAMLError, display: str, text: str) -> Problem:
    """libyaml's error, at the line of the mistake and explained when its cause is known
    (:func:`duban.load.yamlhints.diagnose`), else in libyaml's words at its position."""
    mark = exc.problem_mark or exc.context_mark
    where = location_of(display, mark) if mark is not None else Location(display, 1, 1)
    detail = exc.problem or exc.context or "syntax error"
    if "expected a single document" not in (exc.context or "") and mark is not None:
        context = exc.context_mark.line if exc.context_mark is not None else None
        hint = diagnose(text, mark.line, context, exc.problem or "")
        if hint is not None:
            return Problem(hint.code, Location(display, hint.line, hint.col), hint.text)
    if "invalid Unicode character escape" in detail:
        return _bad_escape(where)
    if "expected a single document" in (exc.context or ""):
        return Problem(
            "yaml-multiple-documents",
            where,
            Text(
                "一个文件只能有一个 YAML 文档（发现第二个 ---）",
                "a file must hold exactly one YAML document (found a second one)",
            ),
        )
    return Problem(
        "yaml-syntax", where, Text(f"YAML 语法错误：{detail}", f"YAML syntax error: {detail}")
    )


def _bad_escape(where: Location) -> Problem:
    """An escape ``\\uD800`` (a surrogate, alone or paired) or beyond U+10FFFF."""
    return Problem(
        "yaml-bad-escape",
        where,
        Text(
            f"第 {where.line} 行第 {where.col} 列：双引号中的转义不是有效字符（U+D800–U+DFFF 的"
            "代理码点不能单独写，也不能成对写，码点也不能超过 U+10FFFF）；请直接写出这个字符，"
            "或写成 8 位的转义（如 😀 写作 \\U0001F600），不需要的话删除这个转义",
            f"line {where.line}, column {where.col}: an escape in double quotes is not a "
            "character (surrogates U+D800–U+DFFF cannot be written, alone or in pairs, nor "
            "anything beyond U+10FFFF); write the character itself or an 8-digit escape "
            "(\\U0001F600), or delete the escape",
        ),
    )


#: What the YAML reader refuses written raw in a file (YAML 1.2's non-printable characters):
#: C0 but tab and line ends, DEL, C1 but NEL, U+FFFE and U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _reader_problem(exc: yaml.YAMLError, text: str, display: str) -> Problem:
    """A character libyaml refuses (control characters and the like), at its line and column
    (libyaml counts bytes; the first unprintable character of the text is the one it met),
    named by code point and name only, with the field it is in when the rest can be read."""
    found = _UNPRINTABLE.search(text)
    character = getattr(exc, "character", None)
    if found is None or not isinstance(character, int):
        detail = str(exc).splitlines()[0] if str(exc) else "unreadable"
        return Problem(
            "yaml-syntax",
            Location(display, 1, 1),
            Text(f"无法读取 YAML: {detail}", f"unreadable YAML: {detail}"),
        )
    return _control_problem(text, display, found.start())


#: U+0085 NEXT LINE: printable to libyaml, which reads it as a line break (YAML 1.1), so a
#: value holding it would load changed (folded into a space); refused like a control.
NEXT_LINE = "\x85"


def _control_problem(text: str, display: str, at: int) -> Problem:
    """The control character at offset ``at`` of ``text``, at its line and column (as an
    editor counts them), named by code point and name only, with the field it is in when
    the rest can be read."""
    before = text[:at]
    line, col = before.count("\n") + 1, at - before.rfind("\n")
    name = char_name(text[at])
    path = _field_at(_UNPRINTABLE.sub("\ufffd", text).replace(NEXT_LINE, "\ufffd"), line, col)
    field = shown(_json_path(path)) if path else ""
    in_zh, in_en = (f"（字段 {field} 处）", f" (at field {field})") if field else ("", "")
    return Problem(
        "yaml-control-character",
        Location(display, line, col),
        Text(
            f"第 {line} 行第 {col} 列{in_zh}有不允许的控制字符 {name}：YAML 文件中不能直接写"
            "控制字符，它在终端和报告中可能改写或隐藏其他文字。请删除该字符（在编辑器中打开"
            "“显示不可见字符”后删除，或重新输入这段文字）",
            f"forbidden control character {name} at line {line}, column {col}{in_en}: a YAML "
            "file cannot hold control characters, which can rewrite or hide other text in a "
            "terminal or a report; delete it (show invisible characters in the editor, or "
            "type the text again)",
        ),
        field=field,
    )


def _field_at(text: str, line: int, col: int) -> Path_ | None:
    """The field written last before ``line``:``col`` (1-based) of ``text``, if it parses."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return None
    builder = Builder("")
    builder.build(node, ())
    before = [(pos, path) for path, pos in builder.positions.items() if pos <= (line, col)]
    return max(before, key=lambda item: (item[0], len(item[1])))[1] if before else None


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What libyaml counts as a line break (YAML 1.1), for its marks' line numbers."""


def comment_lines(text: str) -> list[int]:
    """The 1-based lines (as libyaml counts them) holding a comment: a ``#`` outside every
    scalar, keys included. For text that :func:`load_text` loads; [] for any other."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    def offset(mark: Any) -> int:
        return int(starts[mark.line] + mark.column)

    try:
        spans = sorted(
            (offset(event.start_mark), offset(event.end_mark))
            for event in yaml.parse(text, Loader=_Loader)
            if isinstance(event, yaml.ScalarEvent)
        )
    except (yaml.YAMLError, IndexError):
        return []
    found: list[int] = []
    at, span = 0, 0
    while (at := text.find("#", at)) >= 0:
        while span < len(spans) and spans[span][1] <= at:
            span += 1
        if not (span < len(spans) and spans[span][0] <= at < spans[span][1]):
            line = bisect.bisect_right(starts, at)
            if not found or found[-1] != line:
                found.append(line)
        at += 1
    return found
