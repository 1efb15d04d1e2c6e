"""The overview page (``index.md``, 概况): counts, on-time rate, charts, the next deadlines."""

from __future__ import annotations

from duban.web import charts
from duban.web.blocks import asof_line, counts, light_legend, listed_items, task_table
from duban.web.context import PageContext
from duban.web.markup import esc, front, html_table

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
    out.append(trend_section(ctx))
    out.append("## 最近到期\n\n")
    upcoming = sorted(
        (s for s in ctx.statuses if s.live and s.light != "done"),
        key=lambda s: (s.deadline, s.task.id),
    )[:UPCOMING]
    out.append(task_table(ctx, upcoming))
    return "".join(out)


def trend_section(ctx: PageContext) -> str:
    """The weekly trend of the year: the chart, and the same numbers as a table (for screen
    readers and for copying; ``duban stats --weekly`` over the published tasks)."""
    trend = charts.site_trend(ctx.view)
    chart = charts.TREND
    rows = [
        [
            w.week,
            w.end.isoformat(),
            str(w.open_overdue),
            str(w.due),
            str(w.on_time),
            str(w.late),
            _pct(w.on_time_rate),
        ]
        for w in trend.weeks
    ]
    head = [
        "周",
        "截至",
        "逾期未办结",
        "本年到期",
        "本年按期办结",
        "本年超时办结",
        "累计按期办结率",
    ]
    table = html_table(head, rows, search=False).replace(
        "<table data-search-exclude>", '<table data-search-exclude id="duban-trend-data">', 1
    )
    return "".join(
        [
            f"## 按周趋势（{trend.year}年）\n\n",
            "每周截至星期日的状态：逾期未办结为当日已过完成时限仍未办结的任务数；"
            "本年按期办结、超时办结为完成时限在本年 1 月 1 日至当日之间的任务"
            "（与 duban stats --weekly 同一规则，只计公开任务）。\n\n",
            # reachable by keyboard whenever it scrolls (a phone): focusable from the start,
            # not only once a script has measured it (the image may not have loaded yet)
            '<p tabindex="0" role="region" aria-label="按周趋势图（可左右滚动）">'
            f'<img class="duban-chart duban-trend" src="charts/{chart.file}" '
            f'alt="{chart.alt}"></p>\n\n',
            # One raw HTML block, no blank line inside: Markdown leaves it as it is.
            f'<details class="duban-trend-data"><summary>按周趋势数据表（{len(trend.weeks)} 周）'
            f"</summary>\n{table}</details>\n\n",
        ]
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


__all__ = ["overview", "trend_section"]
