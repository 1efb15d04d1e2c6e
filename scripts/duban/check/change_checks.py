"""The checks of ``check-change``: small pure functions over one typed change each.

A change to the ledger (:mod:`duban.check.change_records`) is :class:`Added`,
:class:`Deleted` or :class:`Modified` (a task file) or :class:`SettingsChanged` (anything
else under the ledger folder). Each ``check_*``
function takes the change and the :class:`Context` (the roster at the base commit, the
actor, the base's id prefix and rules) and returns its refusals as problems. Task files go
through the same pipeline as ``validate`` (:mod:`duban.check.pipeline`).
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from typing import Any

from duban.check.change_records import (
    Added,
    Context,
    Deleted,
    LedgerChange,
    Modified,
    SettingsChanged,
)
from duban.check.duties import assigner_violation, duty_violation, owners_in_force, unit_kinds
from duban.check.hygiene import text_problems
from duban.check.pipeline import load_task_text, shape_problems
from duban.check.roster import dual_role_refusal
from duban.load.emptyvalues import drop_empty
from duban.load.yamlload import load_text
from duban.model import Owner, cycle_start
from duban.problems import Problem, json_path
from duban.source import Document, Location
from duban.text import Text

Keys = tuple[str | int, ...]


def _refuse(code: str, where: Location, zh: str, en: str, keys: Keys = ()) -> Problem:
    return Problem(code, where, Text(zh, en), field=json_path(keys) if keys else "")


def _doc(raw: bytes | None, display: str) -> tuple[Document | None, list[Problem]]:
    """A task blob as data, its optional fields left empty absent (as :func:`task_from`
    reads it), so a change is judged by content, not by how a form wrote it."""
    if raw is None:
        return None, []
    doc, problems = load_text(raw, display)
    return (drop_empty(doc) if doc is not None else None), problems


#: What the strict loader says about a character (:mod:`duban.load.yamlload`).
_CHARACTER_CODES = frozenset({"yaml-control-character", "yaml-bad-escape"})


def settings_text(change: SettingsChanged) -> list[Problem]:
    """The characters that hide or disguise text in a changed YAML file of the ledger
    (:func:`duban.check.hygiene.text_problems`), raw or escaped: the same as ``validate``."""
    if change.raw is None or not change.path.endswith(".yaml"):
        return []
    doc, problems = load_text(change.raw, change.path)
    if doc is None:
        return [p for p in problems if p.code in _CHARACTER_CODES]
    return text_problems(doc)


def check_settings(change: SettingsChanged, ctx: Context) -> list[Problem]:
    """Settings, roster, rules and calendar: only maintainers of an assigning unit; no
    character in them that hides or disguises text (:func:`settings_text`)."""
    problems = settings_text(change)
    if not ctx.actor or ctx.actor_units & ctx.assigning():
        return problems
    return [
        *problems,
        _refuse(
            "settings-changed",
            Location(change.path, 1, 1),
            f"只有交办单位的维护人可以修改台账设置、单位名册、规则和日历；提交人 {ctx.who} 不是",
            f"only maintainers of an assigning unit may change the ledger settings, roster, "
            f"rules or calendar; {ctx.who} is not one",
        ),
    ]


def check_deleted(change: Deleted, ctx: Context) -> list[Problem]:
    """Task files are never deleted nor moved out of ``tasks/``."""
    doc, _ = _doc(change.raw, change.path)
    where = doc.loc("id") if doc else Location(change.path, 1, 1)
    if change.moved_to:
        zh = f"任务文件不能移出 tasks/ 目录（移到了 {change.moved_to}）；任务只能销号，不能删除"
        en = f"a task file may not be moved out of tasks/ (moved to {change.moved_to})"
    else:
        zh = "任务文件不能删除；任务只能核实销号（closed），台账保留全部记录"
        en = "a task file may not be deleted; tasks are closed, never removed"
    return [_refuse("task-deleted", where, zh, en)]


def check_added(change: Added, ctx: Context) -> list[Problem]:
    """A new task: valid by the ``validate`` pipeline, created by its assigning unit, and
    every event recorded by the actor's units within their duties."""
    if change.raw is None:
        return [_not_a_file(change.path)]
    task, problems = load_task_text(change.raw, change.path, ctx.id_prefix, ctx.units, ctx.rules)
    if task is None:
        return problems
    doc, assigner = task.doc, task.assigned_by
    assert doc is not None  # the pipeline's records keep their document
    if ctx.actor and not ctx.assigns(assigner):
        problems.append(
            _refuse(
                "task-created-by-non-assigner",
                doc.loc("assigned_by"),
                f"只有交办单位 {assigner} 的维护人可以新建任务，提交人 {ctx.who} 不是",
                f"only maintainers of the assigning unit {assigner} may create tasks; "
                f"{ctx.who} is not one",
                ("assigned_by",),
            )
        )
    return problems + _new_events(doc, 0, doc.data["owner"], assigner, ctx)


