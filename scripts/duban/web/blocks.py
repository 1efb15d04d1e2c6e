"""Blocks shared by the summary pages: the as-of line, the notice, the counters, the task
table and the table of overdue or due-soon items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

from duban.status.records import LIGHT_LABELS, LIGHTS, Obligation, TaskStatus
from duban.status.select import due_soon_items, overdue_items
from duban.web.context import PageContext, notice_text
from duban.web.markup import badge, day, esc, hesc, html_table, rate, rate_text

WEEKDAYS = "一二三四五六日"

#: One item of a list: the task and one of its obligations.
Item = tuple[TaskStatus, Obligation]


def notice(ctx: PageContext) -> str:
    text = notice_text(ctx.ledger.config)
    if not text:
        return ""
    return f'!!! warning "示例数据"\n    {esc(text)}\n\n'


def asof_line(ctx: PageContext) -> str:
    d = ctx.view.as_of
    return (
        f'<p class="duban-asof">统计截至 <strong>{d.isoformat()}</strong>'
        f"（星期{WEEKDAYS[d.weekday()]}）· 全站共 {len(ctx.statuses)} 项公开任务</p>\n\n"
    )


def counts(statuses: Sequence[TaskStatus], prefix: str = "count") -> str:
    """A counter per light and the on-time rate."""
    c = Counter(s.light for s in statuses)
    cells = "".join(
        f'<div class="duban-count duban-{light}" id="{prefix}-{light}">'
        f'<span class="duban-num">{c.get(light, 0)}</span>'
        f'<span class="duban-lbl">{LIGHT_LABELS[light].zh}</span></div>'
        for light in LIGHTS
    )
    on_time, total = rate(statuses)
    cells += (
        f'<div class="duban-count duban-rate" id="{prefix}-rate">'
        f'<span class="duban-num">{rate_text(on_time, total)}</span>'
        f'<span class="duban-lbl">按期办结率（{on_time}/{total}）</span></div>'
    )
    return f'<div class="duban-counts">{cells}</div>\n\n'


def awaiting_overdue(statuses: Sequence[TaskStatus]) -> list[TaskStatus]:
    """Tasks reported complete (已办结待核实) whose verification by the assigning unit is past
    its time limit."""
    return [
        s
        for s in statuses
        if s.light == "done"
        and any(o.key == "verify" and o.state == "overdue" for o in s.obligations)
    ]


def light_legend(ctx: PageContext) -> str:
    """What each light means, in words a citizen reads the right way: 已办结待核实 is not
    finished, and a verification past its limit is said so (with how many)."""
    config = ctx.ledger.config
    late = len(awaiting_overdue(ctx.statuses))
    overdue = ctx.links.href("overdue.md")
    items = [
        f"{badge('red')} 有事项已过时限仍未办理。",
        f"{badge('yellow')} 有事项将在 {config.warning_days} 个工作日内到期。",
        f"{badge('green')} 正常推进。",
        f"{badge('done')} 责任单位已报送完成情况，尚待交办单位核实，"
        "<strong>不等于已经办结</strong>。"
        "交办单位核实也有时限：超过时限仍未核实的，任务仍为已办结待核实，"
        f'“核实销号”一项列入<a href="{overdue}">逾期事项</a>，算作交办单位逾期'
        f"（目前 <strong>{late}</strong> 项）。",
        f"{badge('closed')} 交办单位已核实销号，任务办结。",
        "按期办结率：按期办结的任务数占已报送完成（含已销号）与逾期未办结的任务数之和的比例；"
        "逾期后才批准延期的按超时办结计（与 duban stats 同一规则）。",
    ]
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f'<ul class="duban-legend" id="legend">{lis}</ul>\n\n'


def task_table(ctx: PageContext, statuses: Sequence[TaskStatus], unit_col: bool = True) -> str:
    head = ["任务", "状态", "完成时限"]
    if unit_col:
        head.insert(1, "责任单位")
    links = ctx.links
    rows = []
    for s in statuses:
        row = [links.task_a(s), badge(s.light), day(s.deadline, s.provisional)]
        if unit_col:
            row.insert(1, links.unit_a(s.owner.unit))
        rows.append(row)
    return html_table(head, rows) + "\n\n"


def listed_items(ctx: PageContext, kind: Literal["overdue", "soon"]) -> list[Item]:
    """The overdue items, most days late first, or the items due soon, by due date."""
    if kind == "overdue":
        items = overdue_items(ctx.statuses)
        items.sort(key=lambda x: (-x[1].days_late, x[1].due, x[0].task.id))
    else:
        items = due_soon_items(ctx.statuses)
        items.sort(key=lambda x: (x[1].due, x[0].task.id))
    return items


def item_table(ctx: PageContext, items: Sequence[Item], overdue: bool) -> str:
    """One row per task and unit that must act (in the order of ``items``): its items, the
    earliest due date and, for overdue ones, the most working days late. Rule and measure of
    each item are on the task page."""
    groups: dict[tuple[str, str], list[Item]] = {}
    for s, o in items:
        groups.setdefault((s.task.id, o.unit), []).append((s, o))
    head = ["任务", "事项", "应办单位", "应于"]
    if overdue:
        head.append("逾期（工作日）")
    links = ctx.links
    rows = []
    for (_, unit), group in groups.items():
        s = group[0][0]
        obligations = [o for _, o in group]
        first = min(obligations, key=lambda o: o.due)
        labels = "、".join(hesc(o.label) for o in obligations)
        if overdue and any(o.explained for o in obligations):
            labels += "（已说明原因）"
        row = [links.task_a(s), labels, links.unit_a(unit), day(first.due, first.provisional)]
        if overdue:
            row.append(str(max(o.days_late for o in obligations)))
        rows.append(row)
    return html_table(head, rows) + "\n\n"


__all__ = [
    "Item",
    "asof_line",
    "awaiting_overdue",
    "counts",
    "item_table",
    "light_legend",
    "listed_items",
    "notice",
    "task_table",
]
