"""Static SVG charts for the overview (hand-written SVG: no script, no web font, no host).

Three charts, each a standalone ``.svg`` file shown with ``<img>``:

- ``by-light.svg``: how many public tasks have each light;
- ``by-unit.svg``: per responsible unit, its tasks stacked by light;
- ``by-month.svg``: per month of deadline in force (last 12 months up to the as-of date),
  tasks completed on time, completed late, and past their deadline without completion — the
  period rule and outcomes of ``duban stats`` (:mod:`duban.stats.periods`,
  :func:`duban.stats.figures.outcome`);
- ``trend.svg`` (:data:`TREND`): week by week over the year of the as-of date, the tasks open
  past their deadline and the on-time completions of the year so far — ``duban stats
  --weekly`` (:func:`duban.stats.trend.weekly`) over the published tasks only; the overview
  gives the same numbers as a table.

Text is at least 12 px; each chart has a ``<title>`` and a ``<desc>`` (``aria-labelledby``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from duban.stats.figures import outcome
from duban.stats.periods import counted_on
from duban.stats.trend import Trend, weekly
from duban.status.records import LIGHT_LABELS, LIGHTS, TaskStatus
from duban.web.markup import esc as escape
from duban.web.public import PublicView


class Chart(NamedTuple):
    """One chart of the overview."""

    file: str
    """Its file name in the site's ``charts/`` folder."""
    alt: str
    """Its ``alt`` text."""


CHARTS: tuple[Chart, ...] = (
    Chart("by-light.svg", "各状态任务数"),
    Chart("by-unit.svg", "各责任单位任务状态"),
    Chart("by-month.svg", "按月：按期办结、逾期办结与到期未办结"),
)
#: The weekly trend, shown on the overview with its table.
TREND = Chart("trend.svg", "按周趋势：逾期未办结任务数与本年按期办结任务数")
COLORS = {
    "red": "#c62828",
    "yellow": "#e0a100",
    "green": "#2e7d32",
    "done": "#1565c0",
    "closed": "#8a8a8a",
    "on-time": "#2e7d32",
    "late": "#e0a100",
    "missed": "#c62828",
}
FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
MAX_UNITS = 15


def _svg(width: int, height: int, title: str, body: list[str], desc: str = "") -> str:
    labelled = ' aria-labelledby="t d"' if desc else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"{labelled} font-family="{FONT}" '
        f'font-size="13"><title id="t">{escape(title)}</title>'
        + (f'<desc id="d">{escape(desc)}</desc>' if desc else "")
        + f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<text x="12" y="22" font-size="15" font-weight="bold" fill="#222">{escape(title)}</text>'
        + "".join(body)
        + "</svg>\n"
    )


def _legend(x: int, y: int, items: Sequence[tuple[str, str]]) -> list[str]:
    out = []
    for label, color in items:
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{x + 16}" y="{y}" fill="#333">{escape(label)}</text>')
        x += 16 + 14 * len(label) + 18
    return out


def by_light(statuses: Sequence[TaskStatus]) -> str:
    counts = Counter(s.light for s in statuses)
    top = max(counts.values(), default=0) or 1
    width, left, bar_w = 560, 100, 400  # room for the longest label, 已办结待核实
    body = []
    for i, light in enumerate(LIGHTS):
        y = 40 + i * 34
        n = counts.get(light, 0)
        w = round(bar_w * n / top)
        body.append(
            f'<text x="{left - 10}" y="{y + 17}" text-anchor="end" fill="#333">'
            f"{LIGHT_LABELS[light].zh}</text>"
        )
        body.append(f'<rect x="{left}" y="{y}" width="{w}" height="24" fill="{COLORS[light]}"/>')
        body.append(f'<text x="{left + w + 6}" y="{y + 17}" fill="#222">{n}</text>')
    return _svg(width, 40 + 34 * len(LIGHTS) + 10, "各状态任务数", body)


