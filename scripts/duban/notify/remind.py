"""Reminders (催办): one per unit, computed from the status, applied as issues.

:func:`plan` computes, for every unit in ``units.yaml``, the reminder that should exist on the
issue tracker as of a date: ``action: "open"`` with a title, a Chinese body listing the unit's
overdue and due-soon items (with links to the site's task pages ``{site_url}/tasks/{id}/``) and
the unit's maintainers to @-mention; or ``action: "close"`` when the unit has nothing overdue
or due soon. Each body carries a hidden marker (``<!-- duban-remind:fgw -->``) so the daily job
finds the same issue again and edits it in place (:func:`apply`, with the ``gh`` CLI).

Whose item is it: the owner's (责任单位), except verification (核实销号), which is the
assigning unit's. Co-units are not reminded separately: the owner answers for the task
(首问责任制, measure 四).

**Internal tasks.** The tracker may be public, and internal tasks must never reach the public
(DESIGN.md §8). A reminder therefore never names them — no id, no title, no link: it says only
how many internal items are overdue or due soon, and the unit's clerks look them up in the
ledger (``duban overdue --unit CODE``). Leaving them out altogether would let an internal task
go unreminded; a count reminds without disclosing.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from duban.model import Ledger
from duban.render.status import late_phrase
from duban.render.text import md_cell
from duban.status.records import Obligation, TaskStatus
from duban.status.select import items_for_unit

LABEL = "催办"


MARKER = "<!-- duban-remind:{unit} -->"


@dataclass(frozen=True)
class Reminder:
    unit: str
    unit_name: str
    action: str  # "open" | "close"
    marker: str
    title: str
    body: str
    mentions: tuple[str, ...]
    overdue: int
    due_soon: int
    internal: int

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["mentions"] = list(self.mentions)
        return data


def task_url(ledger: Ledger, task_id: str) -> str:
    base = ledger.config.site_url.rstrip("/")
    return f"{base}/tasks/{task_id}/" if base else ""


def _row(ledger: Ledger, s: TaskStatus, o: Obligation, overdue: bool) -> str:
    task = s.task
    name = md_cell(f"{task.id} {task.title}")
    url = task_url(ledger, task.id)
    link = f"[{name}]({url})" if url else name
    due = o.due.isoformat() + ("（暂定）" if o.provisional else "")
    item = md_cell(f"{o.label}（措施{o.measure}）")
    if overdue:
        note = "已说明" if o.explained else "**未说明**"
        return f"| {link} | {item} | {due} | {late_phrase(o.days_late, 'zh')} | {note} |"
    return f"| {link} | {item} | {due} |"


def _body(
    ledger: Ledger,
    code: str,
    as_of: date,
    overdue: Sequence[tuple[TaskStatus, Obligation]],
    soon: Sequence[tuple[TaskStatus, Obligation]],
    mentions: Sequence[str],
) -> tuple[str, int]:
    public_overdue = [(s, o) for s, o in overdue if s.task.public]
    public_soon = [(s, o) for s, o in soon if s.task.public]
    internal = len(overdue) - len(public_overdue) + len(soon) - len(public_soon)
    name = ledger.units[code].name if code in ledger.units else code
    lines = [MARKER.format(unit=code), ""]
    if mentions:
        lines += [" ".join(mentions), ""]
    lines.append(
        f"**{name}**：截至 {as_of}，有 {len(overdue)} 项逾期、{len(soon)} 项即将到期"
        f"（{ledger.config.warning_days} 个工作日内）的督办事项。"
        "请抓紧办理，并在台账中登记办理记录；不能按时完成的，请登记延误原因和加快措施（delay-explained，措施六）。"
    )
    if public_overdue:
        lines += ["", "### 逾期事项", "", "| 任务 | 事项 | 期限 | 逾期 | 延误说明 |"]
        lines.append("|---|---|---|---|---|")
        lines += [_row(ledger, s, o, True) for s, o in public_overdue]
    if public_soon:
        lines += ["", "### 即将到期", "", "| 任务 | 事项 | 期限 |", "|---|---|---|"]
        lines += [_row(ledger, s, o, False) for s, o in public_soon]
    if internal:
        lines += [
            "",
            f"另有 {internal} 项内部事项逾期或即将到期（内部事项不在此公开），"
            f"请在台账中查看：`duban overdue --unit {code}`。",
        ]
    lines += ["", "---", "本提醒由督办台账每日自动更新，事项全部办结或登记后自动关闭。"]
    return "\n".join(lines) + "\n", internal


def plan(ledger: Ledger, statuses: Sequence[TaskStatus], as_of: date) -> list[Reminder]:
    """The reminder each unit should have as of ``as_of``, in roster order."""
    out = []
    for code, unit in ledger.units.items():
        overdue, soon = items_for_unit(statuses, code)
        mentions = tuple(f"@{m.lstrip('@')}" for m in unit.maintainers)
        marker = MARKER.format(unit=code)
        if not overdue and not soon:
            out.append(Reminder(code, unit.name, "close", marker, "", "", mentions, 0, 0, 0))
            continue
        body, internal = _body(ledger, code, as_of, overdue, soon, mentions)
        parts = []
        if overdue:
            parts.append(f"逾期 {len(overdue)} 项")
        if soon:
            parts.append(f"即将到期 {len(soon)} 项")
        title = f"【{LABEL}】{unit.label}：{'，'.join(parts)}"
        out.append(
            Reminder(
                code,
                unit.name,
                "open",
                marker,
                title,
                body,
                mentions,
                len(overdue),
                len(soon),
                internal,
            )
        )
    return out


def plan_json(reminders: Sequence[Reminder], as_of: date, label: str = LABEL) -> str:
    payload = {
        "as_of": as_of.isoformat(),
        "label": label,
        "open": sum(r.action == "open" for r in reminders),
        "reminders": [r.to_json() for r in reminders],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def plan_text(reminders: Sequence[Reminder], as_of: date) -> str:
    lines = []
    for r in reminders:
        if r.action == "close":
            lines.append(f"[关闭] {r.unit} {r.unit_name}: 无逾期或即将到期事项")
        else:
            lines += [f"[提醒] {r.unit} {r.title}", "", r.body]
    return "\n".join(lines)


class ApplyError(Exception):
    pass


def _gh(gh: str, *args: str, stdin: str | None = None) -> str:
    try:
        done = subprocess.run(
            [gh, *args], input=stdin, capture_output=True, text=True, encoding="utf-8", check=False
        )
    except FileNotFoundError as exc:
        raise ApplyError(f"找不到命令 {gh}") from exc
    if done.returncode != 0:
        raise ApplyError(f"{gh} {' '.join(args[:2])} 失败: {done.stderr.strip()}")
    return done.stdout


def apply(reminders: Sequence[Reminder], label: str = LABEL, gh: str = "gh") -> list[str]:
    """Make the tracker match the plan: one open issue per unit with items, labelled
    ``label`` and found again by its marker; edited in place (only when it changed); closed
    when the unit is clear. Returns what was done, one line each."""
    _gh(
        gh,
        "label",
        "create",
        label,
        "--color",
        "D93F0B",
        "--description",
        "督办台账催办",
        "--force",
    )
    listed = json.loads(
        _gh(
            gh,
            "issue",
            "list",
            "--label",
            label,
            "--state",
            "open",
            "--limit",
            "1000",
            "--json",
            "number,title,body",
        )
        or "[]"
    )
    by_marker: dict[str, dict[str, object]] = {}
    for issue in listed:
        for r in reminders:
            if r.marker in str(issue.get("body", "")) and r.marker not in by_marker:
                by_marker[r.marker] = issue
    done = []
    for r in reminders:
        issue = by_marker.get(r.marker)
        if r.action == "close":
            if issue:
                number = str(issue["number"])
                _gh(
                    gh,
                    "issue",
                    "close",
                    number,
                    "--comment",
                    f"{r.unit_name}：已无逾期或即将到期事项，自动关闭。",
                )
                done.append(f"closed #{number} {r.unit}")
            continue
        if issue is None:
            url = _gh(
                gh,
                "issue",
                "create",
                "--title",
                r.title,
                "--label",
                label,
                "--body-file",
                "-",
                stdin=r.body,
            )
            done.append(f"created {url.strip()} {r.unit}")
        elif issue.get("title") != r.title or str(issue.get("body", "")).strip() != r.body.strip():
            number = str(issue["number"])
            _gh(gh, "issue", "edit", number, "--title", r.title, "--body-file", "-", stdin=r.body)
            done.append(f"edited #{number} {r.unit}")
        else:
            done.append(f"unchanged #{issue['number']} {r.unit}")
    return done
