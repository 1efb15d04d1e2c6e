"""The recurring duties' section of ``duban status`` and ``duban overdue`` (measures 十 and
十六), in each format of :mod:`duban.render.status`: a section after the tasks in ``table``
and ``markdown``, the key ``duties`` in ``json`` (``schemas/status.schema.json``
``$defs/duties``), annotations at the record's line in ``github``. ``overdue`` shows only the
red duties (a missed quarter, a report or quota not met in time)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from duban.ledger import ledger_duties
from duban.model import Ledger
from duban.render.problems import annotation
from duban.render.text import md_table, one_line, table
from duban.status.duties import (
    QUOTA,
    STATE_LABELS,
    DutyStatus,
    MeetingDuty,
    ReportDuty,
    ResearchDuty,
    duty_status,
)
from duban.status.records import LIGHT_LABELS
from duban.text import Text

QUARTERS = ("一季度", "二季度", "三季度", "四季度")


def _label(state: str, lang: str) -> str:
    return STATE_LABELS[state](lang)


def only_red(report: DutyStatus) -> DutyStatus:
    """The duties that are red (what ``duban overdue`` shows)."""
    return DutyStatus(
        report.as_of,
        report.year,
        tuple(d for d in report.meetings if d.light == "red"),
        tuple(d for d in report.reports if d.light == "red"),
        tuple(d for d in report.research if d.light == "red"),
    )


def meeting_json(d: MeetingDuty) -> dict[str, object]:
    return {
        "post": d.post.code,
        "title": d.post.title,
        "light": d.light,
        "quarters": [
            {
                "quarter": q.quarter,
                "due": q.due.isoformat(),
                "held": q.held.isoformat() if q.held else None,
                "state": q.state,
            }
            for q in d.quarters
        ],
    }


def report_json(d: ReportDuty) -> dict[str, object]:
    return {
        "post": d.post.code,
        "title": d.post.title,
        "due": d.due.isoformat(),
        "submitted": d.submitted.isoformat() if d.submitted else None,
        "state": d.state,
        "light": d.light,
    }


def research_json(d: ResearchDuty) -> dict[str, object]:
    return {
        "post": d.post.code,
        "title": d.post.title,
        "quota": d.quota,
        "done": d.done,
        "pace": d.pace,
        "behind": d.behind,
        "remaining": d.remaining,
        "days_left": d.days_left,
        "state": d.state,
        "light": d.light,
    }


def duties_json(report: DutyStatus) -> dict[str, object]:
    return {
        "year": report.year,
        "meetings": [meeting_json(d) for d in report.meetings],
        "reports": [report_json(d) for d in report.reports],
        "research": [research_json(d) for d in report.research],
    }


def _quarter_cell(d: MeetingDuty, quarter: int, lang: str) -> str:
    q = next((q for q in d.quarters if q.quarter == quarter), None)
    if q is None:
        return ""
    held = f" {q.held:%m-%d}" if q.held else ""
    return _label(q.state, lang) + held


def _light(light: str, lang: str) -> str:
    return LIGHT_LABELS[light](lang)


def _sections(report: DutyStatus, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, header, rows) of each non-empty part."""
    post, light = Text("职务", "post")(lang), Text("状态", "light")(lang)
    parts: list[tuple[str, list[str], list[list[str]]]] = []
    if report.meetings:
        head = Text(
            "分管部门联席会议（措施十：坚持每季度召开一次分管部门联席会议）",
            "Joint meetings of the departments (measure 十: one every quarter)",
        )(lang)
        quarters = [Text(q, f"Q{i + 1}")(lang) for i, q in enumerate(QUARTERS)]
        rows = [
            [one_line(d.post.title), _light(d.light, lang)]
            + [_quarter_cell(d, i, lang) for i in range(1, 5)]
            for d in report.meetings
        ]
        parts.append((head, [post, light, *quarters], rows))
    if report.reports:
        head = Text(
            "年底书面述职（措施十：州政府班子成员应向州长进行书面述职）",
            "Year-end written reports (measure 十)",
        )(lang)
        header = [post, light, Text("期限", "due")(lang), Text("报送日期", "submitted")(lang)]
        rows = [
            [
                one_line(d.post.title),
                _light(d.light, lang) + Text("，", ", ")(lang) + _label(d.state, lang),
                d.due.isoformat(),
                d.submitted.isoformat() if d.submitted else "",
            ]
            for d in report.reports
        ]
        parts.append((head, header, rows))
    if report.research:
        quota = report.research[0].quota
        head = Text(
            f"调研时间（措施十六：州政府领导全年到企业、基层调研时间不少于{quota}天）",
            f"Field research (measure 十六: at least {quota} days a year)",
        )(lang)
        header = [
            post,
            light,
            Text("已调研（天）", "done (days)")(lang),
            Text("按进度应达", "pace")(lang),
            Text("年底前尚需", "still due")(lang),
            Text("本年剩余（天）", "days left")(lang),
            Text("进度", "state")(lang),
        ]
        rows = [
            [
                one_line(d.post.title),
                _light(d.light, lang),
                str(d.done),
                str(d.pace),
                str(d.remaining),
                str(d.days_left),
                _label(d.state, lang)
                + (
                    Text(f"（差 {d.behind} 天）", f" ({d.behind} behind)")(lang) if d.behind else ""
                ),
            ]
            for d in report.research
        ]
        parts.append((head, header, rows))
    return parts


def _behind(d: ResearchDuty, lang: str) -> str:
    return Text(f"（差 {d.behind} 天）", f" ({d.behind} behind)")(lang) if d.behind else ""


