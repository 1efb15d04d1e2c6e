"""The page of one task: title, lead paragraph, table of fields, milestones, the timeline of
its obligations and its events (the audit trail is added by :func:`duban.web.pages.write_all`).

Links come from :class:`duban.web.links.Links`, relative to the page being written. Dates are
those of the status (:class:`duban.status.records.TaskStatus`): the deadline shown is the one
in force on its ``as_of``, and an extension approved after that day is not.
"""

from __future__ import annotations

from duban.model import EVENT_LABELS, PRIORITY_LABELS, Event
from duban.status.records import TaskStatus
from duban.text import label
from duban.web.links import Links
from duban.web.markup import badge, day, esc, front, hesc, html_table, state_badge


def task_page(links: Links, s: TaskStatus) -> str:
    """The page of one task, up to its audit trail (``write_all`` adds that)."""
    t = s.task
    # Search indexes the title, the lead paragraph (status, units, source) and the
    # description; the table of fields and the sections below stay out of the index (they
    # would multiply its size, and the time Pagefind takes to index, several times over).
    out = [
        front(f"{t.id} {t.title}"),
        f"# {esc(t.id)} {esc(t.title)}\n\n",
        lead(links, s),
        f"任务说明：{esc(t.description)}\n\n" if t.description else "",
        html_table(["项目", "内容"], fields(links, s), search=False),
        "\n",
    ]
    if t.milestones:
        out += ["## 阶段节点 { #milestones data-search-exclude }\n\n"]
        rows = [[hesc(m.title), day(m.due)] for m in t.milestones]
        out += [html_table(["节点", "计划时间"], rows), "\n"]
    out += ["## 时限与履职 { #timeline data-search-exclude }\n\n", timeline(links, s), "\n"]
    out += ["## 办理记录 { #events data-search-exclude }\n\n", events(links, s), "\n"]
    return "".join(out)  # the audit trail section follows (write_all)


def extensions(s: TaskStatus) -> list[Event]:
    """The task's approved extensions with a new deadline, up to the status date."""
    return [
        e
        for e in s.task.events
        if e.type == "extension-approved" and e.deadline and e.date <= s.as_of
    ]


def deadline_text(links: Links, s: TaskStatus) -> str:
    """The deadline in force (:attr:`TaskStatus.deadline`), how it was set and, when an
    extension set it, the day that extension was approved."""
    t = s.task
    text = day(s.deadline, s.provisional)
    if t.deadline_rule:
        rule = links.ledger.rules.get(t.deadline_rule)
        link = links.rule_a(t.deadline_rule, rule.measure if rule else "")
        text += f"（按{link}计算）"  # the rule's name; its id is for clerks, not readers
    approved = extensions(s)
    if approved and approved[-1].deadline == s.deadline:
        late = "逾期后延期，" if s.extended_after_deadline else ""
        text += f"（{late}{approved[-1].date.isoformat()} 同意延期）"
    return text


def reassignment(links: Links, s: TaskStatus) -> str:
    """``（原由 州发改委 承办, 2026-04-10 改派）`` when the task was reassigned by ``as_of``."""
    moves = [e for e in s.task.events if e.type == "reassigned" and e.date <= s.as_of]
    if not moves:
        return ""
    first = links.unit_a(s.task.owner.unit)
    return f"（原由 {first} 承办，{moves[-1].date.isoformat()} 改派）"


