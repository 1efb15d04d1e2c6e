"""Hints about values that loaded but do not say what the clerk meant: a ` #` that cut a
plain value short (a comment, not text), and a key glued to its value (``title:xxx``,
``title：xxx``), which YAML reads as one piece of text."""

from __future__ import annotations

import re

from duban.load.yamlhints import FULL_COLON, FULL_SPACE, KEY, quote, shown
from duban.text import Text


def comment_cut(line: str, value_end: int) -> int:
    """The 0-based column of a `` #`` comment right after a plain value ending at
    ``value_end``, or -1. A comment set off the way comments are written on purpose (two or
    more spaces, then ``# ``) is not reported."""
    rest = line[value_end:]
    found = re.match(r"([ \t]+)#", rest)
    if found is None:
        return -1
    deliberate = len(found[1]) >= 2 and rest[found.end() : found.end() + 1] in (" ", "")
    return -1 if deliberate else value_end + found.end() - 1


def comment_text(number: int, key: str, kept: str, line: str, col: int) -> Text:
    """The warning for a value cut short by `` #`` at ``col`` (0-based) of line ``number``."""
    whole = (kept + " " + line[col:].strip()).strip()
    fixed = f"{key}: {quote(whole)}"
    return Text(
        f"第 {number} 行“ #”之后的文字被 YAML 当成注释，“{key}” 的值只剩“{kept}”；如果"
        f" # 是内容的一部分，请给整段内容加英文双引号，写成：{shown(fixed)}",
        f"line {number}: ' #' turns the rest of the line into a comment, so '{key}' is only "
        f"'{kept}'; if the # belongs to the text, quote it: {shown(fixed)}",
    )


_GLUED = re.compile(rf"(?P<key>{KEY})(?P<sep>[:：])(?P<value>[^ \t\u3000].*)?\Z", re.S)


def glued(written: str) -> tuple[str, Text] | None:
    """A key or list item that is really ``key:value`` (no space) or ``key：value``, which
    YAML reads as one piece of text: its code (the one :func:`diagnose` gives the same
    mistake) and message, else ``None``."""
    bare = written.lstrip(FULL_SPACE)
    if bare != written and re.fullmatch(KEY, bare):
        return "yaml-fullwidth-space", Text(
            f"“{bare}” 前面是全角空格（中文输入法下的空格），YAML 不把它当缩进，“{bare}” 就"
            "不在它应在的位置了；缩进只能用半角空格，与上一行同一层的字段对齐",
            f"'{bare}' is preceded by full-width spaces, which YAML does not take for "
            "indentation; indent with ASCII spaces, in line with the fields around it",
        )
    found = _GLUED.match(written)
    if found is None or (found["sep"] == ":" and not found["value"]):
        return None
    key, value = found["key"], (found["value"] or "").strip()
    fixed = shown(f"{key}: {value}")
    if found["sep"] == FULL_COLON:
        return "yaml-fullwidth-colon", Text(
            f"“{shown(written)}” 用了中文冒号“：”，YAML 把它当成一段文字，“{key}” 这个字段就"
            f"不存在了；键后面要用英文冒号“:”再加一个空格，应写成：{fixed}",
            f"'{shown(written)}' uses a full-width colon '：', so YAML reads it as text and "
            f"the field '{key}' is missing; write an ASCII colon and a space: {fixed}",
        )
    return "yaml-no-space-after-colon", Text(
        f"“{shown(written)}” 的冒号后面缺少空格，YAML 把它当成一段文字，“{key}” 这个字段"
        f"就不存在了；应写成：{fixed}",
        f"'{shown(written)}' has no space after the colon, so YAML reads it as text and the "
        f"field '{key}' is missing; write: {fixed}",
    )


__all__ = ["comment_cut", "comment_text", "glued"]
