"""The site's Markdown pages, generated from a :class:`~duban.web.public.PublicView`.

Plain Markdown plus a little inline HTML (badges, counters, the obligation timeline): standard
Material for MkDocs features only, so the output stays engine-neutral (DESIGN.md §8). Every
file goes through :meth:`PublicView.write` (the public filter).

Layout (paths relative to the docs folder)::

    index.md                 概况 (overview: counts, on-time rate, charts)
    overdue.md, due-soon.md  逾期事项, 临期事项
    units/index.md           责任单位 (one row per unit), units/<code>.md (one page per unit)
    closed.md                已销号 (the archive)
    rules.md                 时限规则 (the catalogue, with the measures' wording)
    data.md                  数据说明 (as of, commit, calendar years, how to report an error)
    tasks/<id>.md            one page per task, NOT in the navigation (duban.web.taskpage)
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from duban.model import EVENT_LABELS, PRIORITY_LABELS, LedgerConfig
from duban.status.records import LIGHT_LABELS, LIGHTS, Obligation, TaskStatus
from duban.status.select import due_soon_items, items_for_unit, overdue_items
from duban.text import label
from duban.web import charts
from duban.web.markup import (
    badge,
    day,
    esc,
    front,
    hesc,
    html_table,
    rate,
    rate_text,
    table,
)
from duban.web.public import PublicView
from duban.web.taskpage import task_page

#: The navigation: summary pages only (task pages stay out, DESIGN.md §8).
NAV: tuple[tuple[str, str], ...] = (
    ("概况", "index.md"),
    ("逾期事项", "overdue.md"),
    ("临期事项", "due-soon.md"),
    ("责任单位", "units/index.md"),
    ("已销号", "closed.md"),
    ("时限规则", "rules.md"),
    ("数据说明", "data.md"),
)
WEEKDAYS = "一二三四五六日"
TRAIL_HEADING = "## 变更记录 { #audit data-search-exclude }\n\n"
#: The notice of a fictional ledger that has none of its own (``fictional: true``).
FICTIONAL_NOTICE = "本站数据为虚构的示例数据, 不代表任何真实单位和事项。"


def notice_text(config: LedgerConfig) -> str:
    """The notice shown on every page (the data page too): only for fictional data."""
    return (config.notice or FICTIONAL_NOTICE) if config.fictional else ""


@dataclass(frozen=True)
class SiteInfo:
    """Facts about the build shown on the data page."""

    commit: str = ""
    commit_date: str = ""
    audit_note: str = ""


class Pages:
    """Writes every page of one site into ``docs``."""

    def __init__(
        self, view: PublicView, docs: Path, info: SiteInfo, directory_urls: bool = True
    ) -> None:
        self.view = view
        self.directory_urls = directory_urls
        self.docs = docs
        self.info = info
        self.ledger = view.ledger
        self.statuses = sorted(view.statuses, key=lambda s: s.task.id)
        self.units_used = self._units_used()
        self._links: dict[tuple[str, ...], str] = {}  # unit and rule links, per folder
        self.here = "index.md"

    # ----------------------------------------------------------------- links

    # Pages are Markdown for headings and prose, raw HTML for tables and lists: with thousands
    # of pages, Markdown's inline processing of big tables would dominate the build. Links in
    # the HTML are the URLs MkDocs gives pages: ``tasks/X.md`` is ``tasks/X/`` (or
    # ``tasks/X.html``), relative to the page being written (``self.here``);
    # tests/test_site_build.py checks that every link of the built site resolves.

    def page_url(self, md: str) -> str:
        stem = md.removesuffix(".md")
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index":
            return ""
        return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"

    @property
    def here(self) -> str:
        """The page being written (``tasks/X.md``): links are relative to its URL."""
        return self._here

    @here.setter
    def here(self, rel: str) -> None:
        self._here = rel
        self._up = "../" * self.page_url(rel).count("/")

    def href(self, target: str) -> str:
        """The URL of ``target`` (``units/fgw.md#x``) from the current page."""
        path, _, anchor = target.partition("#")
        url = self.file_url(self.page_url(path)) or "./"
        return url + (f"#{anchor}" if anchor else "")

    def file_url(self, path: str) -> str:
        """The URL of a file of the site (``api/tasks.json``) from the current page."""
        return self._up + path

    def file_a(self, path: str) -> str:
        """A link to a file MkDocs does not know of: ``api/`` is written next to the site it
        builds (the feeds are made while MkDocs runs), so the link is raw HTML, which MkDocs
        leaves alone; tests/test_site_build.py checks that every link resolves."""
        return f'<a href="{self.file_url(path)}">{hesc(path)}</a>'

    def task_a(self, status: TaskStatus, with_title: bool = True) -> str:
        task = status.task
        text = f"{task.id} {task.title}" if with_title else task.id
        return f'<a href="{self.href(f"tasks/{task.id}.md")}">{hesc(text)}</a>'

    def unit_a(self, code: str) -> str:
        key = ("unit", code, self._up)
        if key not in self._links:
            name = hesc(self.ledger.unit_label(code))
            if code in self.units_used:
                name = f'<a href="{self.href(f"units/{code}.md")}">{name}</a>'
            self._links[key] = name
        return self._links[key]

    def rule_a(self, rule_id: str | None, measure: str) -> str:
        key = ("rule", rule_id or "", measure, self._up)
        if key not in self._links:
            rule = self.ledger.rules.get(rule_id or "")
            if rule is None:
                link = f"措施{hesc(measure)}" if measure else "—"
            else:
                text = f"措施{hesc(rule.measure)} {hesc(rule.title)}"
                link = f'<a href="{self.href(f"rules.md#{rule.id}")}">{text}</a>'
            self._links[key] = link
        return self._links[key]

    def _units_used(self) -> list[str]:
        used = {code for s in self.statuses for code in (*s.task.units(), s.task.assigned_by)}
        return [code for code in self.ledger.units if code in used]

    def write(self, rel: str, make: Callable[[], str]) -> None:
        self.here = rel
        self.put(rel, make())

    def put(self, rel: str, text: str) -> None:
        self.view.write(self.docs / rel, text.rstrip() + "\n")

    # ----------------------------------------------------------------- all

    def write_all(self, trails: Callable[[], Mapping[str, str]] = dict) -> int:
        """Write every page; returns how many Markdown files were written.

        ``trails`` gives each task's audit trail as HTML (id → fragment, see
        :func:`duban.web.trail.trail_tables`). It is called only once everything else is
        ready, so that an audit running in a child process overlaps with this work.
        """
        pages = 0
        for name, fn in (
            ("index.md", self.overview),
            ("overdue.md", self.overdue),
            ("due-soon.md", self.due_soon),
            ("closed.md", self.closed),
            ("rules.md", self.rules),
            ("data.md", self.data),
            ("units/index.md", self.unit_index),
        ):
            self.write(name, fn)
            pages += 1
        for code in self.units_used:
            self.write(f"units/{code}.md", functools.partial(self.unit_page, code))
            pages += 1
        charts.write_charts(self.view, self.docs / "charts", self.units_used)
        heads = []
        for status in self.statuses:
            self.here = f"tasks/{status.task.id}.md"
            heads.append((self.here, status.task.id, task_page(self, status)))
        tables = trails()
        for rel, task_id, head in heads:
            trail = tables.get(task_id) or self.info.audit_note
            self.put(rel, head + TRAIL_HEADING + trail)
            pages += 1
        return pages

    def notice(self) -> str:
        text = notice_text(self.ledger.config)
        if not text:
            return ""
        return f'!!! warning "示例数据"\n    {esc(text)}\n\n'

    def asof_line(self) -> str:
        d = self.view.as_of
        return (
            f'<p class="duban-asof">统计截至 <strong>{d.isoformat()}</strong>'
            f"（星期{WEEKDAYS[d.weekday()]}）· 全站共 {len(self.statuses)} 项公开任务</p>\n\n"
        )

    # ----------------------------------------------------------------- overview

    def counts(self, statuses: Sequence[TaskStatus], prefix: str = "count") -> str:
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

    def overview(self) -> str:
        name = esc(self.ledger.config.name)
        out = [front("概况", "navigation"), f"# {name}\n\n", self.asof_line()]
        out.append(self.counts(self.statuses))
        out.append(
            "红灯: 有事项已过时限仍未办理; 黄灯: 有事项将在 "
            f"{self.ledger.config.warning_days} 个工作日内到期; 绿灯: 正常推进; "
            "已办结: 已报送完成情况, 待交办单位核实; 已销号: 已核实销号。"
            "按期办结率: 已办结(含已销号)任务中在完成时限内报送完成的比例。\n\n"
        )
        overdue, soon = len(self._items("overdue")), len(self._items("soon"))  # as listed
        out.append(
            f"[逾期事项 {overdue} 项](overdue.md){{ .md-button }} "
            f"[临期事项 {soon} 项](due-soon.md){{ .md-button }} "
            "[各单位情况](units/index.md){ .md-button }\n\n"
        )
        out.append("## 图表\n\n")
        imgs = "".join(
            f'<img class="duban-chart" src="charts/{file}" alt="{alt}">'
            for file, alt in charts.CHARTS
        )
        out.append(f'<div class="duban-charts">{imgs}</div>\n\n')
        out.append("## 最近到期\n\n")
        upcoming = sorted(
            (s for s in self.statuses if s.live and s.light != "done"),
            key=lambda s: (s.deadline, s.task.id),
        )[:10]
        out.append(self.task_table(upcoming))
        return "".join(out)

    def task_table(self, statuses: Sequence[TaskStatus], unit_col: bool = True) -> str:
        head = ["任务", "状态", "完成时限"]
        if unit_col:
            head.insert(1, "责任单位")
        rows = []
        for s in statuses:
            row = [self.task_a(s), badge(s.light), day(s.deadline, s.provisional)]
            if unit_col:
                row.insert(1, self.unit_a(s.task.owner.unit))
            rows.append(row)
        return html_table(head, rows) + "\n\n"

    # ----------------------------------------------------------------- lists

    def _items(self, kind: str) -> list[tuple[TaskStatus, Obligation]]:
        if kind == "overdue":
            items = overdue_items(self.statuses)
            items.sort(key=lambda x: (-x[1].days_late, x[1].due, x[0].task.id))
        else:
            items = due_soon_items(self.statuses)
            items.sort(key=lambda x: (x[1].due, x[0].task.id))
        return items

    def item_table(self, items: Sequence[tuple[TaskStatus, Obligation]], overdue: bool) -> str:
        """One row per task and unit that must act (in the order of ``items``): its items,
        the earliest due date and, for overdue ones, the most working days late. Rule and
        measure of each item are on the task page."""
        groups: dict[tuple[str, str], list[tuple[TaskStatus, Obligation]]] = {}
        for s, o in items:
            groups.setdefault((s.task.id, o.unit), []).append((s, o))
        head = ["任务", "事项", "应办单位", "应于"]
        if overdue:
            head.append("逾期(工作日)")
        rows = []
        for (_, unit), group in groups.items():
            s = group[0][0]
            obligations = [o for _, o in group]
            first = min(obligations, key=lambda o: o.due)
            labels = "、".join(hesc(o.label) for o in obligations)
            if overdue and any(o.explained for o in obligations):
                labels += "(已说明原因)"
            row = [self.task_a(s), labels, self.unit_a(unit), day(first.due, first.provisional)]
            if overdue:
                row.append(str(max(o.days_late for o in obligations)))
            rows.append(row)
        return html_table(head, rows) + "\n\n"

    def overdue(self) -> str:
        items = self._items("overdue")
        tasks = len({s.task.id for s, _ in items})
        return "".join(
            [
                front("逾期事项", search=False),
                "# 逾期事项\n\n",
                self.asof_line(),
                f"已过时限仍未办理的事项 **{len(items)}** 项, 涉及 **{tasks}** 项任务,"
                " 按逾期工作日数从多到少排列。时限截至当日 24 时(北京时间)。\n\n",
                self.item_table(items, True),
            ]
        )

    def due_soon(self) -> str:
        items = self._items("soon")
        days = self.ledger.config.warning_days
        return "".join(
            [
                front("临期事项", search=False),
                "# 临期事项\n\n",
                self.asof_line(),
                f"将在 {days} 个工作日内(含当日)到期、尚未办理的事项 **{len(items)}** 项,"
                " 按到期日排列。\n\n",
                self.item_table(items, False),
            ]
        )

    def closed(self) -> str:
        closed = sorted(
            (s for s in self.statuses if s.light == "closed"),
            key=lambda s: (s.closed_on or date.min, s.task.id),
            reverse=True,
        )
        rows = [
            [
                self.task_a(s),
                self.unit_a(s.task.owner.unit),
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
                self.asof_line(),
                f"经交办单位核实销号的任务 **{len(closed)}** 项, 按销号日期从近到远排列。\n\n",
                html_table(["任务", "责任单位", "完成时限", "报送完成", "销号日期", "办结"], rows),
                "\n",
            ]
        )

    # ----------------------------------------------------------------- units

    def unit_index(self) -> str:
        rows = []
        for code in self.units_used:
            mine = [s for s in self.statuses if s.task.owner.unit == code]
            c = Counter(s.light for s in mine)
            on_time, total = rate(mine)
            rows.append(
                [
                    self.unit_a(code),
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
                self.asof_line(),
                "按牵头任务统计; 协办任务列在各单位页面。\n\n",
                html_table(head, rows),
                "\n",
            ]
        )

    def unit_page(self, code: str) -> str:
        unit = self.ledger.units[code]
        lead = [s for s in self.statuses if s.task.owner.unit == code]
        co = [s for s in self.statuses if code in s.task.owner.co_units]
        assigned = [s for s in self.statuses if s.task.assigned_by == code]
        overdue, soon = items_for_unit(self.statuses, code)
        order = {light: i for i, light in enumerate(LIGHTS)}
        lead.sort(key=lambda s: (order[s.light], s.deadline, s.task.id))
        on_time, total = rate(lead)
        out = [
            front(unit.name, search=False),
            f"# {esc(unit.name)}\n\n",
            self.asof_line(),
            self.counts(lead, prefix=f"unit-{code}"),
            f"牵头任务 {len(lead)} 项, 按期办结率 {rate_text(on_time, total)}"
            f"（{on_time}/{total}）; 协办任务 {len(co)} 项。"
            f" 本单位时限日历: {self.file_a(f'api/calendars/{code}.ics')}"
            "(可导入日历软件)。\n\n",
        ]
        if overdue:
            out += ["## 本单位逾期事项\n\n", self.item_table(overdue, True)]
        if soon:
            out += ["## 本单位临期事项\n\n", self.item_table(soon, False)]
        out += ["## 牵头任务\n\n", self.task_table(lead, unit_col=False)]
        if co:
            out += ["## 协办任务\n\n", self.task_table(co)]
        if assigned and unit.kind == "assigning":
            live = [s for s in assigned if s.live]
            out += [f"## 本单位交办、尚未销号的任务({len(live)} 项)\n\n"]
            out += [self.task_table(sorted(live, key=lambda s: (s.deadline, s.task.id)))]
        return "".join(out)

    # ----------------------------------------------------------------- rules, data

    def rules(self) -> str:
        out = [
            front("时限规则"),
            "# 时限规则\n\n",
            "台账中的每一项时限都来自《关于提高全州政府系统执行力的十七项措施》, 下列规则逐条"
            "注明依据的措施和原文。“工作日”按国务院办公厅每年发布的节假日安排计算"
            "(起算当日不计入); “日”“个月”到期日为节假日的, 顺延至下一个工作日。\n\n",
        ]
        by_measure: dict[str, list[Any]] = {}
        for rule in self.ledger.rules.values():
            by_measure.setdefault(rule.measure, []).append(rule)
        for measure, rules in by_measure.items():
            out.append(f"## 措施{esc(measure)}\n\n")
            for rule in rules:
                out.append(f"### {esc(rule.title)} {{ #{rule.id} }}\n\n")
                facts = [("规则编号", f"`{rule.id}`")]
                period = rule.period_for("normal")
                if period is not None:
                    facts.append(
                        ("时限", esc(period.describe()) + ("(提前)" if rule.before else ""))
                    )
                for prio, var in rule.variants.items():
                    facts.append((f"{esc(label(PRIORITY_LABELS, prio))}事项", esc(var.describe())))
                if rule.every:
                    facts.append(("周期", esc(rule.every)))
                if rule.quota:
                    facts.append(("数量", str(rule.quota)))
                if rule.met_by:
                    facts.append(("以此登记为准", esc(label(EVENT_LABELS, rule.met_by))))
                if rule.configurable:
                    facts.append(("说明", "措施未规定具体时限, 按本地规定执行"))
                out.append(table(["项目", "内容"], facts) + "\n\n")
                out.append(f"> {esc(rule.text)}\n\n")
                if rule.note:
                    out.append(f"{esc(rule.note)}\n\n")
        return "".join(out)

    def data(self) -> str:
        config = self.ledger.config
        calendar = self.ledger.calendar
        official = calendar.official_years
        estimated = [y for y in calendar.estimated_years if not official or y > official[-1]]
        gaps = [y for y in calendar.estimated_years if official and y < official[-1]]
        facts = [
            ("台账名称", esc(config.name)),
            ("统计日期", f"{self.view.as_of.isoformat()}(北京时间)"),
            ("数据版本", f"`{self.info.commit[:12]}`" if self.info.commit else "—"),
            ("版本时间", esc(self.info.commit_date) or "—"),
            ("公开任务", f"{len(self.statuses)} 项"),
            ("正式放假安排", _years(official)),
            ("按估算的年份(暂定)", _years(estimated)),
        ]
        if gaps:
            facts.append(("缺少正式安排的年份", _years(gaps)))
        out = [
            front("数据说明"),
            "# 数据说明\n\n",
            self.notice(),
            table(["项目", "内容"], facts),
            "\n\n## 计算方法\n\n",
            "- 每项任务的各项时限按[时限规则](rules.md)计算, 工作日依据国务院办公厅发布的"
            "当年部分节假日安排(含调休上班日)和本地放假规定。\n"
            "- 尚未发布放假安排的年份, 按《全国年节及纪念日放假办法》规定的节日估算,"
            " 涉及这些年份的日期标注为“暂定”, 以正式安排发布后的结果为准。\n"
            "- 时限截至到期日 24 时(北京时间)。统计日之后登记的办理记录不计入本次统计。\n"
            "- 本站只公开列为“公开”的任务。\n\n",
            "## 数据下载\n\n",
            f"- {self.file_a('api/tasks.json')}: 全部公开任务及其计算状态(JSON)。\n",
        ]
        for code in self.units_used:
            out.append(
                f"- {self.file_a(f'api/calendars/{code}.ics')}: "
                f"{esc(self.ledger.unit_label(code))}的时限日历(iCalendar)。\n"
            )
        out.append("\n## 纠错\n\n")
        how = []
        if config.contact:
            how.append(f"联系: {esc(config.contact)}")
        if config.repo_url:
            how.append(
                f'在台账仓库 <a href="{hesc(config.repo_url)}">{hesc(config.repo_url)}</a>'
                " 提出问题(issue)"
            )
        how.append("请注明任务编号和有误的内容; 核实后在台账中登记更正记录, 本站随之更新")
        out.append("; ".join(how) + "。\n")
        return "".join(out)


def _years(years: Sequence[int]) -> str:
    """``2004–2026`` style ranges."""
    if not years:
        return "—"
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return "、".join(f"{r[0]}–{r[-1]} 年" if len(r) > 1 else f"{r[0]} 年" for r in runs)


def nav() -> list[dict[str, str]]:
    return [{title: path} for title, path in NAV]


__all__ = ["FICTIONAL_NOTICE", "NAV", "Pages", "SiteInfo", "nav", "notice_text"]
