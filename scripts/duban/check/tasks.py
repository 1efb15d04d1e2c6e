"""Checks beyond the schema: the ledger's own rules, on a schema-valid task document."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping

from duban.check.duties import duty_violation
from duban.model import EVENT_LABELS
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
        paths += [("events", i, "by") for i, e in enumerate(data["events"]) if isinstance(e, dict)]
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
                        f"字段 {json_path(keys)} 含不可见字符 U+{ord(char):04X} ({name}), "
                        f"位于第 {index + 1} 个字符; 编号和代码不能有空格、换行或零宽字符",
                        f"field {json_path(keys)} contains invisible character U+{ord(char):04X} "
                        f"({name}) at character {index + 1}",
                    ),
                    field=json_path(keys),
                )
            )
    return problems


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
    data = doc.data
    problems: list[Problem] = []

    def add(code: str, keys: tuple[str | int, ...], zh: str, en: str) -> None:
        problems.append(Problem(code, doc.loc(*keys), Text(zh, en), field=json_path(keys)))

    task_id = data["id"]
    if task_id != stem:
        add(
            "id-filename",
            ("id",),
            f"任务编号 {task_id} 与文件名 {stem}.yaml 不一致",
            f"task id {task_id} does not match the file name {stem}.yaml",
        )
    if id_prefix and not task_id.startswith(id_prefix + "-"):
        add(
            "id-prefix",
            ("id",),
            f"任务编号 {task_id} 应以台账前缀 {id_prefix}- 开头",
            f"task id {task_id} should start with the ledger prefix {id_prefix}-",
        )

    involved = {data["assigned_by"], data["owner"]["unit"], *data["owner"].get("co_units", [])}
    for keys in [("assigned_by",), ("owner", "unit")] + [
        ("owner", "co_units", i) for i in range(len(data["owner"].get("co_units", [])))
    ]:
        code = _get(data, keys)
        if isinstance(code, str) and code not in units:
            add(
                "unknown-unit",
                keys,
                f"单位代码 “{code}” 不在 units.yaml 中",
                f"unit code '{code}' is not in units.yaml",
            )

    rule = data.get("deadline_rule")
    if rule is not None and rule not in rules:
        add(
            "unknown-rule",
            ("deadline_rule",),
            f"时限规则 “{rule}” 不在 rules.yaml 中",
            f"deadline rule '{rule}' is not in rules.yaml",
        )
    elif rule is not None and not rules[rule]:
        usable = ", ".join(r for r, ok in rules.items() if ok)
        add(
            "rule-not-a-deadline",
            ("deadline_rule",),
            f"规则 “{rule}” 不是从收到日期起算的完成时限, 不能用作 deadline_rule (可用: {usable})",
            f"rule '{rule}' is not a deadline counted from the received date and cannot be "
            f"a deadline_rule (usable: {usable})",
        )
    if span is not None:
        for dated in _dated_fields(data):
            value = _get(data, dated)
            if isinstance(value, str) and not span[0] <= value <= span[1]:
                add(
                    "date-out-of-calendar",
                    dated,
                    f"日期 {value} 超出工作日历范围 ({span[0]} 至 {span[1]})",
                    f"date {value} is outside the working-day calendar ({span[0]} to {span[1]})",
                )

    received = data["received"]
    deadline = data.get("deadline")
    if deadline is not None and deadline < received:
        add(
            "deadline-before-received",
            ("deadline",),
            f"完成时限 {deadline} 早于收到日期 {received}",
            f"deadline {deadline} is before the received date {received}",
        )
    titles = {m["title"] for m in data.get("milestones", [])}
    for index, milestone in enumerate(data.get("milestones", [])):
        if milestone["due"] < received:
            add(
                "milestone-before-received",
                ("milestones", index, "due"),
                f"阶段节点时限 {milestone['due']} 早于收到日期 {received}",
                f"milestone due {milestone['due']} is before the received date {received}",
            )

    if all(u in units for u in involved):  # duties make sense once the units are known
        _check_events(data, units, titles, add)
    return problems


def _check_events(data, units, titles, add) -> None:  # type: ignore[no-untyped-def]
    """Dates in order, units known, separation of duties, closed means closed."""
    received = data["received"]
    assigner = data["assigned_by"]
    owners = {data["owner"]["unit"], *data["owner"].get("co_units", [])}
    previous = received
    closed = False
    for index, event in enumerate(data["events"]):
        date, kind, by = event["date"], event["type"], event["by"]
        name = label(EVENT_LABELS, kind)
        if date < received:
            add(
                "event-before-received",
                ("events", index, "date"),
                f"办理记录日期 {date} 早于收到日期 {received}",
                f"event date {date} is before the received date {received}",
            )
        elif date < previous:
            add(
                "event-order",
                ("events", index, "date"),
                f"办理记录须按日期先后排列: {date} 早于上一条的 {previous}",
                f"events must be in date order: {date} is before the previous {previous}",
            )
        previous = max(previous, date)
        if by not in units:
            add(
                "unknown-unit",
                ("events", index, "by"),
                f"单位代码 “{by}” 不在 units.yaml 中",
                f"unit code '{by}' is not in units.yaml",
            )
        elif (why := duty_violation(kind, by, assigner, owners)) is not None:
            add("duty-separation", ("events", index, "by"), *why)
        if kind == "milestone-reported" and event["milestone"] not in titles:
            add(
                "unknown-milestone",
                ("events", index, "milestone"),
                f"阶段节点 “{event['milestone']}” 不在本任务的 milestones 中",
                f"milestone '{event['milestone']}' is not among this task's milestones",
            )
        if kind == "extension-approved" and event["deadline"] < date:
            add(
                "extension-in-past",
                ("events", index, "deadline"),
                f"延期后的新时限 {event['deadline']} 早于批准日期 {date}",
                f"the new deadline {event['deadline']} is before the approval date {date}",
            )
        if closed and kind != "reopened":
            add(
                "event-after-closed",
                ("events", index, "type"),
                f"任务已销号, 之后只能登记“重新办理”(reopened), 不能登记 “{name}”",
                f"the task is closed: only 'reopened' may follow, not '{kind}'",
            )
        if kind == "closed":
            closed = True
        elif kind == "reopened":
            closed = False


def _dated_fields(data: dict) -> list[tuple[str | int, ...]]:  # type: ignore[type-arg]
    """The paths of every date in a task: received, deadline, milestones, events."""
    paths: list[tuple[str | int, ...]] = [("received",), ("deadline",)]
    paths += [("milestones", i, "due") for i in range(len(data.get("milestones", [])))]
    for i in range(len(data["events"])):
        paths += [("events", i, "date"), ("events", i, "deadline")]
    return paths


def duplicate_ids(seen: dict[str, Location], task_id: str, where: Location) -> Problem | None:
    """Ids are unique across the ledger; the second file names the first."""
    first = seen.get(task_id)
    if first is None:
        seen[task_id] = where
        return None
    return Problem(
        "duplicate-id",
        where,
        Text(
            f"任务编号 {task_id} 重复 (已用于 {first})",
            f"task id {task_id} is used twice (first in {first})",
        ),
        field="$.id",
    )
