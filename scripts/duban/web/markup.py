"""Small markup helpers for the site's pages: escaping, dates, badges, tables, front matter.

The one place where ledger text becomes page text: :func:`esc` for Markdown and HTML (page
titles and ``site_name`` too), :func:`json_text` for JSON, :func:`plain_text` for iCalendar,
:func:`yaml_text` for the front matter and the generated ``mkdocs.yml``."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import yaml

from duban.stats.figures import rate as stats_rate
from duban.stats.records import Rate
from duban.status.records import LIGHT_LABELS, STATE_LABELS, TaskStatus

#: ASCII punctuation that is syntax only where a line starts (``-``, ``1.``, ``???``): left
#: as it is inside a text (``ES-2026-0001``); the rest always becomes a character reference.
_PLAIN_PUNCTUATION = frozenset(",-./;%?")
_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
#: Each ASCII punctuation character and what :func:`esc` writes for it.
_REFS = {c: _NAMED.get(c, f"&#{ord(c)};") for c in string.punctuation}
_ESCAPE_MIDDLE = str.maketrans({c: ref for c, ref in _REFS.items() if c not in _PLAIN_PUNCTUATION})
_ESCAPE_ALL = str.maketrans(_REFS)


def esc(text: Any) -> str:
    """Ledger text as text, wherever a page puts it: a Markdown paragraph, heading or table
    cell, raw HTML, an attribute value, a page title in the front matter. The one escape of
    the site: every page producer passes ledger text through it.

    Every ASCII punctuation character that is syntax anywhere (HTML's ``& < > " '``,
    Markdown's links, emphasis, code, tables, headings, raw HTML, ``[[``, attribute lists
    ``{: }``, footnotes ``[^``, admonitions ``!!!``, and the extensions' ``==``, ``~~``,
    ``^^``, ``++``, ``:emoji:``, ``$math$``) becomes a character reference, which Markdown
    passes through untouched and a browser shows as the character; so do the few harmless
    ones (``, - . / ; % ?``) where a line could start with them (a list item ``-`` or
    ``1.``, a rule ``---``, ``???``). White space, line ends included, becomes single
    spaces: a heading, a table row or a raw HTML block never ends inside ledger text."""
    value = " ".join(str(text).split())
    digits = len(value) - len(value.lstrip(string.digits))  # ``12.`` starts a list too
    start = value[digits : digits + 1]
    if not digits or start in ".)":
        start = start.translate(_ESCAPE_ALL)
    return value[:digits] + start + value[digits + 1 :].translate(_ESCAPE_MIDDLE)


#: The same escape (:func:`esc`): safe in Markdown, raw HTML and attribute values alike.
hesc = esc


def json_text(payload: Any) -> str:
    """``payload`` as compact JSON that is safe to embed in HTML: ``<``, ``>`` and ``&`` (and
    the JavaScript line separators) written as ``\\u`` escapes, so no value can close a
    ``<script>`` element or open a comment. Values are not HTML-escaped: a JSON reader gets
    the ledger text exactly."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_JSON_UNSAFE)


_JSON_UNSAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})


def plain_text(text: Any) -> str:
    """Ledger text for a client that may render markup (iCalendar SUMMARY and DESCRIPTION,
    which the ``icalendar`` package escapes per RFC 5545): one line, and ``<``, ``>`` as the
    full-width ``＜``, ``＞``, so that no tag can form."""
    return " ".join(str(text).split()).translate(_NO_TAGS)


_NO_TAGS = str.maketrans({"<": "＜", ">": "＞"})


def day(d: date | None, provisional: bool = False) -> str:
    if d is None:
        return "—"
    mark = ' <span class="duban-prov" title="跨入尚未发布放假安排的年份，按估算">暂定</span>'
    return d.isoformat() + (mark if provisional else "")


def badge(light: str) -> str:
    return f'<span class="duban-light duban-{light}">{LIGHT_LABELS[light].zh}</span>'


def state_badge(state: str) -> str:
    return f'<span class="duban-state duban-st-{state}">{STATE_LABELS[state].zh}</span>'


def rate(statuses: Iterable[TaskStatus]) -> Rate:
    """The on-time rate (按期办结率) as counts: on time / (completed + open overdue), the
    one rule of ``duban stats`` (:func:`duban.stats.figures.rate`)."""
    return stats_rate(statuses)


def rate_text(on_time: int, total: int) -> str:
    if total == 0:
        return "—"
    return f"{100 * on_time / total:.1f}%"


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) if len(lines) > 2 else "（无）"


_DATE_CELL = re.compile(r'^<td((?: data-label="[^"]*")?)>(?=\d{4}-\d\d-\d\d)')


def _nowrap(m: re.Match[str]) -> str:
    return f'<td class="duban-date"{m.group(1)}>'


_TAGS = re.compile(r"<[^>]*>")


def html_table(head: Sequence[str], rows: Iterable[Sequence[str]], search: bool = True) -> str:
    """A raw HTML table (cells already HTML): Markdown leaves it alone, which keeps big
    tables fast to build. ``search=False`` marks it ``data-search-exclude`` (Material's
    search plugin skips the block; the rest of its section stays searchable)."""
    # Each cell names its column (data-label): on a phone the site's CSS shows a wide table as
    # one card per row, each cell with its column's name (docs/assets/duban.css).
    labels = [f' data-label="{hesc(_TAGS.sub("", h))}"' for h in head]
    body = "".join(
        "<tr>"
        + "".join(
            _DATE_CELL.sub(_nowrap, f"<td{labels[i] if i < len(labels) else ''}>{c}</td>")
            for i, c in enumerate(row)
        )
        + "</tr>\n"
        for row in rows
    )
    if not body:
        return "<p>（无）</p>\n"
    th = "".join(f"<th>{h}</th>" for h in head)
    tag = "<table>" if search else "<table data-search-exclude>"
    return f"{tag}\n<thead><tr>{th}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def front(title: str, *hide: str, search: bool = True) -> str:
    """Front matter. The title is ledger text: MkDocs Material writes it into ``<title>`` and
    the header as it is (its templates do not escape), so it is escaped (:func:`esc`) and
    written as a YAML double-quoted string (:func:`yaml_string`). ``search=False`` keeps a
    list page out of the search index: searches should land on the task itself, and long
    lists would only slow the build."""
    lines = ["---", f"title: {yaml_string(esc(title))}"]
    if hide:
        lines.append(f"hide: [{', '.join(yaml_string(h) for h in hide)}]")
    if not search:
        lines.append("search: {exclude: true}")
    return "\n".join([*lines, "---", ""])


#: What a YAML double-quoted string may not hold as it is: characters YAML does not print
#: (DEL, C1 controls, U+FFFE, U+FFFF) and line breaks it would fold (U+0085, U+2028, U+2029),
#: besides the C0 controls, quote and backslash that JSON already escapes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted string that reads back exactly: JSON's quoting (a
    subset of YAML's escapes) and ``\\uXXXX`` for what YAML would not keep as it is. Written
    by hand because PyYAML's emitter, pure Python, took two seconds for 10,000 front
    matters; :func:`yaml_text` writes everything else."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def yaml_text(data: Any) -> str:
    """``data`` as YAML (the front matter, the generated ``mkdocs.yml``): written by PyYAML's
    emitter, which quotes and escapes whatever a string holds."""
    text: str = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 16)
    return text
