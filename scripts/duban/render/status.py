"""Reporters for ``duban status`` and ``duban overdue``, chosen by name.

- ``table``: aligned plain text for a terminal (CJK characters count as two columns);
- ``json``: stable, English keys and codes, dates as ``YYYY-MM-DD``;
- ``markdown``: a table fit for ``$GITHUB_STEP_SUMMARY``;
- ``github``: workflow commands (``::warning file=…,line=…::``) on the exact line of the
  field that holds each item (GitHub, Gitea and Forgejo Actions read them).

Every format shows the same items: :func:`overdue_items` for ``overdue``; every task for
``status`` (plus its overdue and due-soon items in ``github``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date

from duban.model import PRIORITY_LABELS, Ledger
from duban.render.problems import annotation
from duban.render.text import clip, md_table, one_line, table
from duban.status.records import LIGHT_LABELS, Obligation, TaskStatus
from duban.status.select import Item, due_soon_items, overdue_items
from duban.text import Text, label

FORMATS = ("table", "json", "markdown", "github")


def late_phrase(days: int, lang: str) -> str:
    """``逾期 3 个工作日``; a deadline passed on a day off is late by less than one."""
    if days == 0:
        return Text("逾期不足 1 个工作日", "overdue (less than 1 working day)")(lang)
    plural = "s" if days != 1 else ""
    return Text(f"逾期 {days} 个工作日", f"{days} working day{plural} overdue")(lang)


EXPLAINED = Text("已说明延误原因", "delay explained")
UNEXPLAINED = Text("未说明延误原因（措施六）", "no delay explanation (measure 六)")
PROVISIONAL = Text("（暂定）", " (provisional)")


def explained_phrase(o: Obligation, lang: str) -> str:
    return (EXPLAINED if o.explained else UNEXPLAINED)(lang)


def _mark(o: Obligation, lang: str) -> str:
    return PROVISIONAL(lang) if o.provisional else ""


def item_message(s: TaskStatus, o: Obligation, lang: str) -> str:
    """One overdue item in one line, starting with how late it is."""
    task, late, mark = s.task, late_phrase(o.days_late, lang), _mark(o, lang)
    title = one_line(task.title)
    return Text(
        f"{late}：{task.id}「{title}」{o.label}（措施{o.measure}），期限 {o.due}{mark}；"
        f"{explained_phrase(o, lang)}",
        f"{late}: {task.id} {title} — {o.label_en} (measure {o.measure}), due {o.due}"
        f"{mark}; {explained_phrase(o, lang)}",
    )(lang)


def soon_message(s: TaskStatus, o: Obligation, lang: str) -> str:
    task, mark = s.task, _mark(o, lang)
    title = one_line(task.title)
    return Text(
        f"即将到期：{task.id}「{title}」{o.label}（措施{o.measure}），期限 {o.due}{mark}",
        f"due soon: {task.id} {title} — {o.label_en} (measure {o.measure}), due {o.due}{mark}",
    )(lang)


def light_label(light: str, lang: str) -> str:
    return label(LIGHT_LABELS, light, lang)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def obligation_record(o: Obligation) -> dict[str, object]:
    """One obligation in the shared, public-safe shape (``schemas/status.schema.json``)."""
    return {
        "key": o.key,
        "rule": o.rule,
        "measure": o.measure,
        "label": o.label,
        "label_en": o.label_en,
        "unit": o.unit,
        "due": o.due.isoformat(),
        "provisional": o.provisional,
        "state": o.state,
        "met_on": _d(o.met_on),
        "days_late": o.days_late,
        "explained": o.explained,
        "implied": o.implied,
    }


def task_record(
    s: TaskStatus, obligations: Sequence[Obligation] | None = None
) -> dict[str, object]:
    """A task's status in the ONE shape shared by ``duban status --format json`` and the
    site's ``api/tasks.json`` (``schemas/status.schema.json``, ``$defs/task``): stable English
    keys and codes, dates ``YYYY-MM-DD``, nothing that the public site may not show.
    ``obligations`` (default: all) lets ``duban overdue`` list only the overdue ones."""
    task = s.task
    items = s.obligations if obligations is None else obligations
    return {
        "id": task.id,
        "title": task.title,
        "assigned_by": task.assigned_by,
        "owner": s.owner.unit,  # the owner in force on as_of (after any reassigned)
        "co_units": list(s.owner.co_units),
        "priority": task.priority,
        "received": task.received.isoformat(),
        "deadline": s.deadline.isoformat(),
        "provisional": s.provisional,
        "light": s.light,
        "completed_on": _d(s.completed_on),
        "closed_on": _d(s.closed_on),
        "on_time": s.on_time,
        "extended_after_deadline": s.extended_after_deadline,
        "days_overdue": s.days_overdue,
        "obligations": [obligation_record(o) for o in items],
    }


def task_json(s: TaskStatus, obligations: Sequence[Obligation] | None = None) -> dict[str, object]:
    """:func:`task_record` plus the command line's documented extras: the task file's
    ``path`` and ``visibility``, and each obligation's ``path`` and ``line`` (where a clerk
    edits it)."""
    record = task_record(s, obligations)
    record["path"] = s.task.path
    record["visibility"] = s.task.visibility
    items = s.obligations if obligations is None else obligations
    record["obligations"] = [_located(s, o) for o in items]
    return record


def _located(s: TaskStatus, o: Obligation) -> dict[str, object]:
    where = s.task.loc(*o.field)
    return {**obligation_record(o), "path": where.path, "line": where.line}


def counts(statuses: Sequence[TaskStatus]) -> dict[str, int]:
    out = {light: 0 for light in LIGHT_LABELS}
    for s in statuses:
        out[s.light] += 1
    return out


def _overdue_heading(items: Sequence[Item], as_of: date, lang: str) -> str:
    tasks = len({s.task.id for s, _ in items})
    return Text(
        f"截至 {as_of} 逾期事项 {len(items)} 项（涉及 {tasks} 项任务）",
        f"Overdue as of {as_of}: {len(items)} item(s) in {tasks} task(s)",
    )(lang)


def _overdue_rows(items: Sequence[Item], ledger: Ledger, lang: str) -> list[list[str]]:
    return [
        [
            s.task.id,
            clip(s.task.title, 30),
            ledger.unit_label(o.unit),
            o.title(lang),
            o.measure,
            o.due.isoformat() + ("*" if o.provisional else ""),
            str(o.days_late),
            (YES if o.explained else NO)(lang),
        ]
        for s, o in items
    ]


YES, NO = Text("已说明", "yes"), Text("未说明", "no")

OVERDUE_HEADER = (
    Text("任务编号", "task"),
    Text("任务", "title"),
    Text("责任单位", "unit"),
    Text("事项", "item"),
    Text("措施", "measure"),
    Text("期限", "due"),
    Text("逾期工作日", "wd late"),
    Text("延误说明", "explained"),
)


def _overdue_header(lang: str) -> list[str]:
    return [t(lang) for t in OVERDUE_HEADER]


def overdue_table(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    items = overdue_items(statuses)
    head = _overdue_heading(items, as_of, lang)
    if not items:
        return head
    note = "\n* " + Text("暂定日期", "provisional date")(lang)
    provisional = any(o.provisional for _, o in items)
    body = table(_overdue_header(lang), _overdue_rows(items, ledger, lang))
    return f"{head}\n\n{body}" + (note if provisional else "")


def overdue_json(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    items = overdue_items(statuses)
    tasks = [task_json(s, s.overdue) for s in statuses if s.overdue]
    payload = {
        "as_of": as_of.isoformat(),
        "ledger": ledger.config.name,
        "count": len(items),
        "task_count": len(tasks),
        "tasks": tasks,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def overdue_markdown(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    items = overdue_items(statuses)
    head = "### " + _overdue_heading(items, as_of, lang)
    if not items:
        return head + "\n\n" + Text("没有逾期事项。", "Nothing is overdue.")(lang)
    body = md_table(_overdue_header(lang), _overdue_rows(items, ledger, lang))
    return f"{head}\n\n{body}\n"


def overdue_github(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    lines = []
    for s, o in overdue_items(statuses):
        where = s.task.loc(*o.field)
        title = f"{s.task.id} {o.title(lang)}"
        lines.append(
            annotation("warning", where.path, where.line, item_message(s, o, lang), title=title)
        )
    return "\n".join(lines)


def next_item(s: TaskStatus) -> Obligation | None:
    return next((o for o in s.obligations if o.state in ("overdue", "open")), None)


STATUS_HEADER = (
    Text("任务编号", "task"),
    Text("状态", "light"),
    Text("任务", "title"),
    Text("责任单位", "unit"),
    Text("紧急程度", "priority"),
    Text("完成时限", "deadline"),
    Text("下一事项", "next item"),
    Text("期限", "due"),
    Text("逾期项", "overdue"),
)


def _status_header(lang: str) -> list[str]:
    return [t(lang) for t in STATUS_HEADER]


def _status_rows(statuses: Sequence[TaskStatus], ledger: Ledger, lang: str) -> list[list[str]]:
    rows = []
    for s in statuses:
        nxt = next_item(s) if s.live else None
        rows.append(
            [
                s.task.id,
                light_label(s.light, lang),
                clip(s.task.title, 30),
                ledger.unit_label(s.owner.unit),
                label(PRIORITY_LABELS, s.task.priority, lang),
                s.deadline.isoformat() + ("*" if s.provisional else ""),
                nxt.title(lang) if nxt else "",
                nxt.due.isoformat() if nxt else "",
                str(len(s.overdue)),
            ]
        )
    return rows


def _status_heading(statuses: Sequence[TaskStatus], as_of: date, lang: str) -> str:
    c = counts(statuses)
    parts = ", ".join(f"{light_label(k, lang)} {v}" for k, v in c.items())
    return Text(
        f"截至 {as_of} 共 {len(statuses)} 项任务：{parts}",
        f"Status as of {as_of}: {len(statuses)} task(s) — {parts}",
    )(lang)


def status_table(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    head = _status_heading(statuses, as_of, lang)
    if not statuses:
        return head
    return f"{head}\n\n{table(_status_header(lang), _status_rows(statuses, ledger, lang))}"


def status_json(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    payload = {
        "as_of": as_of.isoformat(),
        "ledger": ledger.config.name,
        "warning_days": ledger.config.warning_days,
        "counts": counts(statuses),
        "tasks": [task_json(s) for s in statuses],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def status_markdown(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    head = "### " + _status_heading(statuses, as_of, lang)
    if not statuses:
        return head
    return f"{head}\n\n{md_table(_status_header(lang), _status_rows(statuses, ledger, lang))}\n"


def status_github(statuses: Sequence[TaskStatus], ledger: Ledger, as_of: date, lang: str) -> str:
    """Overdue items as warnings, due-soon items as notices, each on its field's line."""
    overdue = overdue_github(statuses, ledger, as_of, lang)
    lines = [overdue] if overdue else []
    for s, o in due_soon_items(statuses):
        where = s.task.loc(*o.field)
        title = f"{s.task.id} {o.title(lang)}"
        lines.append(
            annotation("notice", where.path, where.line, soon_message(s, o, lang), title=title)
        )
    return "\n".join(lines)


Reporter = Callable[[Sequence[TaskStatus], Ledger, date, str], str]


OVERDUE_REPORTERS: dict[str, Reporter] = {
    "table": overdue_table,
    "json": overdue_json,
    "markdown": overdue_markdown,
    "github": overdue_github,
}


STATUS_REPORTERS: dict[str, Reporter] = {
    "table": status_table,
    "json": status_json,
    "markdown": status_markdown,
    "github": status_github,
}
