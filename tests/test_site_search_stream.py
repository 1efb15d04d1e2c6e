"""The search index fed page by page while MkDocs builds (``StreamingIndex``, the hooks'
``on_post_page``) is the index Pagefind's command line makes of the built site: compared
decoded (fragments: URL, title, content, meta, word counts; every word's hits), since the
file names hash the page order. Hostile pages and a Pagefind service that dies, hangs or is
missing never make the build raise or hang: it falls back to the command line, or publishes
the site without search and says so.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from duban.problems import Problem
from duban.web import build, search_stream
from duban.web.mkdocs_run import Engine
from duban.web.search import BUNDLE, index_site
from duban.web.search_stream import StreamingIndex
from support import need, need_module
from support.site import ROOT

DEMO_DAY = date(2026, 11, 30)
PREFIX = b"pagefind_dcd"


def _raw(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(PREFIX), path
    return data[len(PREFIX) :]


def decoded(bundle: Path) -> dict[str, Any]:
    """What a Pagefind bundle says, without its hashed file names and page numbers: per
    language, each page's fragment and word count by URL, and every (word, URL, positions)."""
    cbor2 = need_module("cbor2")
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    result: dict[str, Any] = {"version": entry["version"], "chars": entry["include_characters"]}
    for lang, info in entry["languages"].items():
        meta = cbor2.loads(_raw(bundle / f"pagefind.{info['hash']}.pf_meta"))
        urls, pages = [], {}
        for page_hash, words in meta[1]:
            fragment = json.loads(_raw(bundle / "fragment" / f"{page_hash}.pf_fragment"))
            urls.append(fragment["url"])
            pages[fragment["url"]] = (words, fragment)
        hits = set()
        for _first, _last, chunk in meta[2]:
            for word, pages_of_word, *rest in cbor2.loads(
                _raw(bundle / "index" / f"{chunk}.pf_index")
            )[0]:
                page = 0
                for delta, positions, *more in pages_of_word:  # page numbers are deltas
                    page += delta
                    hits.add((word, urls[page], json.dumps([positions, more, rest])))
        result[lang] = {"count": info["page_count"], "pages": pages, "hits": hits, "rest": meta[3:]}
    plain = sorted(p.name for p in bundle.iterdir() if p.is_file() and ".pf_" not in p.name)
    result["files"] = plain
    return result


def cli_bundle(site: Path, tmp: Path) -> Path:
    """Pagefind's command line (:func:`index_site`) over a copy of ``site`` without its bundle."""
    copy = tmp / "cli-site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(BUNDLE), symlinks=True)
    assert index_site(copy) == []
    return copy / BUNDLE


class Spy:
    """The real :func:`index_site`, its calls counted."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, site: Path) -> list[Problem]:
        self.calls += 1
        return index_site(site)


def build_sample(base: Path, spy: Spy, engine: Engine = "mkdocs") -> tuple[Path, list[Problem]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build, "index_site", spy)
        result, problems = build.build_site(
            ROOT / "ledger",
            out=base / "site",
            as_of=DEMO_DAY,
            config_file=ROOT / "mkdocs.yml",
            work=base / "work",
            engine=engine,
        )
    assert result is not None, problems
    return result.site_dir, problems


@pytest.fixture(scope="module")
def streamed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Spy]]:
    spy = Spy()
    site, problems = build_sample(tmp_path_factory.mktemp("stream"), spy)
    assert not [p for p in problems if p.code == "site-search"], problems
    yield site, spy


def test_the_build_streams_the_pages(streamed: tuple[Path, Spy]) -> None:
    site, spy = streamed
    assert spy.calls == 0  # no index of the built site: the hooks fed the service
    assert (site / BUNDLE / "pagefind-ui.js").is_file()
    assert not list((site / BUNDLE).glob("pagefind-modular-ui*"))


def test_streamed_index_is_the_command_lines(streamed: tuple[Path, Spy], tmp_path: Path) -> None:
    site, _ = streamed
    ours, theirs = decoded(site / BUNDLE), decoded(cli_bundle(site, tmp_path))
    assert ours["zh"]["count"] == len(list(site.rglob("*.html"))) > 50  # 404.html too
    assert ours["zh"]["pages"] == theirs["zh"]["pages"]  # URL, title, content, meta, counts
    assert ours["zh"]["hits"] == theirs["zh"]["hits"]
    assert ours == theirs


@pytest.mark.slow
def test_an_engine_in_its_own_process_gets_the_command_lines_index(tmp_path: Path) -> None:
    """ProperDocs runs the hooks in its own process, where no index is open: the built site
    is indexed afterwards (Zensical ignores the hooks: the same path)."""
    need(importlib.util.find_spec("properdocs") is not None, "ProperDocs", "pip install properdocs")
    spy = Spy()
    site, problems = build_sample(tmp_path / "build", spy, engine="properdocs")
    assert spy.calls == 1
    assert not [p for p in problems if p.code == "site-search"], problems
    assert decoded(site / BUNDLE)["zh"]["count"] == len(list(site.rglob("*.html")))


def _hostile_site(site: Path) -> None:
    article = "<article class='md-content__inner'><h1>{0}</h1><p>{1}</p></article>"
    page = '<!doctype html><html lang="zh"><head><title>{0}</title></head><body>{1}</body></html>'
    pages = {
        "index.html": page.format("首页", article.format("首页", "营商环境 优化")),
        "huge/index.html": page.format("大页", article.format("大页", "督办事项 " * 400_000)),
        "broken/index.html": page.format("坏页", "<article><div <<<>>>\"'<script>营商 <p"),
        "no-article/index.html": "<html><body><h1>无正文</h1>营商</body></html>",
        "meta-outside/index.html": page.format(
            "元数据",
            '<span data-pagefind-meta="unit:财政局"></span>' + article.format("元", "营商"),
        ),
        "nested/index.html": page.format(
            "嵌套", article.format("外", article.format("内", "营商"))
        ),
        "lone/index.html": page.format("孤", article.format("孤", "a\ud800b 营商")),
    }
    for path, html in pages.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html.encode("utf-8", "xmlcharrefreplace"))
    (site / "bytes.html").write_bytes(
        b"<html lang='zh'><body><article>\xff\xfe \xe8\x90 </article>"
    )


def test_hostile_pages_index_as_the_command_line_does(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _hostile_site(site)
    streamed = tmp_path / "streamed"
    shutil.copytree(site, streamed)
    started = time.monotonic()
    index = StreamingIndex()
    assert index.start(), index.failure
    # as MkDocs hands them over: text (a lone surrogate stays one); the rest read from disk
    index.add("lone/index.html", (site / "lone/index.html").read_text("utf-8"))
    index.add("huge/index.html", (site / "huge/index.html").read_text("utf-8"))
    assert index.finish(streamed) == []
    assert time.monotonic() - started < 120
    assert len(index.fed) == 8
    assert decoded(streamed / BUNDLE) == decoded(cli_bundle(site, tmp_path))


def _real_binary() -> str:
    from pagefind.service import get_executable

    real = get_executable()
    assert real is not None
    return str(real)


def _fake_binary(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-pagefind"
    script.write_text(f'#!/bin/sh\nREAL="{_real_binary()}"\n{body}\n', "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


#: Pagefind's service given the first ``LIMIT`` bytes of what it is sent, then killed, and
#: this process ended; any other command runs the real binary.
DYING = """#!{python}
import os, subprocess, sys
REAL, LIMIT = {real!r}, {limit}
if sys.argv[1:] != ["--service"]:
    os.execv(REAL, [REAL, *sys.argv[1:]])
