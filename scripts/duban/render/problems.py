"""Reporters for problems, chosen by name: text, json, github (workflow annotations)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from duban.problems import Problem
from duban.render.text import one_line
from duban.text import Text

FORMATS = ("text", "json", "github")

NO_ACTOR = Text(
    "注意：未给出 --actor，未检查提交人所属单位",
    "note: no --actor given; who made the change was not checked",
)
"""``check-change`` without ``--actor``: what was not checked."""


def errors(problems: Sequence[Problem]) -> list[Problem]:
    """The problems of severity ``error`` (warnings left out)."""
    return [p for p in problems if p.severity == "error"]


WARNING = Text("警告", "warning")
"""The word before a warning's code in the text report."""


def validate_summary(problems: Sequence[Problem], tasks: int, lang: str) -> str:
    """The last line of ``duban validate``: how many problems in how many files, or OK (with
    the number of warnings, which do not fail it)."""
    found = errors(problems)
    warned = len(problems) - len(found)
    if not found:
        ok = Text(f"检查通过：{tasks} 项任务", f"OK: {tasks} task(s)")(lang)
        return ok + Text(f"（{warned} 个警告）", f" ({warned} warning(s))")(lang) if warned else ok
    files = len({p.where.path for p in found})
    summary = Text(
        f"发现 {len(found)} 个问题，涉及 {files} 个文件",
        f"{len(found)} problem(s) in {files} file(s)",
    )(lang)
    return summary + Text(f"，另有 {warned} 个警告", f", and {warned} warning(s)")(lang) * bool(
        warned
    )


def change_summary(problems: Sequence[Problem], lang: str) -> str:
    """The last line of ``duban check-change``: refused (how many reasons) or allowed."""
    if not problems:
        return Text("检查通过：修改合规", "OK: the change is allowed")(lang)
    return Text(
        f"拒绝：{len(problems)} 处不允许的修改", f"refused: {len(problems)} illegal change(s)"
    )(lang)


def text(problems: Sequence[Problem], lang: str) -> str:
    lines = []
    for p in problems:
        field = f" [{p.field}]" if p.field and p.field not in p.message(lang) else ""
        warned = f"{WARNING(lang)}: " if p.severity == "warning" else ""
        lines.append(one_line(f"{p.where}: {warned}{p.code}: {p.message(lang)}{field}"))
    return "\n".join(lines)


def as_json(problems: Sequence[Problem], lang: str) -> str:
    payload = {
        "ok": not errors(problems),
        "count": len(problems),
        "problems": [p.to_json(lang) for p in problems],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def escape_data(value: str) -> str:
    """Escape a workflow command's message (GitHub Actions / Gitea / Forgejo)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: str, path: str, line: int, message: str, col: int = 0, title: str = ""
) -> str:
    props = f"file={escape_property(path)},line={line}"
    if col:
        props += f",col={col}"
    if title:
        props += f",title={escape_property(title)}"
    return f"::{level} {props}::{escape_data(message)}"


def github(problems: Sequence[Problem], lang: str) -> str:
    return "\n".join(
        annotation(
            "error" if p.severity == "error" else "warning",
            p.where.path,
            p.where.line,
            f"{p.message(lang)} [{p.field}]" if p.field else p.message(lang),
            col=p.where.col,
            title=p.code,
        )
        for p in problems
    )


REPORTERS: dict[str, Callable[[Sequence[Problem], str], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
}
