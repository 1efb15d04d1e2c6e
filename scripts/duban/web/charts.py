"""Static SVG charts for the overview (hand-written SVG: no script, no web font, no host).

Three charts, each a standalone ``.svg`` file shown with ``<img>``:

- ``by-light.svg``: how many public tasks have each light;
- ``by-unit.svg``: per responsible unit, its tasks stacked by light;
- ``by-month.svg``: per month of deadline in force (last 12 months up to the as-of date),
  tasks completed on time, completed late, and past their deadline without completion — the
  period rule and outcomes of ``duban stats`` (:mod:`duban.stats.periods`,
  :func:`duban.stats.figures.outcome`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from duban.stats.figures import outcome
from duban.stats.periods import counted_on
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
    Chart("by-month.svg", "按月: 按期办结、逾期办结与到期未办结"),
)
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


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT}" font-size="13">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
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
        text = f"{m}月" if m != 1 and i else f"{y % 100:02d}年{m}月"
        body.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{bottom + 16}" font-size="12" '
            f'text-anchor="middle" fill="#333">{text}</text>'
        )
    title = "按完成时限所在月份统计"
    return _svg(width, bottom + 28, title, body)


def write_charts(view: PublicView, folder: Path, units: Sequence[str]) -> None:
    ledger = view.ledger
    statuses = view.statuses
    pairs = [(code, ledger.unit_label(code)) for code in units]
    view.write(folder / "by-light.svg", by_light(statuses))
    view.write(folder / "by-unit.svg", by_unit(statuses, pairs))
    view.write(folder / "by-month.svg", by_month(statuses, view.as_of))


__all__ = ["CHARTS", "Chart", "by_light", "by_month", "by_unit", "write_charts"]
