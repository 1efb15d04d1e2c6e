"""``duban record``: append one event to a task file, changing no other byte of it.

The new event is written in the style of the events before it (a one-line flow mapping
``  - {date: …, type: …, by: …}`` or a block mapping, with the same indentation), right after
the last one; ``events: []`` becomes a block list. Values that the strict loader would read
differently as plain text (a ``:``, ``#``, quotes, a leading ``-``, ``true``, ``123``, line
breaks…) are written double-quoted, and the new text is read back to make sure it holds
exactly the intended event.

Before anything is written, the new text is judged as ``validate`` judges a task file (the
pipeline of :mod:`duban.check.pipeline`; the ledger-level checks, duplicate ids and a
deadline rule beyond the calendar, depend only on fields an event does not change, so the
file must be free of problems before) and as the pull-request gate judges the change for an
account of the recording unit (:func:`duban.check.change_checks.check` on the old and new
text: append-only, duties, closed tasks, dates after today, the backfill window). Any problem
refuses the change and nothing is written; the file is replaced atomically otherwise (a
temporary file beside it, then ``os.replace``, keeping its mode).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from duban.check.backfill import Backfill
from duban.check.change_checks import check
from duban.check.change_records import Context, Modified
from duban.check.pipeline import load_task_text
from duban.clerk.eventnames import fields_of
from duban.clerk.yamltext import quoted, scalar, write_atomically
from duban.load.layout import Layout
from duban.load.reading import read_bounded
from duban.load.yamlload import load_text
from duban.model import EVENT_LABELS, Ledger
from duban.problems import Problem, UserError
from duban.source import Location
from duban.text import Text


@dataclass(frozen=True, slots=True)
class Entry:
    """The event to record."""

    type: str
    by: str
    date: dt.date
    note: str = ""
    deadline: dt.date | None = None
    milestone: str | None = None
    owner: str | None = None
    co_units: tuple[str, ...] | None = None

    def data(self) -> dict[str, Any]:
        """The event as the loader reads it, keys in the ledger's order."""
        out: dict[str, Any] = {"date": self.date.isoformat(), "type": self.type, "by": self.by}
        if self.deadline is not None:
            out["deadline"] = self.deadline.isoformat()
        if self.milestone is not None:
            out["milestone"] = self.milestone
        if self.owner is not None:
            out["owner"] = self.owner
        if self.co_units is not None:
            out["co_units"] = list(self.co_units)
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Recorded:
    """What was (or would be) written: the file, the line of the new event, the new text."""

    path: Path
    display: str
    line: int
    added: str


# -- writing one value ---------------------------------------------------------------------

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _value(key: str, value: Any) -> str:
    if key in ("date", "deadline") and _ISO.fullmatch(str(value)):
        return str(value)  # a date stays text for the core schema: written as ledgers do
    if isinstance(value, list):
        return "[" + ", ".join(scalar(str(v)) for v in value) + "]"
    return scalar(str(value))


# -- placing the event in the text ---------------------------------------------------------


def _compose(text: str) -> yaml.Node | None:
    """The node tree (pure-Python composer: its marks index the text by character)."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def _last_end(node: yaml.Node) -> int:
    """Where the last piece of ``node`` written ends (its last scalar or flow collection)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return int(node.end_mark.index)


def _line_end(text: str, index: int) -> int:
    """The index just after the line break ending the line of ``index`` (or the text's end)."""
    if index > 0 and text[index - 1] in "\n":
        return index  # a block scalar ends at the start of the next line
    at = text.find("\n", index)
    return len(text) if at < 0 else at + 1


def _flow_line(items: Sequence[tuple[str, Any]]) -> str:
    return "{" + ", ".join(f"{k}: {_value(k, v)}" for k, v in items) + "}"


def _block_lines(items: Sequence[tuple[str, Any]], prefix: str, newline: str) -> str:
    pad = " " * len(prefix)
    lines = [f"{prefix if i == 0 else pad}{k}: {_value(k, v)}" for i, (k, v) in enumerate(items)]
    return newline.join(lines) + newline


