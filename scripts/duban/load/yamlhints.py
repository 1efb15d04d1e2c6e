"""What a clerk most likely did wrong, when libyaml refuses a file.

libyaml reports where it gave up, which is often the line *after* the mistake and always in
its own English. :func:`diagnose` looks at the raw lines around that place for the mistakes
a Chinese keyboard makes — a full-width colon, comma, space or bracket, no space after a
colon, a colon or ``#`` inside a one-line ``{...}``, an indentation that does not line up —
and returns the line and column of the mistake itself with a message in Chinese saying how to
fix it. :func:`comment_cut` is the warning for a `` #`` that silently turns the rest of a
value into a comment. Pure functions over text: no parsing state, nothing raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.text import Text


@dataclass(frozen=True, slots=True)
class Hint:
    """A diagnosed mistake: its code, 1-based line and column, and what to do."""

    code: str
    line: int
    col: int
    text: Text


FULL_COLON = "："
FULL_COMMA = "，"
FULL_SPACE = "\u3000"
#: Full-width brackets a Chinese keyboard types for YAML's ``{}`` and ``[]``.
FULL_BRACKETS = "｛｝【】［］（）〔〕"

KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
#: ``  - key`` at a line start: indentation, an optional list dash, a simple key.
_LEAD = re.compile(rf"(?P<indent>[ \u3000]*)(?P<dash>-[ \u3000]+)?(?P<key>{KEY})")
#: What follows a comma that separates fields: ``key: ``.
_FIELD = re.compile(rf"[ \u3000]*{KEY}[:：]")
_SHOWN = 40
"""At most this many characters of a line are quoted in a message."""


def shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def quote(value: str) -> str:
    """``value`` as a YAML double-quoted string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def diagnose(
    text: str, problem_line: int, context_line: int | None = None, problem: str = ""
) -> Hint | None:
    """The mistake behind a libyaml error, or ``None`` when none of the known ones is seen.

    ``problem_line`` and ``context_line`` are libyaml's 0-based problem and context marks'
    lines; ``problem`` is its message. The lines from the context (or the line before the
    problem) to the problem are searched top-down for a mistake of a known kind; then the
    problem line, and the one before it, for an indentation that does not line up.
    """
    lines = text.splitlines()
    if not lines or problem_line < 0:
        return None
    separator = _separator_hint(text, problem_line)
    if separator is not None:
        return separator
    last = min(problem_line, len(lines) - 1)
    first = last - 1
    if context_line is not None and 0 <= context_line < first:
        first = max(context_line, last - 20)  # a bounded look back
    for number in range(max(first, 0), last + 1):
        hint = _line_hint(lines[number], number + 1)
        if hint is not None:
            return hint
    for number in (last, last - 1):
        if number >= 0 and (hint := _indent_hint(lines, number, problem)) is not None:
            return hint
    return None


_SEPARATOR = re.compile("[\u2028\u2029]")


def _separator_hint(text: str, problem_line: int) -> Hint | None:
    """A line or paragraph separator (U+2028, U+2029: invisible, pasted from a web page or a
    document, and written as they are by some YAML writers, a web form's among them) at or
    before the problem: libyaml ends the line there."""
    found = _SEPARATOR.search(text)
    if found is None:
        return None
    before = text[: found.start()]
    number = len(re.findall("\r\n|[\r\n\x85\u2028\u2029]", before)) + 1
    if number - 1 > problem_line:
        return None
    start = max(before.rfind("\n"), before.rfind("\u2028"), before.rfind("\u2029")) + 1
    line = found.group() == "\u2028"
    name = "U+2028 行分隔符" if line else "U+2029 段落分隔符"
    name_en = "U+2028 line separator" if line else "U+2029 paragraph separator"
    return Hint(
        "yaml-line-separator",
        number,
        found.start() - start + 1,
        Text(
            f"第 {number} 行有看不见的字符 {name}（多见于从网页或文档复制的文字），"
            "YAML 会在这里断行；请删除这个字符（在网页表单中删去后重新输入这段文字）",
            f"line {number} holds an invisible {name_en} (often pasted from a web page or a "
            "document), where YAML ends the line: remove it",
        ),
    )


def _line_hint(line: str, number: int) -> Hint | None:
    """A full-width character or a missing space on one line, else a ``{...}`` mistake."""
    lead = _LEAD.match(line)
    if FULL_SPACE in line[: lead.start("key") if lead else len(line) - len(line.lstrip())]:
        col = line.index(FULL_SPACE) + 1
        return Hint(
            "yaml-fullwidth-space",
            number,
            col,
            Text(
                f"第 {number} 行开头有全角空格（中文输入法下的空格“\u3000”）；YAML 的缩进只能用"
                "半角空格，请切换到英文输入法重新输入这一行的缩进",
                f"line {number} is indented with a full-width space (U+3000); indent with "
                "ASCII spaces only",
            ),
        )
    if lead is not None:
        hint = _after_key(line, number, lead)
        if hint is not None:
            return hint
    if "{" in line or "｛" in line:
        return _flow_hint(line, number)
    return None


