"""Obligations and lights (ARCHITECTURE.md, "Where each measure lives"; status/task.py),
every date checked by hand on the official 2026 calendar (国办发明电〔2025〕7号): Oct 1–7 off,
Sat Oct 10 worked; Jun 19–21 off; ...
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from duban.ledger import load_ledger
from duban.model import Ledger
from duban.render.status import late_phrase
from duban.status.select import ledger_status
from duban.status.task import task_status
from support import ROOT, SAMPLE, make_ledger, run_cli, write_task

D = date.fromisoformat


def load(root: Path) -> Ledger:
    ledger, problems = load_ledger(root)
    assert [f"{p.where} {p.code} {p.message('en')}" for p in problems] == []
    assert ledger is not None
    return ledger


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "ledger")


def status_of(root: Path, as_of: str, **task: object):  # type: ignore[no-untyped-def]
    write_task(root, **task)  # type: ignore[arg-type]
    ledger = load(root)
    return task_status(ledger.tasks[0], ledger, D(as_of))


def by_key(status) -> dict:  # type: ignore[no-untyped-def]
    return {o.key: o for o in status.obligations}


# -- due dates of each rule ------------------------------------------------------------------


def test_normal_task_due_dates(root: Path) -> None:
    """Received Wed 2026-09-30, just before the National Day week."""
    s = status_of(root, "2026-09-30")
    o = by_key(s)
    assert o["report-to-leader"].due == D("2026-09-30")  # 当日
    assert o["decompose"].due == D("2026-10-08")  # 1wd: Oct 1–7 off
    assert o["deploy"].due == D("2026-10-10")  # 3wd: Oct 8, 9, Sat 10 (worked)
    assert o["plan-feedback"].due == D("2026-10-13")  # 5wd: 8, 9, 10, 12, 13
    assert o["progress-feedback"].due == D("2026-10-20")  # 10wd (ARCHITECTURE.md)
    assert o["complete"].due == D("2026-12-31")
    assert "verify" not in o
    assert [x.measure for x in s.obligations] == ["五", "四", "五", "七", "七", "八"]
    assert o["plan-feedback"].rule == "plan-feedback"
    assert o["plan-feedback"].label == "反馈落实方案"
    assert o["complete"].field == ("deadline",)
    assert o["decompose"].field == ("received",)
    assert not s.provisional


def test_urgent_and_important_variants(root: Path) -> None:
    o = by_key(status_of(root, "2026-09-30", priority="urgent"))
    assert o["deploy"].due == D("2026-09-30")  # urgent: 立即
    assert o["plan-feedback"].due == D("2026-09-30")  # 第一时间
    assert o["decompose"].due == D("2026-10-08")
    o = by_key(status_of(root, "2026-09-30", priority="important"))
    assert o["deploy"].due == D("2026-10-10")  # important deploys as general work
    assert o["plan-feedback"].due == D("2026-09-30")


def test_deadline_rule_applied_to_received(root: Path) -> None:
    """draft-general = 15 days: Apr 20 + 15 = May 5, a day off → May 6."""
    s = status_of(
        root, "2026-04-20", received="2026-04-20", deadline=None, deadline_rule="draft-general"
    )
    assert s.deadline == D("2026-05-06")
    o = by_key(s)
    assert o["complete"].due == D("2026-05-06")
    assert o["complete"].field == ("deadline_rule",)
    # 10wd from Apr 20 is May 8 (May 1–5 off, Sat May 9 worked): after the deadline, so the
    # completion report is the progress report.
    assert "progress-feedback" not in o


def test_extension_replaces_deadline(root: Path) -> None:
    events = [
        "date: 2026-06-01, type: extension-approved, by: zfb, "
        "deadline: 2026-07-31, note: 需省厅批复",
        "date: 2026-07-15, type: extension-approved, by: zfb, deadline: 2026-08-31, note: 再次延期",
    ]
    kwargs = dict(received="2026-03-02", deadline="2026-06-30", events=events)
    s = status_of(root, "2026-07-01", **kwargs)
    assert s.deadline == D("2026-07-31")
    assert by_key(s)["complete"].field == ("events", 0, "deadline")
    s = status_of(root, "2026-09-01", **kwargs)
    assert s.deadline == D("2026-08-31")
    assert by_key(s)["complete"].field == ("events", 1, "deadline")
    assert by_key(s)["complete"].state == "overdue"
    # Before the first extension, the original deadline stands.
    assert status_of(root, "2026-05-29", **kwargs).deadline == D("2026-06-30")


def test_milestones(root: Path) -> None:
    s = status_of(
        root,
        "2026-04-20",
        received="2026-03-02",
        milestones=[("完成调研", "2026-04-15"), ("形成初稿", "2026-05-15")],
        events=["date: 2026-04-16, type: milestone-reported, by: czj, milestone: 完成调研"],
    )
    o = by_key(s)
    first, second = o["milestone:完成调研"], o["milestone:形成初稿"]
    assert first.due == D("2026-04-15") and first.state == "met-late"
    assert first.days_late == 1 and first.met_on == D("2026-04-16")
    assert first.field == ("milestones", 0, "due")
    assert second.state == "open" and second.field == ("milestones", 1, "due")
    assert first.measure == "七"


# -- states ------------------------------------------------------------------------------------


def test_states_and_working_days_late(root: Path) -> None:
    events = [
        "date: 2026-09-30, type: reported-to-leader, by: fgw",
        "date: 2026-10-08, type: decomposed, by: fgw",  # on the due day
        "date: 2026-10-12, type: deployed, by: fgw",  # due Sat Oct 10: 1wd late (Oct 12)
    ]
    s = status_of(root, "2026-10-16", events=events)
    o = by_key(s)
    assert o["report-to-leader"].state == "met-on-time"
    assert o["decompose"].state == "met-on-time" and o["decompose"].days_late == 0
    assert o["deploy"].state == "met-late" and o["deploy"].days_late == 1
    # plan-feedback due Oct 13; as of Fri Oct 16 it is 3 working days late (14, 15, 16).
    assert o["plan-feedback"].state == "overdue" and o["plan-feedback"].days_late == 3
    assert not o["plan-feedback"].explained
    assert o["progress-feedback"].state == "open"
    assert s.light == "red"
    assert [x.key for x in s.overdue] == ["plan-feedback"]


def test_overdue_on_a_weekend_is_zero_working_days_late(root: Path) -> None:
    """Due Fri Oct 16 (and not met): overdue from Sat Oct 17, 0 working days late, 1 on Mon."""
    s = status_of(root, "2026-10-17", received="2026-10-09", deadline="2026-10-16")
    c = by_key(s)["complete"]
    assert c.state == "overdue" and c.days_late == 0
    s = status_of(root, "2026-10-19", received="2026-10-09", deadline="2026-10-16")
    assert by_key(s)["complete"].days_late == 1


def test_delay_explained(root: Path) -> None:
    events = ["date: 2026-10-15, type: delay-explained, by: fgw, note: 等待省厅批复"]
    s = status_of(root, "2026-10-16", events=events)
    o = by_key(s)
    assert o["plan-feedback"].state == "overdue" and o["plan-feedback"].explained
    # An explanation long before an item was due does not explain it.
    s = status_of(root, "2026-10-16", events=["date: 2026-09-30, type: delay-explained, by: fgw"])
    assert not by_key(s)["plan-feedback"].explained


def test_events_after_as_of_are_ignored(root: Path) -> None:
    s = status_of(root, "2026-10-09", events=["date: 2026-10-12, type: decomposed, by: fgw"])
    assert by_key(s)["decompose"].state == "overdue"
    assert by_key(s)["decompose"].days_late == 1  # due Oct 8, as of Oct 9


def test_completion_discharges_unrecorded_feedback(root: Path) -> None:
    """Never recorded plan/progress feedback: met by the completion report (late if so)."""
    events = [
        "date: 2026-09-30, type: reported-to-leader, by: fgw",
        "date: 2026-10-08, type: decomposed, by: fgw",
        "date: 2026-10-09, type: deployed, by: fgw",
        "date: 2026-10-15, type: completed, by: fgw",
    ]
    s = status_of(root, "2026-10-16", events=events)
    o = by_key(s)
    # plan-feedback due Oct 13, completion Oct 15: 2wd late, implied.
    assert o["plan-feedback"].state == "met-late" and o["plan-feedback"].days_late == 2
    assert o["plan-feedback"].implied and o["plan-feedback"].met_on == D("2026-10-15")
    # progress-feedback due Oct 20: the completion came first, on time.
    assert o["progress-feedback"].state == "met-on-time" and o["progress-feedback"].implied
    assert not o["deploy"].implied
    assert s.light == "done" and s.on_time is True and s.completed_on == D("2026-10-15")


# -- verification, sent back, closed, reopened -------------------------------------------------


def test_verify_due_after_completion(root: Path) -> None:
    events = ["date: 2026-06-24, type: completed, by: fgw"]
    kwargs = dict(received="2026-03-02", deadline="2026-06-30", events=events)
    s = status_of(root, "2026-06-25", **kwargs)
    v = by_key(s)["verify"]
    # 5wd after Wed Jun 24: 25, 26, 29, 30, Jul 1.
    assert v.due == D("2026-07-01") and v.state == "open" and v.unit == "zfb"
    assert v.field == ("events", 0)
    assert s.light == "done"
    s = status_of(root, "2026-07-03", **kwargs)
    v = by_key(s)["verify"]
    assert v.state == "overdue" and v.days_late == 2  # Jul 2, 3
    assert s.light == "done"  # the owner's part is done; the late item is the assigner's
    assert [x.key for x in s.overdue] == ["verify"]


def test_co_unit_completion_is_its_part_only(root: Path) -> None:
    events = ["date: 2026-06-24, type: completed, by: czj"]
    s = status_of(root, "2026-06-25", received="2026-03-02", deadline="2026-06-30", events=events)
    assert s.light != "done" and s.completed_on is None
    assert by_key(s)["complete"].state == "open"
    assert "verify" not in by_key(s)


def test_sent_back_reopens_completion(root: Path) -> None:
    events = [
        "date: 2026-06-20, type: completed, by: fgw",
        "date: 2026-06-24, type: sent-back, by: zfb, note: 材料不全",
    ]
    kwargs = dict(received="2026-03-02", deadline="2026-06-30", events=events)
    s = status_of(root, "2026-06-25", **kwargs)
    assert s.light == "yellow"  # deadline Jun 30: 3wd away (26, 29, 30)
    assert by_key(s)["complete"].state == "open" and "verify" not in by_key(s)
    s = status_of(root, "2026-07-02", **kwargs)
    assert s.light == "red" and by_key(s)["complete"].days_late == 2
    events.append("date: 2026-07-03, type: completed, by: fgw")
    s = status_of(root, "2026-07-03", **kwargs)
    c = by_key(s)["complete"]
    assert c.state == "met-late" and c.days_late == 3 and s.on_time is False
    assert by_key(s)["verify"].due == D("2026-07-10")  # 6, 7, 8, 9, 10


def test_closed_and_reopened(root: Path) -> None:
    events = [
        "date: 2026-06-20, type: completed, by: fgw",
        "date: 2026-06-24, type: verified, by: zfb",
        "date: 2026-06-24, type: closed, by: zfb",
    ]
    kwargs = dict(received="2026-03-02", deadline="2026-06-30", events=events)
    s = status_of(root, "2026-11-30", **kwargs)
    assert s.light == "closed" and s.closed_on == D("2026-06-24")
    assert by_key(s)["verify"].state == "met-on-time"
    assert s.overdue == () and s.due_soon == ()
    events.append("date: 2026-07-01, type: reopened, by: zfb, note: 省督查发现问题")
    s = status_of(root, "2026-07-02", **kwargs)
    assert s.light == "red" and s.closed_on is None and s.completed_on is None
    assert by_key(s)["complete"].state == "overdue" and by_key(s)["complete"].days_late == 2


# -- lights ----------------------------------------------------------------------------------


ALL_EARLY = [
    "date: 2026-03-02, type: reported-to-leader, by: fgw",
    "date: 2026-03-03, type: decomposed, by: zfb",
    "date: 2026-03-04, type: deployed, by: fgw",
    "date: 2026-03-06, type: plan-reported, by: fgw",
    "date: 2026-03-10, type: progress-reported, by: fgw",
]


@pytest.mark.parametrize(
    ("as_of", "light"),
    [
        ("2026-06-24", "green"),  # Jun 30 is 4wd away: 25, 26, 29, 30
        ("2026-06-25", "yellow"),  # 3wd away: within the window
        ("2026-06-30", "yellow"),  # due today
        ("2026-07-01", "red"),
    ],
)
def test_lights_by_deadline(root: Path, as_of: str, light: str) -> None:
    s = status_of(root, as_of, received="2026-03-02", deadline="2026-06-30", events=ALL_EARLY)
    assert s.light == light


def test_light_done_and_closed(root: Path) -> None:
    events = [*ALL_EARLY, "date: 2026-06-20, type: completed, by: fgw"]
    kwargs = dict(received="2026-03-02", deadline="2026-06-30", events=events)
    assert status_of(root, "2026-06-22", **kwargs).light == "done"
    events += [
        "date: 2026-06-24, type: verified, by: zfb",
        "date: 2026-06-24, type: closed, by: zfb",
    ]
    assert status_of(root, "2026-06-24", **kwargs).light == "closed"


def test_yellow_uses_ledger_warning_days(root: Path) -> None:
    kwargs = dict(received="2026-03-02", deadline="2026-06-30", events=ALL_EARLY)
    # As of Tue Jun 23, Jun 30 is 5wd away (24, 25, 26, 29, 30): green with the default 3...
    assert status_of(root, "2026-06-23", **kwargs).light == "green"
    text = (root / "ledger.yaml").read_text(encoding="utf-8")
    (root / "ledger.yaml").write_text(text.replace("warning_days: 3", "warning_days: 5"), "utf-8")
    s = status_of(root, "2026-06-23", **kwargs)
    assert s.light == "yellow"  # ... yellow with 5
    assert s.soon_until == D("2026-06-30")
    assert [o.key for o in s.due_soon] == ["complete"]


def test_provisional_deadline_into_2027(root: Path) -> None:
    s = status_of(root, "2026-12-28", received="2026-12-28", deadline="2027-03-01")
    assert s.provisional
    assert by_key(s)["complete"].provisional
    assert not by_key(s)["decompose"].provisional


def test_ledger_status_filters_by_unit(root: Path) -> None:
    write_task(root, task_id="ES-2026-9001")
    write_task(root, task_id="ES-2026-9002")
    path = root / "tasks" / "2026" / "ES-2026-9002.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("co_units: [czj]", "co_units: []"))
    ledger = load(root)
    assert [s.task.id for s in ledger_status(ledger, D("2026-10-01"))] == [
        "ES-2026-9001",
        "ES-2026-9002",
    ]
    assert [s.task.id for s in ledger_status(ledger, D("2026-10-01"), "czj")] == ["ES-2026-9001"]
    assert ledger_status(ledger, D("2026-10-01"), "zfb") == []


# -- the commands on the sample ledger (issue 4: "Done when") ------------------------------


def duban(*args: str):  # type: ignore[no-untyped-def]
    """The command, run in the project folder (its default ledger is the sample)."""
    return run_cli(*args, cwd=ROOT)


def test_sample_overdue_same_items_in_every_format() -> None:
    as_of = ["--as-of", "2026-11-30"]
    done = duban("overdue", *as_of, "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["as_of"] == "2026-11-30" and data["count"] > 0
    ledger = load(SAMPLE)
    items = []
    for task in data["tasks"]:
        assert task["light"] in ("red", "done")
        for o in task["obligations"]:
            assert o["state"] == "overdue"
            # working days late, counted on the official calendar
            late = ledger.calendar.working_days_between(D(o["due"]), D("2026-11-30"))
            assert o["days_late"] == late
            items.append((task["id"], o["label"], o["due"], o["days_late"], o["line"]))
    assert len(items) == data["count"] and len({i[0] for i in items}) == data["task_count"]

    table = duban("overdue", *as_of).stdout.splitlines()
    rows = [line for line in table if line.startswith(ledger.config.id_prefix + "-")]
    assert len(rows) == len(items)
    for (task_id, label, due, late, _), row in zip(items, rows, strict=True):
        cells = row.split()
        assert cells[0] == task_id and label in row and due in cells and str(late) in cells

    markdown = duban("overdue", *as_of, "--format", "markdown").stdout.splitlines()
    rows = [line for line in markdown if line.startswith(f"| {ledger.config.id_prefix}-")]
    assert len(rows) == len(items)
    for (task_id, label, due, late, _), row in zip(items, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == task_id and cells[3] == label and cells[5] == due
        assert cells[6] == str(late)

    github = duban("overdue", *as_of, "--format", "github").stdout.splitlines()
    github = [line for line in github if "file=ledger/tasks/" in line]  # not the duties
    assert len(github) == len(items)
    for (task_id, label, due, late, line), annotation in zip(items, github, strict=True):
        assert annotation.startswith(
            f"::warning file=ledger/tasks/2026/{task_id}.yaml,line={line},"
        )
        assert f"::{late_phrase(late, 'zh')}：{task_id}" in annotation
        assert label in annotation and due in annotation


def test_sample_github_annotation_lands_on_the_field() -> None:
    """A missed deadline is annotated on the `deadline:` line (or the extension's); a late
    verification on the line of the `completed` event it verifies."""
    ledger = load(SAMPLE)
    on_events = []
    for status in ledger_status(ledger, D("2026-11-30")):
        for o in status.overdue:
            where = status.task.loc(*o.field)
            text = (SAMPLE / Path(status.task.path).relative_to("ledger")).read_text("utf-8")
            line = text.splitlines()[where.line - 1]
            key = o.field[-1] if isinstance(o.field[-1], str) else "date"
            assert f"{key}:" in line, (o.key, line)
            if o.field[0] == "events":
                # The event that sets the item: the completion awaiting verification, or the
                # extension whose deadline is in force. Its line is the one annotated.
                event = next(e for e in status.task.events if e.index == o.field[1])
                expected = {"verify": "completed", "complete": "extension-approved"}[o.key]
                assert event.type == expected, (o.key, event.type)
                assert f"date: {event.date}" in line and f"type: {event.type}" in line, line
                on_events.append((status.task.id, o.key, where.line))
    assert ("SL-2026-0007", "verify", 26) in on_events  # the sample's late verification


def test_status_command_formats_and_exit_codes() -> None:
    done = duban("status", "--as-of", "2026-11-30", "--format", "json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert sum(data["counts"].values()) == len(data["tasks"]) > 0
    assert set(data["counts"]) == {"red", "yellow", "green", "done", "closed"}
    assert duban("overdue", "--as-of", "2026-11-30", "--fail-on-overdue").returncode == 1
    assert duban("status", "--as-of", "2026-01-01", "--fail-on-overdue").returncode == 0
    bad = duban("status", "--as-of", "2026-02-30")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert duban("status", "--unit", "nosuch").returncode == 2
    assert duban("status", "--ledger", "no/such/folder").returncode == 2
    today = duban("status")  # today in the ledger's time zone
    assert today.returncode == 0, today.stderr
    en = duban("overdue", "--as-of", "2026-11-30", "--lang", "en", "--format", "markdown")
    assert "Overdue as of 2026-11-30" in en.stdout


def test_overdue_for_a_unit_lists_what_it_must_act_on() -> None:
    """The assigning unit sees its late verification; an owner sees only its own items."""
    zfb = json.loads(duban("overdue", "--as-of", "2026-11-30", "--unit", "zfb",
                           "--format", "json").stdout)  # fmt: skip
    everyone = json.loads(duban("overdue", "--as-of", "2026-11-30", "--format", "json").stdout)
    ours = [o for t in everyone["tasks"] for o in t["obligations"] if o["unit"] == "zfb"]
    assert ours and [o for t in zfb["tasks"] for o in t["obligations"]] == ours
    wjw = json.loads(duban("overdue", "--as-of", "2026-11-30", "--unit", "wjw",
                           "--format", "json").stdout)  # fmt: skip
    assert {o["unit"] for t in wjw["tasks"] for o in t["obligations"]} == {"wjw"}
