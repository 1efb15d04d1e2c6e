"""The demo: the sample ledger as the Git history a real office would have, so that the demo
site's task pages show real audit trails.

:func:`plan` turns a ledger folder into commits: the settings first; each task created by the
assigning unit (督查室) on its ``received`` date through a pull request; then each event,
in date order, arriving in a pull request opened by a clerk of the unit that records it (an
account of ``units.yaml``) and merged by another clerk of the assigning unit. Every
:data:`DIRECT_EVERY`-th event is committed straight to ``main`` instead, so the trail shows
what a change that skipped review looks like (未经合并请求审核). The last version of each
file is the file as it is in the ledger, byte for byte. :func:`write_demo` writes the
history with ``git fast-import`` (:mod:`duban.git.fastimport`).

The demo's site is dated :data:`DEMO_AS_OF`, so it shows the same lights whenever it is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from duban.git.fastimport import NewCommit, write_history
from duban.ledger import load_ledger
from duban.load.layout import Layout
from duban.load.reading import read_bounded
from duban.load.yamlload import load_text
from duban.model import EVENT_LABELS, PRIORITY_LABELS, Ledger
from duban.problems import Problem
from duban.source import Document

DEMO_AS_OF = date(2026, 11, 30)
"""The status date of the demo site: the sample ledger's events end here."""
RAISED_EVERY = 3
"""One task in this many (by the number of its id) that is important or urgent is raised."""
DIRECT_EVERY = 60
"""One event in this many is committed directly to the main branch (flagged on the site)."""
ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Step:
    """One change of the demo's history: a task file reaching a version on a day."""

    day: date
    order: tuple[int, int, int]
    """(0 created / 1 event, task number, event number): the order within a day."""
    path: str
    """The file's path in the repository (``ledger/tasks/2026/SL-2026-0001.yaml``)."""
    text: bytes
    unit: str
    """The unit whose clerk makes the change."""
    subject: str
    branch: str


def versions(text: str, doc: Document) -> list[str] | None:
    """The versions of a task file with 0, 1, … all of its events, the last one ``text``
    itself; None when the events cannot be cut apart line by line (then the task arrives
    whole)."""
    events = doc.data.get("events") if isinstance(doc.data, dict) else None
    key = doc.positions.get(("events",))
    if not isinstance(events, list) or key is None:
        return None
    lines = text.splitlines(keepends=True)
    starts = [doc.positions.get(("events", i), (0, 0))[0] for i in range(len(events))]
    if any(line <= key[0] for line in starts) or starts != sorted(starts):
        return None  # a flow list on the key's line, or positions out of order
    later = [pos[0] for k, pos in doc.positions.items() if len(k) == 1 and pos[0] > key[0]]
    end = min(later, default=len(lines) + 1)  # the first line after the list
    out = []
    for kept in range(len(events) + 1):
        cut = starts[kept] if kept < len(events) else end
        head = lines[: cut - 1]
        if kept == 0:
            head = [*lines[: key[0] - 1], lines[key[0] - 1].rstrip("\r\n") + " []\n"]
        out.append("".join(head + lines[end - 1 :]))
    return out if out[-1] == text else None


#: Some tasks that are important or urgent (one id in :data:`RAISED_EVERY`) are first
#: registered as ordinary and raised the same day (领导批示后调整), so that the demo's trails
#: show a change of a task field too.
_RAISED = re.compile(r"^priority:[ \t]*(important|urgent)[ \t]*$", re.M)


def _task_steps(number: int, path: str, text: str, doc: Document, assigner: str) -> list[Step]:
    data = doc.data
    task_id, received = str(data.get("id")), date.fromisoformat(str(data.get("received")))
    texts = versions(text, doc) or [text]
    slug, title = task_id.lower(), data.get("title", "")

    def step(kind: int, index: int, version: str, unit: str, subject: str, branch: str) -> Step:
        day = received if kind == 0 else date.fromisoformat(str(data["events"][index]["date"]))
        return Step(day, (kind, number, index), path, version.encode(), unit, subject, branch)

    first = texts[0] if number % RAISED_EVERY != 1 else _RAISED.sub("priority: normal", texts[0], 1)
    steps = [step(0, 0, first, assigner, f"交办 {task_id}：{title}", f"{slug}-assign")]
    raised = _RAISED.search(texts[0]) if number % RAISED_EVERY == 1 else None
    if raised:
        label = PRIORITY_LABELS[raised.group(1)].zh
        subject = f"{task_id}：按领导批示调整为{label}事项"
        steps.append(step(0, 1, texts[0], assigner, subject, f"{slug}-priority"))
    for i, event in enumerate(data["events"] if len(texts) > 1 else ()):
        kind = str(event.get("type"))
        label = EVENT_LABELS[kind].zh if kind in EVENT_LABELS else kind
        subject = f"{task_id}：登记“{label}”"
        steps.append(
            step(1, i, texts[i + 1], str(event.get("by")), subject, f"{slug}-{i + 1}-{kind}")
        )
    return steps


