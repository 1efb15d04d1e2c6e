"""Checks beyond the schema: the ledger's own rules, on a schema-valid task document."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from duban.check.duties import (
    assigner_violation,
    duty_violation,
    owners_in_force,
    reassign_violation,
    unit_kinds,
)
from duban.check.shapes import value_at
from duban.model import EVENT_LABELS, Owner
from duban.problems import Problem, json_path
from duban.source import Document
from duban.text import Text, label

Keys = tuple[str | int, ...]


class Finding(NamedTuple):
    """A problem of a task document before it is placed: its code, field and text."""

    code: str
    keys: Keys
    text: Text


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What a task is checked against: its file name and the rest of the ledger."""

    stem: str
    """The file name without ``.yaml``: the task id it must carry."""
    id_prefix: str
    units: Collection[str]
    rules: Mapping[str, bool]
    """Each rule id, and whether a ``deadline_rule`` may name it."""
    span: tuple[str, str] | None
    """The first and last day of the working-day calendar (ISO), or None."""
    kinds: Mapping[str, str]
    """Unit code → kind (``assigning``...), when the roster is known; else empty."""


def check_task(
    doc: Document,
    stem: str,
    id_prefix: str,
    units: Collection[str],
    rules: Mapping[str, bool],
    span: tuple[str, str] | None = None,
) -> list[Problem]:
    """Ledger rules for one schema-valid task document.

    ``rules`` maps each rule id to whether a task's ``deadline_rule`` may name it (a deadline
    counted from the received date); ``span`` is the first and last day the working-day
    calendar covers (ISO strings), outside which no deadline can be computed.
    """
    ctx = TaskContext(stem, id_prefix, units, rules, span, unit_kinds(units))
    data = doc.data
    findings = [
        *_ids(data, ctx),
        *_units(data, ctx),
        *_deadline_rule(data, ctx),
        *_within_calendar(data, ctx),
        *_before_received(data),
    ]
    involved = {data["assigned_by"], data["owner"]["unit"], *data["owner"].get("co_units", [])}
    if all(u in units for u in involved):  # duties make sense once the units are known
        findings += _assigner(data, ctx)
        findings += _events(data, ctx)
    return [Problem(f.code, doc.loc(*f.keys), f.text, field=json_path(f.keys)) for f in findings]


def _ids(data: dict[str, Any], ctx: TaskContext) -> Iterator[Finding]:
    task_id = data["id"]
    # The file name is the id; the case of its letters may differ (Decap CMS, the web form,
    # names a new entry's file in lower case, and `duban record` finds files in any case).
    if task_id.upper() != ctx.stem.upper():
        yield Finding(
            "id-filename",
            ("id",),
            Text(
                f"任务编号 {task_id} 与文件名 {ctx.stem}.yaml 不一致",
                f"task id {task_id} does not match the file name {ctx.stem}.yaml",
            ),
        )
    if ctx.id_prefix and not task_id.startswith(ctx.id_prefix + "-"):
        yield Finding(
            "id-prefix",
            ("id",),
            Text(
                f"任务编号 {task_id} 应以台账前缀 {ctx.id_prefix}- 开头",
                f"task id {task_id} should start with the ledger prefix {ctx.id_prefix}-",
            ),
        )


def _unknown_unit(code: object, keys: Keys, units: Collection[str] = ()) -> Finding:
    """An unknown unit code, with the close ones (did you mean) and the list of codes."""
    known = sorted(units)
    close = difflib.get_close_matches(str(code), known, n=3, cutoff=0.6)
    listed = "、".join(known[:30]) + ("……" if len(known) > 30 else "")
    zh = f"单位代码 “{code}” 不在 units.yaml 中"
    en = f"unit code '{code}' is not in units.yaml"
    if close:
        zh += f"；是否应为 {'、'.join(close)}？"
        en += f"; did you mean {', '.join(close)}?"
    if known:
        zh += f"（可用的单位代码：{listed}）"
        en += f" (unit codes: {', '.join(known[:30])}{'...' if len(known) > 30 else ''})"
    return Finding("unknown-unit", keys, Text(zh, en))


