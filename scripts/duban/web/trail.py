"""The audit trail of each task (:class:`duban.audit.Trail`) as an HTML table (``esc`` is
the HTML escape; Markdown leaves raw HTML alone, which keeps thousands of pages fast).

:func:`trail_tables` is the whole audit stage of the site: it runs in a child process while
the pages are prepared (:mod:`duban.web.background`) and hands back only HTML text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from duban.audit.records import Change, Trail
from duban.audit.trail import audit_all
from duban.git import GIT_READ_FAILED
from duban.problems import Problem
from duban.render.audit import KIND_LABELS
from duban.text import Text, label
from duban.web.context import beijing
from duban.web.markup import hesc
from duban.web.public import INTERNAL_PAST, Published, public_trails

MAX_FIELDS = 12
#: The class of the explanation under every trail.
TRAIL_NOTE = "duban-trail-note"

#: The kinds of change the public trail adds (:func:`duban.web.public.public_trails`).
PUBLIC_KIND_LABELS = {
    **KIND_LABELS,
    "published": Text("转为公开事项", "made public"),
    "internal": Text(INTERNAL_PAST, "internal until then"),
}
#: Under the trail of a task with an internal past: why its events show more than its trail.
KEPT_EVENTS = (
    "本事项转为公开事项之前为内部事项，其间的变更记录不予公开；办理记录只增不改，"
    "转为公开之前登记的办理记录仍予保留，列于上方“办理记录”中。\n"
)


def when(iso: str) -> str:
    """``2026-12-22T08:30:00+00:00`` → ``2026-12-22 16:30``: Beijing time, whatever offset
    the commit was made in."""
    return beijing(iso)


def via(change: Change) -> str:
    commit = change.commit
    return f"合并请求 #{commit.pr}" if commit.pr is not None else "直接提交（未经审核）"


def what(change: Change, esc: Callable[[Any], str]) -> str:
    lines = [esc(label(PUBLIC_KIND_LABELS, change.kind))]
    fields = [f.text("zh") for f in change.fields]
    if len(fields) > MAX_FIELDS:
        fields = [*fields[:MAX_FIELDS], f"等 {len(fields)} 处"]
    lines += [esc(text) for text in fields]
    if change.kind == "invalid":
        lines += [esc(p.message("zh")) for p in change.problems[:3]]
    return "<br>".join(lines)


def change_units(change: Change, assigner: str) -> tuple[str, ...]:
    """The codes of the units a change belongs to, never a person: the ``by`` of every event
    it adds; the assigning unit for creating the task and for any other change of its file
    (only the assigning unit may change task fields); none for a version that does not parse.
    """
    if change.kind in ("invalid", "internal"):
        return ()
    if change.kind == "created":
        return (assigner,)
    units: list[str] = []
    for f in change.fields:
        added_event = f.op == "added" and f.field.startswith("$.events[")
        unit = f.new.get("by") if added_event and isinstance(f.new, dict) else assigner
        if isinstance(unit, str) and unit and unit not in units:
            units.append(unit)
    return tuple(units) or (assigner,)


def unit_column(change: Change, labels: Mapping[str, str], assigner: str) -> str:
    """The 登记单位 cell: unit labels (plain text, to be escaped), "—" when unknown."""
    codes = change_units(change, assigner)
    return "、".join(labels.get(code, code) for code in codes) if codes else "—"


def render_trail(
    trail: Trail, esc: Callable[[Any], str], units: Callable[[Change], str] | None = None
) -> str:
    """Every commit that changed the task's file, oldest first: when, which unit, what, how.

    ``units`` names the unit(s) a change belongs to (:func:`unit_column`); the Git author of
    a commit is a person and never shown."""
    if not trail.changes:
        return "（没有变更记录。）\n"
    rows = [
        "<table>",
        "<thead><tr><th>时间（北京时间）</th><th>版本</th><th>登记单位</th><th>提交说明</th>"
        "<th>途径</th><th>变更内容</th></tr></thead>",
        "<tbody>",
    ]
    for change in trail.changes:
        c = change.commit
        if change.kind == "internal":  # a run of versions that were not public: one line
            rows.append(
                f'<tr class="duban-internal-past"><td colspan="6">{esc(INTERNAL_PAST)}</td></tr>'
            )
            continue
        rows.append(
            f'<tr><td class="duban-date" data-label="时间">{when(c.time)}</td>'
            f'<td class="duban-sha" data-label="版本">{c.short_sha}</td>'
            f'<td data-label="登记单位">{esc(units(change) if units else "—")}</td>'
            f'<td data-label="提交说明">{esc(c.subject)}</td>'
            f'<td data-label="途径">{via(change)}</td>'
            f'<td data-label="变更内容">{what(change, esc)}</td></tr>'
        )
    rows += ["</tbody>", "</table>"]
    # The same words under every trail: kept out of the search index (they would make every
    # task match 合并请求 or 提交), cut before Pagefind reads the page (duban.web.search).
    note = (
        f'\n\n<p class="{TRAIL_NOTE}" data-search-exclude>变更记录取自台账 Git 仓库的提交历史；'
        "“直接提交”指未经合并请求审核、直接写入主分支的修改；“登记单位”为该次变更所登记办理记录的"
        "单位，修改任务本身（只能由交办单位进行）记为交办单位。</p>\n"
    )
    if any(change.kind == "internal" for change in trail.changes):
        note += "\n" + KEPT_EVENTS
    return "\n".join(rows) + note


def trail_tables(
    repo: Path, tasks_prefix: str, shown: Callable[[], Published | None]
) -> tuple[dict[str, str], list[Problem]]:
    """The trail of every public task as HTML (task id → fragment) from the history of
    ``repo`` (task files under ``tasks_prefix``), and the audit's problems: warnings (the
    site is still built), except a history that cannot be read (a corrupted repository).
    ``shown`` is called once the history is read: what is published (None: nothing)."""
    trails, problems = audit_all(repo, None, tasks_prefix)
    warnings = [
        p if p.severity != "error" or p.code in GIT_READ_FAILED else replace(p, severity="warning")
        for p in problems
    ]
    published = shown()
    if published is None:
        return {}, warnings
    labels, assigners = published.unit_labels, published.assigners
    tables = {
        tid: render_trail(t, hesc, partial(unit_column, labels=labels, assigner=assigners[tid]))
        for tid, t in public_trails(published, trails).items()
    }
    return tables, warnings


__all__ = ["KIND_LABELS", "change_units", "render_trail", "trail_tables", "unit_column"]
