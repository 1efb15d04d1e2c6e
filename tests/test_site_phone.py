"""Phones and navigation in a real browser (issue 15, items 1 and 2): the sample's site as
``duban demo`` builds it, in Debian's headless Chromium at 390 px (a phone) and 1400 px.

- every page, the home page included, reaches every section of the navigation (tabs on a
  desktop, the drawer on a phone);
- no key cell of a list or table (task, unit, light, due date, days late) lies outside the
  viewport, and the page never scrolls sideways;
- chart text is drawn at 12 px or more.

Screenshots of every page type at both widths go to test-artifacts/ (git-ignored).
"""

# ruff: noqa: F811  (pytest fixtures imported from test_site_browser / test_site_phone)
from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from duban.web.pages import NAV
from test_site_browser import ARTIFACTS, Quiet, browser  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: One page of each type of the sample's site.
PAGES = {
    "overview": "",
    "overdue": "overdue/",
    "due-soon": "due-soon/",
    "units": "units/",
    "unit": "units/fgw/",
    "closed": "closed/",
    "rules": "rules/",
    "data": "data/",
    "task": "tasks/SL-2026-0006/",
    "task-done": "tasks/SL-2026-0007/",
    "bulletin": "bulletins/2026-10/",
    "404": "404.html",
}
WIDTHS = (390, 1400)
#: The columns a reader must see on a phone, by their header.
KEY_COLUMNS = ("任务", "单位", "责任单位", "应办单位", "状态", "完成时限", "应于", "逾期（工作日）")


