"""Benchmark: a million deadline additions with the precomputed index, against a naive
day-by-day loop measured in the same run (on a sample, extrapolated per call).

    .venv/bin/python benchmarks/bench_workdays.py [--n 1000000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from pathlib import Path

from duban.calendar.workdays import Period, WorkCalendar
from duban.load.calendar import load_calendar

ROOT = Path(__file__).resolve().parents[1]


def naive_add(cal: WorkCalendar, start: date, period: Period) -> date:
    """Reference: step day by day (what the index avoids)."""
    if period.n == 0:
        return start
    if period.unit == "wd":
        day, counted = start, 0
        while counted < period.n:
            day += timedelta(days=1)
            if cal.is_working_day(day):
                counted += 1
        return day
    day = start + timedelta(days=period.n)
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    cal, problems = load_calendar(ROOT / "ledger" / "calendar")
    load_s = time.perf_counter() - t0
    assert not problems, problems

    rng = random.Random(42)
    first = date(2004, 1, 1).toordinal()
    span = date(2026, 12, 31).toordinal() - first
    periods = [Period.parse(p) for p in ("1wd", "3wd", "5wd", "10wd", "15wd", "15d", "20d", "0d")]
    work = [
        (date.fromordinal(first + rng.randrange(span)), rng.choice(periods)) for _ in range(args.n)
    ]

    t0 = time.perf_counter()
    for start, period in work:
        cal.add(start, period)
    fast_s = time.perf_counter() - t0

    sample = work[: args.sample]
    t0 = time.perf_counter()
    for start, period in sample:
        naive_add(cal, start, period)
    naive_s = time.perf_counter() - t0
    for start, period in sample[:2000]:  # same answers
        assert cal.add(start, period).date == naive_add(cal, start, period)

    fast_per = fast_s / args.n
    naive_per = naive_s / len(sample)
    print(f"calendar load (23 YAML files + index): {load_s * 1000:.0f} ms")
    print(f"indexed add: {args.n:,} additions in {fast_s:.2f} s ({fast_per * 1e6:.2f} µs each)")
    print(
        f"naive day-by-day: {len(sample):,} additions in {naive_s:.2f} s "
        f"({naive_per * 1e6:.2f} µs each; {naive_per * args.n:.1f} s for {args.n:,})"
    )
    print(f"ratio naive/indexed: {naive_per / fast_per:.1f}x")


if __name__ == "__main__":
    main()