def place_event(text: str, event: Mapping[str, Any]) -> tuple[str, int, str] | None:
    """``text`` (a valid task file, BOM removed) with ``event`` appended to its ``events``,
    every other character kept; the 1-based line where the event starts and the text added.
    None when the events cannot be found."""
    root = _compose(text)
    if not isinstance(root, yaml.MappingNode):
        return None
    found = [v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "events"]
    if len(found) != 1 or not isinstance(found[0], yaml.SequenceNode):
        return None
    events = found[0]
    key_column = next(k for k, v in root.value if v is events).start_mark.column
    newline = "\r\n" if "\r\n" in text else "\n"
    items = list(event.items())
    if events.flow_style and events.value:  # events: [{...}, {...}]
        at = int(events.end_mark.index) - 1
        added = ", " + _flow_line(items)
        return text[:at] + added + text[at:], events.end_mark.line + 1, added
    if events.flow_style:  # events: []  ->  events:\n  - {...}
        start, end = int(events.start_mark.index), int(events.end_mark.index)
        after = _line_end(text, end)
        tail = text[end:after]
        head = text[:start]
        if not tail.strip():  # nothing after [] on its line: no trailing space either
            head, tail = head.rstrip(" "), tail.lstrip(" ")
        if not tail.endswith("\n"):
            tail += newline
        added = " " * (key_column + 2) + "- " + _flow_line(items) + newline
        first = head + tail
        return first + added + text[after:], first.count("\n") + 1, added
    last = events.value[-1]
    begin = int(last.start_mark.index)
    prefix = text[text.rfind("\n", 0, begin) + 1 : begin]
    if not re.fullmatch(r" *- +", prefix):
        prefix = " " * key_column + "  - "
    at = _line_end(text, _last_end(last))
    head = text[:at]
    if not head.endswith("\n"):
        head += newline
    if isinstance(last, yaml.MappingNode) and not last.flow_style:
        added = _block_lines(items, prefix, newline)
    else:
        added = prefix + _flow_line(items) + newline
    return head + added + text[at:], head.count("\n") + 1, added


# -- the command ---------------------------------------------------------------------------


def _problem(code: str, path: str, zh: str, en: str, line: int = 1) -> Problem:
    return Problem(code, Location(path, line, 1), Text(zh, en))


def find_task(layout: Layout, task_id: str) -> Path:
    """The task file of ``task_id`` (any case); :class:`UserError` when there is none or
    more than one."""
    wanted = task_id.strip().upper()
    scan = layout.scan()  # a link or special file in its place is found, then refused
    odd = [p for p in scan.irregular if layout.tasks in p.parents and p.suffix == ".yaml"]
    paths = [p for p in (*scan.tasks, *odd) if p.stem.upper() == wanted]
    if not paths:
        raise UserError(
            Text(
                f"台账中没有编号为 {task_id} 的任务（{layout.display(layout.tasks)} 下没有 "
                f"{wanted}.yaml）",
                f"no task {task_id} in the ledger (no {wanted}.yaml under "
                f"{layout.display(layout.tasks)})",
            )
        )
    if len(paths) > 1:
        shown = ", ".join(layout.display(p) for p in paths)
        raise UserError(
            Text(
                f"编号 {wanted} 有多个任务文件：{shown}",
                f"task {wanted} has several files: {shown}",
            )
        )
    return paths[0]


def check_entry(entry: Entry) -> None:
    """The options fit the event type (:class:`UserError` naming the option otherwise)."""
    required, allowed = fields_of(entry.type)
    given = set(entry.data()) - {"date", "type", "by"}
    option = {"co_units": "--co-units"}
    name = EVENT_LABELS[entry.type].zh
    for field in required:
        if field not in given:
            flag = option.get(field, f"--{field}")
            raise UserError(
                Text(
                    f"登记“{name}”（{entry.type}）须给出 {flag}",
                    f"an event '{entry.type}' needs {flag}",
                )
            )
    for field in sorted(given - set(allowed)):
        flag = option.get(field, f"--{field}")
        raise UserError(
            Text(
                f"{flag} 不适用于“{name}”（{entry.type}）",
                f"{flag} does not apply to an event '{entry.type}'",
            )
        )
    for value in (entry.note, entry.milestone or ""):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UserError(
                Text("说明中有无法编码的字符", "the text holds characters that cannot be encoded")
            ) from exc


def account_for(ledger: Ledger, unit: str, account: str | None) -> str:
    """The platform account the change is judged for: ``account``, else the first
    maintainer of ``unit`` (:class:`UserError` when the unit is unknown or has none)."""
    if unit not in ledger.units:
        raise UserError(
            Text(
                f"未知的单位代码 {unit}（见 units.yaml）",
                f"unknown unit code {unit} (see units.yaml)",
            )
        )
    if account:
        return account
    maintainers = ledger.units[unit].maintainers
    if not maintainers:
        raise UserError(
            Text(
                f"单位 {unit} 在 units.yaml 中没有维护人账号，无人能代表它登记；"
                "请用 --account 指明",
                f"unit {unit} has no maintainers in units.yaml; give --account",
            )
        )
    return str(maintainers[0])


