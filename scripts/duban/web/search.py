"""Search: Pagefind's chunked index over the built HTML, and the page with its search box.

Material's search plugin writes one ``search/search_index.json`` that every page downloads
before the first result (about 8 MB at 10,000 tasks). Pagefind (PyPI ``pagefind[extended]``:
the extended build segments Chinese) indexes the built pages of any engine into small
fragments and a word index split into chunks; a query fetches the entry file, the chunk of
its words and the fragments of the results it shows (benchmarks/bench_search.py measures
it). Everything is served from the site itself (``pagefind/``): no CDN, and every path is
relative to the script, so the site works under a sub-path.

What is indexed is the page's ``<article>`` (the theme's header, navigation and footer stay
out), less what the pages mark ``data-search-exclude``, the timeline and every table but a
task's 办理记录 (its events: 同意延期 finds the tasks extended); so a task is found on its own
page by its title, lead paragraph and events, not by its fields, milestones or trail, nor on
the lists' rows.

Chinese is segmented twice, differently: the indexer with a dictionary (营商环境 as 营商 +
环境), the browser's query with ``Intl.Segmenter`` (营 + 商 + 环境), and every query word must
start a word of the page. So the pages are indexed from a copy in which each page's title is
also given character by character, with a small weight: a query word the browser splits off
as one character still finds its page, and the published pages are left as built.

Two ways to the same index: :func:`index_site` runs Pagefind's command line over a copy of
the built site; :class:`StreamingIndex` (what ``duban build`` uses with the MkDocs engine)
feeds Pagefind's service each page as MkDocs renders it (the ``on_post_page`` hook of
:mod:`duban.web.mkdocs_hooks`), so Pagefind indexes on the other core while MkDocs builds,
and only writing the bundle is left when MkDocs is done. Any failure of the streaming path
makes the build fall back to :func:`index_site`.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty, Queue
from typing import IO, Any

from duban.problems import Problem
from duban.source import Location
from duban.text import Text
from duban.web.links import Links

#: Where the bundle goes, relative to the site.
BUNDLE = "pagefind"
ROOT_SELECTOR = "article"
EXCLUDE_SELECTORS = "[data-search-exclude], .duban-timeline, .headerlink, .md-source-file"
#: Parts of Pagefind's bundle the search page does not use (other UIs), left out of the site.
UNUSED = ("pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
#: How long indexing may take (about a minute per 10,000 pages on one core).
TIMEOUT = 1800


def search_page(links: Links) -> str:
    """``search.md``: Pagefind's search box, its script and style from the site's own
    ``pagefind/``; ``?q=`` in the address runs that query (a link or a bookmark)."""
    links.here = "search.md"
    bundle = links.file_url(f"{BUNDLE}/")
    return f"""---
title: 搜索
---

# 搜索

