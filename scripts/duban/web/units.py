"""The unit pages: the index of units (``units/index.md``) and one page per unit
(``units/<code>.md``).

The index ranks the owners of the year of the as-of date by their score (measure 九,
:func:`duban.stats.figures.ledger_stats` over the published tasks only: the statuses of the
public view); the table can be sorted by any column with ``assets/duban-sort.js`` (written
by :func:`write_assets`; without JavaScript it stays in rank order). Each unit page gives the
unit's figures per month and per quarter of that year up to the as-of date, the numbers of
``duban stats --period`` for each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from duban.problems import Problem
from duban.stats.figures import ledger_stats, unit_stats
from duban.stats.periods import Period, month, quarter, year
from duban.stats.records import ACTION_LABELS, Stats, UnitStats
from duban.status.records import LIGHT_LABELS, LIGHTS, TaskStatus
from duban.status.select import items_for_unit
from duban.web.blocks import asof_line, counts, item_table, task_table
from duban.web.context import PageContext
from duban.web.markup import esc, front, hesc, html_table, rate, rate_text
from duban.web.public import PublicView

#: Lights in the order the unit page lists its tasks.
LIGHT_ORDER = {light: i for i, light in enumerate(LIGHTS)}
#: The sort script, from the package (no CDN, no other host), and where the site has it.
SORT_SCRIPT = "assets/duban-sort.js"
#: The page of the scoring rules (:mod:`duban.web.scoring_page`).
SCORING_PAGE = "scoring.md"


@dataclass(frozen=True)
class YearStats:
    """The statistics the unit pages show, computed once per build: the year of the as-of
    date, each of its months and quarters up to the as-of date."""

    year: Stats
    periods: tuple[Stats, ...]
    """The months, then the quarters."""
    problems: tuple[Problem, ...]
    """Those of ``scoring.yaml`` (the scores then follow the documented defaults)."""


_MEMO: list[tuple[tuple[TaskStatus, ...], YearStats]] = []


def year_stats(ctx: PageContext) -> YearStats:
    """:class:`YearStats` of the published tasks (``ctx.statuses``), computed once per
    build."""
    if _MEMO and _MEMO[0][0] is ctx.statuses:
        return _MEMO[0][1]
    as_of = ctx.view.as_of
    periods: list[Period] = [month(as_of.year, m) for m in range(1, as_of.month + 1)]
    periods += [quarter(as_of.year, q) for q in range(1, (as_of.month - 1) // 3 + 2)]
    whole, problems = ledger_stats(ctx.ledger, year(as_of.year), as_of, statuses=ctx.statuses)
    scoring = whole.scoring  # scoring.yaml read once
    each = tuple(
        unit_stats(ctx.ledger, p, as_of, scoring=scoring, statuses=ctx.statuses) for p in periods
    )
    found = YearStats(whole, each, tuple(problems))
    _MEMO[:] = [(ctx.statuses, found)]
    return found


def write_assets(view: PublicView, docs: Path) -> None:
    """The site's own sort script (package data), written beside the pages."""
    script = resources.files("duban.web").joinpath("assets", "duban-sort.js").read_text("utf-8")
    view.write(docs / SORT_SCRIPT, script)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    """A score as people write it: ``81``, ``88.5``."""
    if value is None:
        return "—"
    return f"{value:g}"


def _cell(text: str, value: float | str) -> str:
    """A cell whose sort key is ``value`` (``data-value``: the script sorts by it)."""
    return f'<span data-value="{hesc(value)}">{text}</span>'


def _scoring_note(found: YearStats) -> str:
    link = f"[评分规则](../{SCORING_PAGE})"  # from units/: a Markdown link MkDocs checks
    note = ""
    if found.problems:
        note = (
            "注意：评分规则文件 scoring.yaml 有错误（运行 duban validate 查看），"
            "得分暂按默认规则计算。"
        )
    return f"得分与排名按{link}计算（措施九 问责问效）。{note}"


def ranking(ctx: PageContext, found: YearStats) -> str:
    """The owners of the year ranked, as a sortable table (rank order without script)."""
    stats = found.year
    head = [
        "排名",
        "单位",
        "到期",
        "按期办结",
        "超时办结",
        "逾期未办结",
        "按期办结率",
        "得分",
        "处理",
    ]
    rows = []
    for u in stats.owners():
        rate_key = u.on_time_rate if u.on_time_rate is not None else -1
        action = ACTION_LABELS[u.action] if u.action else ""
        rows.append(
            [
                _cell(str(u.rank), u.rank or 0),
                _cell(ctx.links.unit_a(u.unit), u.name),
                _cell(str(u.due), u.due),
                _cell(str(u.on_time), u.on_time),
                _cell(str(u.late), u.late),
                _cell(str(u.open_overdue), u.open_overdue),
                _cell(_pct(u.on_time_rate), rate_key),
                _cell(_num(u.score), u.score or 0),
                _cell(action or "—", {"interview": 2, "criticism": 1}.get(u.action or "", 0)),
            ]
        )
    if not rows:
        return "<p>（本年尚无到期的牵头任务。）</p>\n"
    table = html_table(head, rows, search=False)
    table = table.replace(
        "<table data-search-exclude>",
        '<table data-search-exclude data-duban-sort data-duban-compact id="duban-ranking">',
        1,
    )
    script = f'<script src="{ctx.links.file_url(SORT_SCRIPT)}" defer></script>\n'
    return table + script


