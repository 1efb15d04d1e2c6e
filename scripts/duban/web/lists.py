"""The list pages: overdue items (``overdue.md``), items due soon (``due-soon.md``) and the
archive of closed tasks (``closed.md``)."""

from __future__ import annotations

from datetime import date

from duban.web.blocks import asof_line, item_table, listed_items
from duban.web.context import PageContext
from duban.web.markup import day, front, html_table


def overdue(ctx: PageContext) -> str:
    items = listed_items(ctx, "overdue")
    tasks = len({s.task.id for s, _ in items})
    return "".join(
        [
            front("逾期事项", search=False),
            "# 逾期事项\n\n",
            asof_line(ctx),
            f"已过时限仍未办理的事项 **{len(items)}** 项，涉及 **{tasks}** 项任务，"
            "按逾期工作日数从多到少排列。时限截至当日 24 时（北京时间）。\n\n",
            item_table(ctx, items, True),
        ]
    )


def due_soon(ctx: PageContext) -> str:
    items = listed_items(ctx, "soon")
    days = ctx.ledger.config.warning_days
    return "".join(
        [
            front("临期事项", search=False),
            "# 临期事项\n\n",
            asof_line(ctx),
            f"将在 {days} 个工作日内（含当日）到期、尚未办理的事项 **{len(items)}** 项，"
            "按到期日排列。\n\n",
            item_table(ctx, items, False),
        ]
    )


def closed(ctx: PageContext) -> str:
    links = ctx.links
    closed = sorted(
        (s for s in ctx.statuses if s.light == "closed"),
        key=lambda s: (s.closed_on or date.min, s.task.id),
        reverse=True,
    )
    rows = [
        [
            links.task_a(s),
            links.unit_a(s.owner.unit),
            day(s.deadline, s.provisional),
            day(s.completed_on),
            day(s.closed_on),
            "按期" if s.on_time else ("逾期" if s.on_time is False else "—"),
        ]
        for s in closed
    ]
    return "".join(
        [
            front("已销号", search=False),
            "# 已销号\n\n",
            asof_line(ctx),
            f"经交办单位核实销号的任务 **{len(closed)}** 项，按销号日期从近到远排列。\n\n",
            html_table(["任务", "责任单位", "完成时限", "报送完成", "销号日期", "办结"], rows),
            "\n",
        ]
    )


__all__ = ["closed", "due_soon", "overdue"]
