"""Checks beyond the schema: the ledger's own rules, on a schema-valid task document."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date as _date
from typing import Any, NamedTuple

from duban.check.duties import (
    assigner_violation,
    duty_violation,
    owners_in_force,
    reassign_violation,
    unit_kinds,
)
from duban.load.valuehints import glued
from duban.load.yamlhints import bracket_value
from duban.model import EVENT_LABELS, Owner
from duban.problems import Problem, json_path
from duban.source import Document, Location
from duban.text import Text, label

#: Fields that hold codes and ids: no invisible characters, no line breaks.
CODE_FIELDS: tuple[tuple[str | int, ...], ...] = (
    ("id",),
    ("assigned_by",),
    ("deadline_rule",),
    ("owner", "unit"),
)


def _invisible(text: str) -> tuple[int, str] | None:
    """The first control, format (zero-width), separator or space character, if any."""
    for index, char in enumerate(text):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs"):
            return index, char
    return None


def check_codes(doc: Document) -> list[Problem]:
    """Ids and unit codes must not hide invisible characters or line breaks."""
    data = doc.data
    paths: list[tuple[str | int, ...]] = [p for p in CODE_FIELDS if _get(data, p) is not None]
    owner = data.get("owner")
    if isinstance(owner, dict) and isinstance(owner.get("co_units"), list):
        paths += [("owner", "co_units", i) for i in range(len(owner["co_units"]))]
    if isinstance(data.get("events"), list):
        for i, e in enumerate(data["events"]):
            if isinstance(e, dict):
                paths += [("events", i, "by"), ("events", i, "owner")]
                co = e.get("co_units")
                paths += [("events", i, "co_units", k) for k in range(len(co or []))]
    problems = []
    for keys in paths:
        value = _get(data, keys)
        if not isinstance(value, str):
            continue
        hit = _invisible(value)
        if hit:
            index, char = hit
            name = unicodedata.name(char, "CONTROL")
            problems.append(
                Problem(
                    "invisible-character",
                    doc.loc(*keys),
                    Text(
                        f"字段 {json_path(keys)} 含不可见字符 U+{ord(char):04X}（{name}），"
                        f"位于第 {index + 1} 个字符；编号和代码不能有空格、换行或零宽字符",
                        f"field {json_path(keys)} contains invisible character U+{ord(char):04X} "
                        f"({name}) at character {index + 1}",
                    ),
                    field=json_path(keys),
                )
            )
    return problems


#: A date as people write it: ``2026/3/5``, ``2026年3月5日``, ``2026-3-5``, ``2026.3.5``.
_LOOSE_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def date_paths(data: object) -> list[tuple[str | int, ...]]:
    """Where a task's dates are, in a document of any shape: received, deadline, milestones'
    due dates, events' dates and new deadlines."""
    if not isinstance(data, dict):
        return []
    paths: list[tuple[str | int, ...]] = [("received",), ("deadline",)]
    for name, fields in (("milestones", ("due",)), ("events", ("date", "deadline"))):
        items = data.get(name)
        if isinstance(items, list):
            paths += [
                (name, i, f)
                for i, item in enumerate(items)
                if isinstance(item, dict)
                for f in fields
            ]
    return paths


def check_dates(doc: Document) -> list[Problem]:
    """A date written ``2026/3/5``, ``2026年3月5日`` or ``2026-3-5``: one problem that shows
    the form to write (``2026-03-05``), instead of the schema's pattern and format ones."""
    problems = []
    for keys in date_paths(doc.data):
        value = _get(doc.data, keys)
        if not isinstance(value, str) or _ISO_DATE.match(value):
            continue
        found = _LOOSE_DATE.match(unicodedata.normalize("NFKC", value))
        if found is None:
            continue
        year, month, day = (int(part) for part in found.groups())
        try:
            right = _date(year, month, day).isoformat()
        except ValueError:
            zh = f"“{value}” 不是真实存在的日期；请核对后写成 年-月-日 的形式（如 2026-03-05）"
            en = f"'{value}' is not a real date; write dates as YYYY-MM-DD"
        else:
            zh = (
                f"日期 “{value}” 的写法不对，应写成 {right}（年-月-日，用英文短横线“-”"
                "连接，月和日都写两位数）"
            )
            en = f"the date '{value}' is written the wrong way; write {right} (YYYY-MM-DD)"
        problems.append(Problem("date-form", doc.loc(*keys), Text(zh, en), field=json_path(keys)))
    return problems


