"""The overview page (``index.md``, 概况): counts, on-time rate, charts, the next deadlines."""

from __future__ import annotations

from duban.web import charts
from duban.web.blocks import asof_line, counts, light_legend, listed_items, task_table
from duban.web.context import PageContext
from duban.web.markup import esc, front

#: How many upcoming deadlines the overview lists.
UPCOMING = 10


def overview(ctx: PageContext) -> str:
    config = ctx.ledger.config
    out = [front("概况"), f"# {esc(config.name)}\n\n", asof_line(ctx)]
    out.append(counts(ctx.statuses))
    out.append(light_legend(ctx))
    overdue = len(listed_items(ctx, "overdue"))  # as listed
    soon = len(listed_items(ctx, "soon"))
    out.append(
        f"[逾期事项 {overdue} 项](overdue.md){{ .md-button }} "
        f"[临期事项 {soon} 项](due-soon.md){{ .md-button }} "
        "[各单位情况](units/index.md){ .md-button }\n\n"
    )
    out.append("## 图表\n\n")
    imgs = "".join(
        f'<img class="duban-chart" src="charts/{chart.file}" alt="{chart.alt}">'
        for chart in charts.CHARTS
    )
    # focusable: on a phone the box scrolls sideways (charts keep their size), by keyboard too
    region = 'class="duban-charts" tabindex="0" role="region" aria-label="图表"'
    out.append(f"<div {region}>{imgs}</div>\n\n")
    out.append("## 最近到期\n\n")
    upcoming = sorted(
        (s for s in ctx.statuses if s.live and s.light != "done"),
        key=lambda s: (s.deadline, s.task.id),
    )[:UPCOMING]
    out.append(task_table(ctx, upcoming))
    return "".join(out)


__all__ = ["overview"]
