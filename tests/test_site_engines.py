"""Engine independence (issue 15, item 6): the sample ledger built with MkDocs 1.6, ProperDocs
and Zensical, each served under a sub-path (``/duban/``) and crawled: no broken link, nothing
loaded from another host, and the same task pages (their main content) from every engine.

An engine that is not installed is skipped with the reason (a failure under CI=true: the
test extras install all three).
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest
from duban.web.mkdocs_run import ENGINES, Engine
from support import need, run_cli
from support.site import ROOT
from support.subpath import PREFIX, serve_under_subpath

pytestmark = pytest.mark.slow

DEMO_DAY = date(2026, 11, 30)
LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}


def _installed(engine: Engine) -> bool:
    import importlib.util

    return importlib.util.find_spec(engine) is not None


#: The engine built through the command line (``duban build --engine``) rather than the
#: library: the other tests then compare its pages with the library's (each engine is built
#: once, so the command line costs no extra build).
CLI_ENGINE: Engine = "zensical"


def cli_build(engine: Engine, base: Path) -> Path:
    """``duban build --engine ENGINE`` of the sample into ``<base>/root/duban``, with a copy
    of ``mkdocs.yml`` and ``docs/`` in ``base`` (the work folder goes beside the config)."""
    conf = base / "conf"
    shutil.copytree(ROOT / "docs", conf / "docs")
    shutil.copy2(ROOT / "mkdocs.yml", conf / "mkdocs.yml")
    site = base / "root" / PREFIX
    args = ["build", "--ledger", ROOT / "ledger", "--out", site, "--as-of", DEMO_DAY.isoformat()]
    result = run_cli(*args, "--config", conf / "mkdocs.yml", "--engine", engine)
    assert result.exit_code == 0, (engine, result.stderr)
    assert "site-search" not in result.stderr
    assert f"网站已生成：{site}" in result.stderr
    return site


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample site of each installed engine, in ``<tmp>/<engine>/duban``; the library's
    ``build_site(engine=...)``, and :data:`CLI_ENGINE`'s through the command line."""
    from duban.web.build import build_site

    built: dict[str, Path] = {}
    for engine in ENGINES:
        if not _installed(engine):
            continue
        base = tmp_path_factory.mktemp(engine)
        if engine == CLI_ENGINE:
            built[engine] = cli_build(engine, base)
            continue
        result, problems = build_site(
            ROOT / "ledger",
            out=base / "root" / PREFIX,
            as_of=DEMO_DAY,
            config_file=ROOT / "mkdocs.yml",
            work=base / "work",
            engine=engine,
        )
        assert result is not None, (engine, [str(p) for p in problems])
        errors = [p for p in problems if p.severity == "error" or p.code == "site-search"]
        assert errors == [], (engine, [p.message("en") for p in errors])
        built[engine] = result.site_dir
    return built


class _Refs(HTMLParser):
    """The URLs a page links to (``links``) and those a browser loads with it (``loads``)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "link" and a.get("href"):
            rels = set(a.get("rel", "").lower().split())
            (self.loads if rels & LOADING_RELS else self.links).append(a["href"])
        elif tag in ("script", "img", "iframe", "source", "video", "audio") and a.get("src"):
            self.loads.append(a["src"])


def crawl(start: str) -> tuple[set[str], list[str], list[str]]:
    """Every page reachable from ``start`` on its host; the broken links and the loads from
    another host found on the way."""
    host = urlsplit(start).netloc
    seen: set[str] = set()
    todo = [start]
    broken: list[str] = []
    foreign: list[str] = []
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urlopen(url, timeout=10) as response:
                kind = response.headers.get_content_type()
                body = response.read()
        except HTTPError as exc:
            broken.append(f"{url}: {exc.code}")
            continue
        if kind != "text/html":
            continue
        refs = _Refs()
        refs.feed(body.decode("utf-8", errors="replace"))
        for ref in refs.loads:
            target = urljoin(url, ref)
            if target.startswith("data:"):
                continue
            if urlsplit(target).netloc != host:
                foreign.append(f"{url}: {ref}")
            else:
                todo.append(target.split("#")[0])
        for ref in refs.links:
            target = urljoin(url, ref).split("#")[0]
            parts = urlsplit(target)
            if parts.scheme in ("http", "https") and parts.netloc == host:
                if not parts.path.startswith(f"/{PREFIX}/"):
                    broken.append(f"{url}: {ref} (outside the sub-path)")
                else:
                    todo.append(target)
    return seen, broken, foreign


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_builds_the_sample_that_works_under_a_subpath(sites, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    need(_installed(engine), f"the site engine {engine}", f"pip install {engine}")
    site = sites[engine]
    with serve_under_subpath(site.parent) as url:
        pages, broken, foreign = crawl(url)
    assert broken == []
    assert foreign == []
    tasks = sorted(p.stem for p in (ROOT / "ledger" / "tasks").rglob("*.yaml"))
    reached = {urlsplit(p).path for p in pages}
    public = [t for t in tasks if (site / "tasks" / t / "index.html").is_file()]
    assert len(public) > 20
    assert all(f"/{PREFIX}/tasks/{t}/" in reached for t in public)  # reachable by links
    for rel in ("api/tasks.json", "schemas/status.schema.json", "pagefind/pagefind-entry.json"):
        assert f"/{PREFIX}/{rel}" in reached or (site / rel).is_file(), rel
    assert any(p.endswith(".ics") for p in reached)


_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.S)


def main_text(page: Path) -> str:
    """The text of a page's ``<article>``, one space between words."""
    found = _ARTICLE.search(page.read_text("utf-8"))
    assert found, page
    text = re.sub(r"<[^>]+>", " ", found.group(1))
    return " ".join(unescape(text).split())