real = subprocess.Popen([REAL, "--service"], stdin=subprocess.PIPE)
left = LIMIT
while left > 0:
    chunk = os.read(0, min(left, 65536))
    if not chunk:
        break
    real.stdin.write(chunk)
    real.stdin.flush()
    left -= len(chunk)
real.kill()
sys.exit(1)
"""


def test_a_service_dying_mid_build_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service reads 200 kB (a few pages) and dies: the command line indexes the site."""
    fake = tmp_path / "dying-pagefind"
    fake.write_text(DYING.format(python=sys.executable, real=_real_binary(), limit=200_000))
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    spy = Spy()
    started = time.monotonic()
    site, problems = build_sample(tmp_path / "build", spy)
    assert time.monotonic() - started < 120
    assert spy.calls == 1
    assert not [p for p in problems if p.code == "site-search"], problems
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert decoded(site / BUNDLE) == decoded(cli_bundle(site, tmp_path))


def test_no_working_pagefind_publishes_without_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake_binary(tmp_path, "echo 'pagefind: broken' >&2\nexit 3")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    site, problems = build_sample(tmp_path / "build", Spy())
    warnings = [p for p in problems if p.code == "site-search"]
    assert len(warnings) == 1 and warnings[0].severity == "warning", problems
    assert "Pagefind" in warnings[0].message("zh")
    assert (site / "index.html").is_file()
    assert not (site / BUNDLE / "pagefind-ui.js").exists()


def test_a_service_that_hangs_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_binary(tmp_path, "exec sleep 600")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    started = time.monotonic()
    index = StreamingIndex(timeout=1)  # it never answers: any timeout is given up
    assert not index.start()
    index.add("index.html", "<html><article>营商</article></html>")  # dropped, at once
    site = tmp_path / "site"
    site.mkdir()
    problems = index.finish(site)
    assert [p.code for p in problems] == ["site-search"]
    assert "timed out" in problems[0].message("en")
    assert time.monotonic() - started < 30


def test_a_service_that_stops_answering_is_given_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It answers the new index, then reads pages without a word: ``add`` does not block."""
    body = 'if [ "$1" = "--service" ]; then head -c 400 | "$REAL" --service; exec sleep 600; fi'
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(_fake_binary(tmp_path, body)))
    index = StreamingIndex(in_flight=2, timeout=3)
    started = time.monotonic()
    if index.start():  # the first message fit in 400 bytes
        for n in range(10):
            index.add(f"p{n}/index.html", "<html><article>" + "营商 " * 1000 + "</article></html>")
    problems = index.finish(tmp_path)
    assert [p.code for p in problems] == ["site-search"]
    assert time.monotonic() - started < 60


def test_no_index_outside_duban_build() -> None:
    """The hooks feed only the index ``duban build`` opened (``mkdocs build`` by hand: none)."""
    assert search_stream.active() is None
    index = StreamingIndex()
    with search_stream.streaming(index):
        assert search_stream.active() is index
    assert search_stream.active() is None
    assert os.environ.get("PAGEFIND_BINARY_PATH") is None
