"""Search on the sample site, in a real browser: Pagefind's index from the site's own files,
served under a sub-path (``/duban/``), Chinese queries ranking the obvious page first, and
what a visitor downloads before the first result (issue 15, item 5).

Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from support import need, need_module
from support.site import ROOT
from support.subpath import PREFIX, serve_under_subpath

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"
DEMO_DAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The sample ledger's site, built once, served at ``http://127.0.0.1:PORT/duban/``."""
    from duban.web.build import build_site

    base = tmp_path_factory.mktemp("search")
    result, problems = build_site(
        ROOT / "ledger",
        out=base / "root" / PREFIX,
        as_of=DEMO_DAY,
        config_file=ROOT / "mkdocs.yml",
        work=base / "work",
    )
    assert result is not None, problems
    assert not [p for p in problems if p.code == "site-search"], problems
    with serve_under_subpath(base / "root") as url:
        yield result.site_dir, url


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    need(Path(CHROMIUM).exists(), "Debian's chromium", "apt-get install chromium")
    sync_playwright = need_module("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """One fresh browser context: every request and its size recorded, other hosts refused."""

    def __init__(self, browser, url: str) -> None:  # type: ignore[no-untyped-def]
        self.origin = urlsplit(url).netloc
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.bytes = 0
        self.context.route("**/*", self._guard)
        self.context.on("requestfinished", self._count)
        self.page = self.context.new_page()

    def _guard(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if urlsplit(url).netloc == self.origin or url.startswith("data:"):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _count(self, request) -> None:  # type: ignore[no-untyped-def]
        self.requests.append(request.url)
        sizes = request.sizes()
        self.bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    def search(self, site: str, query: str) -> list[str]:
        """The result links (site-relative paths) of ``query`` on the search page, in order."""
        self.page.goto(f"{site}search/?q={quote(query)}")
        self.page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        self.page.wait_for_load_state("networkidle")
        hrefs = self.page.locator(".pagefind-ui__result-link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        return [urlsplit(h).path for h in hrefs]

    def close(self) -> None:
        self.context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("示例州交通运输局", "units/jtysj/"),  # a unit name: the unit's page
        ("污水", "tasks/SL-2026-0014/"),  # the sewage plant task
        ("营商环境", "tasks/SL-2026-0001/"),  # the business-environment action plan
        ("延期", "an extended task"),
    ],
)
def test_chinese_queries_rank_the_right_page_first(browser, sample, query, first) -> None:  # type: ignore[no-untyped-def]
    site_dir, site = sample
    visit = Visit(browser, site)
    try:
        hits = visit.search(site, query)
        assert hits, query
        if first == "an extended task":  # one whose ledger file records an extension
            extended = {
                f"/{PREFIX}/tasks/{path.stem}/"
                for path in (ROOT / "ledger" / "tasks").rglob("*.yaml")
                if "type: extension" in path.read_text("utf-8")
            }
            assert len(extended) >= 2
            if hits[0].startswith(f"/{PREFIX}/bulletins/"):  # a 督查通报 reporting extensions
                bulletin = (site_dir / hits[0].removeprefix(f"/{PREFIX}/")).joinpath("index.html")
                text = bulletin.read_text("utf-8")
                assert "延期" in text and any(t.split("/")[-2] in text for t in extended), hits
            else:
                assert hits[0] in extended, hits[:5]
        else:
            assert hits[0] == f"/{PREFIX}/{first}", hits[:5]
        assert visit.foreign == []  # the UI and the index come from the site itself
        assert all(urlsplit(u).path.startswith(f"/{PREFIX}/") for u in visit.requests)
        if query == "污水":
            ARTIFACTS.mkdir(exist_ok=True)
            visit.page.screenshot(path=str(ARTIFACTS / "site-search-pagefind.png"))
    finally:
        visit.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_page_loads_no_search_index_and_a_search_loads_little(browser, sample) -> None:  # type: ignore[no-untyped-def]
    """An ordinary page fetches nothing of the search; the first result of a query costs the
    bundle's script, its entry file, one index chunk and the fragments shown."""
    site_dir, site = sample
    visit = Visit(browser, site)
    try:
        visit.page.goto(f"{site}tasks/SL-2026-0014/")
        visit.page.wait_for_load_state("networkidle")
        assert not [u for u in visit.requests if "pagefind" in u or "search_index" in u]
        before = visit.bytes
        visit.search(site, "污水")
        fetched = [urlsplit(u).path for u in visit.requests if "/pagefind/" in u]
        assert any(p.endswith("pagefind-entry.json") for p in fetched)
        chunks = [p for p in fetched if "/pagefind/index/" in p]
        assert 1 <= len(chunks) < len(list((site_dir / "pagefind" / "index").iterdir())) or (
            len(chunks) == 1
        )
        assert visit.bytes - before < 1_000_000
    finally:
        visit.close()


def test_titles_are_indexed_character_by_character_and_nothing_else_is_added() -> None:
    """Only the title's Chinese characters are added (no markup of the title can come
    through), inside the page's article, the title being its ``<h1>`` (the ``<title>`` also
    names the site); a page without a heading or article is left; every table but the
    events' and the timeline are cut out."""
    from duban.web.search import for_index as _for_index

    page = (
        "<html><title>站名称 - 督办台账</title><article>"
        '<h1 id="x">&lt;script&gt;营商<em>环境</em> x&amp;y</h1></article>'
    )
    indexed = _for_index(page)
    assert indexed.endswith('<p data-pagefind-weight="0.2" hidden>营 商 环 境</p></article>')
    assert indexed.count("<script") == page.count("<script") == 0
    assert "站" not in indexed.split("</h1>")[1] and "督" not in indexed.split("</h1>")[1]
    assert _for_index("<html><title>标题</title><article></article>") == (
        "<html><title>标题</title><article></article>"
    )
    assert _for_index("<p>营商</p>") == "<p>营商</p>"
    tables = (
        '<article><h2 id="fields"></h2><table><tr><td>字段</td></tr></table>'
        '<h2 data-search-exclude id="events">办理记录</h2>\n'
        "<table><tr><td>同意延期</td></tr></table>"
        '<ol class="duban-timeline"><li>应于</li></ol>'
        "<table data-search-exclude>节点</table></article>"
    )
    note = '<p class="duban-trail-note" data-search-exclude>变更记录取自台账</p>'
    assert _for_index(f"<article><p>营商</p>{note}</article>") == "<article><p>营商</p></article>"
    cut = _for_index(tables)
    assert cut == (
        '<article><h2 id="fields"></h2>'
        '<h2 data-search-exclude id="events">办理记录</h2>\n'
        "<table><tr><td>同意延期</td></tr></table>"
        "</article>"
    )


def test_a_site_pagefind_cannot_index_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    from duban.web.search import index_site

    (tmp_path / "notes.txt").write_text("没有网页", "utf-8")
    problems = index_site(tmp_path)
    assert [(p.code, p.severity) for p in problems] == [("site-search", "warning")]
    assert not (tmp_path / "pagefind").exists()