def by_unit(statuses: Sequence[TaskStatus], units: Sequence[tuple[str, str]]) -> str:
    """``units``: (code, label) of the units to show, in roster order."""
    per: dict[str, Counter[str]] = {code: Counter() for code, _ in units}
    for s in statuses:
        if s.owner.unit in per:
            per[s.owner.unit][s.light] += 1
    shown = [(c, n) for c, n in units if sum(per[c].values())]
    shown.sort(key=lambda u: -sum(per[u[0]].values()))
    rest = shown[MAX_UNITS:]
    shown = shown[:MAX_UNITS]
    if rest:
        other: Counter[str] = Counter()
        for code, _ in rest:
            other.update(per[code])
        per["*"] = other
        shown.append(("*", f"其他 {len(rest)} 个单位"))
    top = max((sum(per[c].values()) for c, _ in shown), default=0) or 1
    width, left, bar_w = 560, 130, 370
    body = _legend(left, 46, [(LIGHT_LABELS[x].zh, COLORS[x]) for x in LIGHTS])
    for i, (code, name) in enumerate(shown):
        y = 60 + i * 28
        x: float = left
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#333">'
            f"{escape(name[:9])}</text>"
        )
        for light in LIGHTS:
            n = per[code].get(light, 0)
            if not n:
                continue
            w = bar_w * n / top
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{COLORS[light]}">'
                f"<title>{escape(name)} {LIGHT_LABELS[light].zh} {n}</title></rect>"
            )
            x += w
        total = sum(per[code].values())
        body.append(f'<text x="{x + 6:.1f}" y="{y + 15}" fill="#222">{total}</text>')
    if not shown:
        body.append('<text x="12" y="80" fill="#666">（无）</text>')
    return _svg(width, 70 + 28 * max(len(shown), 1) + 10, "各责任单位任务状态", body)


def _months(as_of: date, n: int = 12) -> list[tuple[int, int]]:
    y, m = as_of.year, as_of.month
    out = []
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


LABEL_GAP = 4
"""The least room, in px, between two axis labels."""
LINE = 19
"""From one line of axis labels to the next, in px (a 12 px CJK line box is about 17.4 px)."""


def text_width(text: str, size: float = 12) -> float:
    """A generous estimate of ``text``'s drawn width in px: a Chinese (full-width) character
    is 1 em, anything else at most 0.62 em (digits of the CJK fonts of :data:`FONT` are
    about 0.55 em); tests/test_site_phone.py measures the real boxes in Chromium."""
    return sum(size if ord(c) >= 0x2E80 else 0.62 * size for c in text)


def _axis_text(x: float, y: float, text: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y}" font-size="12" text-anchor="middle" fill="#333">'
        f"{escape(text)}</text>"
    )


def spaced(marks: Sequence[tuple[float, str]]) -> list[tuple[float, str]]:
    """The labels (centre x, text) that can be drawn, left to right, each at least
    :data:`LABEL_GAP` from the one kept before it: a label that would come closer is left
    out, so no two overlap however many there are."""
    kept: list[tuple[float, str]] = []
    for x, text in marks:
        if kept:
            last_x, last = kept[-1]
            if x - last_x < (text_width(last) + text_width(text)) / 2 + LABEL_GAP:
                continue
        kept.append((x, text))
    return kept


def month_axis(months: Sequence[tuple[int, int]], left: float, slot: float, y: float) -> list[str]:
    """The labels under the bars of ``months`` (centred in slots ``slot`` wide from ``left``):
    ``M月`` on a first line, every k-th month when the slots are too narrow for each (counted
    back from the last month, the newest); ``YYYY年`` on a second line under January and under
    the first month, unless that is too near the first January to leave room."""
    if not months:
        return []
    centre = [left + i * slot + slot / 2 for i in range(len(months))]
    widest = max(text_width(f"{m}月") for _, m in months)
    step = max(1, math.ceil((widest + LABEL_GAP) / slot))
    last = len(months) - 1
    out = [
        _axis_text(centre[i], y, f"{m}月")
        for i, (_, m) in enumerate(months)
        if (last - i) % step == 0
    ]
    januaries = [(centre[i], f"{yr}年") for i, (yr, m) in enumerate(months) if m == 1]
    years = spaced(januaries)
    first = (centre[0], f"{months[0][0]}年")
    if months[0][1] != 1 and (not years or len(spaced([first, years[0]])) == 2):
        years.insert(0, first)
    out += [_axis_text(x, y + LINE, text) for x, text in years]
    return out


def by_month(statuses: Sequence[TaskStatus], as_of: date) -> str:
    months = _months(as_of)
    index = {ym: i for i, ym in enumerate(months)}
    series = {key: [0] * len(months) for key in ("on-time", "late", "missed")}
    kinds = {"on-time": "on-time", "late": "late", "open-overdue": "missed"}
    for s in statuses:
        day = counted_on(s)  # the period rule of duban stats
        i = index.get((day.year, day.month))
        key = kinds.get(outcome(s))
        if i is not None and key is not None:
            series[key][i] += 1
    top = max((max(v) for v in series.values()), default=0) or 1
    width, left, bottom, plot_h = 620, 40, 240, 160
    slot = (width - left - 10) / len(months)
    bar = slot / 4
    labels = (("按期办结", "on-time"), ("逾期办结", "late"), ("到期未办结", "missed"))
    body = _legend(left, 46, [(name, COLORS[key]) for name, key in labels])
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#999"/>')
    for i, (y, m) in enumerate(months):
        x0 = left + i * slot + bar / 2
        for j, (_, key) in enumerate(labels):
            n = series[key][i]
            h = plot_h * n / top
            body.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{bottom - h:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{COLORS[key]}"><title>{y}年{m}月 {n}</title></rect>'
            )
            if n:
                body.append(
                    f'<text x="{x0 + j * bar + bar / 2:.1f}" y="{bottom - h - 3:.1f}" '
                    f'font-size="12" text-anchor="middle" fill="#333">{n}</text>'
                )
    body += month_axis(months, left, slot, bottom + 16)
    title = "按完成时限所在月份统计"
    return _svg(width, bottom + 16 + LINE + 12, title, body)