def _title(report: DutyStatus, lang: str) -> str:
    return Text(
        f"领导履职情况（{report.year} 年，截至 {report.as_of}）",
        f"Leaders' recurring duties ({report.year}, as of {report.as_of})",
    )(lang)


NONE_RED = Text("没有逾期的履职事项。", "No recurring duty is overdue.")


def duties_table(report: DutyStatus, lang: str) -> str:
    parts = _sections(report, lang)
    lines = [_title(report, lang)]
    if not parts:
        lines.append(NONE_RED(lang))
    for head, header, rows in parts:
        lines += ["", head, table(header, rows)]
    return "\n".join(lines)


def duties_markdown(report: DutyStatus, lang: str) -> str:
    parts = _sections(report, lang)
    lines = ["### " + _title(report, lang)]
    if not parts:
        lines += ["", NONE_RED(lang)]
    for head, header, rows in parts:
        lines += ["", f"#### {head}", "", md_table(header, rows)]
    return "\n".join(lines) + "\n"


def duties_github(report: DutyStatus, lang: str) -> str:
    """A warning for each red duty and a notice for each yellow one, at its record's line."""
    lines: list[str] = []

    def add(light: str, path: str, line: int, title: str, message: str) -> None:
        if light != "green":
            level = "warning" if light == "red" else "notice"
            lines.append(annotation(level, path, line, one_line(message), title=one_line(title)))

    for m in report.meetings:
        for q in m.quarters:
            if q.state in ("missed", "due-soon"):
                message = Text(
                    f"{m.post.title}：{report.year} 年{QUARTERS[q.quarter - 1]}分管部门联席会议"
                    f"{_label(q.state, lang)}（期限 {q.due}，措施十）",
                    f"{m.post.code}: joint meeting of Q{q.quarter} {report.year} "
                    f"{_label(q.state, lang)} (due {q.due}, measure 十)",
                )(lang)
                light = "red" if q.state == "missed" else "yellow"
                add(light, q.where.path, q.where.line, m.post.code, message)
    for r in report.reports:
        message = Text(
            f"{r.post.title}：年底书面述职{_label(r.state, lang)}（期限 {r.due}，措施十）",
            f"{r.post.code}: year-end written report {_label(r.state, lang)} (due {r.due})",
        )(lang)
        add(r.light, r.where.path, r.where.line, r.post.code, message)
    for s in report.research:
        message = research_phrase(s, lang)
        add(s.light, s.where.path, s.where.line, s.post.code, message)
    return "\n".join(lines)


def research_phrase(s: ResearchDuty, lang: str) -> str:
    """``州长：已调研 42 天，按进度应达 54 天，年底前尚需 18 天（措施十六）``."""
    return Text(
        f"{s.post.title}：{s.year} 年已调研 {s.done} 天，按进度应达 {s.pace} 天，"
        f"年底前尚需 {s.remaining} 天（措施十六：全年不少于{s.quota}天）",
        f"{s.post.code}: {s.done} research days in {s.year}, {s.pace} by the linear pace, "
        f"{s.remaining} still due by the year's end (measure 十六: at least {s.quota})",
    )(lang)


def ledger_duty_status(ledger: Ledger, as_of: date) -> DutyStatus:
    """The duties of a loaded ledger as of ``as_of`` (their problems are ``duban validate``'s:
    records with problems are left out); the quota is ``rules.yaml``'s ``field-research``."""
    duties, _ = ledger_duties(ledger.root, ledger.units, ledger.tasks)
    rule = ledger.rules.get("field-research")
    quota = rule.quota if rule is not None and rule.quota else QUOTA
    return duty_status(duties, ledger.calendar, as_of, ledger.config.warning_days, quota)


def with_duties(fmt: str, out: str, report: DutyStatus, lang: str, red_only: bool = False) -> str:
    """The output of a status reporter ``out`` in format ``fmt`` with the duties added (only
    the red ones with ``red_only``: ``duban overdue``); the tasks' part is left as it is (its
    JSON keys unchanged, ``duties`` added). A ledger without posts adds nothing."""
    if report.empty:
        return out
    report = only_red(report) if red_only else report
    if fmt == "json":
        payload = json.loads(out)
        payload["duties"] = duties_json(report)
        return json.dumps(payload, ensure_ascii=False, indent=2)
    extra = {"table": duties_table, "markdown": duties_markdown, "github": duties_github}[fmt](
        report, lang
    )
    gap = "\n" if fmt == "github" else "\n\n"  # annotations are one per line
    return gap.join(part for part in (out, extra) if part)


def red_lines(report: DutyStatus, lang: str) -> Sequence[str]:
    """One line per red or yellow duty, for a reminder."""
    lines: list[str] = []
    for m in report.meetings:
        for q in m.quarters:
            if q.state in ("missed", "due-soon"):
                lines.append(
                    Text(
                        f"{m.post.title}：{QUARTERS[q.quarter - 1]}分管部门联席会议"
                        f"{_label(q.state, lang)}（期限 {q.due}）",
                        f"{m.post.code}: joint meeting of Q{q.quarter} "
                        f"{_label(q.state, lang)} (due {q.due})",
                    )(lang)
                )
    for r in report.reports:
        if r.light != "green":
            lines.append(
                Text(
                    f"{r.post.title}：年底书面述职{_label(r.state, lang)}（期限 {r.due}）",
                    f"{r.post.code}: year-end written report {_label(r.state, lang)} (due {r.due})",
                )(lang)
            )
    lines += [research_phrase(s, lang) for s in report.research if s.light != "green"]
    return lines