def _units(data: dict[str, Any], ctx: TaskContext) -> Iterator[Finding]:
    co_units = data["owner"].get("co_units", [])
    paths: list[Keys] = [("assigned_by",), ("owner", "unit")]
    paths += [("owner", "co_units", i) for i in range(len(co_units))]
    for keys in paths:
        code = value_at(data, keys)
        if isinstance(code, str) and code not in ctx.units:
            yield _unknown_unit(code, keys, ctx.units)


def _assigner(data: dict[str, Any], ctx: TaskContext) -> Iterator[Finding]:
    """``assigned_by`` is an assigning unit, never the owner or a co-unit."""
    owner = data["owner"]
    first = Owner(owner["unit"], owner["lead"], tuple(owner.get("co_units", ())))
    why = assigner_violation(data["assigned_by"], first, ctx.kinds)
    if why is not None:
        yield Finding("assigner-not-allowed", ("assigned_by",), why)


def _reassignment(
    event: dict[str, Any], index: int, ctx: TaskContext, assigner: str
) -> list[Finding]:
    """The units of a ``reassigned`` are known, and the assigning unit is not among them."""
    keys: list[Keys] = [("events", index, "owner")]
    keys += [("events", index, "co_units", k) for k in range(len(event.get("co_units", [])))]
    findings = []
    for path in keys:
        code = value_at(event, path[2:])
        if code not in ctx.units:
            findings.append(_unknown_unit(code, path, ctx.units))
    if findings:
        return findings
    new = Owner(event["owner"], "", tuple(event.get("co_units", ())))
    why = reassign_violation(assigner, new, ctx.kinds)
    return [] if why is None else [Finding("reassigned-not-allowed", keys[0], why)]


def _deadline_rule(data: dict[str, Any], ctx: TaskContext) -> Iterator[Finding]:
    rule = data.get("deadline_rule")
    if rule is not None and rule not in ctx.rules:
        yield Finding(
            "unknown-rule",
            ("deadline_rule",),
            Text(
                f"时限规则 “{rule}” 不在 rules.yaml 中",
                f"deadline rule '{rule}' is not in rules.yaml",
            ),
        )
    elif rule is not None and not ctx.rules[rule]:
        usable = ", ".join(r for r, ok in ctx.rules.items() if ok)
        yield Finding(
            "rule-not-a-deadline",
            ("deadline_rule",),
            Text(
                f"规则 “{rule}” 不是从收到日期起算的完成时限，不能用作 deadline_rule"
                f"（可用：{usable}）",
                f"rule '{rule}' is not a deadline counted from the received date and cannot be "
                f"a deadline_rule (usable: {usable})",
            ),
        )


def _within_calendar(data: dict[str, Any], ctx: TaskContext) -> Iterator[Finding]:
    if ctx.span is None:
        return
    first, last = ctx.span
    for dated in _dated_fields(data):
        value = value_at(data, dated)
        if isinstance(value, str) and not first <= value <= last:
            yield Finding(
                "date-out-of-calendar",
                dated,
                Text(
                    f"日期 {value} 超出工作日历范围（{first} 至 {last}）",
                    f"date {value} is outside the working-day calendar ({first} to {last})",
                ),
            )


def _before_received(data: dict[str, Any]) -> Iterator[Finding]:
    received = data["received"]
    deadline = data.get("deadline")
    if deadline is not None and deadline < received:
        yield Finding(
            "deadline-before-received",
            ("deadline",),
            Text(
                f"完成时限 {deadline} 早于收到日期 {received}",
                f"deadline {deadline} is before the received date {received}",
            ),
        )
    for index, milestone in enumerate(data.get("milestones", [])):
        if milestone["due"] < received:
            yield Finding(
                "milestone-before-received",
                ("milestones", index, "due"),
                Text(
                    f"阶段节点时限 {milestone['due']} 早于收到日期 {received}",
                    f"milestone due {milestone['due']} is before the received date {received}",
                ),
            )