@pytest.fixture(scope="module")
def demo_served(demo_site: Path) -> Iterator[str]:
    handler = functools.partial(Quiet, directory=str(demo_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def open_page(browser, base: str, width: int):  # type: ignore[no-untyped-def]
    """A new page at ``width`` that may load nothing from another host."""
    origin = urlsplit(base).netloc
    context = browser.new_context(
        viewport={"width": width, "height": 860}, locale="zh-CN", device_scale_factor=1
    )
    foreign: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        url = route.request.url
        if urlsplit(url).netloc == origin or url.startswith("data:"):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.foreign = foreign  # type: ignore[attr-defined]
    return context, page


def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


OUTSIDE = """(keys) => {
  const width = document.documentElement.clientWidth;
  const out = [];
  let seen = 0;
  for (const td of document.querySelectorAll("article table td")) {
    const label = td.dataset.label || "";
    if (!keys.includes(label)) continue;
    seen += 1;
    const r = td.getBoundingClientRect();
    const visible = r.width > 0 && r.height > 0 && getComputedStyle(td).visibility !== "hidden";
    if (!visible || r.left < -0.5 || r.right > width + 0.5) {
      out.push(label + " " + td.innerText.slice(0, 20) + " " + Math.round(r.left) + ".."
               + Math.round(r.right) + " of " + width);
    }
  }
  return {seen, out, scroll: document.documentElement.scrollWidth, width};
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_key_cells_stay_inside_the_viewport(
    browser, demo_served: str, kind: str, width: int
) -> None:  # type: ignore[no-untyped-def]
    context, page = open_page(browser, demo_served, width)
    try:
        page.goto(demo_served + PAGES[kind])
        page.wait_for_load_state("networkidle")
        found = page.evaluate(OUTSIDE, list(KEY_COLUMNS))
        snap(page, f"phone-{width}-{kind}.png")
        assert found["out"] == [], found["out"][:5]
        assert found["scroll"] <= found["width"], f"{kind} scrolls sideways at {width} px"
        if kind in ("overdue", "unit", "units", "closed", "overview"):
            assert found["seen"] > 0, f"no key cell found on {kind}"  # the check checks
        assert page.foreign == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_a_phone_shows_a_row_as_a_labelled_card(browser, demo_served: str) -> None:  # type: ignore[no-untyped-def]
    context, page = open_page(browser, demo_served, 390)
    try:
        page.goto(demo_served + "overdue/")
        cell = page.locator("article table td[data-label='逾期（工作日）']").first
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert "逾期（工作日）" in label
        assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    finally:
        context.close()
    context, page = open_page(browser, demo_served, 1400)
    try:  # a desktop keeps the table
        page.goto(demo_served + "overdue/")
        cell = page.locator("article table td[data-label='逾期（工作日）']").first
        assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["overview", "task", "unit", "rules", "404"])
def test_every_page_reaches_every_section(browser, demo_served: str, kind: str, width: int) -> None:  # type: ignore[no-untyped-def]
    context, page = open_page(browser, demo_served, width)
    try:
        page.goto(demo_served + PAGES[kind])
        if width < 1220:  # Material's drawer: the menu button opens it
            page.locator("label.md-header__button[for='__drawer']").click()
            page.wait_for_timeout(400)
            # the current page is a label (it opens its table of contents), the others links
            links = page.locator("nav.md-nav--primary > ul > li > .md-nav__link")
        else:
            links = page.locator(".md-tabs a.md-tabs__link")
        shown = {}
        for link in links.all():
            box = link.bounding_box()
            if link.is_visible() and box and box["x"] >= 0 and box["x"] + box["width"] <= width:
                shown[link.inner_text().strip()] = link.get_attribute("href")
        assert [e.title for e in NAV if e.title not in shown] == [], (kind, width, shown)
        if kind == "overview":
            snap(page, f"nav-{width}.png")
        # and the links lead there: follow one that is not the current page
        target = NAV[-1].title  # 数据说明
        if width < 1220:
            page.locator("nav.md-nav--primary > ul > li > a.md-nav__link", has_text=target).click()
        else:
            page.locator(".md-tabs a.md-tabs__link", has_text=target).click()
        page.wait_for_url(re.compile(r".*/data/$"))
        assert page.locator("article h1").inner_text() == target
    finally:
        context.close()


def _min_font(svg: str) -> float:
    sizes = [float(x) for x in re.findall(r'font-size="([0-9.]+)"', svg)]
    assert sizes, "a chart without text?"
    return min(sizes)


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_text_is_at_least_12px(
    browser, demo_served: str, demo_site: Path, width: int
) -> None:  # type: ignore[no-untyped-def]
    context, page = open_page(browser, demo_served, width)
    try:
        page.goto(demo_served)
        page.wait_for_load_state("networkidle")
        charts = page.locator("img.duban-chart").all()
        assert len(charts) >= 3
        for img in charts:
            src = img.get_attribute("src") or ""
            smallest = _min_font((demo_site / src).read_text(encoding="utf-8"))
            scale = img.evaluate("i => i.getBoundingClientRect().width / i.naturalWidth")
            assert smallest * scale >= 12, (src, smallest, scale)
        page.locator(".duban-charts").scroll_into_view_if_needed()
        snap(page, f"charts-{width}.png")
        sideways = page.evaluate("() => document.documentElement.scrollWidth")
        assert sideways <= width  # a wide chart scrolls in its own box, not the page
    finally:
        context.close()


#: A chart of the page drawn inline in place of its ``<img>``, at the size the image has
#: there, so that its text can be measured: every ``<text>`` with its drawn box, and the
#: scale (drawn px per SVG unit).
CHART_TEXT = """async (file) => {
  const img = document.querySelector(`img.duban-chart[src$="${file}"]`);
  const box = img.getBoundingClientRect();
  const source = await (await fetch(img.src)).text();
  const parsed = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
  const svg = document.importNode(parsed, true);
  svg.setAttribute("width", box.width);
  svg.setAttribute("height", box.height);
  svg.style.maxWidth = "none";  // the theme's rule for inline SVG would shrink it
  svg.dataset.measured = file;
  img.replaceWith(svg);
  return {
    scale: box.width / img.naturalWidth,
    drawn: svg.getBoundingClientRect().width / box.width,
    texts: [...svg.querySelectorAll("text")].map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    }),
  };
}"""


def overlaps(texts: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """The pairs of drawn text boxes that overlap (touching edges allowed)."""
    out = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if (
                a["left"] < b["right"] - 0.5
                and b["left"] < a["right"] - 0.5
                and a["top"] < b["bottom"] - 0.5
                and b["top"] < a["bottom"] - 0.5
            ):
                out.append(f"{a['text']} / {b['text']}")
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_labels_do_not_overlap(browser, demo_served: str, width: int) -> None:  # type: ignore[no-untyped-def]
    """The month and trend charts in Chromium (the site's fonts, as a reader sees them): no
    two texts overlap (the months of by-month.svg were "25年12月" touching "26年1月"), and
    no label is wider than charts.text_width estimated (tests/test_site_charts.py relies on
    that estimate for every count of months)."""
    from duban.web.charts import text_width

    context, page = open_page(browser, demo_served, width)
    try:
        page.goto(demo_served)
        page.wait_for_load_state("networkidle")
        for file in ("by-month.svg", "trend.svg"):
            drawn = page.evaluate(CHART_TEXT, file)
            texts = drawn["texts"]
            assert abs(drawn["drawn"] - 1) < 0.01, drawn["drawn"]  # as large as the image was
            assert len(texts) > 12, file
            assert overlaps(texts) == [], (file, width)
            for t in texts:
                if re.fullmatch(r"\d+月|\d{4}年", t["text"]):  # the axis labels
                    real = (t["right"] - t["left"]) / drawn["scale"]
                    assert real <= text_width(t["text"]), (file, t["text"], real)
            ARTIFACTS.mkdir(exist_ok=True)
            shown = page.locator(f'svg[data-measured="{file}"]')
            shown.screenshot(path=str(ARTIFACTS / f"chart-labels-{width}-{file[:-4]}.png"))
    finally:
        context.close()
