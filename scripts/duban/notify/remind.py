"""Reminders (催办): one per unit, computed from the status, applied as issues.

:func:`plan` computes, for every unit in ``units.yaml``, the reminder that should exist on the
issue tracker as of a date: ``action: "open"`` with a title, a Chinese body listing the unit's
overdue and due-soon items (with links to the site's task pages ``{site_url}/tasks/{id}/``) and
the unit's maintainers to @-mention; or ``action: "close"`` when the unit has nothing overdue
or due soon. Each body carries a hidden marker (``<!-- duban-remind:fgw -->``) so the daily job
finds the same issue again and edits it in place (:func:`apply`, with the ``gh`` CLI), unless
:func:`apply_refusal` says the ledger is not fit for it.

Whose item is it: the owner's (责任单位; after a ``reassigned`` event, the new owner's, as the
status obligations say), except verification (核实销号), which is the assigning unit's.
Co-units are not reminded separately: the owner answers for the task
(首问责任制, measure 四). The leaders' recurring duties (measures 十 and 十六: a quarter's
joint meeting missed or due soon, a written report due, research days behind the pace) are
the assigning unit's to chase: one line each in its reminder, naming the post, never a topic.

**Internal tasks.** The tracker may be public, and internal tasks must never reach the public
(README.md, ``duban build``: only ``visibility: public`` tasks). A reminder therefore never
names them — no id, no title, no link: it says only how many internal items are overdue or due
soon, and the unit's clerks look them up in the ledger (``duban overdue --unit CODE``). Leaving
them out altogether would let an internal task go unreminded; a count reminds without
disclosing.

**Ledger text is text.** Titles and unit names reach the forge's Markdown through
:func:`duban.render.text.md_text` (no link, mention, issue reference, Markdown or HTML made
from them), issue titles on one line; the only links are to the site's task pages.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from duban.model import Ledger
from duban.problems import Problem, UserError
from duban.render.duties import ledger_duty_status, red_lines
from duban.render.status import late_phrase
from duban.render.text import md_cell, md_text, one_line, safe_url
from duban.status.records import Obligation, TaskStatus
from duban.status.select import items_for_unit
from duban.text import Text

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
    """The task's page on the site; "" without a plain ``http(s)`` ``site_url``."""
    base = safe_url(ledger.config.site_url).rstrip("/")
    return f"{base}/tasks/{task_id}/" if base else ""


def _row(ledger: Ledger, s: TaskStatus, o: Obligation, overdue: bool) -> str:
    task = s.task
    name = md_text(f"{task.id} {task.title}")
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
    duties: Sequence[str] = (),
) -> tuple[str, int]:
    public_overdue = [(s, o) for s, o in overdue if s.task.public]
    public_soon = [(s, o) for s, o in soon if s.task.public]
    internal = len(overdue) - len(public_overdue) + len(soon) - len(public_soon)
    name = md_text(ledger.units[code].name if code in ledger.units else code)
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
    if duties:
        lines += ["", "### 领导履职情况（措施十、十六）", ""]
        lines += [f"- {md_text(line)}" for line in duties]
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
    duty_lines = red_lines(ledger_duty_status(ledger, as_of), "zh")
    for code, unit in ledger.units.items():
        overdue, soon = items_for_unit(statuses, code)
        mentions = tuple(f"@{m.lstrip('@')}" for m in unit.maintainers)
        marker = MARKER.format(unit=code)
        duties = duty_lines if unit.kind == "assigning" else ()
        if not overdue and not soon and not duties:
            out.append(Reminder(code, unit.name, "close", marker, "", "", mentions, 0, 0, 0))
            continue
        body, internal = _body(ledger, code, as_of, overdue, soon, mentions, duties)
        parts = []
        if overdue:
            parts.append(f"逾期 {len(overdue)} 项")
        if soon:
            parts.append(f"即将到期 {len(soon)} 项")
        if duties:
            parts.append(f"领导履职 {len(duties)} 项")
        title = f"【{LABEL}】{one_line(unit.label)}：{'，'.join(parts)}"
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
            lines.append(f"[关闭] {r.unit} {r.unit_name}：无逾期或即将到期事项")
        else:
            lines += [f"[提醒] {r.unit} {r.title}", "", r.body]
    return "\n".join(lines)