def _events(data: dict[str, Any], ctx: TaskContext) -> list[Finding]:
    """Dates in order, units known, separation of duties (against the owner in force at
    each event), closed means closed."""
    received = data["received"]
    titles = {m["title"] for m in data.get("milestones", [])}
    findings: list[Finding] = []
    previous = received
    closed = False
    in_force = owners_in_force(data["owner"], data["events"])
    for index, (event, owner) in enumerate(zip(data["events"], in_force, strict=True)):
        findings += _event_date(event, index, received, previous)
        previous = max(previous, event["date"])
        owners = {owner.unit, *owner.co_units}
        findings += _event_unit(event, index, ctx, data["assigned_by"], owners)
        findings += _event_fields(event, index, titles)
        if event["type"] == "reassigned":
            findings += _reassignment(event, index, ctx, data["assigned_by"])
        if closed and event["type"] != "reopened":
            findings.append(_after_closed(event, index))
        if event["type"] in ("closed", "reopened"):
            closed = event["type"] == "closed"
    return findings


def _event_date(event: dict[str, Any], index: int, received: str, previous: str) -> list[Finding]:
    date = event["date"]
    if date < received:
        return [
            Finding(
                "event-before-received",
                ("events", index, "date"),
                Text(
                    f"办理记录日期 {date} 早于收到日期 {received}",
                    f"event date {date} is before the received date {received}",
                ),
            )
        ]
    if date < previous:
        return [
            Finding(
                "event-order",
                ("events", index, "date"),
                Text(
                    f"办理记录须按日期先后排列：{date} 早于上一条的 {previous}",
                    f"events must be in date order: {date} is before the previous {previous}",
                ),
            )
        ]
    return []


def _event_unit(
    event: dict[str, Any], index: int, ctx: TaskContext, assigner: str, owners: set[str]
) -> list[Finding]:
    by = event["by"]
    if by not in ctx.units:
        return [_unknown_unit(by, ("events", index, "by"), ctx.units)]
    why = duty_violation(event["type"], by, assigner, owners)
    return [] if why is None else [Finding("duty-separation", ("events", index, "by"), why)]


def _event_fields(event: dict[str, Any], index: int, titles: set[str]) -> list[Finding]:
    kind = event["type"]
    if kind == "milestone-reported" and event["milestone"] not in titles:
        return [
            Finding(
                "unknown-milestone",
                ("events", index, "milestone"),
                Text(
                    f"阶段节点 “{event['milestone']}” 不在本任务的 milestones 中",
                    f"milestone '{event['milestone']}' is not among this task's milestones",
                ),
            )
        ]
    if kind == "extension-approved" and event["deadline"] < event["date"]:
        return [
            Finding(
                "extension-in-past",
                ("events", index, "deadline"),
                Text(
                    f"延期后的新时限 {event['deadline']} 早于批准日期 {event['date']}",
                    f"the new deadline {event['deadline']} is before the approval date "
                    f"{event['date']}",
                ),
            )
        ]
    return []


def _after_closed(event: dict[str, Any], index: int) -> Finding:
    kind = event["type"]
    return Finding(
        "event-after-closed",
        ("events", index, "type"),
        Text(
            f"任务已销号，之后只能登记“重新办理”（reopened），"
            f"不能登记“{label(EVENT_LABELS, kind)}”",
            f"the task is closed: only 'reopened' may follow, not '{kind}'",
        ),
    )


def _dated_fields(data: dict[str, Any]) -> list[Keys]:
    """The paths of every date in a task: received, deadline, milestones, events."""
    paths: list[tuple[str | int, ...]] = [("received",), ("deadline",)]
    paths += [("milestones", i, "due") for i in range(len(data.get("milestones", [])))]
    for i in range(len(data["events"])):
        paths += [("events", i, "date"), ("events", i, "deadline")]
    return paths