def _after_key(line: str, number: int, lead: re.Match[str]) -> Hint | None:
    """What follows ``key``: a full-width colon, no space, a full-width space, or a value
    holding ``: ``."""
    key, end = lead["key"], lead.end("key")
    rest = line[end:]
    if rest.startswith(FULL_COLON):
        fixed = line[:end] + ": " + rest[1:].lstrip(" \u3000")
        return Hint(
            "yaml-fullwidth-colon",
            number,
            end + 1,
            Text(
                f"第 {number} 行 “{key}” 后面用了中文冒号“：”；YAML 的键后面要用英文冒号“:”"
                f"再加一个空格，应写成：{shown(fixed)}",
                f"line {number}: the key '{key}' is followed by a full-width colon '：'; "
                f"write an ASCII colon and a space: {shown(fixed)}",
            ),
        )
    if not rest.startswith(":") or len(rest) == 1:
        return None
    after = rest[1]
    if after == FULL_SPACE:
        fixed = line[:end] + ": " + rest[1:].lstrip(" \u3000")
        return Hint(
            "yaml-fullwidth-space",
            number,
            end + 2,
            Text(
                f"第 {number} 行 “{key}:” 后面是全角空格（中文输入法下的空格）；冒号后面要用"
                f"半角空格，应写成：{shown(fixed)}",
                f"line {number}: '{key}:' is followed by a full-width space; use an ASCII "
                f"space: {shown(fixed)}",
            ),
        )
    if after not in " \t" and not lead["dash"]:
        fixed = line[:end] + ": " + rest[1:]
        return Hint(
            "yaml-no-space-after-colon",
            number,
            end + 2,
            Text(
                f"第 {number} 行 “{key}:” 的冒号后面缺少空格，YAML 会把整行当成一段文字，"
                f"“{key}” 这个字段就不存在了；应写成：{shown(fixed)}",
                f"line {number}: no space after the colon of '{key}:', so YAML reads the "
                f"whole line as text and the field '{key}' is missing; write: {shown(fixed)}",
            ),
        )
    value = rest[1:].strip()
    if value and value[0] not in "\"'{[|>&*!" and _inner_colon(value) >= 0:
        value_start = end + 1 + len(rest[1:]) - len(rest[1:].lstrip())
        col = value_start + _inner_colon(value) + 1
        fixed = line[:end] + ": " + quote(value)
        return Hint(
            "yaml-colon-in-value",
            number,
            col,
            Text(
                f"第 {number} 行 “{key}” 的内容里有“冒号加空格”，YAML 会当成又一个字段；"
                f"请给内容加上英文双引号，写成：{shown(fixed)}",
                f"line {number}: the value of '{key}' holds a colon followed by a space, "
                f"which YAML reads as another field; quote the value: {shown(fixed)}",
            ),
        )
    return None


def _inner_colon(value: str) -> int:
    """Where ``value`` holds ``: `` (or ends in ``:``), outside a comment; else -1."""
    cut = _comment_start(value)
    body = value[:cut] if cut >= 0 else value
    found = re.search(r":(?:[ \t]|$)", body.rstrip())
    return found.start() if found else -1


def _comment_start(value: str) -> int:
    found = re.search(r"(?:^|[ \t])#", value)
    return -1 if found is None else found.start() + (value[found.start()] != "#")


def _flow_hint(line: str, number: int) -> Hint | None:
    """A one-line ``{key: value, ...}``: full-width braces or commas, a ``#`` or a colon in a
    value."""
    open_ = line.find("｛")
    if open_ >= 0 and (line.find("{") < 0 or open_ < line.find("{")):
        return _bracket_hint(line, number, open_)
    start = line.find("{")
    segment = ""
    quote = ""
    seg_start = start + 1
    for index in range(start + 1, len(line)):
        char = line[index]
        if quote:
            if char == quote:
                quote = ""
            segment += char
            continue
        at_value = not segment.strip() or (":" in segment and not segment.partition(":")[2].strip())
        if char in "\"'" and at_value:
            quote = char
        elif char == FULL_COMMA and _FIELD.match(line, index + 1):
            return _comma_hint(line, number, index)
        elif char in FULL_BRACKETS and at_value:
            return _bracket_hint(line, number, index)
        elif char == "#" and line[index - 1] in " \t":
            return _hash_hint(line, number, index, segment)
        elif char in ",}":
            hint = _segment_hint(line, number, seg_start, segment)
            if hint is not None or char == "}":
                return hint
            segment, seg_start = "", index + 1
            continue
        segment += char
    return _segment_hint(line, number, seg_start, segment)


