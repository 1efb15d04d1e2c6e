"""Plain-text and Markdown tables (CJK characters count as two columns), and ledger text
made safe for them: one line (:func:`one_line`), Markdown that stays text (:func:`md_text`),
links only to plain ``http(s)`` addresses (:func:`safe_url`)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence

from duban.check.hygiene import SAFE_URL

#: U+2060 WORD JOINER: invisible, and it keeps ``@name`` and ``#12`` from being mentions or
#: references, and ``https://`` or ``www.`` from being links, in the forge's Markdown.
_JOIN = "\u2060"
#: Punctuation that is Markdown only at the start of a line (a list item, a rule): escaped
#: there, left alone inside a text (``ES-2026-0001``).
_LINE_START_ONLY = frozenset(",-./;%?")
_MD_ESCAPE_ALL = str.maketrans({c: "\\" + c for c in string.punctuation})
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation if c not in _LINE_START_ONLY})
_AUTOLINKS = re.compile(r"(?<=[@#:])|(?<=w)(?=ww)", re.I)


def one_line(text: object) -> str:
    """Ledger text on one line: every line end (and the Unicode line separators), with the
    spaces around it, one space. A line of output can start only where duban starts it, so a title
    cannot start a workflow command (``::error``, ``::add-mask::``) or a fake line."""
    return _BREAKS.sub(" ", str(text))


#: What ends a line for a terminal, a log or a workflow runner (and runs of spaces and tabs
#: around it); other white space, the full-width space a message may name among it, stays.
_BREAKS = re.compile(
    "[ \t]*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029][ \t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]*"
)


def md_text(text: object) -> str:
    """Ledger text as text in Markdown (GitHub, Gitea and Forgejo issues and step summaries):
    one line, ASCII punctuation backslash-escaped (CommonMark allows it for all of it: no
    link, emphasis, code, table cell end, heading or HTML; ``, - . / ; % ?`` only where a
    line could start with them, as :func:`duban.web.markup.esc` does), and a word
    joiner after ``@``, ``#`` and ``:`` and inside ``www`` (no mention, no issue reference,
    no emoji code, no autolink)."""
    value = one_line(text)
    digits = len(value) - len(value.lstrip(string.digits))  # ``12.`` starts a list too
    start = value[digits : digits + 1]
    if not digits or start in ".)":
        start = start.translate(_MD_ESCAPE_ALL)
    escaped = value[:digits] + start + value[digits + 1 :].translate(_MD_ESCAPES)
    return _AUTOLINKS.sub(_JOIN, escaped)


def safe_url(url: str) -> str:
    """``url`` when it is an ``http(s)`` address with nothing that could end an attribute or
    a Markdown link or become markup; "" otherwise (``javascript:``, ``data:``, quotes,
    spaces, brackets, parentheses)."""
    return url if SAFE_URL.fullmatch(url) else ""


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def clip(text: str, size: int) -> str:
    if width(text) <= size:
        return text
    out = ""
    for char in text:
        if width(out + char) > size - 1:
            break
        out += char
    return out + "…"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    sizes = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rows = [[one_line(c) for c in row] for row in rows]
    lines = ["  ".join(pad(c, sizes[i]) for i, c in enumerate(r)).rstrip() for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * n for n in sizes))
    return "\n".join(lines)


def md_cell(text: str) -> str:
    """A cell of a Markdown table: :func:`md_text` (``|`` escaped with the rest)."""
    return md_text(text)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(md_cell(c) for c in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
