"""The search index in a process of its own (``duban.web.search_feed.PageFeed``): pages sent
through its pipes from two processes are indexed as the command line indexes them; a feeder
that dies, or a pipe that fills, never makes a sender raise or hang: the failure is kept and
reported, and the build then indexes the built site.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from duban.web.background import can_fork
from duban.web.search_feed import PageFeed
from test_site_search_stream import cli_bundle, decoded

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the feeder forks (Linux)")

PAGE = (
    '<!doctype html><html lang="zh"><head><title>{0}</title></head><body>'
    '<article class="md-content__inner"><h1 id="t">{0}</h1><p>{1}</p></article></body></html>'
)


def _site(site: Path, pages: int) -> dict[str, str]:
    made = {}
    for n in range(pages):
        rel = f"tasks/T-{n}/index.html"
        made[rel] = PAGE.format(f"任务{n} 营商环境", f"污水处理 第{n}项 同意延期 \ud800")
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(made[rel].encode("utf-8", "xmlcharrefreplace"))
    return made


def test_two_senders_make_the_command_line_s_index(tmp_path: Path) -> None:
    assert can_fork()
    site = tmp_path / "site"
    pages = _site(site, 40)
    with PageFeed(site) as feed:
        pid = os.fork()
        if pid == 0:  # a second renderer: every other page, through its own pipe
            feed.keep(1)
            for n, (rel, html) in enumerate(pages.items()):
                if n % 2:
                    feed.add(rel, html)
            os._exit(0 if feed.sent == 20 and not feed.failure else 1)
        for n, (rel, html) in enumerate(pages.items()):
            if not n % 2:
                feed.add(rel, html)
        assert os.waitpid(pid, 0)[1] == 0
        assert feed.sent == 20
        assert feed.finish() == []
    assert decoded(site / "pagefind") == decoded(cli_bundle(site, tmp_path))


def test_nothing_sent_is_none(tmp_path: Path) -> None:
    with PageFeed(tmp_path) as feed:
        assert feed.finish() is None  # no page came: the caller indexes the built site


def test_a_feeder_that_dies_is_reported_and_never_blocks(tmp_path: Path) -> None:
    site = tmp_path / "site"
    pages = _site(site, 3)
    big = PAGE.format("大页", "督办事项 " * 200_000)  # far more than a pipe holds
    with PageFeed(site, timeout=5) as feed:
        job = feed._job._proc  # the feeder process
        os.kill(job.pid, signal.SIGKILL)
        job.join()
        started = time.monotonic()
        for rel, html in pages.items():
            feed.add(rel, html)
        feed.add("big/index.html", big)
        assert time.monotonic() - started < 10
        assert feed.failure
        problems = feed.finish()
    assert problems is not None and [p.code for p in problems] == ["site-search"]
    assert not (site / "pagefind").exists()


def test_a_pipe_nobody_reads_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feeder stuck (here: stopped): a page that does not fit waits at most the timeout."""
    site = tmp_path / "site"
    site.mkdir()
    with PageFeed(site, timeout=2) as feed:
        job = feed._job._proc
        os.kill(job.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            feed.add("big/index.html", PAGE.format("大页", "督办事项 " * 200_000))
            assert 1.5 < time.monotonic() - started < 15
            assert "stopped taking pages" in feed.failure
            feed.add("more/index.html", PAGE.format("又一页", "营商"))  # dropped at once
            assert feed.sent == 0
        finally:
            os.kill(job.pid, signal.SIGKILL)
    shutil.rmtree(site)
