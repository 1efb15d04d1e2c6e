"""The unit pages: the index of units (``units/index.md``) and one page per unit
(``units/<code>.md``)."""

from __future__ import annotations

from collections import Counter

from duban.status.records import LIGHT_LABELS, LIGHTS
from duban.status.select import items_for_unit
from duban.web.blocks import asof_line, counts, item_table, task_table
from duban.web.context import PageContext
from duban.web.markup import esc, front, html_table, rate, rate_text

#: Lights in the order the unit page lists its tasks.
LIGHT_ORDER = {light: i for i, light in enumerate(LIGHTS)}


def unit_index(ctx: PageContext) -> str:
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
    return "".join(
        [
            front("责任单位", search=False),
            "# 责任单位\n\n",
            asof_line(ctx),
            "按牵头任务统计；协办任务列在各单位页面。\n\n",
            html_table(head, rows),
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
        f"牵头任务 {len(lead)} 项，按期办结率 {rate_text(on_time, total)}"
        f"（{on_time}/{total}）；协办任务 {len(co)} 项。"
        f" 本单位时限日历：{ctx.links.file_a(f'api/calendars/{code}.ics')}"
        "（可导入日历软件）。\n\n",
    ]
    if overdue:
        out += ["## 本单位逾期事项\n\n", item_table(ctx, overdue, True)]
    if soon:
        out += ["## 本单位临期事项\n\n", item_table(ctx, soon, False)]
    out += ["## 牵头任务\n\n", task_table(ctx, lead, unit_col=False)]
    if co:
        out += ["## 协办任务\n\n", task_table(ctx, co)]
    if assigned and unit.kind == "assigning":
        live = [s for s in assigned if s.live]
        out += [f"## 本单位交办、尚未销号的任务（{len(live)} 项）\n\n"]
        out += [task_table(ctx, sorted(live, key=lambda s: (s.deadline, s.task.id)))]
    return "".join(out)


__all__ = ["unit_index", "unit_page"]
