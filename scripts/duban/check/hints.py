"""Warnings for people over a schema-valid task document: things that are allowed but are
most likely a slip. Each is a :class:`~duban.problems.Problem` of severity ``warning``:
``validate`` shows it and still exits 0, and the task stays valid.

- a deadline, a milestone's due date or an extension's new deadline on a day that is not a
  working day of the ledger's calendar (naming the next working day). The last day of a
  month is left alone: it is how "X月底前" is written, whatever day it falls on; so is a
  year without a published holiday notice (its working days are only estimated);
- ``closed`` (销号) with no ``completed`` (已完成) before it;
- an event written twice, identically.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from duban.calendar.workdays import CalendarRangeError, WorkCalendar
from duban.problems import Problem, json_path
from duban.source import Document
from duban.text import Text

_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

Keys = tuple[str | int, ...]


def task_warnings(doc: Document, calendar: WorkCalendar) -> list[Problem]:
    """Every warning of one schema-valid task document."""
    data = doc.data
    found = [*_days_off(data, calendar), *_closed_unfinished(data), *_repeated(doc)]
    return [
        Problem(code, doc.loc(*keys), text, field=json_path(keys), severity="warning")
        for code, keys, text in found
    ]


def _dues(data: dict[str, Any]) -> Iterator[tuple[Keys, str, str]]:
    """Each due date of a task: its place, its Chinese and its English name."""
    if isinstance(data.get("deadline"), str):
        yield ("deadline",), "完成时限", "the deadline"
    for index, milestone in enumerate(data.get("milestones", [])):
        title = milestone["title"]
        yield ("milestones", index, "due"), f"阶段节点“{title}”的时限", f"milestone '{title}'"
    for index, event in enumerate(data.get("events", [])):
        if event["type"] == "extension-approved":
            yield ("events", index, "deadline"), "延期后的新时限", "the extended deadline"


def _days_off(data: dict[str, Any], calendar: WorkCalendar) -> Iterator[tuple[str, Keys, Text]]:
    for keys, zh, en in _dues(data):
        value: Any = data
        for key in keys:
            value = value[key]
        try:
            day = date.fromisoformat(value)
            if not calendar.first_day <= day <= calendar.last_day:
                continue
            if calendar.is_provisional(day.year):
                continue
            if calendar.is_working_day(day) or (day + timedelta(days=1)).day == 1:
                continue
            following = calendar.roll_forward(day)
        except (ValueError, CalendarRangeError):  # out of range: an error elsewhere
            continue
        why = calendar.day_off_name(day) or _WEEKDAYS[day.weekday()]
        after = f"{following.isoformat()}（{_WEEKDAYS[following.weekday()]}）"
        yield (
            "due-not-working-day",
            keys,
            Text(
                f"{zh} {value} 不是工作日（{why}），下一个工作日是 {after}；如确定是这一天，"
                "可不必理会本提示",
                f"{en} {value} is not a working day; the next working day is "
                f"{following.isoformat()}",
            ),
        )


def _closed_unfinished(data: dict[str, Any]) -> Iterator[tuple[str, Keys, Text]]:
    completed = False
    for index, event in enumerate(data.get("events", [])):
        kind = event["type"]
        if kind == "completed":
            completed = True
        elif kind == "reopened":
            completed = False
        elif kind == "closed" and not completed:
            yield (
                "closed-without-completed",
                ("events", index, "type"),
                Text(
                    "销号（closed）之前没有“已完成”（completed）的记录；请先由责任单位登记"
                    "已完成，再核实（verified）、销号",
                    "closed with no 'completed' before it; the owner records completed, "
                    "then the assigning unit verifies and closes",
                ),
            )


def _repeated(doc: Document) -> Iterator[tuple[str, Keys, Text]]:
    events = doc.data.get("events", [])
    seen: dict[tuple[str, str, str], list[int]] = {}
    for index, event in enumerate(events):
        same = seen.setdefault((event["date"], event["type"], event["by"]), [])
        first = next((i for i in same if events[i] == event), None)
        same.append(index)
        if first is None:
            continue
        line = doc.loc("events", first).line
        yield (
            "event-repeated",
            ("events", index),
            Text(
                f"这条办理记录与第 {line} 行的完全相同，是否重复登记？办理记录只能追加，"
                "如确属重复，请在合并前删去后加的这一条",
                f"this event is the same as the one on line {line}; recorded twice?",
            ),
        )
