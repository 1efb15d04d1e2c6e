"""The settled policy of issue 14 (measures 六, 八, 九), pinned on hand-made tasks.

- An extension approved after the deadline in force had passed does not make the task on
  time: the completion counts as late (超时办结), the task is ``extended_after_deadline``
  (逾期后延期, shown on the task page and in the status JSON).
- An extension approved in time (on or before the deadline then in force) counts as on time
  when met (``extended``: 延期办结).
- A ``delay-explained`` covers only items that were unmet and due soon (within
  ``warning_days`` = 3 working days of their due date) or overdue at its date; recorded after
  the item was met, it covers nothing.

Dates (2026, no holiday in November): 11-13 is a Friday, 11-16 a Monday. Working days after
11-13: 11-16 (1), 17, 18, 19, 20 (5), 23, 24, 25 (8).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from duban.ledger import load_ledger
from duban.model import Ledger
from duban.render.status import task_record
from duban.status.records import TaskStatus
from duban.status.task import task_status
from duban.web.links import Links
from duban.web.taskpage import deadline_text, fields
from support import ev, make_ledger, write_task

AS_OF = date(2026, 12, 1)
DEADLINE = "2026-11-13"


def status_of(tmp_path: Path, *events: str, as_of: date = AS_OF) -> tuple[TaskStatus, Ledger]:
    """The status as of ``as_of`` of one task received 2026-10-09, due 2026-11-13."""
    root = make_ledger(tmp_path / "ledger")
    write_task(root, received="2026-10-09", deadline=DEADLINE, events=list(events))
    ledger, problems = load_ledger(root)
    assert ledger is not None and not problems, [p.message("en") for p in problems]
    (task,) = ledger.tasks
    return task_status(task, ledger, as_of), ledger


def extension(day: str, to: str = "2026-11-30") -> str:
    return ev(day, "extension-approved", "zfb", "同意延期", deadline=to)


def explain(day: str) -> str:
    return ev(day, "delay-explained", "fgw", "原因与措施")


DONE = ev("2026-11-20", "completed", "fgw", "已完成")


def test_an_extension_after_the_deadline_leaves_the_completion_late(tmp_path: Path) -> None:
    s, ledger = status_of(tmp_path, extension("2026-11-16"), DONE)
    assert s.deadline == date(2026, 11, 30)  # the deadline in force moves (the work goes on)
    assert s.judged_by == date(2026, 11, 13)  # but the completion is judged by the lapsed one
    assert s.on_time is False  # 超时办结
    assert s.extended_after_deadline and not s.extended
    assert s.days_late == 5  # 11-16 .. 11-20
    record = task_record(s)
    assert record["extended_after_deadline"] is True and record["on_time"] is False
    links = Links(ledger, ())
    assert "逾期后延期" in deadline_text(links, s)
    assert ("是否按期", "逾期办结") in fields(links, s)


def test_an_extension_in_time_makes_a_completion_by_it_on_time(tmp_path: Path) -> None:
    for day in ("2026-11-12", DEADLINE):  # the deadline's own day is still in time
        s, ledger = status_of(tmp_path / day, extension(day), DONE)
        assert s.judged_by == s.deadline == date(2026, 11, 30)
        assert s.on_time is True and s.extended and not s.extended_after_deadline
        assert s.days_late == 0
        assert task_record(s)["extended_after_deadline"] is False
        assert "逾期后延期" not in deadline_text(Links(ledger, ()), s)


def test_a_later_extension_cannot_relieve_a_late_one(tmp_path: Path) -> None:
    # in time to 11-20, then late (approved 11-23 > 11-20) to 11-30, completed 11-25
    s, _ = status_of(
        tmp_path,
        extension("2026-11-10", "2026-11-20"),
        extension("2026-11-23"),
        ev("2026-11-25", "completed", "fgw", "已完成"),
    )
    assert s.judged_by == date(2026, 11, 20) and s.deadline == date(2026, 11, 30)
    assert s.on_time is False and s.extended_after_deadline and not s.extended
    assert s.days_late == 3  # 11-23, 11-24, 11-25


def test_an_open_task_after_a_late_extension_follows_the_new_deadline(tmp_path: Path) -> None:
    s, _ = status_of(tmp_path, extension("2026-11-16"), as_of=date(2026, 11, 18))
    complete = next(o for o in s.obligations if o.key == "complete")
    assert complete.state == "open" and complete.due == date(2026, 11, 30)  # the work goes on
    assert s.days_late == 0
    assert s.on_time is None and s.extended_after_deadline


def test_an_explanation_after_the_late_completion_covers_nothing(tmp_path: Path) -> None:
    s, _ = status_of(tmp_path, DONE, ev("2026-11-25", "delay-explained", "fgw", "补说明"))
    complete = next(o for o in s.obligations if o.key == "complete")
    assert complete.state == "met-late" and complete.days_late == 5
    assert not complete.explained and not s.delay_explained


def test_an_explanation_while_overdue_covers_the_late_completion(tmp_path: Path) -> None:
    s, _ = status_of(tmp_path, ev("2026-11-16", "delay-explained", "fgw", "原因与措施"), DONE)
    complete = next(o for o in s.obligations if o.key == "complete")
    assert complete.explained and s.delay_explained and s.on_time is False


def test_an_explanation_counts_only_once_the_item_is_due_soon(tmp_path: Path) -> None:
    # 11-10 → 11-13: 3 working days (due soon); 11-09 → 11-13: 4 (too early)
    early, _ = status_of(tmp_path / "early", explain("2026-11-09"), DONE)
    soon, _ = status_of(tmp_path / "soon", explain("2026-11-10"), DONE)
    assert not early.delay_explained and soon.delay_explained


def test_an_open_overdue_task_is_explained_by_an_explanation_while_overdue(
    tmp_path: Path,
) -> None:
    s, _ = status_of(tmp_path, ev("2026-11-17", "delay-explained", "fgw", "原因与措施"))
    assert s.light == "red" and s.on_time is None
    assert s.delay_explained and s.days_late == 12  # 11-16 .. 12-01: 12 working days
    complete = next(o for o in s.obligations if o.key == "complete")
    assert complete.state == "overdue" and complete.explained


def test_an_explanation_after_an_extension_in_time_is_not_needed(tmp_path: Path) -> None:
    s, _ = status_of(tmp_path, extension("2026-11-12"), DONE)
    assert s.on_time is True and s.days_late == 0 and not s.delay_explained
