"""Audit trails for people (text) and machines (JSON). Author names only, never e-mail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from duban.audit.records import Change, Trail
from duban.problems import Problem
from duban.render.text import one_line
from duban.text import Text, label

KIND_LABELS: dict[str, Text] = {
    "created": Text("新建任务", "task created"),
    "modified": Text("修改", "modified"),
    "renamed": Text("移动文件", "file moved"),
    "deleted": Text("删除任务文件", "task file deleted"),
    "invalid": Text("文件格式错误，无法读取", "the file does not parse"),
    "repaired": Text("格式已修正", "the file parses again"),
}

LAYOUT_ONLY = Text("仅格式或注释变化", "only layout or comments")
SEPARATOR = Text("；", "; ")
COLON = Text("：", ": ")
DELETED = Text(" [已删除]", " [deleted]")
BEIJING_TIME = Text("（北京时间）", " (UTC+8)")
NOT_REVIEWED = Text("直接提交，未经合并请求审核", "direct commit, not reviewed in a PR")


def change_text(change: Change, lang: str = "zh") -> str:
    """What happened, in one line: the kind, then every field change."""
    parts = [label(KIND_LABELS, change.kind, lang)]
    if change.kind == "renamed" and change.old_path:
        parts[0] += f" ({change.old_path} → {change.path})"
    parts += [f.text(lang) for f in change.fields]
    parts += [p.message(lang) for p in change.problems]
    if change.kind in ("modified", "repaired") and not change.fields:
        parts.append(LAYOUT_ONLY(lang))
    return SEPARATOR(lang).join(parts)


def change_to_json(change: Change, lang: str = "zh") -> dict[str, Any]:
    c = change.commit
    return {
        "commit": c.sha,
        "short_commit": c.short_sha,
        "author": c.author,
        "time": c.time,
        "subject": c.subject,
        "pr": c.pr,
        "merge_commit": c.merge,
        "reviewed": c.reviewed,
        "kind": change.kind,
        "status": change.status,
        "path": change.path,
        "old_path": change.old_path,
        "fields": [f.to_json(lang) for f in change.fields],
        "problems": [p.to_json(lang) for p in change.problems],
        "text": change_text(change, lang),
    }


def trail_to_json(trail: Trail, lang: str = "zh") -> dict[str, Any]:
    return {
        "task": trail.task_id,
        "path": trail.path,
        "deleted": trail.deleted,
        "changes": [change_to_json(c, lang) for c in trail.changes],
    }


def trail_text(trail: Trail, lang: str = "zh") -> str:
    """A readable trail: one block per change, oldest first."""
    count = len(trail.changes)
    head = Text(
        f"{trail.task_id} 办理痕迹：共 {count} 次变更（{trail.path}）",
        f"{trail.task_id}: {count} change(s), {trail.path}",
    )(lang)
    if trail.deleted:
        head += DELETED(lang)
    lines = [head]
    for change in trail.changes:
        c = change.commit
        when = c.time.replace("T", " ")[:16] + BEIJING_TIME(lang)
        via = f"PR #{c.pr}" if c.pr is not None else ""
        if not c.reviewed:
            via = NOT_REVIEWED(lang)
        author, subject = one_line(c.author), one_line(c.subject)
        lines.append(f"{when}  {author}  {via}  {c.short_sha}  {subject}")
        where = change.path
        if change.kind == "renamed" and change.old_path:
            where = f"{change.old_path} → {change.path}"
        lines.append(f"    {label(KIND_LABELS, change.kind, lang)}{COLON(lang)}{where}")
        lines += ["    " + one_line(f.text(lang)) for f in change.fields]
        lines += ["    " + one_line(f"{p.where}: {p.message(lang)}") for p in change.problems]
    return "\n".join(lines)


def audit_json(trail: Trail, problems: Sequence[Problem], lang: str = "zh") -> str:
    """``duban audit --format json``: the trail and the problems met reading the history."""
    payload = trail_to_json(trail, lang)
    payload["problems"] = [p.to_json(lang) for p in problems]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def problem_lines(problems: Sequence[Problem], lang: str = "zh") -> str:
    """Problems met reading the history, one ``severity: message`` a line."""
    return "\n".join(one_line(f"{p.severity}: {p.message(lang)}") for p in problems)
