"""Hostile text on the public site: a script payload in every text field of a ledger (task
title, source, standard, lead, description, notes, milestones, unit names, the ledger's
name, contact and notice, a rule's title, commit messages) is shown as text and never runs.

Every file of the built site is scanned for the payloads' markup, and a real headless
Chromium opens every kind of page (marker ``browser``) and checks that nothing ran and
nothing of the payloads became an element.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support import need, need_module
from support.site import Built, build, site_git

#: What a hostile clerk might type; each sets ``window.__pwned`` if it ever runs.
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=window.__pwned=1>',
    "[点我](javascript:window.__pwned=1)",
    '**粗**{onclick="window.__pwned=1"}',
    "</title><script>window.__pwned=1</script>",
    "{: onclick=window.__pwned=1 }",
)
#: The markup a payload would leave in an HTML, XML or SVG file if it were not escaped (in
#: escaped text, ``=`` too is a character reference).
RAW_MARKUP = re.compile(
    r"<script>window|<img src=x|<svg onload|on(?:error|load|click)=\"?window"
    r"|href=\"?javascript:|<strong>粗</strong>",
    re.I,
)
#: In JSON and iCalendar, text is text: no tag of a payload may be there to be rendered.
RAW_TAG = re.compile(r"<(?:script|img|svg|/title)\b", re.I)
LEDGER_NAME = "测试州督办台账</title><script>window.__pwned=1</script>"
CONTACT = '[纠错](javascript:window.__pwned=1) <img src=x onerror="window.__pwned=1">'
NOTICE = "虚构数据<script>window.__pwned=1</script>"
#: Refused by validation (``url-unsafe``), and shown as text if built anyway.
REPO_URL = "javascript:window.__pwned=1"
UNIT_NAMES = {
    "zfb": '测试州政府办<img src=x onerror="window.__pwned=1">',
    "fgw": '测试州发改委"><svg onload=window.__pwned=1>',
    "czj": "测试州财政局[点我](javascript:window.__pwned=1)",
    "jtj": "测试州交通运输局{: onclick=window.__pwned=1 }",
}
COMMIT_MESSAGES = (
    "更新任务<script>window.__pwned=1</script>",
    '登记办理 "><img src=x onerror="window.__pwned=1">',
)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _poison_task(data: dict[str, Any], n: int) -> None:
    """Every text field of one task: a payload each (cycling, so all appear)."""

    def pay(k: int) -> str:
        return PAYLOADS[(n + k) % len(PAYLOADS)]

    data["title"] = f"标题{pay(0)}"
    data["source"] = f"来源{pay(1)}"
    data["standard"] = f"标准{pay(2)}"
    data["owner"]["lead"] = pay(3)[:38]
    data["description"] = f"说明{pay(4)}\n\n# 标题行\n\n{pay(5)}"
    renamed = {}
    for k, m in enumerate(data.get("milestones") or []):
        renamed[m["title"]] = f"节点{pay(6 + k)}"
        m["title"] = renamed[m["title"]]
    for k, e in enumerate(data.get("events") or []):
        e["note"] = f"记录{pay(k)}"
        if e.get("milestone") in renamed:
            e["milestone"] = renamed[e["milestone"]]


def poison(repo: Path) -> None:
    """A payload in every text field of the ledger, committed with hostile messages."""
    git = site_git(repo)
    ledger = repo / "ledger"
    settings = yaml.safe_load((ledger / "ledger.yaml").read_text(encoding="utf-8"))
    settings.update(name=LEDGER_NAME, contact=CONTACT, notice=NOTICE, repo_url=REPO_URL)
    (ledger / "ledger.yaml").write_text(_dump(settings), encoding="utf-8")
    units = yaml.safe_load((ledger / "units.yaml").read_text(encoding="utf-8"))
    for unit in units["units"]:
        unit["name"] = UNIT_NAMES[unit["code"]]
        unit["short_name"] = "简" + UNIT_NAMES[unit["code"]][6:25]
    (ledger / "units.yaml").write_text(_dump(units), encoding="utf-8")
    rules = yaml.safe_load((ledger / "rules.yaml").read_text(encoding="utf-8"))
    rules["rules"][0]["title"] += PAYLOADS[0]
    rules["rules"][0]["note"] = PAYLOADS[3]
    (ledger / "rules.yaml").write_text(_dump(rules), encoding="utf-8")
    git.commit(COMMIT_MESSAGES[0], when="2026-12-22T17:00:00+08:00")
    for n, path in enumerate(sorted((ledger / "tasks").rglob("*.yaml"))):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("visibility") == "public":
            _poison_task(data, n)
            path.write_text(_dump(data), encoding="utf-8")
    git.commit(COMMIT_MESSAGES[1], when="2026-12-22T17:30:00+08:00")


#: Markdown the site uses (mkdocs.yml), and more that a site's owner might turn on.
EXTENSIONS = ["attr_list", "admonition", "tables", "toc", "footnotes", "abbr", "def_list"]
MORE_PAYLOADS = (
    *PAYLOADS,
    "# 标题",
    "- 列表",
    "1. 列表",
    "---",
    "!!! warning 警告",
    "??? note 详情",
    "a | b\n--|--\nc | d",
    "[[维基链接]]",
    "==高亮== ~~删除~~ ^^上^^",
    "脚注[^1]\n\n[^1]: 注",
    "*[HTML]: 缩写",
    "`代码` <b>粗</b> &amp; &lt;",
    "<!-- 注释 --> <style>body{}</style>",
    "第一行\n\n<div onclick=x>第二段</div>",
    "DUBANHTML0X",
)


@pytest.mark.parametrize("payload", MORE_PAYLOADS)
def test_esc_makes_no_markup_in_any_place_a_page_puts_text(payload: str) -> None:
    import html

    import markdown
    from duban.web.markup import esc, html_table

    one_line = " ".join(payload.split())
    for place in (
        f"# {esc(payload)}\n",
        f"{esc(payload)}\n",
        f"说明: {esc(payload)} 完\n",
        f"| 项目 | 内容 |\n|---|---|\n| {esc(payload)} | {esc(payload)} |\n",
        f'!!! warning "示例"\n    {esc(payload)}\n',
        "\n" + html_table(["项目"], [[esc(payload)]]),
        f'<p class="duban-lead">{esc(payload)}</p>\n',
    ):
        out = markdown.markdown(place, extensions=EXTENSIONS)
        tags = set(re.findall(r"</?([a-z0-9]+)", out))
        allowed = {"h1", "p", "table", "thead", "tbody", "tr", "th", "td", "div"}
        assert tags <= allowed, (place, out)
        assert not re.search(r"<[a-z0-9]+ [^>]*(on\w+|href|src)=", out), out
        text = html.unescape(re.sub(r"<[^>]+>", " ", out))
        assert one_line in " ".join(text.split()), (place, out)


def test_json_yaml_and_calendar_text_are_safe() -> None:
    import json

    from duban.web.markup import front, json_text, plain_text

    payload = {"title": "</script><script>x</script>\u2028&"}
    text = json_text(payload)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == payload
    meta = front("标题: {x} \n- [a] </title>'\"", "navigation")
    data = yaml.safe_load(meta.strip().strip("-"))
    assert "<" not in data["title"] and data["hide"] == ["navigation"]
    assert plain_text("<b>粗</b>\n第二行") == "＜b＞粗＜/b＞ 第二行"


#: Characters YAML treats specially inside a double-quoted string, or does not print.
_YAML_TRICKY = "\x00\x07\t\n\r\x1b\x7f\x85\x9f\u2028\u2029\ufeff\ufffe\uffff\"\\'#:-[]{}&*!|>%@`"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)) | st.sampled_from(_YAML_TRICKY)))
def test_front_matter_reads_back_exactly(title: str) -> None:
    """The hand-written front matter (not PyYAML's emitter: too slow for 10,000 pages) reads
    back as the escaped title, by PyYAML and by MkDocs' own front-matter reader."""
    from duban.web.markup import esc, front, yaml_string
    from mkdocs.utils.meta import get_data

    page = front(title, "navigation", "toc", search=False) + "# 正文\n"
    want = {"title": esc(title), "hide": ["navigation", "toc"], "search": {"exclude": True}}
    assert yaml.safe_load(page.split("---\n")[1]) == want
    body, meta = get_data(page)
    assert meta == want and body == "# 正文\n"
    assert yaml.safe_load(yaml_string(title)) == title  # the raw text too, unescaped


@pytest.fixture(scope="module")
def hostile_site(site_repo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("hostile-site")
    repo = site_git(site_repo_template).copy(base / "repo").path
    poison(repo)
    return build(repo, base / "out")


@pytest.mark.slow
def test_the_hostile_ledger_is_valid_and_builds(hostile_site: Built) -> None:
    errors = [p for p in hostile_site.problems if p.severity == "error"]
    assert hostile_site.result is not None
    assert [(p.code, p.field) for p in errors] == [("url-unsafe", "$.repo_url")], errors
    assert hostile_site.result.tasks >= 8


@pytest.mark.slow
def test_no_built_file_carries_payload_markup(hostile_site: Built) -> None:
    site = hostile_site.site
    scanned = 0
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".xml", ".json", ".ics", ".svg", ".txt"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        hit = (RAW_MARKUP if path.suffix in (".html", ".xml", ".svg") else RAW_TAG).search(text)
        if hit is not None:
            start, end = max(0, hit.start() - 80), hit.end() + 40
            pytest.fail(f"{path.relative_to(site)}: payload markup: {text[start:end]}")
        scanned += 1
    kinds = {p.suffix for p in site.rglob("*") if p.is_file()}
    assert {".html", ".xml", ".json", ".ics", ".svg"} <= kinds
    assert scanned > 20
    tasks_json = (site / "api" / "tasks.json").read_text(encoding="utf-8")
    assert "</" not in tasks_json and "\\u003c/script\\u003e" in tasks_json  # safe to embed
    fragments = [
        gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        for p in (site / "pagefind" / "fragment").iterdir()
    ]
    assert any("window.__pwned" in f.replace("\u200b", "") for f in fragments)  # indexed
    ics = "".join(p.read_bytes().decode() for p in (site / "api").rglob("*.ics"))
    assert "＜script＞window.__pwned=1＜/script＞" in ics.replace("\r\n ", "")
    assert "<" not in ics


@pytest.mark.slow
def test_titles_and_site_name_are_escaped_in_every_page_head(hostile_site: Built) -> None:
    for path in hostile_site.site.rglob("*.html"):
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        titles = re.findall(r"<title>(.*?)</title>", head, re.S)
        assert len(titles) == 1, path
        assert "<" not in titles[0], (path, titles[0])


# -- in a real browser -------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
#: Elements or attributes a payload would have made.
INJECTED = (
    "img[src='x'], svg[onload], [onerror], [onclick], a[href^='javascript'], "
    "script:not([src]):not([type])"
)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(hostile_site: Built) -> Iterator[str]:
    handler = functools.partial(Quiet, directory=str(hostile_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need(Path(CHROMIUM).exists(), "Debian's chromium", "apt-get install chromium")
    sync_playwright = need_module("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, served: str) -> Iterator[Any]:
    origin = urlsplit(served).netloc
    context = browser.new_context(locale="zh-CN")
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc == origin or route.request.url.startswith("data:")
            else route.abort()
        ),
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.errors = errors
    yield pg
    context.close()


def assert_inert(pg: Any, where: str) -> None:
    assert pg.evaluate("() => typeof window.__pwned") == "undefined", where
    made = pg.evaluate(
        f"() => Array.from(document.querySelectorAll({INJECTED!r})).map(e => e.outerHTML)"
    )
    made = [m for m in made if "__pwned" in m or 'src="x"' in m]
    assert made == [], (where, made)
    assert not [e for e in pg.errors if "pwned" in e or "x:1" in e], (where, pg.errors)


def task_urls(site: Path) -> list[str]:
    return sorted(f"tasks/{p.parent.name}/" for p in (site / "tasks").glob("*/index.html"))


@pytest.mark.browser
@pytest.mark.slow
def test_no_payload_runs_on_any_page(page: Any, served: str, hostile_site: Built) -> None:
    pages = ["", "overdue/", "due-soon/", "closed/", "units/", "rules/", "data/", "404.html"]
    pages += [f"units/{p.name}/" for p in (hostile_site.site / "units").iterdir() if p.is_dir()]
    pages += task_urls(hostile_site.site)
    for rel in dict.fromkeys(pages):
        page.goto(served + rel)
        page.wait_for_load_state("load")
        assert_inert(page, rel)
    assert page.errors == [] or all("404" in e for e in page.errors), page.errors


@pytest.mark.browser
@pytest.mark.slow
def test_payloads_show_as_text(page: Any, served: str, hostile_site: Built) -> None:
    page.goto(served)
    assert LEDGER_NAME in page.title()
    assert LEDGER_NAME in page.locator("article h1").inner_text()
    assert LEDGER_NAME in page.locator(".md-header__topic").first.inner_text()
    assert NOTICE in page.locator(".duban-notice").inner_text()
    first = task_urls(hostile_site.site)[0]
    page.goto(served + first)
    h1 = page.locator("article h1").inner_text()
    assert "标题" in h1 and any(p in h1 for p in PAYLOADS), h1
    assert h1.split(" ", 1)[1] in page.title()
    body = page.locator("article").inner_text()
    assert sum(p in body for p in PAYLOADS) >= 4, body
    assert COMMIT_MESSAGES[1] in body  # the audit trail's commit message, as text
    page.goto(served + "units/fgw/")
    assert page.locator("article h1").inner_text() == UNIT_NAMES["fgw"]
    assert UNIT_NAMES["fgw"] in page.title()
    page.goto(served + "data/")
    assert CONTACT in page.locator("article").inner_text()
    assert REPO_URL in page.locator("article").inner_text()  # as text, not a link
    assert_inert(page, "data/")


@pytest.mark.browser
@pytest.mark.slow
def test_search_results_are_inert(page: Any, served: str) -> None:
    page.goto(served + "search/?q=" + quote("标题"))  # Pagefind's search page
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    page.wait_for_load_state("networkidle")
    hits = [h.replace("\u200b", "") for h in page.locator(".pagefind-ui__result").all_inner_texts()]
    assert hits and any("window.__pwned" in h for h in hits), hits
    assert_inert(page, "search")