def _segment_hint(line: str, number: int, start: int, segment: str) -> Hint | None:
    """``key: value`` of a ``{...}`` whose value holds another ``: ``."""
    key, sep, value = segment.partition(":")
    if not sep:
        return None
    stripped = value.strip()
    if not stripped or stripped[0] in "\"'[{":
        return None
    at = re.search(r":(?:[ \t]|$)", value)
    if at is None:
        return None
    col = start + len(key) + 1 + at.start() + 1
    fixed = f"{key.strip()}: {quote(stripped)}"
    return Hint(
        "yaml-colon-in-value",
        number,
        col,
        Text(
            f"第 {number} 行 {{...}} 中 “{key.strip()}” 的内容里有“冒号加空格”，YAML 会当成"
            f"又一个字段；请给内容加上英文双引号，写成：{shown(fixed)}",
            f"line {number}: in the {{...}}, the value of '{key.strip()}' holds a colon "
            f"followed by a space; quote the value: {shown(fixed)}",
        ),
    )


def _hash_hint(line: str, number: int, index: int, segment: str) -> Hint:
    key, _, value = segment.partition(":")
    close = line.rfind("}")
    rest = line[index:close] if close > index else line[index:]
    whole = (value.strip() + " " + rest.strip()).strip()
    fixed = f"{key.strip()}: {quote(whole)}"
    return Hint(
        "yaml-comment-in-flow",
        number,
        index + 1,
        Text(
            f"第 {number} 行 {{...}} 中的“ #”之后被 YAML 当成注释，连同右花括号“}}”一起被"
            f"忽略；请给内容加上英文双引号，写成：{shown(fixed)}",
            f"line {number}: in the {{...}}, ' #' starts a comment that swallows the rest of "
            f"the line, the closing '}}' included; quote the value: {shown(fixed)}",
        ),
    )


def _comma_hint(line: str, number: int, index: int) -> Hint:
    return Hint(
        "yaml-fullwidth-comma",
        number,
        index + 1,
        Text(
            f"第 {number} 行 {{...}} 中用了中文逗号“，”分隔字段；字段之间要用英文逗号“,”"
            "再加一个空格（内容里本来就有的中文逗号，请给整段内容加英文双引号）",
            f"line {number}: a full-width comma '，' separates the fields of the {{...}}; "
            "use an ASCII comma and a space (quote a value that holds a full-width comma)",
        ),
    )


def _bracket_hint(line: str, number: int, index: int) -> Hint:
    char = line[index]
    return Hint(
        "yaml-fullwidth-bracket",
        number,
        index + 1,
        Text(
            f"第 {number} 行用了中文括号“{char}”；YAML 的列表用英文方括号“[ ]”，一行写完的"
            "记录用英文花括号“{ }”，请切换到英文输入法重新输入",
            f"line {number}: a full-width bracket '{char}'; YAML lists use ASCII '[ ]' "
            "and one-line records ASCII '{ }'",
        ),
    )


def bracket_value(value: object) -> str | None:
    """The full-width bracket a text value starts with (``【czj】`` for a list), if any."""
    if isinstance(value, str) and value[:1] in FULL_BRACKETS:
        return value[0]
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent_hint(lines: list[str], number: int, problem: str) -> Hint | None:
    """Line ``number`` (0-based) is indented to no level of the lines above it."""
    line = lines[number]
    if not _content(line) or number == 0:
        return None
    levels: list[int] = []  # indents of the enclosing lines, innermost last
    above = None
    for previous in range(number - 1, -1, -1):
        if not _content(lines[previous]):
            continue
        width = _indent(lines[previous])
        if above is None:
            above = previous
            levels.append(width)
        elif width < levels[-1]:
            levels.append(width)
        if width == 0:
            break
    if above is None:
        return None
    width = _indent(line)
    opens = lines[above].rstrip().endswith(":")
    dash_in = width == levels[0] + 2 and lines[above].lstrip().startswith("- ")
    if width in levels or (opens and width > levels[0]) or dash_in:
        return None
    if "-" not in problem and "key" not in problem and "mapping values" not in problem:
        return None
    return Hint(
        "yaml-indent",
        number + 1,
        width + 1,
        Text(
            f"第 {number + 1} 行缩进了 {width} 个空格，与上面的行对不齐（第 {above + 1} 行缩进 "
            f"{levels[0]} 个空格）；同一层的字段要左对齐，请用与上一行相同个数的空格",
            f"line {number + 1} is indented {width} spaces, which does not line up with the "
            f"lines above (line {above + 1}: {levels[0]} spaces); fields of one level must "
            "start in the same column",
        ),
    )
