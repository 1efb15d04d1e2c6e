"""Reporters for ``duban stats`` (per unit) and ``duban stats --weekly`` (trend), by name.

- ``json``: stable English keys (``schemas/stats.schema.json``), dates ``YYYY-MM-DD``;
- ``table``: aligned text, then each owner's score broken down rule by rule;
- ``markdown``: the same as tables (``$GITHUB_STEP_SUMMARY``, the bulletin's source);
- ``csv``: one row per unit and role (UTF-8 with BOM, so that spreadsheet programs read the
  Chinese right), the points as ``rule:count:points`` joined by ``;``;
- ``xlsx``: a workbook (openpyxl): the units, the points, the tasks counted.

Column headings are Chinese (or English with ``--lang en``); ledger text appears only as
cells, never as markup.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from duban.model import Ledger
from duban.render.text import md_table, table
from duban.stats.records import (
    ACTION_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    Figures,
    Stats,
    UnitStats,
)
from duban.stats.scoring import RULE_LABELS
from duban.stats.trend import Trend
from duban.text import Text

FORMATS = ("table", "json", "csv", "xlsx", "markdown")
SCHEMA = "duban-stats/1"
WEEKLY_SCHEMA = "duban-stats-weekly/1"

#: The figure keys, in the order of every table (``schemas/stats.schema.json``).
FIGURE_KEYS = (
    "due",
    "completed",
    "on_time",
    "late",
    "open_overdue",
    "on_time_rate",
    "extended",
    "extended_after_deadline",
    "sent_back",
    "explained",
    "working_days_late",
)
HEADINGS = {
    "rank": Text("排名", "rank"),
    "unit": Text("单位", "unit"),
    "role": Text("角色", "role"),
    "due": Text("到期任务", "due"),
    "completed": Text("已办结", "completed"),
    "on_time": Text("按期办结", "on time"),
    "late": Text("超时办结", "late"),
    "open_overdue": Text("逾期未办结", "open overdue"),
    "on_time_rate": Text("按期办结率", "on-time rate"),
    "extended": Text("延期办结", "extended"),
    "extended_after_deadline": Text("逾期后延期", "extended after deadline"),
    "sent_back": Text("核实退回", "sent back"),
    "explained": Text("已说明延误", "explained"),
    "working_days_late": Text("逾期工作日", "working days late"),
    "score": Text("得分", "score"),
    "action": Text("处理", "action"),
    "points": Text("计分明细", "points"),
}


def _rate(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _n(value: float | None) -> float | int | None:
    """A score as JSON writes it best: ``81``, ``88.5`` (never ``81.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def figures_record(f: Figures) -> dict[str, Any]:
    record: dict[str, Any] = {key: getattr(f, key) for key in FIGURE_KEYS}
    record["on_time_rate"] = _rate(f.on_time_rate)
    return record


def unit_record(u: UnitStats) -> dict[str, Any]:
    """One unit's line in the JSON shape of ``schemas/stats.schema.json`` (``$defs/unit``)."""
    return {
        "unit": u.unit,
        "name": u.name,
        "role": u.role,
        **figures_record(u),
        "score": _n(u.score),
        "rank": u.rank,
        "action": u.action,
        "points": [{"rule": p.rule, "count": p.count, "points": _n(p.points)} for p in u.points],
        "tasks": [
            {
                "id": t.id,
                "deadline": t.deadline.isoformat(),
                "judged_by": t.judged_by.isoformat(),
                "outcome": t.outcome,
                "completed_on": t.completed_on.isoformat() if t.completed_on else None,
                "days_late": t.days_late,
                "explained": t.explained,
                "extended": t.extended,
                "extended_after_deadline": t.extended_after_deadline,
                "sent_back": t.sent_back,
            }
            for t in u.tasks
        ],
    }


def stats_record(stats: Stats, ledger: Ledger) -> dict[str, Any]:
    """The whole report as JSON data."""
    s = stats.scoring
    return {
        "schema": SCHEMA,
        "ledger": ledger.config.name,
        "period": {
            "code": stats.period.code,
            "start": stats.period.start.isoformat(),
            "end": stats.period.end.isoformat(),
        },
        "as_of": stats.as_of.isoformat(),
        "internal": stats.internal,
        "scoring": {
            "file": s.where.path if s.where else None,
            "base": s.base,
            "late": {
                "per_item": s.late_per_item,
                "per_working_day": s.late_per_working_day,
                "max_days_per_item": s.late_max_days,
            },
            "sent_back": s.sent_back,
            "unexplained_delay": s.unexplained_delay,
            "on_time_bonus": s.on_time_bonus,
            "thresholds": {
                "criticism_below": s.criticism_below,
                "interview_below": s.interview_below,
            },
        },
        "summary": figures_record(stats.summary),
        "units": [unit_record(u) for u in stats.units],
    }


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _cells(u: UnitStats, lang: str, ledger: Ledger) -> list[str]:
    role = ROLE_LABELS[u.role] if lang == "zh" else u.role
    act = (ACTION_LABELS[u.action] if lang == "zh" else u.action) if u.action else ""
    return [
        str(u.rank) if u.rank else "",
        ledger.unit_label(u.unit) if lang == "zh" else u.unit,
        role,
        *(_pct(u.on_time_rate) if k == "on_time_rate" else str(getattr(u, k)) for k in FIGURE_KEYS),
        _num(u.score),
        act,
    ]


def _header(lang: str) -> list[str]:
    keys = ("rank", "unit", "role", *FIGURE_KEYS, "score", "action")
    return [HEADINGS[k](lang) for k in keys]


def breakdown(u: UnitStats, lang: str = "zh") -> str:
    """``基础分 100；按期办结加分 2项 +2；… = 102``: how the score was made, rule by rule
    (rules that counted nothing are left out)."""
    parts = []
    for p in u.points:
        name = RULE_LABELS[p.rule] if lang == "zh" else p.rule
        if p.rule == "base":
            parts.append(f"{name} {_num(p.points)}")
        elif p.count:
            unit = "个工作日" if p.rule == "working-days-late" else "项"
            count = f"{p.count}{unit}" if lang == "zh" else f"×{p.count}"
            parts.append(f"{name} {count} {p.points:+g}")
    sep = "；" if lang == "zh" else "; "
    return sep.join(parts) + f" = {_num(u.score)}"


def _summary_line(stats: Stats, lang: str) -> str:
    f = stats.summary
    return Text(
        f"{stats.period.label}（截至 {stats.as_of}）：到期 {f.due} 项，按期办结 {f.on_time} 项，"
        f"超时办结 {f.late} 项，逾期未办结 {f.open_overdue} 项，按期办结率 {_pct(f.on_time_rate)}",
        f"{stats.period.code} (as of {stats.as_of}): {f.due} due, {f.on_time} on time, "
        f"{f.late} late, {f.open_overdue} open overdue, on-time rate {_pct(f.on_time_rate)}",
    )(lang)


def render_table(stats: Stats, ledger: Ledger, lang: str, markdown: bool = False) -> str:
    """The units as a table, then each owner's score rule by rule."""
    rows = [_cells(u, lang, ledger) for u in stats.units]
    make = md_table if markdown else table
    out = [_summary_line(stats, lang), "", make(_header(lang), rows) if rows else "（无）"]
    owners = stats.owners()
    if owners:
        out += [
            "",
            Text("计分明细（规则见 scoring.yaml）：", "points (rules: scoring.yaml):")(lang),
        ]
        bullet = "- " if markdown else "  "
        for u in owners:
            who = ledger.unit_label(u.unit) if lang == "zh" else u.unit
            out.append(f"{bullet}{who}{'：' if lang == 'zh' else ': '}{breakdown(u, lang)}")
    return "\n".join(out)


def _text_cell(value: object) -> str:
    """Ledger text in a CSV cell: one that a spreadsheet would run as a formula (``=``, ``+``,
    ``-``, ``@``) gets a leading apostrophe (OWASP's CSV-injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(value: object) -> object:
    """A number as people write it (81, not 81.0)."""
    return f"{value:g}" if isinstance(value, float) else value


def render_csv(stats: Stats, lang: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit", "name", "role", *FIGURE_KEYS, "score", "rank", "action", "points"])
    for u in stats.units:
        rec = unit_record(u)
        points = ";".join(f"{p.rule}:{p.count}:{p.points:g}" for p in u.points)
        writer.writerow(
            [
                *(_text_cell(rec[k]) for k in ("unit", "name", "role")),
                *("" if rec[k] is None else rec[k] for k in FIGURE_KEYS),
                *("" if rec[k] is None else _csv(rec[k]) for k in ("score", "rank", "action")),
                points,
            ]
        )
    return "\ufeff" + buffer.getvalue()


def render_xlsx(stats: Stats, ledger: Ledger, lang: str) -> bytes:
    """A workbook: 各单位 (one row per unit and role), 计分明细 (the points), 任务 (the tasks)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "各单位" if lang == "zh" else "units"
    keys = ("rank", "unit", "role", *FIGURE_KEYS, "score", "action")
    sheet.append([HEADINGS[k](lang) for k in keys])
    for u in stats.units:
        rec = unit_record(u)
        row: list[Any] = [u.rank, u.name, ROLE_LABELS[u.role] if lang == "zh" else u.role]
        row += [rec[k] for k in FIGURE_KEYS]
        row += [
            u.score,
            (ACTION_LABELS[u.action] if lang == "zh" else u.action) if u.action else None,
        ]
        sheet.append(row)
    points = book.create_sheet("计分明细" if lang == "zh" else "points")
    points.append(
        ["单位", "规则", "计数", "得分"] if lang == "zh" else ["unit", "rule", "count", "points"]
    )
    for u in stats.owners():
        for p in u.points:
            points.append([u.name, p.rule, p.count, p.points])
    tasks = book.create_sheet("任务" if lang == "zh" else "tasks")
    tasks.append(["单位", "角色", "任务编号", "完成时限", "结果", "逾期工作日", "已说明"])
    for u in stats.units:
        for t in u.tasks:
            result = OUTCOME_LABELS[t.outcome] if lang == "zh" else t.outcome
            tasks.append([u.name, u.role, t.id, t.deadline, result, t.days_late, t.explained])
    for ws in (sheet, points, tasks):
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    cell.data_type = "s"  # ledger text is never a formula
    buffer = io.BytesIO()
    book.properties.title = f"{ledger.config.name} {stats.period.code}"
    book.save(buffer)
    return buffer.getvalue()


def render_stats(stats: Stats, ledger: Ledger, fmt: str, lang: str) -> str | bytes:
    """The report in format ``fmt`` (``xlsx`` as bytes, the others as text)."""
    if fmt == "json":
        return json.dumps(stats_record(stats, ledger), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return render_csv(stats, lang)
    if fmt == "xlsx":
        return render_xlsx(stats, ledger, lang)
    return render_table(stats, ledger, lang, markdown=fmt == "markdown")


# -- the weekly trend ---------------------------------------------------------------------

WEEK_KEYS = ("week", "end", "open_overdue", "due", "completed", "on_time", "late", "on_time_rate")
WEEK_HEADINGS = {
    "week": Text("周", "week"),
    "end": Text("截至", "end"),
    "open_overdue": Text("逾期未办结（全部）", "open overdue (all)"),
    "due": Text("年内已到期", "due so far"),
    "completed": Text("已办结", "completed"),
    "on_time": Text("按期办结", "on time"),
    "late": Text("超时办结", "late"),
    "on_time_rate": Text("累计按期办结率", "cumulative on-time rate"),
}


def trend_record(trend: Trend, ledger: Ledger) -> dict[str, Any]:
    return {
        "schema": WEEKLY_SCHEMA,
        "ledger": ledger.config.name,
        "year": trend.year,
        "as_of": trend.as_of.isoformat(),
        "internal": trend.internal,
        "week_ends_on": "sunday",
        "weeks": [
            {
                "week": w.week,
                "end": w.end.isoformat(),
                "open_overdue": w.open_overdue,
                "due": w.due,
                "completed": w.completed,
                "on_time": w.on_time,
                "late": w.late,
                "on_time_rate": _rate(w.on_time_rate),
            }
            for w in trend.weeks
        ],
    }


def _week_rows(trend: Trend) -> list[list[str]]:
    return [[*(str(v) for v in row[:-1]), _pct(row[-1])] for row in trend.record_rows()]


def render_trend(trend: Trend, ledger: Ledger, fmt: str, lang: str) -> str | bytes:
    if fmt == "json":
        return json.dumps(trend_record(trend, ledger), ensure_ascii=False, indent=2)
    header = [WEEK_HEADINGS[k](lang) for k in WEEK_KEYS]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(WEEK_KEYS)
        for row in trend.record_rows():
            writer.writerow(["" if v is None else v for v in row])
        return "\ufeff" + text.getvalue()
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = str(trend.year)
        sheet.append(header)
        for row in trend.record_rows():
            sheet.append(list(row))
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    rows = _week_rows(trend)
    if not rows:
        return Text("（无：该年尚无已结束的周）", "(none: no week of that year has ended)")(lang)
    return (md_table if fmt == "markdown" else table)(header, rows)


__all__ = [
    "FORMATS",
    "breakdown",
    "render_stats",
    "render_trend",
    "stats_record",
    "trend_record",
    "unit_record",
]