def check_glued(doc: Document) -> tuple[list[Problem], list[Problem]]:
    """Keys and list items that YAML read as one piece of text because of a missing space
    or a full-width colon (``{date:2026-03-05, ...}``, ``- title：完成调研``) or a key
    behind full-width spaces (``　　co_units: [czj]``), then lists written with full-width
    brackets (``co_units: 【czj】``)."""
    problems: list[Problem] = []
    brackets: list[Problem] = []
    stack: list[tuple[object, Keys]] = [(doc.data, ())]
    while stack:
        node, path = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else []
        items += list(enumerate(node)) if isinstance(node, list) else []
        for key, value in items:
            keys = (*path, key)
            written = key if isinstance(key, str) else value
            found = glued(written) if isinstance(written, str) else None
            if found is not None:
                code, text = found
                problems.append(_shape(code, doc, keys, text))
            elif key == "co_units" and (char := bracket_value(value)) is not None:
                brackets.append(_shape("yaml-fullwidth-bracket", doc, keys, _bracket(keys, char)))
            else:
                stack.append((value, keys))
    return sorted(problems, key=Problem.sort_key), brackets


def _bracket(keys: Keys, char: str) -> Text:
    field = json_path(keys)
    return Text(
        f"字段 {field} 用了中文括号“{char}”；列表要用英文方括号，如 [czj, fgw]",
        f"field {field} uses a full-width bracket '{char}'; write the list with ASCII "
        "brackets, e.g. [czj, fgw]",
    )


def _shape(code: str, doc: Document, keys: tuple[str | int, ...], text: Text) -> Problem:
    return Problem(code, doc.loc(*keys), text, field=json_path(keys))


def _get(data: object, keys: Iterable[str | int]) -> object:
    node = data
    for key in keys:
        if isinstance(node, dict) and isinstance(key, str):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    return node


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
        code = _get(data, keys)
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
        code = _get(event, path[2:])
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
        value = _get(data, dated)
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


#: The highest number of a task id within its year (``ES-2026-9999``).
MAX_NUMBER = 9999
_ID_PARTS = re.compile(r"(?P<prefix>.+)-(?P<year>\d{4})-\d+\Z")


def highest_number(prefix: str, year: int, names: Iterable[str]) -> int:
    """The highest number of ``year`` among ``names`` (ids, or file names up to their first
    dot, in any case: the web form names files in lower case); 0 when there is none."""
    pattern = re.compile(rf"{re.escape(prefix)}-{year}-(\d+)\Z", re.IGNORECASE)
    return max((int(m.group(1)) for name in names if (m := pattern.match(name))), default=0)


def free_id_after(task_id: str, names: Iterable[str]) -> str | None:
    """The id a new task of ``task_id``'s year would take: one more than the highest in
    ``names`` (None when ``task_id`` is not shaped like an id, or the year is full)."""
    parts = _ID_PARTS.match(task_id)
    if parts is None:
        return None
    prefix, year = parts.group("prefix"), int(parts.group("year"))
    number = highest_number(prefix, year, names) + 1
    return f"{prefix}-{year}-{number:04d}" if number <= MAX_NUMBER else None


def duplicate_ids(
    seen: dict[str, Location], task_id: str, where: Location, taken: Iterable[str] = ()
) -> Problem | None:
    """Ids are unique across the ledger; the second file names the first, and the id a new
    task would take (one more than the highest of ``seen`` and ``taken``: every task file's
    name)."""
    first = seen.get(task_id)
    if first is None:
        seen[task_id] = where
        return None
    free = free_id_after(task_id, [*seen, *taken])
    zh_fix = f"；若这是另一项新任务，请改用未用的编号 {free}（文件名同改）" if free else ""
    en_fix = f"; if this is another new task, give it the unused id {free} (and file name)"
    return Problem(
        "duplicate-id",
        where,
        Text(
            f"任务编号 {task_id} 重复（已用于 {first}）{zh_fix}",
            f"task id {task_id} is used twice (first in {first}){en_fix if free else ''}",
        ),
        field="$.id",
    )