def unit_index(ctx: PageContext) -> str:
    found = year_stats(ctx)
    rows = []
    for code in ctx.units_used:
        mine = [s for s in ctx.statuses if s.owner.unit == code]
        c = Counter(s.light for s in mine)
        on_time, total = rate(mine)
        rows.append(
            [
                ctx.links.unit_a(code),
                str(len(mine)),
                *(str(c.get(light, 0)) for light in LIGHTS),
                f"{rate_text(on_time, total)}（{on_time}/{total}）",
            ]
        )
    head = ["单位", "牵头任务", *(LIGHT_LABELS[x].zh for x in LIGHTS), "按期办结率"]
    year_label = found.year.period.label
    return "".join(
        [
            front("责任单位", search=False),
            "# 责任单位\n\n",
            asof_line(ctx),
            f"## 执行力排名（{year_label}）\n\n",
            f"按完成时限在{year_label}内的牵头任务统计（与 duban stats --period "
            f"{found.year.period.code} 同一规则，只计公开任务），"
            f"截至 {ctx.view.as_of.isoformat()}。"
            f"{_scoring_note(found)}点击表头可按该列排序。\n\n",
            ranking(ctx, found),
            "\n## 任务状态\n\n",
            "按牵头任务统计（全部公开任务）；协办任务列在各单位页面。\n\n",
            html_table(head, rows),
            "\n",
        ]
    )


def _period_row(stats: Stats, code: str, owners: int) -> list[str]:
    u: UnitStats | None = stats.unit(code)
    label = stats.period.label
    if u is None:
        return [label, "0", "0", "0", "0", "—", "—", "—"]
    rank = f"{u.rank}/{owners}" if u.rank is not None else "—"
    return [
        label,
        str(u.due),
        str(u.on_time),
        str(u.late),
        str(u.open_overdue),
        _pct(u.on_time_rate),
        _num(u.score),
        rank,
    ]


def period_table(ctx: PageContext, code: str) -> str:
    """The unit's figures (as owner) per month and per quarter of the year to the as-of
    date: ``duban stats --period`` for each."""
    found = year_stats(ctx)
    head = ["统计期", "到期", "按期办结", "超时办结", "逾期未办结", "按期办结率", "得分", "排名"]
    rows = [_period_row(s, code, len(s.owners())) for s in found.periods]
    return "".join(
        [
            f"## 按月、按季度统计（{found.year.period.label}）\n\n",
            "牵头任务按完成时限所在月份、季度计，截至 "
            f"{ctx.view.as_of.isoformat()}（与 duban stats --period 同一规则）；"
            f"{_scoring_note(found)}\n\n",
            html_table(head, rows, search=False).replace(
                "<table data-search-exclude>",
                f'<table data-search-exclude data-duban-compact id="unit-{hesc(code)}-periods">',
                1,
            ),
            "\n",
        ]
    )


def unit_page(ctx: PageContext, code: str) -> str:
    unit = ctx.ledger.units[code]
    statuses = ctx.statuses
    lead = [s for s in statuses if s.owner.unit == code]
    co = [s for s in statuses if code in s.owner.co_units]
    assigned = [s for s in statuses if s.task.assigned_by == code]
    overdue, soon = items_for_unit(statuses, code)
    lead.sort(key=lambda s: (LIGHT_ORDER[s.light], s.deadline, s.task.id))
    on_time, total = rate(lead)
    out = [
        front(unit.name, search=False),
        f"# {esc(unit.name)}\n\n",
        asof_line(ctx),
        counts(lead, prefix=f"unit-{code}"),
        f"牵头任务 {len(lead)} 项, 按期办结率 {rate_text(on_time, total)}"
        f"（{on_time}/{total}）; 协办任务 {len(co)} 项。"
        f" 本单位时限日历: {ctx.links.file_a(f'api/calendars/{code}.ics')}"
        "(可导入日历软件)。\n\n",
    ]
    if overdue:
        out += ["## 本单位逾期事项\n\n", item_table(ctx, overdue, True)]
    if soon:
        out += ["## 本单位临期事项\n\n", item_table(ctx, soon, False)]
    if lead:
        out.append(period_table(ctx, code))
    out += ["## 牵头任务\n\n", task_table(ctx, lead, unit_col=False)]
    if co:
        out += ["## 协办任务\n\n", task_table(ctx, co)]
    if assigned and unit.kind == "assigning":
        live = [s for s in assigned if s.live]
        out += [f"## 本单位交办、尚未销号的任务({len(live)} 项)\n\n"]
        out += [task_table(ctx, sorted(live, key=lambda s: (s.deadline, s.task.id)))]
    return "".join(out)


__all__ = [
    "SCORING_PAGE",
    "SORT_SCRIPT",
    "YearStats",
    "period_table",
    "ranking",
    "unit_index",
    "unit_page",
    "write_assets",
    "year_stats",
]