<link rel="stylesheet" href="{bundle}pagefind-ui.css">
<div id="duban-search" data-pagefind-ignore="all"></div>
<noscript><p>搜索需要启用浏览器的 JavaScript；
也可以从“责任单位”“逾期事项”等栏目查找任务。</p></noscript>
<script src="{bundle}pagefind-ui.js"></script>
<script>
window.addEventListener("DOMContentLoaded", function () {{
  var ui = new PagefindUI({{element: "#duban-search", showSubResults: false,
    showImages: false, resetStyles: false, autofocus: true}});
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) {{ ui.triggerSearch(q); }}
}});
</script>
"""


_TITLE = re.compile(r"<title>([^<]*)</title>")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ARTICLE_END = "</article>"
_TABLE = re.compile(r"<table\b")
_EVENTS_TABLE = re.compile(r'(id="events"[^>]*>[^<]*</h2>\s*)<table data-pagefind-ignore')


def _for_index(page: str) -> str:
    """``page`` as indexed: its tables ignored but the events', and its title's Chinese
    characters, one by one, at the end of its ``<article>`` (weighted low, so a page is not
    ranked up by them)."""
    page = _TABLE.sub("<table data-pagefind-ignore", page)
    page = _EVENTS_TABLE.sub(r"\1<table", page)
    title = _TITLE.search(page)
    end = page.rfind(_ARTICLE_END)
    if title is None or end < 0:
        return page
    chars = " ".join(dict.fromkeys(_HAN.findall(html.unescape(title.group(1)))))
    if not chars:
        return page
    extra = f'<p data-pagefind-weight="0.2" hidden>{chars}</p>'
    return page[:end] + extra + page[end:]


def _index_copy(site: Path, copy: Path) -> None:
    """The HTML pages of ``site`` in ``copy``, as :func:`_for_index` gives them."""
    for page in site.rglob("*.html"):
        if page.is_symlink() or not page.is_file():
            continue
        target = copy / page.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_for_index(page.read_text("utf-8", errors="replace")), "utf-8")


def index_site(site: Path) -> list[Problem]:
    """Index the built ``site`` into ``site/pagefind/`` with Pagefind's own binary (the PyPI
    package ``pagefind[extended]`` ships it); a ``site-search`` warning when it cannot run:
    the site is published without a working search box rather than not at all."""
    with tempfile.TemporaryDirectory(prefix="duban-search-") as tmp:
        copy = Path(tmp) / "site"
        _index_copy(site, copy)
        return _run_pagefind(copy, site / BUNDLE)


def _run_pagefind(copy: Path, bundle: Path) -> list[Problem]:
    shutil.rmtree(bundle, ignore_errors=True)
    args = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(copy),
        "--output-path",
        str(bundle),
        "--root-selector",
        ROOT_SELECTOR,
        "--exclude-selectors",
        EXCLUDE_SELECTORS,
        "--silent",
    ]
    try:
        run = subprocess.run(
            args, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [_warning(str(exc), str(exc))]
    if run.returncode != 0 or not (bundle / "pagefind-ui.js").is_file():
        tail = " ".join((run.stderr or run.stdout).strip().splitlines()[-3:])[:500]
        return [_warning(tail, tail)]
    _drop_unused(bundle)
    return []


def _drop_unused(bundle: Path) -> None:
    for path in bundle.iterdir():
        if path.name.startswith(UNUSED):
            path.unlink()


def _warning(zh: str, en: str) -> Problem:
    return Problem(
        "site-search",
        Location(BUNDLE),
        Text(
            f"无法生成搜索索引（Pagefind）：{zh}；网站已生成，但搜索不可用，"
            "请确认已安装 pagefind[extended]（pip install 'pagefind[extended]'）",
            f"cannot build the search index (Pagefind): {en}; the site was built without"
            " search: check that pagefind[extended] is installed",
        ),
        severity="warning",
    )


_HTML_TAG = re.compile(r"<html\b[^>]*>")
_ARTICLE_START = "<article"


def _trimmed(page: str) -> str:
    """What Pagefind needs of a page (its language, title and ``<article>``), or the page as
    it is when anything else could matter (no article, a ``data-pagefind`` attribute
    outside it)."""
    start, end = page.find(_ARTICLE_START), page.rfind(_ARTICLE_END)
    tag, title = _HTML_TAG.search(page, 0, max(start, 0)), _TITLE.search(page, 0, max(start, 0))
    if start < 0 or end < start or tag is None or title is None:
        return page
    end += len(_ARTICLE_END)
    if "data-pagefind" in page[:start] or "data-pagefind" in page[end:]:
        return page
    head = f'<head><meta charset="utf-8">{title.group(0)}</head>'
    return f"<!doctype html>{tag.group(0)}{head}<body>{page[start:end]}</body></html>"


#: Pages sent to the service and not yet answered, at most (bounds the memory).
IN_FLIGHT = 32
#: How long the service may take to take a page, or to answer once everything is sent.
SERVICE_TIMEOUT = 300


class StreamingIndex:
    """Pagefind's service (``pagefind --service``, the binary of the PyPI package) fed page by
    page: :meth:`add` queues a page and returns (at most :data:`IN_FLIGHT` pages wait for
    their answer), :meth:`finish` writes the bundle. It never raises and never waits without
    a limit: the first failure (the service missing, dying, refusing a page, too slow) is
    kept, later pages are dropped, and :meth:`finish` reports it (the caller then runs
    :func:`index_site`).

    The protocol is the one of the ``pagefind`` Python package (base64 JSON messages, each
    ending with a comma); its own client polls the service once per answer every 0.1 s
    (1,000 s for 10,000 pages), hence this one: a thread writes, a thread reads."""

    def __init__(self, in_flight: int = IN_FLIGHT, timeout: float = SERVICE_TIMEOUT) -> None:
        self.fed: set[str] = set()
        """The pages added (paths relative to the site)."""
        self.failure = ""
        """Why the index cannot be trusted ("" while it can)."""
        self._timeout = timeout
        self._slots = threading.BoundedSemaphore(in_flight)
        self._lock = threading.Condition()
        self._pending: dict[int, str] = {}  # message id: the page (or "" for a command)
        self._answers: dict[int, dict[str, Any]] = {}
        self._last_id = 0
        self._outbox: Queue[bytes | None] = Queue()
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._index_id: int | None = None
        self._closing = False

    def start(self) -> bool:
        """Launch the service and create the index; False (and :attr:`failure`) if not."""
        try:
            from pagefind.service import get_executable

            binary = get_executable()
            if binary is None:
                return self._fail("no Pagefind binary")
            # the service's messages, for the warning; open as long as it runs (close())
            self._log = tempfile.TemporaryFile(prefix="duban-pagefind-")  # noqa: SIM115
            self._proc = subprocess.Popen(
                [str(binary), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
                cwd=tempfile.gettempdir(),
            )
        except (ImportError, OSError) as exc:
            return self._fail(str(exc))
        threading.Thread(target=self._read, name="pagefind-read", daemon=True).start()
        threading.Thread(target=self._write, name="pagefind-write", daemon=True).start()
        config = {
            "root_selector": ROOT_SELECTOR,
            "exclude_selectors": [s.strip() for s in EXCLUDE_SELECTORS.split(",")],
        }
        answer = self._command({"type": "NewIndex", "config": config})
        if answer is None or not isinstance(answer.get("index_id"), int):
            return self._fail(self.failure or f"unexpected answer {answer!r:.200}")
        self._index_id = answer["index_id"]
        return True

    def add(self, path: str, page: str) -> None:
        """Queue ``page`` (the HTML of ``path``, relative to the site) for the index."""
        if self._index_id is None or self.failure:
            return
        if path in self.fed:  # written twice: the file on disk is the last one
            self._fail(f"{path} given twice")
            return
        self.fed.add(path)
        deadline = time.monotonic() + self._timeout
        while not self._slots.acquire(timeout=1):
            if self.failure:
                return
            if time.monotonic() > deadline:
                self._fail("the Pagefind service takes no more pages")
                return
        content = _for_index(_trimmed(page))
        payload = {
            "type": "AddFile",
            "index_id": self._index_id,
            "file_path": path,
            "url": None,
            "file_contents": content,
        }
        self._send(payload, path)

    def add_missing(self, site: Path) -> None:
        """Add the HTML files of ``site`` not given to :meth:`add` (as :func:`index_site`
        reads them), such as MkDocs' ``404.html``."""
        for page in sorted(site.rglob("*.html")):
            path = page.relative_to(site).as_posix()
            if self.failure:
                return
            if path in self.fed or page.is_symlink() or not page.is_file():
                continue
            try:
                self.add(path, page.read_text("utf-8", errors="replace"))
            except OSError as exc:
                self._fail(str(exc))

    def finish(self, site: Path) -> list[Problem]:
        """The pages of ``site`` not yet added, then the bundle in ``site/pagefind`` (its
        unused parts removed); a ``site-search`` warning when anything failed."""
        try:
            self.add_missing(site)
            bundle = site / BUNDLE
            shutil.rmtree(bundle, ignore_errors=True)
            if not self.failure and self._index_id is not None:
                command = {"type": "WriteFiles", "index_id": self._index_id}
                answer = self._command({**command, "output_path": str(bundle.resolve())})
                if answer is not None and not (bundle / "pagefind-ui.js").is_file():
                    self._fail(f"no bundle written: {answer!r:.200}")
            if not self.failure:
                _drop_unused(bundle)
        except OSError as exc:
            self._fail(str(exc))
        finally:
            self.close()
        if not self.failure and self._index_id is None:
            self.failure = "not started"
        return [_warning(self.failure, self.failure)] if self.failure else []

    def close(self) -> None:
        """Stop the service (at once when it does not stop on its own)."""
        self._closing = True
        self._outbox.put(None)
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _fail(self, reason: str) -> bool:
        with self._lock:
            if not self.failure:
                self.failure = reason[:500] or "the Pagefind service failed"
            self._lock.notify_all()
        return False

    def _send(self, payload: dict[str, Any], page: str) -> int:
        with self._lock:
            self._last_id += 1
            message_id = self._last_id
            self._pending[message_id] = page
        message = {"message_id": message_id, "payload": payload}
        raw = json.dumps(message, ensure_ascii=False).encode("utf-8", "xmlcharrefreplace")
        self._outbox.put(base64.b64encode(raw) + b",")
        return message_id

    def _command(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Send ``payload`` once every page is answered; its answer, None on failure."""
        deadline = time.monotonic() + self._timeout
        with self._lock:
            while self._pending and not self.failure:
                if not self._lock.wait(timeout=max(0.0, deadline - time.monotonic())):
                    self.failure = self.failure or "timed out waiting for the Pagefind service"
        if self.failure:
            return None
        message_id = self._send(payload, "")
        with self._lock:
            while message_id not in self._answers and not self.failure:
                if not self._lock.wait(timeout=max(0.0, deadline - time.monotonic())):
                    self.failure = self.failure or "timed out waiting for the Pagefind service"
            return self._answers.pop(message_id, None)

    def _write(self) -> None:
        proc = self._proc
        while proc is not None and proc.stdin is not None:
            try:
                message = self._outbox.get(timeout=1)
            except Empty:
                if self._proc is None:
                    return
                continue
            if message is None:
                return
            try:
                proc.stdin.write(message)
                proc.stdin.flush()
            except (OSError, ValueError) as exc:
                self._fail(f"the Pagefind service stopped reading: {exc}")
                return

    def _read(self) -> None:
        proc = self._proc
        if proc is None or proc.stdout is None:
            return
        buffer = b""
        while True:
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            for message in messages:
                self._answer(message)
        if not self._closing:
            self._fail(f"the Pagefind service ended{self._log_tail()}")

    def _answer(self, message: bytes) -> None:
        try:
            answer = json.loads(base64.b64decode(message))
            message_id, payload = answer.get("message_id"), answer["payload"]
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self._fail(f"unreadable answer from the Pagefind service: {exc}")
            return
        if not isinstance(payload, dict) or not isinstance(message_id, int):
            self._fail(f"the Pagefind service failed: {payload!r:.300}")
            return
        with self._lock:
            page = self._pending.pop(message_id, None)
            if payload.get("type") == "Error":
                where = f" ({page})" if page else ""
                self.failure = self.failure or f"{payload.get('message')!r:.300}{where}"
            elif page == "":
                self._answers[message_id] = payload
            self._lock.notify_all()
        if page:
            self._slots.release()

    def _log_tail(self) -> str:
        log = self._log
        if log is None:
            return ""
        try:
            log.seek(0)
            tail = " ".join(log.read()[-2000:].decode("utf-8", "replace").split()[-40:])
        except (OSError, ValueError):
            return ""
        return f": {tail}" if tail else ""


_active: StreamingIndex | None = None


@contextmanager
def streaming(index: StreamingIndex | None) -> Iterator[StreamingIndex | None]:
    """While the block runs, :func:`active` is ``index`` (MkDocs' hooks feed it)."""
    global _active
    _active = index
    try:
        yield index
    finally:
        _active = None


def active() -> StreamingIndex | None:
    """The index the pages MkDocs renders go to (:func:`streaming`), if any."""
    return _active


__all__ = ["BUNDLE", "StreamingIndex", "active", "index_site", "search_page", "streaming"]