def _not_a_file(path: str) -> Problem:
    return _refuse(
        "task-not-a-file",
        Location(path, 1, 1),
        "任务文件必须是普通文件（不能是子模块）",
        "a task file must be a regular file (not a submodule)",
    )


def check_modified(change: Modified, ctx: Context) -> list[Problem]:
    """A changed task: same file name and id, events only appended, a closed task reopened
    first, task fields changed by its assigning unit only, new events within duties."""
    old, _ = _doc(change.old, change.old_path)
    new, problems = _doc(change.new, change.path)
    if new is None:
        return problems if change.new is not None else [_not_a_file(change.path)]
    if old is None or not isinstance(old.data.get("events"), list):
        return check_added(Added(change.path, change.new), ctx)  # base unreadable: as new
    problems = shape_problems(new)
    if problems:
        return problems
    a, b = old.data, new.data
    old_events = a.get("events") or []
    new_events = b.get("events") if isinstance(b.get("events"), list) else []
    fields = [k for k in dict.fromkeys([*a, *b]) if k != "events" and a.get(k) != b.get(k)]
    problems = _renamed(change, new) + _id_changed(a, b, new)
    problems += _events_kept(old, new, old_events, new_events)
    problems += _closed_changed(new, old_events, new_events[len(old_events) :], fields)
    assigner = a.get("assigned_by")
    problems += _assigner_changed(new, fields, ctx)
    if fields and ctx.actor and not ctx.assigns(assigner):
        problems.append(
            _refuse(
                "task-fields-changed",
                new.loc(fields[0]),
                f"只有交办单位 {assigner} 的维护人可以修改任务要素（{'、'.join(fields)}）；"
                f"提交人 {ctx.who} 只能追加办理记录（延期须由交办单位登记 extension-approved）",
                f"only maintainers of the assigning unit {assigner} may change the task "
                f"({', '.join(fields)}); {ctx.who} may only append events",
                (fields[0],),
            )
        )
    if isinstance(a.get("owner"), dict):
        problems += _new_events(new, len(old_events), a["owner"], str(assigner), ctx)
    return problems


def _assigner_changed(new: Document, fields: list[str], ctx: Context) -> list[Problem]:
    """A changed ``assigned_by`` or ``owner`` still names an assigning unit, not the owner."""
    data = new.data
    owner = data.get("owner")
    if not ({"assigned_by", "owner"} & set(fields)) or not isinstance(owner, dict):
        return []
    first = Owner(str(owner.get("unit")), "", tuple(map(str, owner.get("co_units") or ())))
    why = assigner_violation(str(data.get("assigned_by")), first, unit_kinds(ctx.units))
    if why is None:
        return []
    return [
        _refuse("assigner-not-allowed", new.loc("assigned_by"), why.zh, why.en, ("assigned_by",))
    ]


def _renamed(change: Modified, new: Document) -> list[Problem]:
    before, after = PurePosixPath(change.old_path), PurePosixPath(change.path)
    if before.stem == after.stem:
        return []
    return [
        _refuse(
            "task-renamed",
            new.loc("id"),
            f"任务文件不能改名为另一个编号：{before.name} → {after.name}",
            f"a task file may not be renamed to another id: {before.name} → {after.name}",
        )
    ]


def _id_changed(a: dict[str, Any], b: dict[str, Any], new: Document) -> list[Problem]:
    if a.get("id") == b.get("id"):
        return []
    return [
        _refuse(
            "id-changed",
            new.loc("id"),
            f"任务编号不能修改：{a.get('id')} → {b.get('id')}",
            f"a task id may not change: {a.get('id')} → {b.get('id')}",
            ("id",),
        )
    ]


