"""End to end in a real browser: Debian's headless Chromium driven by Playwright.

The built site is served on 127.0.0.1; every request the browser makes is recorded (and any
to another host refused). Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import need, need_module
from support.site import AS_OF, CANARY_TITLE, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(built_site) -> Iterator[tuple[object, str]]:  # type: ignore[no-untyped-def]
    built = built_site
    handler = functools.partial(Quiet, directory=str(built.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield built, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    # Skipped without Chromium on a developer machine; a failure under CI=true.
    need(Path(CHROMIUM).exists(), "Debian's chromium", "apt-get install chromium")
    sync_playwright = need_module("playwright.sync_api").sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, served):  # type: ignore[no-untyped-def]
    _, base = served
    origin = urlsplit(base).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).netloc == origin or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.on("request", lambda r: requests.append(r.url))
    context.route("**/*", guard)
    pg = context.new_page()
    pg.requests = requests  # type: ignore[attr-defined]
    yield pg
    context.close()
    foreign = [u for u in requests if urlsplit(u).netloc != origin and not u.startswith("data:")]
    assert foreign == [], f"requests left localhost: {foreign}"


def expected_counts(built) -> Counter[str]:  # type: ignore[no-untyped-def]
    from duban.ledger import load_ledger
    from duban.status.select import ledger_status

    ledger, _ = load_ledger(built.repo / "ledger")
    return Counter(s.light for s in ledger_status(ledger, AS_OF) if s.task.public)


def shot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_overview_shows_the_right_counts(page, served) -> None:  # type: ignore[no-untyped-def]
    built, base = served
    page.goto(base)
    assert page.title().startswith("概况")
    counts = expected_counts(built)
    for light in ("red", "yellow", "green", "done", "closed"):
        shown = page.locator(f"#count-{light} .duban-num").inner_text()
        assert int(shown) == counts.get(light, 0), light
    page.wait_for_load_state("networkidle")
    for img in page.locator("img.duban-chart").all():  # the SVG charts load and render
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    shot(page, "site-overview.png")
    assert len(page.requests) > 3  # the recorder does record


def test_unit_and_task_pages_open_from_links(page, served) -> None:  # type: ignore[no-untyped-def]
    _, base = served
    page.goto(base)
    page.locator("article a", has_text="各单位情况").first.click()
    page.wait_for_url("**/units/")
    page.locator("article a", has_text="州交通运输局").first.click()
    page.wait_for_url("**/units/jtj/")
    assert page.locator("article h1").inner_text() == "测试州交通运输局"
    shot(page, "site-unit.png")
    page.locator("article a", has_text="ES-2026-0102").first.click()
    page.wait_for_url("**/tasks/ES-2026-0102/")
    assert "推进全州农村公路提质改造" in page.locator("article h1").inner_text()
    assert page.locator("ol.duban-timeline li").count() >= 4
    assert page.locator("ol.duban-timeline a").count() >= 4  # rule links rendered as links
    shot(page, "site-task.png")


def search(page, base: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The results of ``query`` on the 搜索 page (Pagefind), in order."""
    from urllib.parse import quote

    page.goto(f"{base}search/?q={quote(query)}")
    page.wait_for_function(  # results shown, or 未找到 (no result)
        "() => document.querySelector('.pagefind-ui__result-link') ||"
        " /未找到/.test((document.querySelector('.pagefind-ui__message') || {}).innerText)",
        timeout=15000,
    )
    page.wait_for_load_state("networkidle")
    items = page.locator(".pagefind-ui__result-link").all_inner_texts()
    return [item.replace("\u200b", "") for item in items]


def test_chinese_search_finds_a_task(page, served) -> None:  # type: ignore[no-untyped-def]
    _, base = served
    hits = search(page, base, "农村公路")
    assert hits and hits[0].startswith("ES-2026-0102"), hits
    shot(page, "site-search.png")
    hits = search(page, base, "营商环境")  # the query split as 营 + 商 + 环境 by the browser
    assert hits and hits[0].startswith("ES-2026-0101"), hits
    assert not any(CANARY_TITLE[:3] in h for h in search(page, base, CANARY_TITLE))
