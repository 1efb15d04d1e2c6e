"""Write every page of the site, each family from its own module, into the docs folder.

Plain Markdown plus a little inline HTML (badges, counters, the obligation timeline):
standard Material for MkDocs features only, so the output stays engine-neutral
(tests/test_site_build.py builds the same Markdown with a plain MkDocs). Every file goes
through :meth:`duban.web.public.PublicView.write` (the public filter).

Layout (paths relative to the docs folder)::

    index.md                 概况 (overview: counts, on-time rate, charts)   duban.web.overview
    overdue.md, due-soon.md  逾期事项, 临期事项                              duban.web.lists
    closed.md                已销号 (the archive)                            duban.web.lists
    units/index.md           责任单位 (one row per unit), units/<code>.md    duban.web.units
    rules.md                 时限规则 (the catalogue, the measures' wording) duban.web.catalogue
    scoring.md               评分规则 (scoring.yaml, measure 九)              duban.web.scoring_page
    assets/duban-sort.js     the units ranking's sort script (package data)  duban.web.units
    data.md                  数据说明 (as of, commit, calendar years, errors) duban.web.catalogue
    bulletins/index.md       督查通报, bulletins/YYYY-MM.md (past months)    duban.web.bulletins
    tasks/<id>.md            one page per task, NOT in the navigation        duban.web.taskpage
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from duban.web import charts
from duban.web.catalogue import data, rules
from duban.web.context import PageContext
from duban.web.lists import closed, due_soon, overdue
from duban.web.overview import overview
from duban.web.scoring_page import scoring_page
from duban.web.taskpage import task_page
from duban.web.units import unit_index, unit_page, write_assets


class NavEntry(NamedTuple):
    """One entry of the site's navigation."""

    title: str
    """The title shown in the navigation."""
    path: str
    """The page, relative to the docs folder."""


#: The navigation: summary pages only. Task pages stay out: MkDocs renders the whole
#: navigation into every page, so thousands of task pages in it would cost O(N²).
NAV: tuple[NavEntry, ...] = (
    NavEntry("概况", "index.md"),
    NavEntry("逾期事项", "overdue.md"),
    NavEntry("临期事项", "due-soon.md"),
    NavEntry("责任单位", "units/index.md"),
    NavEntry("已销号", "closed.md"),
    NavEntry("督查通报", "bulletins/index.md"),
    NavEntry("履职情况", "duties.md"),
    NavEntry("时限规则", "rules.md"),
    NavEntry("评分规则", "scoring.md"),
    NavEntry("数据说明", "data.md"),
)
TRAIL_HEADING = "## 变更记录 { #audit data-search-exclude }\n\n"

#: The summary pages and the function that writes each.
SUMMARY_PAGES: tuple[tuple[str, Callable[[PageContext], str]], ...] = (
    ("index.md", overview),
    ("overdue.md", overdue),
    ("due-soon.md", due_soon),
    ("closed.md", closed),
    ("rules.md", rules),
    ("data.md", data),
    ("units/index.md", unit_index),
    ("scoring.md", scoring_page),
)


def nav() -> list[dict[str, str]]:
    """The navigation as ``mkdocs.yml`` spells it."""
    return [{entry.title: entry.path} for entry in NAV]


def _put(ctx: PageContext, docs: Path, rel: str, text: str) -> None:
    ctx.view.write(docs / rel, text.rstrip() + "\n")


def _write(ctx: PageContext, docs: Path, rel: str, make: Callable[[PageContext], str]) -> None:
    ctx.links.here = rel
    _put(ctx, docs, rel, make(ctx))


def write_all(ctx: PageContext, docs: Path, trails: Callable[[], Mapping[str, str]] = dict) -> int:
    """Write every page into ``docs``; returns how many Markdown files were written.

    ``trails`` gives each task's audit trail as HTML (id → fragment, see
    :func:`duban.web.trail.trail_tables`). It is called only once everything else is ready,
    so that an audit running in a child process overlaps with this work.
    """
    pages = 0
    for rel, make in SUMMARY_PAGES:
        _write(ctx, docs, rel, make)
        pages += 1
    for code in ctx.units_used:
        _write(ctx, docs, f"units/{code}.md", functools.partial(unit_page, code=code))
        pages += 1
    charts.write_charts(ctx.view, docs / "charts", ctx.units_used)
    write_assets(ctx.view, docs)
    heads = []
    for status in ctx.statuses:
        rel = ctx.links.here = f"tasks/{status.task.id}.md"
        heads.append((rel, status.task.id, task_page(ctx.links, status)))
    tables = trails()
    for rel, task_id, head in heads:
        trail = tables.get(task_id) or ctx.info.audit_note
        _put(ctx, docs, rel, head + TRAIL_HEADING + trail)
        pages += 1
    return pages


__all__ = ["NAV", "SUMMARY_PAGES", "TRAIL_HEADING", "NavEntry", "nav", "write_all"]
