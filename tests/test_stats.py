"""``duban stats``: every figure pinned on a hand-checked ledger, the scores rule by rule, the
formats, the weekly trend, and the site's 按期办结率 equal to the figures of ``stats``.

The ledger (golden units: zfb assigns; fgw and czj are responsible). Every task is received
2026-10-09; the period is 2026-11, as of 2026-12-01 (a Tuesday). November 2026 has no holiday:
working days after 11-13 (Fri) are 11-16 (1) .. 11-20 (5), 11-23 .. 11-27, 11-30, 12-01.

====  =====  ==========  ====================================================================
task  owner  deadline    what happens                                   → outcome
====  =====  ==========  ====================================================================
T1    fgw    11-13       extension approved 11-16 (late) to 11-30;      late 5 (11-16..11-20),
                         completed 11-20                                 extended after deadline
T2    fgw    11-13       extension approved 11-12 (in time) to 11-27;   on time, extended
                         completed 11-25
T3    fgw    11-10       completed 11-09, sent back 11-11, explained    late 2 (11-11, 11-12),
                         11-11, completed again 11-12                    sent back 1, explained
T4    fgw    11-20       nothing                                        open overdue 7
                                                                         (11-23..12-01)
T5    czj    11-18       explained 11-19                                open overdue 9
                                                                         (11-19..12-01), explained
T6    czj    11-30       completed 11-30                                on time
T7    czj    12-15       nothing                                        not in November
T8    czj    11-16       internal; completed 11-17; explained 11-18     late 1; only --internal
                         (after the completion: covers nothing)
====  =====  ==========  ====================================================================

fgw tasks have czj as co-unit; czj tasks have fgw as co-unit.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from duban.ledger import load_ledger
from duban.load.scoring import DEFAULT_SCORING, load_scoring
from duban.model import Ledger
from duban.render.stats import FIGURE_KEYS, render_stats
from duban.stats.figures import ledger_stats, outcome, rate, unit_stats
from duban.stats.periods import counted_on, following, month, parse_period, quarter, span, year
from duban.stats.records import Stats, UnitStats
from duban.stats.trend import standing, week_ends, weekly
from duban.status.select import ledger_status
from duban.web.markup import rate as site_rate
from support import ROOT, SAMPLE, SCHEMAS, ev, make_ledger, run_cli, write_task

AS_OF = date(2026, 12, 1)
NOVEMBER = month(2026, 11)


def extension(day: str, to: str) -> str:
    return ev(day, "extension-approved", "zfb", "同意延期", deadline=to)


def done(day: str, by: str = "fgw") -> str:
    return ev(day, "completed", by, "已完成")


def explain(day: str, by: str) -> str:
    return ev(day, "delay-explained", by, "原因与措施")


def build_ledger(root: Path) -> Path:
    make_ledger(root)
    common = {"received": "2026-10-09"}
    fgw = {**common, "unit": "fgw", "co_units": ("czj",)}
    czj = {**common, "unit": "czj", "co_units": ("fgw",)}
    write_task(
        root,
        task_id="ES-2026-0001",
        deadline="2026-11-13",
        events=[extension("2026-11-16", "2026-11-30"), done("2026-11-20")],
        **fgw,
    )
    write_task(
        root,
        task_id="ES-2026-0002",
        deadline="2026-11-13",
        events=[extension("2026-11-12", "2026-11-27"), done("2026-11-25")],
        **fgw,
    )
    write_task(
        root,
        task_id="ES-2026-0003",
        deadline="2026-11-10",
        events=[
            done("2026-11-09"),
            ev("2026-11-11", "sent-back", "zfb", "材料不全"),
            explain("2026-11-11", "fgw"),
            done("2026-11-12"),
        ],
        **fgw,
    )
    write_task(root, task_id="ES-2026-0004", deadline="2026-11-20", **fgw)
    write_task(
        root,
        task_id="ES-2026-0005",
        deadline="2026-11-18",
        events=[explain("2026-11-19", "czj")],
        **czj,
    )
    write_task(
        root,
        task_id="ES-2026-0006",
        deadline="2026-11-30",
        events=[done("2026-11-30", "czj")],
        **czj,
    )
    write_task(root, task_id="ES-2026-0007", deadline="2026-12-15", **czj)
    write_task(
        root,
        task_id="ES-2026-0008",
        deadline="2026-11-16",
        visibility="internal",
        events=[done("2026-11-17", "czj"), explain("2026-11-18", "czj")],
        **czj,
    )
    return root


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    loaded, problems = load_ledger(build_ledger(tmp_path / "ledger"))
    assert loaded is not None and not problems, [p.message("en") for p in problems]
    return loaded


def figures(u: UnitStats | None) -> dict[str, object]:
    assert u is not None
    return {k: getattr(u, k) for k in FIGURE_KEYS}


FGW_OWNER = {
    "due": 4,  # T1-T4
    "completed": 3,  # T1, T2, T3
    "on_time": 1,  # T2
    "late": 2,  # T1 (extended after the deadline), T3
    "open_overdue": 1,  # T4
    "on_time_rate": 0.25,  # 1 / (3 + 1)
    "extended": 1,  # T2
    "extended_after_deadline": 1,  # T1
    "sent_back": 1,  # T3
    "explained": 1,  # T3
    "working_days_late": 14,  # 5 + 2 + 7
}
CZJ_OWNER = {
    "due": 2,  # T5, T6 (T7 is due in December, T8 internal)
    "completed": 1,
    "on_time": 1,
    "late": 0,
    "open_overdue": 1,  # T5
    "on_time_rate": 0.5,  # 1 / (1 + 1)
    "extended": 0,
    "extended_after_deadline": 0,
    "sent_back": 0,
    "explained": 1,  # T5
    "working_days_late": 9,
}


def test_each_figure_per_unit_and_role(ledger: Ledger) -> None:
    stats = unit_stats(ledger, NOVEMBER, AS_OF)
    assert figures(stats.unit("fgw")) == FGW_OWNER
    assert figures(stats.unit("czj")) == CZJ_OWNER
    # a co-unit's line has the same figures of the same tasks, unscored
    assert figures(stats.unit("czj", "co-unit")) == FGW_OWNER
    assert figures(stats.unit("fgw", "co-unit")) == CZJ_OWNER
    co = stats.unit("czj", "co-unit")
    assert co is not None and co.score is None and co.rank is None and co.points == ()
    assert [(u.unit, u.role) for u in stats.units] == [
        ("czj", "owner"),
        ("fgw", "owner"),
        ("czj", "co-unit"),
        ("fgw", "co-unit"),
    ]
    # the summary counts each task once: T1-T6
    s = stats.summary
    assert (s.due, s.completed, s.on_time, s.late, s.open_overdue) == (6, 4, 2, 2, 2)
    assert s.on_time_rate == pytest.approx(2 / 6)
    assert (s.extended, s.extended_after_deadline, s.sent_back, s.explained) == (1, 1, 1, 2)
    assert s.working_days_late == 23  # 5 + 2 + 7 + 9


def test_the_tasks_counted_are_listed_with_their_outcome(ledger: Ledger) -> None:
    fgw = unit_stats(ledger, NOVEMBER, AS_OF).unit("fgw")
    assert fgw is not None
    assert [(t.id, t.outcome, t.days_late) for t in fgw.tasks] == [
        ("ES-2026-0001", "late", 5),
        ("ES-2026-0002", "on-time", 0),
        ("ES-2026-0003", "late", 2),
        ("ES-2026-0004", "open-overdue", 7),
    ]
    first = fgw.tasks[0]
    assert first.deadline == date(2026, 11, 30) and first.judged_by == date(2026, 11, 13)


def test_scores_show_each_rule_and_rank(ledger: Ledger) -> None:
    stats = unit_stats(ledger, NOVEMBER, AS_OF, scoring=DEFAULT_SCORING)
    fgw, czj = stats.unit("fgw"), stats.unit("czj")
    assert fgw is not None and czj is not None
    assert [(p.rule, p.count, p.points) for p in fgw.points] == [
        ("base", 1, 100),
        ("on-time", 1, 1),  # T2, +1 each
        ("late", 3, -6),  # T1, T3, T4: -2 each
        ("working-days-late", 14, -7),  # 5 + 2 + 7 (none above the cap of 20): -0.5 each
        ("sent-back", 1, -3),
        ("unexplained-delay", 2, -4),  # T1, T4
    ]
    assert fgw.score == 81  # 100 + 1 - 6 - 7 - 3 - 4
    assert fgw.action == "criticism"  # below 90, not below 80
    assert czj.score == 94.5  # 100 + 1 - 2 - 4.5 (9 days) - 0 - 0 (T5 explained)
    assert czj.action is None
    assert (czj.rank, fgw.rank) == (1, 2)


def test_internal_tasks_only_with_internal(ledger: Ledger) -> None:
    czj = unit_stats(ledger, NOVEMBER, AS_OF, internal=True).unit("czj")
    assert czj is not None
    # T8 joins: late 1 working day (11-17), its explanation came after the completion
    assert (czj.due, czj.completed, czj.late, czj.explained) == (3, 2, 1, 1)
    assert czj.on_time_rate == pytest.approx(1 / 3)
    assert czj.working_days_late == 10
    assert czj.score == 90  # 100 + 1 - 4 - 5 - 2: on the line, so no 通报批评
    assert czj.action is None


def test_ties_go_by_on_time_rate_then_unit_code(ledger: Ledger, tmp_path: Path) -> None:
    flat = tmp_path / "flat.yaml"
    flat.write_text(
        "base: 100\nlate: {per_item: 0, per_working_day: 0, max_days_per_item: 0}\n"
        "sent_back: 0\nunexplained_delay: 0\non_time_bonus: 0\n"
        "thresholds: {criticism_below: 0, interview_below: 0}\n",
        encoding="utf-8",
    )
    (ledger.root / "scoring.yaml").write_text(flat.read_text("utf-8"), encoding="utf-8")
    scoring, problems = load_scoring(ledger.root)
    assert not problems and scoring.on_time_bonus == 0
    stats = unit_stats(ledger, NOVEMBER, AS_OF, scoring=scoring)
    assert [(u.unit, u.score, u.rank) for u in stats.owners()] == [
        ("czj", 100, 1),  # rate 0.5
        ("fgw", 100, 2),  # rate 0.25
    ]
    # equal scores and rates (T4 of fgw, T5 of czj: both open overdue): by unit code
    tied = unit_stats(ledger, span(date(2026, 11, 18), date(2026, 11, 20)), AS_OF, scoring=scoring)
    assert [(u.unit, u.on_time_rate, u.rank) for u in tied.owners()] == [
        ("czj", 0.0, 1),
        ("fgw", 0.0, 2),
    ]


def test_the_period_is_that_of_the_deadline_in_force(ledger: Ledger) -> None:
    december = unit_stats(ledger, month(2026, 12), AS_OF)
    assert [t.id for u in december.owners() for t in u.tasks] == ["ES-2026-0007"]
    # as of 11-15 T1 was still due 11-13 (its extension came on 11-16), T2 already 11-27
    mid = unit_stats(ledger, span(date(2026, 11, 13), date(2026, 11, 13)), date(2026, 11, 15))
    assert [t.id for u in mid.owners() for t in u.tasks] == ["ES-2026-0001"]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_periods(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_the_following_period() -> None:
    assert following(month(2026, 11)) == month(2026, 12)
    assert following(month(2026, 12)) == month(2027, 1)
    assert following(quarter(2026, 4)) == quarter(2027, 1)
    assert following(quarter(2026, 2)) == quarter(2026, 3)
    assert following(year(2026)) == year(2027)
    nov = span(date(2026, 11, 1), date(2026, 11, 10))
    assert following(nov) == span(date(2026, 11, 11), date(2026, 11, 20))


def test_period_labels() -> None:
    assert month(2026, 11).label == "2026年11月"
    assert quarter(2026, 4).label == "2026年第四季度"
    assert year(2026).label == "2026年"


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26", "", "2026-11-01", "x" * 10_000])
def test_bad_periods_are_user_errors(ledger: Ledger, text: str) -> None:
    result = run_cli("stats", "--ledger", str(ledger.root), "--period", text)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "统计期" in result.stderr


def test_cli_json_matches_the_schema_and_the_library(ledger: Ledger) -> None:
    args = ("stats", "--ledger", str(ledger.root), "--period", "2026-11", "--as-of", "2026-12-01")
    result = run_cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "stats.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    fgw = next(u for u in data["units"] if u["unit"] == "fgw" and u["role"] == "owner")
    assert {k: fgw[k] for k in FGW_OWNER} == FGW_OWNER
    assert (fgw["score"], fgw["rank"], fgw["action"]) == (81, 2, "criticism")
    assert '"score": 81,' in result.stdout  # a whole score is written whole
    assert {"rule": "sent-back", "count": 1, "points": -3} in fgw["points"]
    assert data["scoring"]["file"] is None  # no scoring.yaml: the documented defaults
    assert "ES-2026-0008" not in result.stdout  # internal
    internal = run_cli(*args, "--format", "json", "--internal")
    assert "ES-2026-0008" in internal.stdout


def test_cli_table_markdown_and_csv_show_the_breakdown(ledger: Ledger) -> None:
    args = ("stats", "--ledger", str(ledger.root), "--period", "2026-11", "--as-of", "2026-12-01")
    table = run_cli(*args)
    assert table.exit_code == 0, table.stderr
    assert "州发改委：基础分 100；按期办结加分 1项 +1；" in table.stdout
    assert "核实退回扣分 1项 -3；未说明延误原因扣分 2项 -4 = 81" in table.stdout
    assert "通报批评" in table.stdout and "25.0%" in table.stdout
    md = run_cli(*args, "--format", "markdown")
    assert "| 排名 |" in md.stdout and "- 州财政局：" in md.stdout
    raw = run_cli(*args, "--format", "csv").stdout
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    fgw = next(r for r in rows if r["unit"] == "fgw" and r["role"] == "owner")
    assert (fgw["due"], fgw["on_time_rate"], fgw["score"], fgw["rank"]) == ("4", "0.25", "81", "2")


def test_cli_xlsx_is_a_workbook_and_needs_out(ledger: Ledger, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    args = ("stats", "--ledger", str(ledger.root), "--period", "2026-11", "--as-of", "2026-12-01")
    refused = run_cli(*args, "--format", "xlsx")
    assert refused.exit_code == 2 and "--out" in refused.stderr
    out = tmp_path / "stats.xlsx"
    assert run_cli(*args, "--format", "xlsx", "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["各单位", "计分明细", "任务"]
    rows = list(book["各单位"].iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "单位", "角色")
    assert rows[2][:4] == (2, "测试州发展和改革委员会", "牵头", 4) and rows[2][-2] == 81


def test_a_formula_in_ledger_text_stays_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    root = make_ledger(tmp_path / "ledger")
    units = root / "units.yaml"
    units.write_text(
        units.read_text("utf-8").replace("测试州发展和改革委员会", "=HYPERLINK(1)"), "utf-8"
    )
    write_task(root, deadline="2026-11-13")
    loaded, _ = load_ledger(root)
    assert loaded is not None
    stats = unit_stats(loaded, NOVEMBER, AS_OF)
    data = render_stats(stats, loaded, "xlsx", "zh")
    assert isinstance(data, bytes)
    (tmp_path / "x.xlsx").write_bytes(data)
    cell = openpyxl.load_workbook(tmp_path / "x.xlsx")["各单位"]["B2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
    raw = render_stats(stats, loaded, "csv", "zh")
    assert isinstance(raw, str) and ",'=HYPERLINK(1)," in raw


def test_cli_refuses_a_broken_scoring_file(ledger: Ledger) -> None:
    (ledger.root / "scoring.yaml").write_text("base: lots\n", encoding="utf-8")
    result = run_cli("stats", "--ledger", str(ledger.root), "--period", "2026-11")
    assert result.exit_code == 2 and "scoring.yaml" in result.stderr
    assert run_cli("validate", str(ledger.root)).exit_code == 1


def test_thresholds_in_the_wrong_order_are_a_problem(ledger: Ledger) -> None:
    sample = (SAMPLE / "scoring.yaml").read_text("utf-8")
    (ledger.root / "scoring.yaml").write_text(
        sample.replace("interview_below: 80", "interview_below: 95"), encoding="utf-8"
    )
    _, problems = load_scoring(ledger.root)
    assert [p.code for p in problems] == ["scoring-thresholds"]
    assert (
        problems[0].where.line
        == sample.splitlines().index(next(x for x in sample.splitlines() if "interview_below" in x))
        + 1
    )


def test_the_sample_scoring_file_is_valid_and_used(tmp_path: Path) -> None:
    scoring, problems = load_scoring(SAMPLE)
    assert not problems and scoring.where is not None
    assert (scoring.base, scoring.criticism_below, scoring.interview_below) == (100, 90, 80)
    assert scoring == type(scoring)(**{**_fields(DEFAULT_SCORING), "where": scoring.where})


def _fields(s: object) -> dict[str, object]:
    return {k: getattr(s, k) for k in s.__dataclass_fields__}  # type: ignore[attr-defined]


def test_weekly_trend(ledger: Ledger) -> None:
    trend = weekly(ledger, 2026, AS_OF)
    assert len(trend.weeks) == 48  # Sundays 2026-01-04 .. 2026-11-29
    assert trend.weeks[0].week == "2026-W01" and trend.weeks[0].end == date(2026, 1, 4)
    by_end = {w.end: w for w in trend.weeks}
    # as of 11-15: T1 (still due 11-13, open) and T3 (late) are due so far
    w46 = by_end[date(2026, 11, 15)]
    assert w46.week == "2026-W46" and w46.open_overdue == 1
    assert (w46.due, w46.completed, w46.on_time, w46.late, w46.on_time_rate) == (2, 1, 0, 1, 0.0)
    # as of 11-22: T1 is due 11-30 now (extended 11-16); T3 late; T4, T5 overdue
    w47 = by_end[date(2026, 11, 22)]
    assert w47.open_overdue == 2 and (w47.due, w47.late) == (3, 1)
    # as of 11-29: T2 done on time 11-25 (due 11-27) joins
    w48 = by_end[date(2026, 11, 29)]
    assert (w48.due, w48.on_time, w48.on_time_rate) == (4, 1, 0.25)


def test_weekly_cli_json_matches_the_schema(ledger: Ledger) -> None:
    result = run_cli(
        "stats",
        "--ledger",
        str(ledger.root),
        "--weekly",
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads((SCHEMAS / "stats.schema.json").read_text("utf-8")))
    assert data["week_ends_on"] == "sunday" and len(data["weeks"]) == 48
    assert data["weeks"][-1] == {
        "week": "2026-W48",
        "end": "2026-11-29",
        "open_overdue": 2,
        "due": 4,
        "completed": 2,
        "on_time": 1,
        "late": 1,
        "on_time_rate": 0.25,
    }


def test_week_ends_are_sundays() -> None:
    ends = week_ends(2027, date(2027, 12, 31))
    assert ends[0] == date(2027, 1, 3) and ends[-1] == date(2027, 12, 26)
    assert {d.weekday() for d in ends} == {6} and len(ends) == 52
    assert week_ends(2026, date(2025, 12, 31)) == []


def test_the_site_rate_is_the_stats_rate_for_the_sample() -> None:
    """The overview's 按期办结率 counts the public tasks by the function of ``stats``: for a
    period holding every deadline, the two agree."""
    loaded, _ = load_ledger(SAMPLE)
    assert loaded is not None
    statuses = [s for s in ledger_status(loaded, AS_OF) if s.task.public]
    everything = span(min(s.deadline for s in statuses), max(s.deadline for s in statuses))
    summary = unit_stats(loaded, everything, AS_OF).summary
    on_time, total = site_rate(statuses)
    assert (on_time, total) == (summary.on_time, summary.completed + summary.open_overdue)
    assert rate(statuses).value == summary.on_time_rate
    assert total > on_time > 0  # the sample has late and overdue tasks


@pytest.mark.slow
def test_the_built_overview_shows_the_stats_rate(tmp_path: Path) -> None:
    from duban.web.build import build_site

    day = date(2026, 12, 1)
    result, problems = build_site(
        SAMPLE,
        out=tmp_path / "site",
        as_of=day,
        config_file=ROOT / "mkdocs.yml",
        work=tmp_path / "work",
    )
    assert result is not None, [p.message("en") for p in problems]
    page = (result.docs_dir / "index.md").read_text("utf-8")
    match = re.search(
        r'id="count-rate"><span class="duban-num">([^<]+)</span>'
        r'<span class="duban-lbl">按期办结率（(\d+)/(\d+)）',
        page,
    )
    assert match, "no rate on the overview"
    loaded, _ = load_ledger(SAMPLE)
    assert loaded is not None
    statuses = [s for s in ledger_status(loaded, day) if s.task.public]
    everything = span(min(s.deadline for s in statuses), max(s.deadline for s in statuses))
    summary: Stats = unit_stats(loaded, everything, day)
    f = summary.summary
    assert (int(match[2]), int(match[3])) == (f.on_time, f.completed + f.open_overdue)
    assert f.on_time_rate is not None and match[1] == f"{100 * f.on_time_rate:.1f}%"


def test_sample_stats_runs_in_every_format(tmp_path: Path) -> None:
    for fmt in ("table", "json", "csv", "markdown"):
        result = run_cli(
            "stats",
            "--ledger",
            str(SAMPLE),
            "--period",
            "2026-11",
            "--format",
            fmt,
            "--as-of",
            "2026-12-01",
        )
        assert result.exit_code == 0 and result.stdout.strip(), (fmt, result.stderr)
    out = tmp_path / "s.xlsx"
    assert (
        run_cli(
            "stats",
            "--ledger",
            str(SAMPLE),
            "--period",
            "2026",
            "--format",
            "xlsx",
            "--out",
            str(out),
        ).exit_code
        == 0
    )
    assert out.stat().st_size > 1000


@pytest.mark.parametrize("kind", ["folder", "symlink", "huge", "garbage", "list", "deep"])
def test_a_hostile_scoring_file_is_a_problem_never_a_crash(ledger: Ledger, kind: str) -> None:
    path = ledger.root / "scoring.yaml"
    if kind == "folder":
        path.mkdir()
    elif kind == "symlink":
        path.symlink_to(SAMPLE.resolve() / "scoring.yaml")
    elif kind == "huge":
        path.write_text("base: 1\n" + "# x\n" * 3_000_000, encoding="utf-8")
    elif kind == "garbage":
        path.write_bytes(bytes(range(256)) * 10)
    elif kind == "list":
        path.write_text("- 1\n- 2\n", encoding="utf-8")
    else:
        path.write_text("base: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    _, problems = load_scoring(ledger.root)
    assert problems and all("scoring.yaml" in p.where.path for p in problems)
    result = run_cli("stats", "--ledger", str(ledger.root), "--period", "2026-11")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert run_cli("validate", str(ledger.root)).exit_code == 1
    if kind == "symlink":
        assert path.is_symlink()  # left as it was


def test_ledger_stats_scores_by_the_ledgers_own_file(ledger: Ledger) -> None:
    sample = (SAMPLE / "scoring.yaml").read_text("utf-8")
    (ledger.root / "scoring.yaml").write_text(
        sample.replace("sent_back: 3 ", "sent_back: 10"), encoding="utf-8"
    )
    stats, problems = ledger_stats(ledger, NOVEMBER, AS_OF)
    assert not problems and stats.scoring.sent_back == 10
    fgw = stats.unit("fgw")
    assert fgw is not None and fgw.score == 74  # 81 with 3 for the one sent-back; 10 now
    assert fgw.action == "interview"  # below 80
    (ledger.root / "scoring.yaml").write_text("base: -1\n", encoding="utf-8")
    stats, problems = ledger_stats(ledger, NOVEMBER, AS_OF)
    assert problems and stats.scoring == DEFAULT_SCORING


@pytest.mark.parametrize("internal", [False, True])
def test_the_weekly_shortcut_equals_the_full_status(internal: bool) -> None:
    """The trend decides deadline and outcome without the other obligations: for every task
    of the sample and every week of 2026 they equal those of the full status, and each week's
    figures equal ``unit_stats`` for 1 January to its Sunday."""
    loaded, _ = load_ledger(SAMPLE)
    assert loaded is not None
    trend = weekly(loaded, 2026, AS_OF, internal=internal)
    for w in trend.weeks[::5]:
        statuses = ledger_status(loaded, w.end)
        for s in statuses:
            assert standing(s.task, loaded, w.end) == (counted_on(s), outcome(s)), s.task.id
        chosen = [s for s in statuses if internal or s.task.public]
        summary = unit_stats(
            loaded, span(date(2026, 1, 1), w.end), w.end, internal=internal, statuses=chosen
        ).summary
        assert (w.due, w.completed, w.on_time, w.late, w.on_time_rate) == (
            summary.due,
            summary.completed,
            summary.on_time,
            summary.late,
            summary.on_time_rate,
        )
        assert w.open_overdue == sum(1 for s in chosen if outcome(s) == "open-overdue")