def _context(ledger: Ledger, actor: str, today: date) -> Context:
    rules = {rule.id: rule.usable_as_deadline for rule in ledger.rules.values()}
    backfill = Backfill(ledger.config.backfill_days, ledger.calendar, "working tree")
    return Context(
        ledger.units, actor, ledger.config.id_prefix, rules, today, frozenset(), backfill
    )


def _span(ledger: Ledger) -> tuple[str, str]:
    return ledger.calendar.first_day.isoformat(), ledger.calendar.last_day.isoformat()


def record_event(
    ledger: Ledger,
    problems: Sequence[Problem],
    task_id: str,
    entry: Entry,
    today: date,
    account: str | None = None,
    write: bool = True,
) -> tuple[Recorded | None, list[Problem]]:
    """Append ``entry`` to task ``task_id`` of ``ledger`` (loaded by
    :func:`duban.ledger.load_ledger`, with its ``problems``) as ``account`` (default: the
    first maintainer of ``entry.by``) would on ``today``; the problems that refuse it
    (nothing written then). ``write=False`` only judges. Raises :class:`UserError` when it
    cannot run (no such task or unit, options that do not fit the type)."""
    check_entry(entry)
    root = ledger.root
    layout = Layout(root)
    path = find_task(layout, task_id)
    display = layout.display(path)
    actor = account_for(ledger, entry.by, account)
    tasks_dir = layout.display(layout.tasks)
    before = [
        p
        for p in problems
        if p.severity == "error"
        and (p.where.path == display or not p.where.path.startswith(tasks_dir))
    ]
    if before:
        note = _problem(
            "record-ledger-invalid",
            display,
            "台账已有问题（见下），请先改正（duban validate）再登记",
            "the ledger has problems (below); fix them first (duban validate)",
        )
        return None, [note, *before]
    raw, problem = read_bounded(path, display)
    if raw is None:
        return None, [problem] if problem else []
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8").removeprefix("\ufeff")
    placed = place_event(text, entry.data())
    if placed is None:
        return None, [
            _problem(
                "record-no-events",
                display,
                "找不到任务文件的 events 列表，无法追加",
                "cannot find the task file's events list to append to",
            )
        ]
    new_text, line, added = placed
    new_raw = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    refusals = _judge(ledger, display, raw, new_raw, entry, actor, today)
    if refusals:
        return None, refusals
    done = Recorded(path, display, line, added)
    if write:
        written = _replace(path, raw, new_raw, display)
        if written is not None:
            return None, [written]
    return done, []


def _judge(
    ledger: Ledger,
    display: str,
    raw: bytes,
    new_raw: bytes,
    entry: Entry,
    actor: str,
    today: date,
) -> list[Problem]:
    """The problems of the new text: read back, ``validate``'s pipeline, the gate."""
    doc, problems = load_text(new_raw, display)
    old, _ = load_text(raw, display)
    if doc is None or old is None:
        return problems
    events = doc.data.get("events")
    rest = {k: v for k, v in doc.data.items() if k != "events"}
    kept = {k: v for k, v in old.data.items() if k != "events"}
    expected = [*(old.data.get("events") or []), entry.data()]
    if events != expected or rest != kept:
        return [
            _problem(
                "record-roundtrip",
                display,
                "追加后的文件读回的内容与要登记的不一致，未写入（请报告此问题）",
                "the file read back after appending differs from the event to record; "
                "nothing written (please report this)",
            )
        ]
    units = ledger.units
    rules = {rule.id: rule.usable_as_deadline for rule in ledger.rules.values()}
    _, problems = load_task_text(
        new_raw, display, ledger.config.id_prefix, units, rules, _span(ledger)
    )
    gate = check(Modified(display, display, raw, new_raw), _context(ledger, actor, today))
    seen = {(p.code, p.where) for p in problems}
    problems += [p for p in gate if (p.code, p.where) not in seen]
    problems.sort(key=Problem.sort_key)
    return problems


def _replace(path: Path, old: bytes, new: bytes, display: str) -> Problem | None:
    """Write ``new`` over ``path`` atomically, unless the file changed since it was read."""
    again, problem = read_bounded(path, display)
    if again != old:
        return problem or _problem(
            "record-file-changed",
            display,
            "文件在登记过程中被修改，未写入；请重新运行",
            "the file changed while recording; nothing written, run again",
        )
    write_atomically(path, new)
    return None


__all__ = ["Entry", "Recorded", "find_task", "place_event", "quoted", "record_event", "scalar"]