def test_every_engine_gives_the_same_task_pages(sites) -> None:  # type: ignore[no-untyped-def]
    need(all(_installed(e) for e in ENGINES), "all site engines", "pip install -e '.[test]'")
    reference = sites["mkdocs"]
    task_pages = sorted((reference / "tasks").glob("*/index.html"))
    assert len(task_pages) > 20
    for engine, site in sites.items():
        got = sorted((site / "tasks").glob("*/index.html"))
        assert [p.relative_to(site) for p in got] == [p.relative_to(reference) for p in task_pages]
        for page in task_pages:
            rel = page.relative_to(reference)
            assert main_text(site / rel) == main_text(page), (engine, rel)
        for rel in ("api/tasks.json", "schemas/status.schema.json"):
            assert (site / rel).read_bytes() == (reference / rel).read_bytes(), (engine, rel)


_GENERATOR = re.compile(r'<meta name="generator" content="([^"]*)"')


def test_duban_build_engine_builds_with_that_engine_the_same_task_pages(sites) -> None:  # type: ignore[no-untyped-def]
    """``duban build --engine zensical`` (:data:`CLI_ENGINE`, through the command line) made
    its pages with Zensical, not MkDocs (the pages' generator tag), and they are the task
    pages of the library's build, file for file and text for text."""
    need(_installed(CLI_ENGINE), f"the site engine {CLI_ENGINE}", f"pip install {CLI_ENGINE}")
    reference, site = sites["mkdocs"], sites[CLI_ENGINE]
    task_pages = sorted(
        p.relative_to(reference) for p in (reference / "tasks").glob("*/index.html")
    )
    assert len(task_pages) > 20
    assert sorted(p.relative_to(site) for p in (site / "tasks").glob("*/index.html")) == task_pages
    for rel in [Path("index.html"), *task_pages]:
        made_by = _GENERATOR.findall((site / rel).read_text("utf-8"))
        assert made_by and made_by[0].startswith(CLI_ENGINE), (rel, made_by)
        assert _GENERATOR.findall((reference / rel).read_text("utf-8"))[0].startswith("mkdocs-")
        assert main_text(site / rel) == main_text(reference / rel), rel


def test_tasks_json_follows_its_published_schema(sites) -> None:  # type: ignore[no-untyped-def]
    """``api/tasks.json`` validates against ``schemas/status.schema.json`` (the reference
    validator), which the site publishes at ``schemas/status.schema.json``, unchanged but for
    its URL as ``$id`` (tests/test_schema_published.py); a document that breaks the schema is
    caught, so the check can fail."""
    import json

    import jsonschema

    site = sites["mkdocs"]
    schema_file = ROOT / "schemas" / "status.schema.json"
    schema = json.loads((site / "schemas" / "status.schema.json").read_text("utf-8"))
    assert schema.pop("$id") == "https://duban.example.org/schemas/status.schema.json"
    assert schema == json.loads(schema_file.read_text("utf-8"))
    data = json.loads((site / "api" / "tasks.json").read_text("utf-8"))
    assert len(data["tasks"]) > 20
    jsonschema.Draft202012Validator(schema).validate(data)
    data["tasks"][0]["light"] = "purple"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_every_unit_feed_is_a_valid_calendar(sites) -> None:  # type: ignore[no-untyped-def]
    """RFC 5545: a VCALENDAR holds at least one component. A unit with nothing dated to meet
    still gets a feed (its page links to it): its time zone, and no event."""
    import icalendar

    feeds = sorted((sites["mkdocs"] / "api" / "calendars").glob("*.ics"))
    assert len(feeds) > 10
    empty = 0
    for feed in feeds:
        raw = feed.read_bytes()
        cal = icalendar.Calendar.from_ical(raw)
        assert cal.name == "VCALENDAR" and cal["VERSION"] == "2.0", feed.name
        assert cal.subcomponents, feed.name
        assert [z["TZID"] for z in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"], feed.name
        empty += not cal.walk("VEVENT")
        assert b"COMMENT" not in raw
    assert 0 < empty < len(feeds)  # both kinds are in the sample
