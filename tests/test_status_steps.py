"""The steps of :func:`duban.status.task.task_status`, each on its own, on the sample ledger's
rules and calendar (``ledger/``) and small constructed tasks. March 2026 has no holiday:
received Mon 2026-03-02, +1wd = Tue 03-03, +3wd = Thu 03-05, +5wd = Mon 03-09, +10wd = Mon 03-16.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from duban.calendar.rules import EARLY_OBLIGATIONS
from duban.calendar.workdays import Due, Period
from duban.ledger import load_ledger
from duban.model import Event, Ledger, Milestone, Owner, Task
from duban.source import Location
from duban.status.clock import Completion, clock, completion, effective_deadline
from duban.status.obligations import (
    Duty,
    complete_duty,
    early_duties,
    judge,
    milestone_duties,
    verify_duty,
)
from duban.status.records import LIGHTS, STATES, Obligation, State
from duban.status.task import light, task_status, window_end
from support import SAMPLE

D = date.fromisoformat
HERE = Location("ledger/tasks/2026/SL-2026-9001.yaml")


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    loaded, problems = load_ledger(SAMPLE)
    assert loaded is not None and problems == []
    return loaded


def ev(index: int, when: str, kind: str, by: str = "fgw", **more: object) -> Event:
    return Event(index, D(when), kind, by, HERE, **more)  # type: ignore[arg-type]


def make_task(*events: Event, **fields: object) -> Task:
    base: dict[str, object] = {
        "id": "SL-2026-9001",
        "title": "示例任务",
        "received": D("2026-03-02"),
        "assigned_by": "zfb",
        "owner": Owner("fgw", "主要负责同志", ("czj",)),
        "standard": "形成正式方案并印发",
        "priority": "normal",
        "visibility": "public",
        "events": events,
        "deadline": D("2026-06-30"),
    }
    return Task(**{**base, **fields})  # type: ignore[arg-type]


def test_clock_ignores_later_events_and_starts_after_the_last_reopening() -> None:
    task = make_task(
        ev(0, "2026-03-10", "completed"),
        ev(1, "2026-03-12", "closed", by="zfb"),
        ev(2, "2026-04-01", "reopened", by="zfb"),
        ev(3, "2026-05-01", "closed", by="zfb"),
    )
    before = clock(task, D("2026-03-20"))
    assert [e.index for e in before.events] == [0, 1] and before.closed_on == D("2026-03-12")
    assert before.now == D("2026-03-12")  # a closed task's clock stops
    reopened = clock(task, D("2026-04-15"))
    assert reopened.cycle == () and reopened.closed_on is None
    assert reopened.now == D("2026-04-15")


def test_deadline_explicit_rule_and_latest_extension(ledger: Ledger) -> None:
    assert effective_deadline(make_task(), ledger, D("2026-03-02")).field == ("deadline",)
    # draft-general: 15 calendar days, rolled past a day off (ledger/rules.yaml)
    ruled = make_task(deadline=None, deadline_rule="draft-general")
    deadline = effective_deadline(ruled, ledger, D("2026-03-02"))
    assert deadline.due == Due(D("2026-03-17"), False) and deadline.field == ("deadline_rule",)
    extended = make_task(
        ev(0, "2026-05-01", "extension-approved", by="zfb", deadline=D("2026-07-31")),
        ev(1, "2026-07-01", "extension-approved", by="zfb", deadline=D("2026-08-31")),
    )
    assert effective_deadline(extended, ledger, D("2026-04-30")).due.date == D("2026-06-30")
    mid = effective_deadline(extended, ledger, D("2026-06-01"))
    assert mid.due.date == D("2026-07-31") and mid.field == ("events", 0, "deadline")
    assert effective_deadline(extended, ledger, D("2026-12-31")).due.date == D("2026-08-31")


def _early(ledger: Ledger, task: Task, as_of: str) -> dict[str, Duty]:
    now = clock(task, D(as_of))
    deadline = effective_deadline(task, ledger, D(as_of))
    done = completion(task, ledger, now)
    return {d.key: d for d in early_duties(task, ledger, now, deadline, done)}


def test_early_obligations_take_periods_and_variants_from_the_rules(ledger: Ledger) -> None:
    normal = _early(ledger, make_task(), "2026-03-02")
    assert list(normal) == list(EARLY_OBLIGATIONS)
    assert {k: d.due.date.isoformat() for k, d in normal.items()} == {
        "decompose": "2026-03-03",
        "report-to-leader": "2026-03-02",
        "deploy": "2026-03-05",
        "plan-feedback": "2026-03-09",
        "progress-feedback": "2026-03-16",
    }
    urgent = _early(ledger, make_task(priority="urgent"), "2026-03-02")
    assert urgent["deploy"].due.date == urgent["plan-feedback"].due.date == D("2026-03-02")
    # a short task: the completion report is the progress report
    short = _early(ledger, make_task(deadline=D("2026-03-13")), "2026-03-02")
    assert "progress-feedback" not in short


def test_the_rule_catalogue_is_the_only_source_of_periods(ledger: Ledger) -> None:
    """Change the catalogue, and the obligations follow: nothing is hard-coded."""
    rules = dict(ledger.rules)
    rules["plan-feedback"] = replace(rules["plan-feedback"], period=Period(2, "wd"), variants={})
    rules["verify"] = replace(rules["verify"], period=Period(1, "wd"), met_by="verified")
    rules["deploy"] = replace(rules["deploy"], period=None, variants={})
    changed = replace(ledger, rules=rules)
    duties = _early(changed, make_task(priority="urgent"), "2026-03-02")
    assert duties["plan-feedback"].due.date == D("2026-03-04")  # no urgent variant any more
    assert "deploy" not in duties  # no period: nothing asked
    task = make_task(ev(0, "2026-03-10", "completed"))
    status = task_status(task, changed, D("2026-03-20"))
    verify = next(o for o in status.obligations if o.key == "verify")
    assert verify.due == D("2026-03-11") and verify.state == "overdue"


def test_early_obligation_met_late_or_by_the_completion_report(ledger: Ledger) -> None:
    task = make_task(ev(0, "2026-03-04", "decomposed"), ev(1, "2026-03-20", "completed"))
    now = clock(task, D("2026-03-20"))
    duties = _early(ledger, task, "2026-03-20")
    assess = judge(ledger, now)
    decompose = assess(duties["decompose"])
    assert (decompose.state, decompose.days_late, decompose.implied) == ("met-late", 1, False)
    plan = assess(duties["plan-feedback"])  # never recorded: discharged by the report
    assert (plan.state, plan.met_on, plan.days_late, plan.implied) == (
        "met-late",
        D("2026-03-20"),
        9,
        True,
    )
    assert plan.rule == "plan-feedback" and plan.measure == "七" and plan.unit == "fgw"


def test_milestones_are_reported_under_the_progress_rule(ledger: Ledger) -> None:
    task = make_task(
        ev(0, "2026-04-01", "milestone-reported", milestone="第一阶段"),
        milestones=(
            Milestone("第一阶段", D("2026-04-01"), HERE),
            Milestone("第二阶段", D("2026-05-01"), HERE),
        ),
    )
    now = clock(task, D("2026-05-06"))
    duties = list(milestone_duties(task, ledger, now, completion(task, ledger, now)))
    assess = judge(ledger, now)
    first, second = (assess(d) for d in duties)
    assert first.key == "milestone:第一阶段" and first.state == "met-on-time"
    assert second.state == "overdue" and second.field == ("milestones", 1, "due")
    assert second.rule == "progress-feedback" and second.label == "阶段反馈：第二阶段"


def test_completion_counts_the_owner_and_is_undone_by_sent_back(ledger: Ledger) -> None:
    task = make_task(
        ev(0, "2026-03-10", "completed", by="czj"),  # a co-unit's part only
        ev(1, "2026-03-12", "completed"),
        ev(2, "2026-03-16", "sent-back", by="zfb"),
    )
    assert completion(task, ledger, clock(task, D("2026-03-11"))) == Completion(None, None)
    done = completion(task, ledger, clock(task, D("2026-03-13")))
    assert done.standing is not None and done.standing.index == 1
    undone = completion(task, ledger, clock(task, D("2026-03-20")))
    assert undone.standing is None and undone.first is not None and undone.first.index == 1
    deadline = effective_deadline(task, ledger, D("2026-03-20"))
    duty = complete_duty(task, ledger, deadline, undone)
    assert duty.met is None and duty.due.date == D("2026-06-30") and duty.unit == "fgw"


def test_verification_by_the_assigning_unit_after_the_completion(ledger: Ledger) -> None:
    open_task = make_task()
    now = clock(open_task, D("2026-03-20"))
    assert verify_duty(open_task, ledger, now, completion(open_task, ledger, now)) is None
    task = make_task(ev(0, "2026-03-10", "completed"), ev(1, "2026-03-18", "closed", by="zfb"))
    now = clock(task, D("2026-03-12"))
    duty = verify_duty(task, ledger, now, completion(task, ledger, now))
    assert duty is not None and duty.unit == "zfb" and duty.field == ("events", 0)
    assert duty.due.date == D("2026-03-17") and duty.met is None  # +5wd (ledger/rules.yaml)
    later = clock(task, D("2026-03-31"))
    closed = verify_duty(task, ledger, later, completion(task, ledger, later))
    assert closed is not None and closed.met is not None and closed.met.type == "closed"
    verified = judge(ledger, later)(closed)
    assert (verified.state, verified.days_late) == ("met-late", 1)


def _ob(state: State, due: str) -> Obligation:
    return Obligation(
        key="deploy",
        rule="deploy",
        measure="五",
        label="研究部署",
        label_en="deploy the work",
        due=D(due),
        provisional=False,
        state=state,
        met_on=None,
        days_late=0,
        field=("received",),
        explained=False,
    )


def test_light() -> None:
    assert set(LIGHTS) == {"red", "yellow", "green", "done", "closed"}
    assert set(STATES) == {"met-on-time", "met-late", "open", "overdue"}
    none = Completion(None, None)
    done = Completion(ev(0, "2026-03-10", "completed"), None)
    soon = D("2026-03-12")
    overdue, near, far = (
        _ob("overdue", "2026-03-05"),
        _ob("open", soon.isoformat()),
        _ob("open", "2026-03-20"),
    )
    assert light(D("2026-03-11"), done, [overdue], soon) == "closed"
    assert light(None, done, [overdue], soon) == "done"
    assert light(None, none, [far, overdue], soon) == "red"
    assert light(None, none, [far, near], soon) == "yellow"
    assert light(None, none, [far], soon) == "green"


def test_warning_window(ledger: Ledger) -> None:
    # Fri 2026-03-06, 3 working days: Mon, Tue, Wed; due soon up to Wed 03-11
    assert window_end(ledger.calendar, D("2026-03-06"), 3) == D("2026-03-11")
