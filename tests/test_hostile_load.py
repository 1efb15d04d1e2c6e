"""Hostile input to the loaders (issue 12, items 1 and 2): every file is read bounded, from a
regular file only, never through a link and never blocking; the strict loader and the
readers of the calendar, rules and settings return problems as values for any bytes at all.

The corpus ``tests/golden/hostile/`` (files named ``*.yaml.hostile`` so that no test reading
every golden ``*.yaml`` picks them up) is copied into a ledger and run through ``validate``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from duban.check.pipeline import load_task, load_task_text
from duban.load.calendar import MAX_FILE_DAYS, load_calendar, read_calendar_file
from duban.load.layout import Layout
from duban.load.rules import load_rules, load_rules_text
from duban.load.settings import (
    load_config,
    load_config_text,
    load_roster_text,
    load_units_text,
)
from duban.load.yamlload import MAX_BYTES, MAX_DEPTH, MAX_NUMBER_CHARS, load_file, load_text
from duban.problems import Problem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import GOLDEN, finishes, run_cli

HOSTILE = GOLDEN / "hostile"

TASK = "id: ES-2026-9001\ntitle: 测试\n"


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


# --- 1. bounded reading -------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_under_tasks_is_refused_at_once(golden_ledger: Path) -> None:
    fifo = golden_ledger / "tasks" / "2026" / "ES-2026-9001.yaml"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    doc, problems = finishes(lambda: load_file(fifo, "tasks/2026/ES-2026-9001.yaml"))
    assert doc is None and codes(problems) == ["not-a-regular-file"]
    assert "FIFO" in problems[0].text.zh and problems[0].where.path.endswith("9001.yaml")
    done = finishes(lambda: run_cli("validate", golden_ledger))
    assert done.exit_code == 1 and "Traceback" not in done.output


def test_a_symlink_is_refused_not_followed(golden_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "outside.yaml"
    target.write_text(TASK, encoding="utf-8")
    link = golden_ledger / "tasks" / "ES-2026-9001.yaml"
    link.symlink_to(target)
    doc, problems = load_file(link)
    assert doc is None and codes(problems) == ["not-a-regular-file"]
    assert "符号链接" in problems[0].text.zh
    dangling = golden_ledger / "tasks" / "ES-2026-9002.yaml"
    dangling.symlink_to(tmp_path / "nowhere.yaml")
    assert codes(load_file(dangling)[1]) == ["not-a-regular-file"]


def test_a_linked_settings_or_calendar_file_is_refused(golden_ledger: Path) -> None:
    config = golden_ledger / "ledger.yaml"
    real = config.with_name("real-ledger.yaml")
    config.rename(real)
    config.symlink_to(real)
    assert load_config(Layout(golden_ledger))[0] is None
    local = golden_ledger / "calendar" / "local.yaml"
    local.unlink()
    local.symlink_to(golden_ledger / "calendar" / "2026.yaml")
    _, problems = load_calendar(golden_ledger / "calendar")
    assert "not-a-regular-file" in codes(problems)


def test_a_folder_or_a_device_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "2026.yaml"
    folder.mkdir()
    assert codes(load_file(folder)[1]) == ["not-a-regular-file"]
    zero = Path("/dev/zero")  # endless bytes with size 0: a stat-then-read would never end
    if zero.exists():
        doc, problems = finishes(lambda: load_file(zero))
        assert doc is None and codes(problems) == ["not-a-regular-file"]
        assert "设备" in problems[0].text.zh


def test_reading_stops_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (4 * MAX_BYTES) + b"\n")
    doc, problems = load_file(path)
    assert doc is None and codes(problems) == ["file-too-large"]
    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"a: " + b"x" * (MAX_BYTES - 4) + b"\n")
    assert load_file(exact)[1] == []


def test_missing_and_unreadable_files_are_problems(tmp_path: Path) -> None:
    assert codes(load_file(tmp_path / "none.yaml")[1]) == ["file-unreadable"]


# --- 2. the loader never raises --------------------------------------------------------------


def nested(depth: int) -> str:
    """A top-level mapping holding ``depth - 1`` nested lists: ``depth`` collections."""
    return "a: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n"


def test_nesting_up_to_the_limit_loads_and_deeper_is_a_problem() -> None:
    doc, problems = load_text(nested(MAX_DEPTH), "x.yaml")
    assert problems == [] and doc is not None
    for depth in (MAX_DEPTH + 1, 990, 5000, 100_000):
        doc, problems = load_text(nested(depth), "x.yaml")
        assert doc is None and problems, depth
    doc, problems = load_text(nested(990), "x.yaml")
    assert codes(problems) == ["yaml-too-deep"]
    assert (problems[0].where.line, problems[0].where.col) == (1, 3 + MAX_DEPTH)


def test_deep_block_nesting_is_a_problem_at_its_line() -> None:
    text = "top:\n" + "".join("  " * i + "k:\n" for i in range(1, 200)) + "  " * 200 + "v\n"
    doc, problems = load_text(text, "x.yaml")
    assert doc is None and codes(problems) == ["yaml-too-deep"]
    assert problems[0].where.line == MAX_DEPTH + 1


def test_long_numbers_are_problems_before_conversion() -> None:
    text = f"ok: {'9' * MAX_NUMBER_CHARS}\nint: {'9' * 5000}\nfloat: 1.{'5' * 5000}\n"
    text += f"hex: 0x{'f' * 5000}\nquoted: '{'9' * 5000}'\n"
    doc, problems = load_text(text, "x.yaml")
    assert doc is None
    assert [(p.code, p.where.line) for p in problems] == [
        ("yaml-number-too-long", 2),
        ("yaml-number-too-long", 3),
        ("yaml-number-too-long", 4),
    ]
    assert "引号" in problems[0].text.zh
    doc, problems = load_text(f"n: {'9' * MAX_NUMBER_CHARS}\n", "x.yaml")
    assert doc is not None and doc.data["n"] == int("9" * MAX_NUMBER_CHARS)


def calendar_file(folder: Path, name: str, holidays: str, year: int | None = 2026) -> Path:
    head = f"year: {year}\nnotice: 国务院办公厅关于{year}年部分节假日安排的通知\n" if year else ""
    path = folder / name
    path.write_text(head + "holidays:\n" + holidays, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "year", "days", "code"),
    [
        ("2026.yaml", 2026, "2026-01-01..9999-12-31", "calendar-date-out-of-year"),
        ("2026.yaml", 2026, "2020-01-01..2026-01-01", "calendar-date-out-of-year"),
        ("2026.yaml", 2026, "2025-01-01..2026-12-31", "calendar-range-too-long"),
        ("local.yaml", None, "0001-01-01..9999-12-31", "calendar-range-too-long"),
        ("local.yaml", None, "2026-01-01..2027-02-05", "calendar-range-too-long"),
    ],
)
def test_calendar_ranges_are_checked_before_expansion(
    tmp_path: Path, name: str, year: int | None, days: str, code: str
) -> None:
    path = calendar_file(tmp_path, name, f"  - name: 长假\n    days_off: [{days}]\n", year)
    loaded, problems = finishes(lambda: read_calendar_file(path, name), 5)
    assert codes(problems) == [code]
    assert (problems[0].where.line, problems[0].field) == (
        5 if year else 3,
        "$.holidays[0].days_off[0]",
    )
    assert loaded is not None and loaded.entries[0].days_off == ()


def test_a_range_of_400_days_in_the_years_around_is_allowed(tmp_path: Path) -> None:
    path = calendar_file(
        tmp_path, "2026.yaml", "  - name: 长假\n    days_off: [2026-01-01..2027-02-04]\n"
    )
    loaded, problems = read_calendar_file(path)
    assert problems == [] and loaded is not None and len(loaded.entries[0].days_off) == 400


def hostile_calendar(folder: Path) -> Path:
    """A yearly calendar file of almost MAX_BYTES: ranges of 400 days, over and over."""
    item = "2025-06-01..2026-07-05, "
    count = (MAX_BYTES - 200) // len(item)
    return calendar_file(
        folder, "2026.yaml", "  - name: 长假\n    days_off: [" + item * count + "]\n"
    )


def test_a_512_kb_hostile_calendar_file_is_cheap(tmp_path: Path) -> None:
    path = hostile_calendar(tmp_path)
    assert MAX_BYTES - 1000 < path.stat().st_size <= MAX_BYTES
    start = time.perf_counter()
    loaded, problems = read_calendar_file(path)
    took = time.perf_counter() - start
    print(f"read_calendar_file on a {path.stat().st_size} byte hostile file: {took:.3f} s")
    assert codes(problems) == ["calendar-too-many-days"]
    assert loaded is not None
    assert sum(len(e.days_off) for e in loaded.entries) <= MAX_FILE_DAYS + 400


def test_validate_on_a_512_kb_hostile_calendar_file(golden_ledger: Path) -> None:
    hostile_calendar(golden_ledger / "calendar")
    start = time.perf_counter()
    done = run_cli("validate", golden_ledger)
    print(f"validate with a 512 KB hostile calendar file: {time.perf_counter() - start:.3f} s")
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert "calendar-too-many-days" in done.output or "超过" in done.output


# --- 3. property tests -----------------------------------------------------------------------

FRAGMENTS = [
    "a",
    "key",
    "id",
    "title",
    ": ",
    ":",
    "\n",
    "\r\n",
    "  ",
    "- ",
    "-",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "&a ",
    "*a",
    "!!str ",
    "!!python/object:os.system ",
    "!x ",
    "'",
    '"',
    "#",
    "? ",
    "---\n",
    "...\n",
    "|\n",
    ">-\n",
    "\t",
    "\ufeff",
    "\x00",
    "\x85",
    "\u202e",
    "~",
    "null",
    "yes",
    "true",
    "0x",
    "0o7",
    "1e9999",
    ".5",
    "2026-02-30",
    "2026-01-01..9999-12-31",
    "9" * 120,
    "9" * 5000,
    "[" * 70,
    "]" * 70,
    "{a: " * 70,
    "holidays",
    "days_off",
    "year: 2026\n",
    "rules",
    "events",
    "标题",
]

YAMLISH = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=60).map("".join)
DEEP = st.integers(1, 3000).map(
    lambda n: "a:\n" + "".join("  " * i + "- k:\n" for i in range(n // 50)) + "b: " + "[" * n
)
BYTES = (
    st.binary(max_size=2000)
    | YAMLISH.map(lambda t: t.encode("utf-8", "surrogatepass"))
    | YAMLISH.map(lambda t: t.encode("utf-16"))
    | st.tuples(YAMLISH, st.binary(max_size=8)).map(
        lambda p: p[0].encode("utf-8", "replace") + p[1]
    )
    | DEEP.map(str.encode)
)

READERS: dict[str, Callable[[bytes], tuple[Any, list[Problem]]]] = {
    "load_text": lambda raw: load_text(raw, "x.yaml"),
    "rules": lambda raw: load_rules_text(raw, "rules.yaml"),
    "config": lambda raw: load_config_text(raw, "ledger.yaml"),
    "units": lambda raw: load_units_text(raw, "units.yaml"),
    "roster": lambda raw: load_roster_text(raw, "units.yaml")[::2],
    "task": lambda raw: load_task_text(raw, "tasks/ES-2026-9001.yaml", "ES", {"zfb"}, {}),
}


def returns_problems(result: tuple[Any, list[Problem]]) -> None:
    value, problems = result
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    assert value is not None or problems  # nothing read means a reason why


PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(raw=BYTES)
def test_every_text_reader_returns_problems_for_any_bytes(raw: bytes) -> None:
    for read in READERS.values():
        returns_problems(read(raw))
    text = raw.decode("utf-8", "replace")
    returns_problems(load_text(text, "x.yaml"))


@PROPERTY
@given(raw=BYTES, name=st.sampled_from(["2026.yaml", "local.yaml", "rules.yaml", "t.yaml"]))
def test_every_file_reader_returns_problems_for_any_bytes(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes, name: str
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    path = folder / name
    path.write_bytes(raw)
    returns_problems(load_file(path))
    returns_problems(read_calendar_file(path))
    returns_problems(load_rules(path))
    layout = Layout(folder)
    returns_problems(load_task(path, layout, "ES", {"zfb"}, {}))
    calendar, problems = load_calendar(folder)
    assert calendar is not None and isinstance(problems, list)


@PROPERTY
@given(
    item=st.sampled_from(
        ["2026-01-01", "2026-01-01..2026-01-09", "2025-01-01..2027-12-31", "0001-01-01..9999-12-31"]
    ),
    count=st.integers(0, 3000),
)
def test_calendar_files_of_many_ranges_stay_small(
    tmp_path_factory: pytest.TempPathFactory, item: str, count: int
) -> None:
    folder = tmp_path_factory.mktemp("cal")
    path = calendar_file(
        folder, "2026.yaml", f"  - name: 长假\n    days_off: [{', '.join([item] * count)}]\n"
    )
    loaded, problems = read_calendar_file(path)
    assert isinstance(problems, list)
    if loaded is not None:
        assert sum(len(e.days_off) for e in loaded.entries) <= MAX_FILE_DAYS + 400


# --- 4. the corpus through the command line ---------------------------------------------------

CORPUS_TASKS = sorted(p for p in HOSTILE.glob("*.yaml.hostile") if "calendar" not in p.name)


def test_the_corpus_is_there() -> None:
    names = {p.name.removesuffix(".yaml.hostile") for p in HOSTILE.glob("*.yaml.hostile")}
    assert {
        "deep-nesting",
        "long-number",
        "billion-laughs",
        "nul-byte",
        "utf16",
        "huge-range-calendar",
        "huge-range-local-calendar",
        "control-escapes",
        "invisible-raw",
        "surrogate-escape",
        "terminal-escape-raw",
    } <= names


@pytest.mark.parametrize("path", CORPUS_TASKS, ids=lambda p: p.name)
def test_each_hostile_task_file_fails_validate_cleanly(golden_ledger: Path, path: Path) -> None:
    shutil.copy(path, golden_ledger / "tasks" / "ES-2026-9001.yaml")
    done = finishes(lambda: run_cli("validate", golden_ledger), 30)
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output and "ES-2026-9001.yaml" in done.output


def test_the_whole_corpus_in_one_ledger(golden_ledger: Path) -> None:
    for k, path in enumerate(CORPUS_TASKS):
        shutil.copy(path, golden_ledger / "tasks" / f"ES-2026-{9001 + k}.yaml")
    shutil.copy(
        HOSTILE / "huge-range-calendar.yaml.hostile", golden_ledger / "calendar" / "2030.yaml"
    )
    shutil.copy(
        HOSTILE / "huge-range-local-calendar.yaml.hostile",
        golden_ledger / "calendar" / "local.yaml",
    )
    for lang in ("zh", "en"):
        done = finishes(lambda lang=lang: run_cli("validate", golden_ledger, "--lang", lang), 30)
        assert done.exit_code == 1 and "Traceback" not in done.output
    done = run_cli("validate", golden_ledger, "--format", "json")
    assert done.exit_code == 1 and "Traceback" not in done.output
    for code in (
        "yaml-too-deep",
        "yaml-number-too-long",
        "yaml-alias",
        "yaml-control-character",
        "encoding",
        "calendar-date-out-of-year",
        "calendar-range-too-long",
        "text-control-character",
        "text-invisible-character",
        "yaml-bad-escape",
    ):
        assert code in done.stdout, code
    for fmt in ("text", "json", "github"):  # no report prints a control character it reports
        done = run_cli("validate", golden_ledger, "--format", fmt)
        assert done.exit_code == 1 and "Traceback" not in done.output
        assert all(c == "\n" or " " <= c < "\x7f" or c > "\x9f" for c in done.output), fmt
        assert "\u200b" not in done.output and "\U000e0069" not in done.output


def test_a_linked_file_the_readers_open_is_reported_once(golden_ledger: Path) -> None:
    """The rules, the calendar and the settings are opened by their readers, which refuse a
    link; the walk of the ledger does not report them a second time."""
    for name in ("rules.yaml", "calendar/2026.yaml", "calendar/local.yaml", "ledger.yaml"):
        path = golden_ledger / name
        real = path.with_name("real-" + path.name)
        path.rename(real)
        path.symlink_to(real.name)
    os.mkfifo(golden_ledger / "calendar" / "2099.yaml")
    (golden_ledger / "tasks" / "ES-2026-9001.yaml").symlink_to("nowhere.yaml")
    done = finishes(lambda: run_cli("validate", golden_ledger, "--format", "json"))
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert done.stdout.count('"not-a-regular-file"') == 6, done.stdout