#: The trend lines: (label, Week field, colour).
TREND_LINES = (
    ("逾期未办结", "open_overdue", COLORS["missed"]),
    ("本年按期办结", "on_time", COLORS["on-time"]),
)


def trend_desc(trend: Trend) -> str:
    """What the trend chart shows, in words (its ``<desc>``)."""
    if not trend.weeks:
        return f"{trend.year}年尚无已结束的周。"
    last = trend.weeks[-1]
    return (
        f"{trend.year}年按周统计（每周截至星期日），共 {len(trend.weeks)} 周。"
        f"截至 {last.end.isoformat()}：逾期未办结 {last.open_overdue} 项，"
        f"本年按期办结 {last.on_time} 项。各周数字见图下的数据表。"
    )


def by_week(trend: Trend) -> str:
    """Two lines over the weeks of the year: tasks open past their deadline on each Sunday,
    and the year's on-time completions so far (:class:`duban.stats.trend.Week`)."""
    weeks = trend.weeks
    width, left, right, top_y, bottom = 620, 44, 16, 70, 240
    plot_h = bottom - top_y
    values = [getattr(w, key) for w in weeks for _, key, _ in TREND_LINES]
    top = max(values, default=0) or 1
    title = f"{trend.year}年按周趋势"
    body = _legend(left, 46, [(label, color) for label, _, color in TREND_LINES])
    body.append(
        f'<line x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" stroke="#999"/>'
    )
    for tick in sorted({0, top // 2, top}):
        y = bottom - plot_h * tick / top
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#333">{tick}</text>'
        )
    if not weeks:
        body.append(f'<text x="{left + 10}" y="{bottom - 20}" fill="#666">（无）</text>')
        return _svg(width, bottom + 34, title, body, trend_desc(trend))
    step = (width - left - right) / max(len(weeks) - 1, 1)

    def x(i: int) -> float:
        return left + i * step if len(weeks) > 1 else left + (width - left - right) / 2

    month = 0
    marks = []
    for i, w in enumerate(weeks):
        if w.end.month != month:  # the first week ending in each month
            month = w.end.month
            marks.append((x(i), f"{month}月"))
    # low enough to clear the value axis' "0" beside the first month's label
    body += [_axis_text(mx, bottom + 24, text) for mx, text in spaced(marks)]
    for label, key, color in TREND_LINES:
        points = " ".join(
            f"{x(i):.1f},{bottom - plot_h * getattr(w, key) / top:.1f}" for i, w in enumerate(weeks)
        )
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2.5"/>'
        )
        for i, w in enumerate(weeks):
            n = getattr(w, key)
            body.append(
                f'<circle cx="{x(i):.1f}" cy="{bottom - plot_h * n / top:.1f}" r="3" '
                f'fill="{color}"><title>{w.week}（至 {w.end.isoformat()}）{label} {n}</title>'
                "</circle>"
            )
    return _svg(width, bottom + 34, title, body, trend_desc(trend))


_TREND_MEMO: list[tuple[PublicView, Trend]] = []


def site_trend(view: PublicView) -> Trend:
    """The weekly trend of the year of the as-of date over the published tasks only (what
    the public view keeps), computed once per view (the overview's table and the chart)."""
    if _TREND_MEMO and _TREND_MEMO[0][0] is view:
        return _TREND_MEMO[0][1]
    tasks = [s.task for s in view.statuses]
    trend = weekly(view.ledger, view.as_of.year, view.as_of, tasks=tasks)
    _TREND_MEMO[:] = [(view, trend)]
    return trend


def write_charts(view: PublicView, folder: Path, units: Sequence[str]) -> None:
    ledger = view.ledger
    statuses = view.statuses
    pairs = [(code, ledger.unit_label(code)) for code in units]
    view.write(folder / "by-light.svg", by_light(statuses))
    view.write(folder / "by-unit.svg", by_unit(statuses, pairs))
    view.write(folder / "by-month.svg", by_month(statuses, view.as_of))
    view.write(folder / TREND.file, by_week(site_trend(view)))


__all__ = [
    "CHARTS",
    "TREND",
    "Chart",
    "by_light",
    "by_month",
    "by_unit",
    "by_week",
    "site_trend",
    "trend_desc",
    "write_charts",
]
