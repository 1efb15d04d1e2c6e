"""The page 履职情况 (``duties.md``): the leaders' recurring duties of measures 十 and 十六 as
of the site's date: this year's joint meeting of each quarter per post, the year-end written
reports, and each post's research days against the quota, with what is still due.

What is public: posts (职务) are public, and so are the figures (held or not, on which day,
how many days). A record's topics, places, units and minutes are shown only when its file
says ``visibility: public``; a file without it, or saying ``internal``, shows figures only
(fail closed: :func:`duban.web.public.duty_text_public`, the one place of the decision).
Every piece of ledger text goes through :func:`duban.web.markup.esc`; the measures are
quoted from ``rules.yaml`` (``joint-meeting``, ``annual-report``, ``field-research``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from duban.render.duties import QUARTERS, ledger_duty_status
from duban.status.duties import STATE_LABELS, DutyStatus, MeetingDuty, ResearchDuty
from duban.web.context import PageContext
from duban.web.markup import badge, esc, front, html_table, table
from duban.web.public import duty_text_public

PAGE = "duties.md"
TITLE = "履职情况"

MEASURE_10 = (
    "坚持每季度召开一次分管部门联席会议，研究推进各项重点工作。每年底，州政府党组应向州委进行"
    "述职，州政府班子成员应向州长进行书面述职。"
)
MEASURE_16 = "州政府领导全年到企业、基层调研时间不少于60天。"
RESEARCH_HEAD = ["职务", "状态", "已调研", "进度应达", "年底前尚需", "进度"]
INTERNAL_MEETINGS = "（本记录未公开：只显示会议日期，不显示议题、参会单位和纪要）"
INTERNAL_TRIPS = "（本记录未公开：只显示日期和天数，不显示地点和主题）"


def _state(state: str) -> str:
    return esc(STATE_LABELS[state].zh)


def _quarter(d: MeetingDuty, quarter: int) -> str:
    q = next((q for q in d.quarters if q.quarter == quarter), None)
    if q is None:
        return "—"
    return _state(q.state) + (f" {q.held.isoformat()}" if q.held else "")


def _summary(report: DutyStatus) -> list[str]:
    out: list[str] = []
    if report.meetings:
        out.append("## 分管部门联席会议\n\n")
        rows = [
            [esc(d.post.title), badge(d.light)] + [_quarter(d, i) for i in range(1, 5)]
            for d in report.meetings
        ]
        out.append(table(["职务", "状态", *QUARTERS], rows) + "\n\n")
    if report.reports:
        out.append("## 年底书面述职\n\n")
        rows = [
            [
                esc(d.post.title),
                badge(d.light),
                _state(d.state),
                d.due.isoformat(),
                d.submitted.isoformat() if d.submitted else "—",
            ]
            for d in report.reports
        ]
        out.append(html_table(["职务", "状态", "情况", "期限", "报送日期"], rows) + "\n")
    if report.research:
        quota = report.research[0].quota
        out.append("## 调研时间\n\n")
        out.append(
            f"全年应达 {quota} 天，均按自然日计；“进度应达”为 {quota} 天按全年天数平均折算到 "
            f"{report.as_of.isoformat()} 的天数；本年还剩 {report.research[0].days_left} 天。\n\n"
        )
        rows = [_research_row(d) for d in report.research]
        out.append(html_table(RESEARCH_HEAD, rows) + "\n")
    return out


def _research_row(d: ResearchDuty) -> list[str]:
    behind = f"（差 {d.behind} 天）" if d.behind else ""
    return [
        esc(d.post.title),
        badge(d.light),
        str(d.done),
        str(d.pace),
        str(d.remaining),
        _state(d.state) + behind,
    ]


def _meeting_records(ctx: PageContext, report: DutyStatus) -> list[str]:
    out: list[str] = []
    for d in report.meetings:
        record = d.record
        if record is None or not record.meetings:
            continue
        out.append(f"### {esc(d.post.title)}\n\n")
        meetings = [m for m in record.meetings if m.date <= report.as_of]
        if not duty_text_public(record):
            rows = [[m.date.isoformat(), QUARTERS[m.quarter - 1]] for m in meetings]
            out.append(INTERNAL_MEETINGS + "\n\n" + table(["日期", "季度"], rows) + "\n\n")
            continue
        rows = [
            [
                m.date.isoformat(),
                QUARTERS[m.quarter - 1],
                esc(m.topic),
                "、".join(esc(ctx.ledger.unit_label(u)) for u in m.units),
                esc(m.minutes) if m.minutes else "—",
            ]
            for m in meetings
        ]
        out.append(html_table(["日期", "季度", "议题", "参会单位", "会议纪要"], rows) + "\n")
    return out


def _research_records(report: DutyStatus) -> list[str]:
    out: list[str] = []
    for d in report.research:
        record = d.record
        if record is None or not record.trips:
            continue
        trips = [t for t in record.trips if t.end <= report.as_of]
        out.append(f"### {esc(d.post.title)}\n\n")
        if not duty_text_public(record):
            rows = [[_span(t.start, t.end), str(t.days)] for t in trips]
            out.append(INTERNAL_TRIPS + "\n\n" + table(["起止日期", "天数"], rows) + "\n\n")
            continue
        rows = [
            [
                f"{t.start.isoformat()} 至 {t.end.isoformat()}",
                esc(t.place),
                esc(t.topic),
                str(t.days),
            ]
            for t in trips
        ]
        out.append(html_table(["起止日期", "地点", "主题", "天数"], rows) + "\n")
    return out


def _span(start: date, end: date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} 至 {end.isoformat()}"


def _quote(ctx: PageContext, rule_ids: tuple[str, ...], default: str) -> str:
    """The measure's words from the rule catalogue, else ``default``."""
    rules = [ctx.ledger.rules.get(r) for r in rule_ids]
    return "".join(r.text for r in rules if r is not None) or default


def duties_page(ctx: PageContext, report: DutyStatus) -> str:
    out = [
        front(TITLE),
        f"# {TITLE}\n\n",
        f"截至 {report.as_of.isoformat()}，{report.year} 年州政府领导履行经常性职责的情况。"
        "只写职务，不写姓名。\n\n",
        f"> 措施十：{esc(_quote(ctx, ('joint-meeting', 'annual-report'), MEASURE_10))}\n>\n"
        f"> 措施十六：{esc(_quote(ctx, ('field-research',), MEASURE_16))}\n\n",
    ]
    if report.empty:
        return "".join([*out, "台账中没有州政府领导职务名册（posts.yaml）。\n"])
    out += _summary(report)
    meetings = _meeting_records(ctx, report)
    if meetings:
        out += ["## 会议记录\n\n", *meetings]
    research = _research_records(report)
    if research:
        out += ["## 调研记录\n\n", *research]
    return "".join(out)


def write_duties(ctx: PageContext, docs: Path) -> int:
    """Write ``duties.md`` through the public view; the number of pages written (1)."""
    ctx.links.here = PAGE
    report = ledger_duty_status(ctx.ledger, ctx.view.as_of)
    ctx.view.write(docs / PAGE, duties_page(ctx, report).rstrip() + "\n")
    return 1
