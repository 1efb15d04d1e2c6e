"""Small markup helpers for the site's pages: escaping, dates, badges, tables, front matter."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from duban.stats.figures import rate as stats_rate
from duban.stats.records import Rate
from duban.status.records import LIGHT_LABELS, STATE_LABELS, TaskStatus


def esc(text: Any) -> str:
    """Text for Markdown (tables included): HTML-escaped, Markdown specials and line ends
    neutralised."""
    value = html.escape(str(text), quote=False)
    value = value.replace("\\", "\\\\")
    for char in "`*_[]|#":
        value = value.replace(char, "\\" + char)
    return " ".join(value.split())


def hesc(text: Any) -> str:
    """Text inside raw HTML."""
    return html.escape(str(text), quote=True)


def day(d: date | None, provisional: bool = False) -> str:
    if d is None:
        return "—"
    mark = ' <span class="duban-prov" title="跨入尚未发布放假安排的年份, 按估算">暂定</span>'
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


_DATE_CELL = re.compile(r"^<td>(?=\d{4}-\d\d-\d\d)")


def _nowrap(_: re.Match[str]) -> str:
    return '<td class="duban-date">'


def html_table(head: Sequence[str], rows: Iterable[Sequence[str]], search: bool = True) -> str:
    """A raw HTML table (cells already HTML): Markdown leaves it alone, which keeps big
    tables fast to build. ``search=False`` marks it ``data-search-exclude`` (Material's
    search plugin skips the block; the rest of its section stays searchable)."""
    body = "".join(
        "<tr>" + "".join(_DATE_CELL.sub(_nowrap, f"<td>{c}</td>") for c in row) + "</tr>\n"
        for row in rows
    )
    if not body:
        return "<p>（无）</p>\n"
    th = "".join(f"<th>{h}</th>" for h in head)
    tag = "<table>" if search else "<table data-search-exclude>"
    return f"{tag}\n<thead><tr>{th}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def front(title: str, *hide: str, search: bool = True) -> str:
    """Front matter. ``search=False`` keeps a list page out of the search index: searches
    should land on the task itself, and long lists would only slow the build."""
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if hide:
        lines.append("hide:")
        lines += [f"  - {h}" for h in hide]
    if not search:
        lines += ["search:", "  exclude: true"]
    return "\n".join([*lines, "---", ""])
