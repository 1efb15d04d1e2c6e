"""The one task-YAML builder: a task file's text, field by field, in the ledger's own order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def task_yaml(
    task_id: str = "ES-2026-9001",
    *,
    title: str = "示例任务",
    received: str = "2026-09-30",
    assigned_by: str = "zfb",
    unit: str = "fgw",
    lead: str = "主要负责同志",
    co_units: Sequence[str] = ("czj",),
    standard: str = "形成正式方案并印发",
    priority: str = "normal",
    deadline: str | None = "2026-12-31",
    deadline_rule: str | None = None,
    visibility: str = "public",
    description: str | None = None,
    milestones: Sequence[tuple[str, str]] = (),
    events: Sequence[str] = (),
) -> str:
    """A task file. ``events`` are the insides of flow mappings (``"date: 2026-10-09, type:
    deployed, by: fgw"``, see :func:`ev`), one a line; ``milestones`` (title, due) pairs.
    ``deadline`` and ``deadline_rule`` may both be given (an invalid task) or neither."""
    lines = [
        f"id: {task_id}",
        f"title: {title}",
        f"received: {received}",
        f"assigned_by: {assigned_by}",
        "owner:",
        f"  unit: {unit}",
        f"  lead: {lead}",
    ]
    if co_units:
        lines.append(f"  co_units: [{', '.join(co_units)}]")
    lines += [f"standard: {standard}", f"priority: {priority}"]
    if deadline:
        lines.append(f"deadline: {deadline}")
    if deadline_rule:
        lines.append(f"deadline_rule: {deadline_rule}")
    lines.append(f"visibility: {visibility}")
    if description:
        lines.append(f"description: {description}")
    if milestones:
        lines.append("milestones:")
        lines += [f"  - {{title: {t}, due: {d}}}" for t, d in milestones]
    lines.append("events:" if events else "events: []")
    lines += [f"  - {{{e}}}" for e in events]
    return "\n".join(lines) + "\n"


def audit_task(task_id: str, title: str, deadline: str) -> str:
    """A public task received 2026-03-02 and decomposed by the assigning unit the next day
    (the first version of the audit and Git-layer histories)."""
    return task_yaml(
        task_id,
        title=title,
        received="2026-03-02",
        deadline=deadline,
        events=["date: 2026-03-03, type: decomposed, by: zfb"],
    )


def ev(day: str, kind: str, by: str, note: str = "", **more: str) -> str:
    """One event for :func:`task_yaml`: date, type, by, further fields, then the note."""
    parts = [f"date: {day}", f"type: {kind}", f"by: {by}"]
    parts += [f"{k}: {v}" for k, v in more.items()]
    if note:
        parts.append(f"note: {note}")
    return ", ".join(parts)


def write_task(ledger: Path, *, folder: str = "2026", **fields: object) -> Path:
    """Write :func:`task_yaml` ``(**fields)`` to ``ledger/tasks/<folder>/<id>.yaml``."""
    text = task_yaml(**fields)  # type: ignore[arg-type]
    task_id = str(fields.get("task_id", "ES-2026-9001"))
    path = ledger / "tasks" / folder / f"{task_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