def plan(root: Path) -> tuple[list[NewCommit], list[Problem]]:
    """The demo history of the ledger folder ``root`` (placed at ``ledger/`` in the new
    repository), or the ledger's problems when it is not valid (a demo of a broken ledger
    would show nothing true)."""
    ledger, problems = load_ledger(root)
    errors = [p for p in problems if p.severity == "error"]
    if ledger is None or errors:
        return [], errors or problems
    assigner = next(u.code for u in ledger.units.values() if u.kind == "assigning")
    layout = Layout(root)
    settings: dict[str, bytes | None] = {}
    steps: list[Step] = []
    tasks = set(layout.task_files())
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = file.relative_to(root).as_posix()
        raw, problem = read_bounded(file, relative)
        if raw is None:
            return [], [problem] if problem else []
        if file in tasks:
            doc, _ = load_text(raw, relative)
            if doc is not None:
                number = len({step.path for step in steps}) + 1
                steps += _task_steps(number, f"ledger/{relative}", raw.decode(), doc, assigner)
        else:
            settings[f"ledger/{relative}"] = raw
    steps.sort(key=lambda s: (s.day, s.order))
    start = (steps[0].day if steps else DEMO_AS_OF) - timedelta(days=1)
    return list(_commits(ledger, settings, steps, start, assigner)), []


def _commits(
    ledger: Ledger,
    settings: dict[str, bytes | None],
    steps: Sequence[Step],
    start: date,
    assigner: str,
) -> Iterator[NewCommit]:
    accounts = {u.code: u.maintainers or (u.code,) for u in ledger.units.values()}
    reviewers = accounts[assigner]

    def at(day: date, minute: int) -> datetime:
        return datetime.combine(day, time(9, 0), ZONE) + timedelta(minutes=minute)

    first = reviewers[0]
    yield NewCommit(1, "main", first, f"{first}@example.invalid", at(start, 0),
                    "建立示例州督办台账（示例数据，虚构）", settings)  # fmt: skip
    main, mark, pr, minute, day = 1, 1, 0, 0, start
    for n, step in enumerate(steps, start=1):
        minute = minute + 2 if step.day == day else 0
        day = step.day
        names = accounts.get(step.unit, (step.unit,))
        clerk = names[n % len(names)]
        email = f"{clerk}@example.invalid"
        files = {step.path: step.text}
        mark += 1
        if step.order[0] == 1 and n % DIRECT_EVERY == 0:  # straight to main, no review
            yield NewCommit(mark, "main", clerk, email, at(day, minute), step.subject, files,
                            parent=main)  # fmt: skip
            main = mark
            continue
        pr += 1
        yield NewCommit(mark, "pull", clerk, email, at(day, minute), step.subject, files,
                        parent=main)  # fmt: skip
        reviewer = reviewers[(n + 1) % len(reviewers)]
        if reviewer == clerk and len(reviewers) > 1:
            reviewer = reviewers[n % len(reviewers)]
        message = f"Merge pull request #{pr} from {clerk}/{step.branch}\n\n{step.subject}\n"
        mark += 1
        merged = at(day, minute + 1)
        yield NewCommit(mark, "main", reviewer, f"{reviewer}@example.invalid", merged, message,
                        files, parent=main, merge=mark - 1)  # fmt: skip
        main = mark


def write_demo(root: Path, repo: Path) -> list[Problem]:
    """Write the demo history of the ledger folder ``root`` into a new repository ``repo``
    (its ledger at ``repo/ledger``); the ledger's problems when it is not valid."""
    commits, problems = plan(root)
    if problems:
        return problems
    write_history(repo, commits)
    return []


__all__ = ["DEMO_AS_OF", "plan", "versions", "write_demo"]