def _events_kept(
    old: Document, new: Document, old_events: list[Any], new_events: list[Any]
) -> list[Problem]:
    """The handling record is append-only: no event removed or altered."""
    problems = []
    for index, event in enumerate(old_events):
        if index >= len(new_events):
            line = old.loc("events", index).line
            problems.append(
                _refuse(
                    "event-removed",
                    new.loc("events"),
                    f"第 {index + 1} 条办理记录（原第 {line} 行）被删除；"
                    "办理记录只能追加，更正请登记新的记录",
                    f"event {index + 1} (line {line} before) was removed; events are "
                    "append-only, record a correction as a new event",
                    ("events", index),
                )
            )
        elif new_events[index] != event:
            problems.append(
                _refuse(
                    "event-altered",
                    new.loc("events", index),
                    f"第 {index + 1} 条办理记录被修改；办理记录只能追加，更正请登记新的记录",
                    f"event {index + 1} was changed; events are append-only, record a "
                    "correction as a new event",
                    ("events", index),
                )
            )
    return problems


def _closed(events: list[Any]) -> bool:
    types = [event.get("type") if isinstance(event, dict) else None for event in events]
    return "closed" in types[cycle_start(types) :]


def _closed_changed(
    new: Document, old_events: list[Any], appended: list[Any], fields: list[str]
) -> list[Problem]:
    """A closed task changes only by appending ``reopened`` first."""
    reopening = bool(appended) and isinstance(appended[0], dict)
    reopening = reopening and appended[0].get("type") == "reopened"
    if not _closed(old_events) or reopening or not (appended or fields):
        return []
    keys: Keys = ("events", len(old_events)) if appended else (fields[0],)
    return [
        _refuse(
            "closed-task-changed",
            new.loc(*keys),
            "任务已销号，不能再修改；如需继续办理，须由交办单位先登记“重新办理”（reopened）",
            "the task is closed and may not change; the assigning unit must record "
            "'reopened' first",
            keys,
        )
    ]


def _new_events(
    doc: Document, first: int, owner: dict[str, Any], assigner: str, ctx: Context
) -> list[Problem]:
    """Events from index ``first`` on: recorded by the actor's units, within their duties
    (against the owner in force at each), not dated after today, nor backdated beyond
    ``backfill_days`` unless the assigning unit records them (补录, with a note)."""
    events = doc.data.get("events") or []
    in_force = list(owners_in_force(owner, events))
    problems = []
    for index in range(first, len(events)):
        event = events[index]
        if not isinstance(event, dict):
            continue
        kind, by = event.get("type"), event.get("by")
        keys: Keys = ("events", index, "by")
        where = doc.loc(*keys)
        on_behalf = ctx.backdated(event.get("date")) and ctx.assigns(assigner)
        if ctx.actor and by not in ctx.actor_units and not on_behalf:
            problems.append(
                _refuse(
                    "event-not-actor",
                    where,
                    f"新增的办理记录由 {by} 登记，但提交人 {ctx.who} 不是该单位的维护人"
                    "（以基准分支的 units.yaml 为准）",
                    f"the new event is recorded for {by}, but {ctx.who} does not maintain "
                    "that unit (per units.yaml on the base branch)",
                    keys,
                )
            )
        owners = {in_force[index].unit, *in_force[index].co_units}
        why = duty_violation(str(kind), str(by), assigner, owners)
        if why is not None:
            problems.append(_refuse("duty-separation", where, why.zh, why.en, keys))
        problems += _in_future(doc, index, event, ctx.today)
        if ctx.actor and ctx.backfill and ctx.today and ctx.backdated(event.get("date")):
            problems += ctx.backfill.refusals(
                doc, index, ctx.today, assigner, ctx.assigns(assigner)
            )
    return problems


def _in_future(
    doc: Document, index: int, event: dict[str, Any], today: date | None
) -> list[Problem]:
    if today is None or str(event.get("date", "")) <= today.isoformat():
        return []
    keys: Keys = ("events", index, "date")
    return [
        _refuse(
            "event-in-future",
            doc.loc(*keys),
            f"办理记录的日期 {event.get('date')} 晚于今天（{today}）；只能登记已经发生的事",
            f"the event is dated {event.get('date')}, after today ({today}); "
            "record only what has happened",
            keys,
        )
    ]


def check(change: LedgerChange, ctx: Context) -> list[Problem]:
    """The refusals for one change."""
    if not isinstance(change, SettingsChanged):
        dual = dual_role_refusal(change.path, ctx.units, ctx.actor, ctx.who)
        if dual:
            return dual
    if isinstance(change, Added):
        return check_added(change, ctx)
    if isinstance(change, Deleted):
        return check_deleted(change, ctx)
    if isinstance(change, Modified):
        return check_modified(change, ctx)
    return check_settings(change, ctx)