def fields(links: Links, s: TaskStatus) -> list[tuple[str, str]]:
    """The rows of the task's table of fields; the owner in force on the status date (a
    ``reassigned`` changes it), with who had it first."""
    t = s.task
    now = s.owner
    late = f" 逾期 {s.days_overdue} 个工作日" if s.overdue else ""
    rows = [
        ("任务编号", hesc(t.id)),
        ("当前状态", badge(s.light) + late),
        ("交办来源", hesc(t.source) if t.source else "—"),
        ("交办单位", links.unit_a(t.assigned_by)),
        ("收到日期", day(t.received)),
        ("责任单位", links.unit_a(now.unit) + reassignment(links, s)),
        ("第一责任人", hesc(now.lead)),
        ("协办单位", "、".join(links.unit_a(c) for c in now.co_units) or "—"),
        ("工作标准", hesc(t.standard)),
        ("紧急程度", hesc(label(PRIORITY_LABELS, t.priority))),
        ("完成时限", deadline_text(links, s)),
        ("报送完成", day(s.completed_on)),
        ("销号日期", day(s.closed_on)),
    ]
    if s.on_time is not None:
        rows.append(("是否按期", "按期办结" if s.on_time else "逾期办结"))
    return rows


def lead(links: Links, s: TaskStatus) -> str:
    """The task at a glance, one searchable paragraph: light, who leads, who helps, the
    deadline and where the task came from."""
    t, now = s.task, s.owner
    parts = [badge(s.light) + (f" 逾期 {s.days_overdue} 个工作日" if s.overdue else "")]
    units = f"{links.unit_a(now.unit)}牵头（第一责任人：{hesc(now.lead)}）"
    if now.co_units:
        units += "，" + "、".join(links.unit_a(c) for c in now.co_units) + "协办"
    parts.append(units)
    parts.append(f"完成时限 {day(s.deadline, s.provisional)}")
    if t.source:
        parts.append(f"交办来源：{hesc(t.source)}")
    text = " ".join(" · ".join(parts).split())  # one line, whatever the fields hold
    return f'<p class="duban-lead">{text}</p>\n\n'


def timeline(links: Links, s: TaskStatus) -> str:
    """Every obligation of the task in date order: due, state, who, by which rule."""
    items = []
    for o in s.obligations:
        when = f"应于 {day(o.due, o.provisional)}"
        if o.met_on:
            when += f" · {o.met_on.isoformat()} 办理"
            if o.implied:
                when += "（以完成报告视为办理）"
        if o.days_late:
            when += f" · 逾期 {o.days_late} 个工作日"
        if o.explained:
            when += " · 已说明延误原因"
        unit = " · " + links.unit_a(o.unit) if o.unit else ""
        items.append(
            f'<li class="duban-ob duban-st-{o.state}">'
            f'<span class="duban-ob-due">{o.due.isoformat()}</span>'
            f"{state_badge(o.state)} <strong>{hesc(o.label)}</strong>{unit}"
            f" · 依据 {links.rule_a(o.rule, o.measure)}<br>{when}</li>"
        )
    if not items:
        return "<p>（无）</p>\n"
    return '<ol class="duban-timeline">\n' + "\n".join(items) + "\n</ol>\n"


def events(links: Links, s: TaskStatus) -> str:
    rows = []
    for e in s.task.events:
        note = hesc(e.note) if e.note else ""
        if e.deadline:
            note = f"新时限 {e.deadline.isoformat()}" + ("；" + note if note else "")
        if e.milestone:
            note = f"节点：{hesc(e.milestone)}" + ("；" + note if note else "")
        if e.owner:
            moved = f"改派给 {hesc(links.ledger.unit_label(e.owner))}"
            if e.co_units is not None:
                co = "、".join(hesc(links.ledger.unit_label(c)) for c in e.co_units) or "无"
                moved += f"，协办单位：{co}"
            note = moved + ("；" + note if note else "")
        future = "（统计日之后）" if e.date > s.as_of else ""
        rows.append(
            [
                f"{e.date.isoformat()}{future}",
                hesc(label(EVENT_LABELS, e.type)),
                hesc(links.ledger.unit_label(e.by)),
                note or "—",
            ]
        )
    return html_table(["日期", "办理事项", "登记单位", "说明"], rows)


__all__ = ["deadline_text", "events", "extensions", "fields", "lead", "task_page", "timeline"]
