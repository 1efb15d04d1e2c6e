"""The axis labels of the overview's charts (``duban.web.charts``): however many months or
weeks a chart spans, no two labels come closer than :data:`~duban.web.charts.LABEL_GAP` by
their estimated widths (``text_width``; tests/test_site_phone.py checks in Chromium that the
estimate is never smaller than the drawn text and that the drawn labels do not overlap)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from duban.stats.trend import Trend, Week
from duban.web.charts import LABEL_GAP, _months, by_month, by_week, month_axis, spaced, text_width

LABEL = re.compile(
    r'<text x="([0-9.]+)" y="([0-9.]+)" font-size="12" text-anchor="middle"[^>]*>([^<]*)</text>'
)


def rows(svg_parts: list[str]) -> dict[float, list[tuple[float, str]]]:
    """The labels by line (their y), each line left to right."""
    out: dict[float, list[tuple[float, str]]] = {}
    for part in svg_parts:
        for x, y, text in LABEL.findall(part):
            out.setdefault(float(y), []).append((float(x), text))
    return {y: sorted(line) for y, line in out.items()}


def assert_apart(line: list[tuple[float, str]]) -> None:
    for (x1, a), (x2, b) in pairwise(line):
        room = x2 - x1 - (text_width(a) + text_width(b)) / 2
        assert room >= LABEL_GAP - 0.05, (a, b, room)


@pytest.mark.parametrize("count", [1, 2, 5, 11, 12, 13, 18, 24, 36, 60, 120])
@pytest.mark.parametrize("last", [date(2026, 11, 30), date(2027, 1, 15), date(2026, 12, 1)])
def test_month_labels_never_overlap(count: int, last: date) -> None:
    months = _months(last, count)
    slot = 570 / count
    lines = rows(month_axis(months, 40, slot, 256))
    assert set(lines) <= {256.0, 275.0}
    for line in lines.values():
        assert_apart(line)
    shown = [text for _, text in lines[256.0]]
    assert shown[-1] == f"{last.month}月"  # the newest month is always named
    years = [text for _, text in lines.get(275.0, [])]
    assert f"{last.year}年" in years  # and its year
    januaries = sum(1 for _, m in months if m == 1)
    assert len(years) >= min(januaries, 1)


def test_the_sample_year_reads_december_then_january() -> None:
    """The chart of 2026-11-30: every month named, 2025年 under 12月 and 2026年 under 1月
    (before, "25年12月" and "26年1月" touched)."""
    svg = by_month((), date(2026, 11, 30))
    lines = rows([svg])
    months, years = (lines[y] for y in sorted(lines))
    assert [t for _, t in months] == ["12月", *(f"{m}月" for m in range(1, 12))]
    assert [t for _, t in years] == ["2025年", "2026年"]
    assert years[0][0] == months[0][0] and years[1][0] == months[1][0]


def test_spaced_leaves_out_what_would_touch() -> None:
    marks = [(10.0, "1月"), (20.0, "2月"), (60.0, "3月"), (61.0, "4月")]
    assert spaced(marks) == [(10.0, "1月"), (60.0, "3月")]
    assert spaced([]) == []


def test_week_labels_never_overlap() -> None:
    """A year of weeks: one label a month, apart; a few weeks spread wide keep theirs."""
    for n in (1, 3, 9, 52):
        start = date(2026, 1, 4)
        weeks = tuple(
            Week(f"2026-W{i + 1:02d}", start + timedelta(weeks=i), 0, 0, 0, 0, 0, None)
            for i in range(n)
        )
        svg = by_week(Trend(2026, weeks[-1].end, False, weeks))
        line = rows([svg])[264.0]
        assert_apart(line)
        assert line[0][1] == "1月"
