"""The accountability figures on the site (issue 14, items 5 and 6): the units page's ranking,
each unit's months and quarters, the scoring rules page and the weekly trend of the home page
equal ``duban stats`` for the sample; they count only what the public view keeps; ledger text
in them is escaped; the ranking sorts in a real Chromium and stays in rank order without
JavaScript."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from duban.ledger import load_ledger
from duban.load.scoring import DEFAULT_SCORING
from duban.stats.periods import month, parse_period, quarter
from duban.stats.trend import week, week_ends, weekly
from duban.status.select import ledger_status
from duban.web.context import SiteInfo, page_context
from duban.web.markup import esc
from duban.web.pages import write_all
from duban.web.public import public_view
from support import ROOT, SAMPLE, need, need_module, run_cli, write_task

AS_OF = date(2026, 11, 30)  # the demo's date
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# -- reading the built pages --------------------------------------------------------------


class Tables(HTMLParser):
    """Every table of a page: its id, header cells, and rows of (text, data-value) cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict[str, Any]] = {}
        self._table: dict[str, Any] | None = None
        self._cell: list[str] | None = None
        self._value: str | None = None
        self._row: list[tuple[str, str | None]] | None = None
        self._count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._count += 1
            self._table = {"head": [], "rows": [], "attrs": a}
            self.tables[a.get("id") or f"table-{self._count}"] = self._table
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._value = [], None
        elif "data-value" in a and self._cell is not None:
            self._value = a["data-value"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(("".join(self._cell).strip(), self._value))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._row and all(v is None for _, v in self._row) and not self._table["head"]:
                self._table["head"] = [t for t, _ in self._row]
            else:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(path: Path) -> dict[str, dict[str, Any]]:
    parser = Tables()
    parser.feed(path.read_text("utf-8"))
    return parser.tables


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def stats_json(ledger: Path, *args: str) -> dict[str, Any]:
    result = run_cli(
        "stats", "--ledger", ledger, "--as-of", AS_OF.isoformat(), "--format", "json", *args
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- the sample's site, built once --------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample ledger (a copy outside Git: no audit trails needed here) and its site."""
    from duban.web.build import build_site

    base = tmp_path_factory.mktemp("sample-site")
    ledger = base / "ledger"
    shutil.copytree(SAMPLE, ledger)
    result, problems = build_site(
        ledger,
        out=base / "site",
        as_of=AS_OF,
        config_file=ROOT / "mkdocs.yml",
        work=base / "work",
    )
    assert result is not None, [p.message("en") for p in problems]
    assert not [p for p in problems if p.severity == "error"]
    return ledger, base / "site"


def owners(data: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((u for u in data["units"] if u["role"] == "owner"), key=lambda u: u["rank"])


@pytest.mark.slow
def test_units_page_ranking_equals_stats_for_the_year(sample: tuple[Path, Path]) -> None:
    ledger, site = sample
    data = stats_json(ledger, "--period", "2026")
    table = tables(site / "units" / "index.html")["duban-ranking"]
    assert "data-duban-sort" in table["attrs"]
    assert table["head"] == [
        "排名",
        "单位",
        "到期",
        "按期办结",
        "超时办结",
        "逾期未办结",
        "按期办结率",
        "得分",
        "处理",
    ]
    expected = owners(data)
    assert len(expected) > 5 and len({u["score"] for u in expected}) > 3  # a real ranking
    assert len(table["rows"]) == len(expected)
    loaded, _ = load_ledger(ledger)
    assert loaded is not None
    for row, u in zip(table["rows"], expected, strict=True):  # in rank order as written
        texts = [t for t, _ in row]
        action = {"criticism": "通报批评", "interview": "约谈", None: "—"}[u["action"]]
        assert texts == [
            str(u["rank"]),
            loaded.unit_label(u["unit"]),
            str(u["due"]),
            str(u["on_time"]),
            str(u["late"]),
            str(u["open_overdue"]),
            pct(u["on_time_rate"]),
            num(u["score"]),
            action,
        ], u["unit"]
        assert float(row[7][1]) == u["score"]  # the sort key is the figure itself
    assert any(u["action"] for u in expected)  # the sample has a unit below a threshold
    page = (site / "units" / "index.html").read_text("utf-8")
    assert 'href="../scoring/"' in page  # the rules are linked
    assert re.search(r'<script src="\.\./assets/duban-sort\.js" defer></script>', page)
    assert (site / "assets" / "duban-sort.js").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("period", ["2026-11", "2026-Q4", "2026-03", "2026-Q1"])
def test_unit_pages_periods_equal_stats(sample: tuple[Path, Path], period: str) -> None:
    """``duban stats --period P --format json`` for each unit is its row P on its page; a
    unit with no task due in P shows zeros."""
    ledger, site = sample
    data = stats_json(ledger, "--period", period)
    by_unit = {u["unit"]: u for u in data["units"] if u["role"] == "owner"}
    label = parse_period(period).label  # 2026年11月, 2026年第四季度
    n_owners = len(by_unit)
    checked = 0
    for page in sorted((site / "units").glob("*/index.html")):
        code = page.parent.name
        found = tables(page).get(f"unit-{code}-periods")
        if found is None:  # no lead task at all: no section
            assert code not in by_unit
            continue
        rows = {r[0][0]: [t for t, _ in r] for r in found["rows"]}
        assert list(rows)[: AS_OF.month] == [f"2026年{m}月" for m in range(1, 12)]
        assert list(rows)[AS_OF.month :] == [f"2026年第{q}季度" for q in "一二三四"]
        u = by_unit.get(code)
        if u is None:
            assert rows[label] == [label, "0", "0", "0", "0", "—", "—", "—"]
            continue
        assert rows[label] == [
            label,
            str(u["due"]),
            str(u["on_time"]),
            str(u["late"]),
            str(u["open_overdue"]),
            pct(u["on_time_rate"]),
            num(u["score"]),
            f"{u['rank']}/{n_owners}",
        ], (code, period)
        checked += 1
    assert checked == n_owners and checked > 0


@pytest.mark.slow
def test_scoring_page_states_every_rule_of_scoring_yaml(sample: tuple[Path, Path]) -> None:
    _, site = sample
    page = (site / "scoring" / "index.html").read_text("utf-8")
    rows = tables(site / "scoring" / "index.html")
    rules, thresholds = list(rows.values())[:2]
    cells = {r[0][0]: [t for t, _ in r] for r in rules["rows"]}
    assert list(cells) == [
        "base",
        "on-time",
        "late",
        "working-days-late",
        "sent-back",
        "unexplained-delay",
    ]
    # ledger/scoring.yaml: base 100, bonus 1, 2 per item, 0.5 a working day up to 20, 3, 2
    assert cells["base"][1:] == ["基础分", "每个牵头单位", "100 分"]
    assert cells["on-time"][3] == "加 1 分" and cells["late"][3] == "扣 2 分"
    assert (
        cells["working-days-late"][3] == "扣 0.5 分"
        and "20 个工作日" in cells["working-days-late"][2]
    )
    assert cells["sent-back"][3] == "扣 3 分" and cells["unexplained-delay"][3] == "扣 2 分"
    lines = {r[0][0]: r[1][0] for r in thresholds["rows"]}
    assert lines == {"通报批评": "得分低于 90 分", "约谈": "得分低于 80 分（约谈主要负责同志）"}
    assert "措施九" in page and "问责问效" in page and "活跃度" in page
    assert "评分规则" in (site / "index.html").read_text("utf-8")  # in the navigation


@pytest.mark.slow
def test_home_page_trend_equals_stats_weekly(sample: tuple[Path, Path]) -> None:
    ledger, site = sample
    result = run_cli(
        "stats", "--ledger", ledger, "--as-of", AS_OF.isoformat(), "--weekly", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    weeks = json.loads(result.stdout)["weeks"]
    assert len(weeks) == len(week_ends(2026, AS_OF)) == 48
    loaded, _ = load_ledger(ledger)
    assert loaded is not None
    library = weekly(loaded, 2026, AS_OF)
    table = tables(site / "index.html")["duban-trend-data"]
    assert [[t for t, _ in r] for r in table["rows"]] == [
        [
            w["week"],
            w["end"],
            str(w["open_overdue"]),
            str(w["due"]),
            str(w["on_time"]),
            str(w["late"]),
            pct(full.on_time_rate),  # the JSON rounds the rate to 4 places
        ]
        for w, full in zip(weeks, library.weeks, strict=True)
    ]
    assert all(
        w["on_time_rate"] == (round(f.on_time_rate, 4) if f.on_time_rate is not None else None)
        for w, f in zip(weeks, library.weeks, strict=True)
    )
    svg = (site / "charts" / "trend.svg").read_text("utf-8")
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 2 * len(weeks)
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="t d"', svg)
    assert '<title id="t">2026年按周趋势</title>' in svg
    last = weeks[-1]
    assert f"逾期未办结 {last['open_overdue']} 项" in re.search(r"<desc.*?</desc>", svg)[0]  # type: ignore[index]
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    assert sizes and min(sizes) >= 12
    home = (site / "index.html").read_text("utf-8")
    assert 'src="charts/trend.svg"' in home and "DUBANHTML" not in home


@pytest.mark.slow
def test_every_chart_text_is_at_least_12px(sample: tuple[Path, Path]) -> None:
    _, site = sample
    for svg in (site / "charts").glob("*.svg"):
        sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg.read_text("utf-8"))]
        assert min(sizes) >= 12, svg.name


# -- the trend's shortcut ----------------------------------------------------------------


@pytest.mark.parametrize("internal", [False, True])
def test_weekly_equals_one_week_at_a_time(internal: bool) -> None:
    """:func:`weekly` computes each task's standing once per set of events; each week equals
    :func:`week` computed from scratch."""
    loaded, _ = load_ledger(SAMPLE)
    assert loaded is not None
    trend = weekly(loaded, 2026, AS_OF, internal=internal)
    tasks = [t for t in loaded.tasks if internal or t.public]
    assert trend.weeks == tuple(week(loaded, tasks, end) for end in week_ends(2026, AS_OF))
    assert any(w.open_overdue for w in trend.weeks) and trend.weeks[-1].on_time > 0


# -- what the site counts: the public view only -------------------------------------------


def _pages(ledger_dir: Path, out: Path, day: date = AS_OF) -> dict[str, str]:
    """Every page and chart the site writes for ``ledger_dir`` (Markdown, before MkDocs)."""
    loaded, _ = load_ledger(ledger_dir)
    assert loaded is not None
    view = public_view(loaded, ledger_status(loaded, day), day)
    write_all(page_context(view, SiteInfo()), out)
    return {
        p.relative_to(out).as_posix(): p.read_text("utf-8")
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith("ES-") and "tasks" not in p.parts
    }


def test_internal_tasks_change_nothing_on_the_site(tmp_path: Path) -> None:
    """An internal task overdue in November, and a public task naming it (left out by the
    public view until fixed: ``names-internal-task``), change no figure of the units pages,
    the scoring page, the trend or the charts; ``stats --internal`` does count the first."""
    plain = tmp_path / "plain"
    shutil.copytree(SAMPLE, plain)
    before = _pages(plain, tmp_path / "out-plain")
    changed = tmp_path / "changed"
    shutil.copytree(SAMPLE, changed)
    secret_title = "内部专项核查绝密演练事项"
    write_task(
        changed,
        task_id="SL-2026-0901",
        title=secret_title,
        unit="zjj",
        received="2026-10-09",
        deadline="2026-11-13",
        visibility="internal",
    )
    write_task(
        changed,
        task_id="SL-2026-0902",
        title="公开事项",
        unit="zjj",
        received="2026-10-09",
        deadline="2026-11-16",
        description=f"配合{secret_title}",
    )
    after = _pages(changed, tmp_path / "out-changed")
    mine = [r for r in before if r.startswith(("units/", "charts/"))]
    for rel in (*mine, "scoring.md", "index.md", "assets/duban-sort.js"):
        assert after[rel] == before[rel], rel
    assert "units/zjj.md" in mine and "charts/trend.svg" in mine
    # The stats stage itself does see them: so the site's sameness is the public filter's.
    public = stats_json(changed, "--period", "2026-11")
    internal = stats_json(changed, "--period", "2026-11", "--internal")
    zjj = {u["unit"]: u for u in internal["units"] if u["role"] == "owner"}["zjj"]
    zjj_public = {u["unit"]: u for u in public["units"] if u["role"] == "owner"}["zjj"]
    assert zjj["open_overdue"] == zjj_public["open_overdue"] + 1


# -- escaping and hostile input ------------------------------------------------------------

#: Within the roster's 60 characters (name) and 20 (short name).
PAYLOAD = '</td><script>x</script>*[x](javascript:1)" onmouseover="1'
SHORT = '<b>"</table>*[a](x)'


def test_ledger_text_in_these_pages_is_escaped(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    shutil.copytree(SAMPLE, ledger)
    units = ledger / "units.yaml"
    text = units.read_text("utf-8")
    name = re.search(r"name: (示例州住房和城乡建设局)", text)
    assert name is not None
    text = text.replace(name[0], f"name: {json.dumps('住建局' + PAYLOAD)}")
    text = text.replace("short_name: 州住建局", f"short_name: {json.dumps(SHORT)}")
    units.write_text(text, "utf-8")
    loaded, problems = load_ledger(ledger)
    assert loaded is not None and loaded.units["zjj"].name == "住建局" + PAYLOAD, problems
    pages = _pages(ledger, tmp_path / "out")
    for rel in ("units/index.md", "units/zjj.md", "index.md", "scoring.md", "charts/trend.svg"):
        assert "<script>" not in pages[rel] and "javascript:1)" not in pages[rel], rel
        assert 'onmouseover="' not in pages[rel] and "<b>" not in pages[rel], rel
    ranking = pages["units/index.md"]
    assert f'data-value="{esc("住建局" + PAYLOAD)}"' in ranking  # the sort key, escaped
    assert f">{esc(SHORT)}</a>" in ranking  # the link text
    assert ranking.count("<table") == ranking.count("</table>") == 2
    assert ranking.count("<td") == ranking.count("</td>")
    assert (
        pages["units/zjj.md"].startswith("---\ntitle: ")
        and esc("住建局" + PAYLOAD) in pages["units/zjj.md"]
    )


def test_a_broken_scoring_file_is_said_and_the_defaults_used(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    shutil.copytree(SAMPLE, ledger)
    (ledger / "scoring.yaml").write_text("base: [1, 2\n", encoding="utf-8")
    pages = _pages(ledger, tmp_path / "out")
    assert "scoring.yaml 有错误" in pages["units/index.md"]
    assert "scoring.yaml 有错误" in pages["scoring.md"]
    assert f"{DEFAULT_SCORING.base:g} 分" in pages["scoring.md"]


def test_a_year_without_a_finished_week_or_a_due_task(tmp_path: Path) -> None:
    """On 2 January nothing has ended yet: no week (the first Sunday is 4 January), no task
    due; the pages say so instead of failing."""
    pages = _pages(SAMPLE, tmp_path / "early", date(2026, 1, 2))
    assert "（无）" in pages["charts/trend.svg"] and "<polyline" not in pages["charts/trend.svg"]
    assert "按周趋势数据表（0 周）" in pages["index.md"]
    empty = tmp_path / "empty"
    shutil.copytree(SAMPLE, empty)
    for task in (empty / "tasks").rglob("*.yaml"):
        task.unlink()
    pages = _pages(empty, tmp_path / "out-empty")
    assert "本年尚无到期的牵头任务" in pages["units/index.md"]
    assert "<polyline" in pages["charts/trend.svg"]  # 48 weeks of zeros


def test_periods_shown_are_the_months_and_quarters_to_date() -> None:
    from duban.web.units import year_stats

    loaded, _ = load_ledger(SAMPLE)
    assert loaded is not None
    for day, months, quarters in ((date(2026, 1, 5), 1, 1), (date(2026, 7, 1), 7, 3)):
        view = public_view(loaded, ledger_status(loaded, day), day)
        found = year_stats(page_context(view, SiteInfo()))
        codes = [s.period.code for s in found.periods]
        assert codes == [month(2026, m).code for m in range(1, months + 1)] + [
            quarter(2026, q).code for q in range(1, quarters + 1)
        ]


# -- in a real browser ---------------------------------------------------------------------


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(sample: tuple[Path, Path]) -> Iterator[str]:
    handler = functools.partial(Quiet, directory=str(sample[1]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    need(Path(CHROMIUM).exists(), "Debian's chromium", "apt-get install chromium")
    sync_playwright = need_module("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield b
        b.close()


def _column(page: Any, index: int) -> list[str]:
    cells = page.locator(f"#duban-ranking tbody tr td:nth-child({index + 1}) [data-value]")
    return [str(v) for v in cells.evaluate_all("els => els.map(e => e.dataset.value)")]


@pytest.mark.browser
@pytest.mark.slow
def test_ranking_sorts_in_chromium_with_local_script_only(browser, served) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN")
    origin = urlsplit(served).netloc
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlsplit(route.request.url).netloc == origin else route.abort()
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served + "units/")
    page.wait_for_selector("#duban-ranking[data-duban-sortable] th button")
    ranks = [int(v) for v in _column(page, 0)]
    assert ranks == sorted(ranks)  # as written: by rank
    scores = [float(v) for v in _column(page, 7)]
    page.locator("#duban-ranking th button", has_text="得分").click()
    assert [float(v) for v in _column(page, 7)] == sorted(scores)
    assert page.locator("#duban-ranking th:nth-child(8)").get_attribute("aria-sort") == (
        "ascending"
    )
    page.locator("#duban-ranking th button", has_text="得分").click()
    assert [float(v) for v in _column(page, 7)] == sorted(scores, reverse=True)
    assert page.locator("#duban-ranking th:nth-child(8)").get_attribute("aria-sort") == (
        "descending"
    )
    rates = [float(v) for v in _column(page, 6)]
    page.locator("#duban-ranking th button", has_text="按期办结率").click()
    assert [float(v) for v in _column(page, 6)] == sorted(rates)
    page.locator("#duban-ranking th button", has_text="排名").click()
    assert [int(v) for v in _column(page, 0)] == sorted(ranks)
    assert not errors
    assert any(u.endswith("/assets/duban-sort.js") for u in requests)
    assert all(urlsplit(u).netloc == origin or u.startswith("data:") for u in requests)
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_ranking_without_javascript_is_in_rank_order(browser, served) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "units/")
    assert page.locator("#duban-ranking th button").count() == 0
    ranks = [int(v) for v in _column(page, 0)]
    assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) > 5
    context.close()