@dataclass(frozen=True)
class Refusal:
    """Why the reminders must not be applied: a sentence and the problems behind it."""

    text: Text
    """What was not done and what to do."""
    problems: tuple[Problem, ...]
    """The ledger's errors."""


def apply_refusal(problems: Sequence[Problem]) -> Refusal | None:
    """None when the plan may be applied; else why not. A ledger with errors is refused: a
    task left out for a typo must not make its unit look clear (and close its issue)."""
    errors = tuple(p for p in problems if p.severity == "error")
    if not errors:
        return None
    count = len(errors)
    return Refusal(
        Text(
            f"台账有 {count} 个问题，未更新催办提醒；请先修正（duban validate）：",
            f"the ledger has {count} problem(s); the reminders were not updated: fix them "
            "first (duban validate):",
        ),
        errors,
    )


class ApplyError(UserError):
    """``gh`` is missing or failed: the reminders could not be applied (exit 2)."""


def _gh(gh: str, *args: str, stdin: str | None = None) -> str:
    try:
        done = subprocess.run(
            [gh, *args], input=stdin, capture_output=True, text=True, encoding="utf-8", check=False
        )
    except FileNotFoundError as exc:
        raise ApplyError(Text(f"找不到命令 {gh}", f"command not found: {gh}")) from exc
    if done.returncode != 0:
        what, why = f"{gh} {' '.join(args[:2])}", done.stderr.strip()
        raise ApplyError(Text(f"{what} 失败：{why}", f"{what} failed: {why}"))
    return done.stdout


Issue = dict[str, object]


def _open_issues(gh: str, label: str, reminders: Sequence[Reminder]) -> dict[str, Issue]:
    """Make sure ``label`` exists; the open issue of each reminder's marker (first found)."""
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
            *("issue", "list", "--label", label, "--state", "open", "--limit", "1000"),
            *("--json", "number,title,body"),
        )
        or "[]"
    )
    by_marker: dict[str, Issue] = {}
    for issue in listed:
        for r in reminders:
            if r.marker in str(issue.get("body", "")) and r.marker not in by_marker:
                by_marker[r.marker] = issue
    return by_marker


def _apply_one(gh: str, label: str, r: Reminder, issue: Issue | None) -> str | None:
    """Make one unit's issue match its reminder; what was done, or None (nothing to close)."""
    if r.action == "close":
        if not issue:
            return None
        number = str(issue["number"])
        comment = f"{md_text(r.unit_name)}：已无逾期或即将到期事项，自动关闭。"
        _gh(gh, "issue", "close", number, "--comment", comment)
        return f"closed #{number} {r.unit}"
    if issue is None:
        url = _gh(
            gh,
            *("issue", "create", "--title", r.title, "--label", label, "--body-file", "-"),
            stdin=r.body,
        )
        return f"created {url.strip()} {r.unit}"
    if issue.get("title") != r.title or str(issue.get("body", "")).strip() != r.body.strip():
        number = str(issue["number"])
        _gh(gh, "issue", "edit", number, "--title", r.title, "--body-file", "-", stdin=r.body)
        return f"edited #{number} {r.unit}"
    return f"unchanged #{issue['number']} {r.unit}"


def apply(reminders: Sequence[Reminder], label: str = LABEL, gh: str = "gh") -> list[str]:
    """Make the tracker match the plan: one open issue per unit with items, labelled
    ``label`` and found again by its marker; edited in place (only when it changed); closed
    when the unit is clear. Returns what was done, one line each. Raises
    :class:`ApplyError` when ``gh`` is missing or fails."""
    by_marker = _open_issues(gh, label, reminders)
    done = (_apply_one(gh, label, r, by_marker.get(r.marker)) for r in reminders)
    return [line for line in done if line is not None]
