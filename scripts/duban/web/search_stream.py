"""The search index fed page by page while MkDocs builds: Pagefind's service (``pagefind
--service``) is given each page as MkDocs renders it (the ``on_post_page`` hook of
:mod:`duban.web.mkdocs_hooks`), so Pagefind indexes beside MkDocs and only writing the
bundle is left when MkDocs is done. The index is the one :func:`duban.web.search.index_site`
makes over the built site (a test compares them decoded); any failure here makes the build
fall back to it.

:class:`StreamingIndex` talks to the service; :class:`duban.web.search_feed.PageFeed` runs it
in a process of its own, fed through one pipe per MkDocs process."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty, Queue
from typing import IO, Any, Protocol

from duban.problems import Problem
from duban.web.search import (
    ARTICLE_END,
    BUNDLE,
    EXCLUDE_SELECTORS,
    ROOT_SELECTOR,
    TITLE_TAG,
    drop_unused,
    for_index,
    search_warning,
)

_HTML_TAG = re.compile(r"<html\b[^>]*>")
_ARTICLE_START = "<article"


def _trimmed(page: str) -> str:
    """What Pagefind needs of a page (its language, title and ``<article>``), or the page as
    it is when anything else could matter (no article, a ``data-pagefind`` attribute
    outside it)."""
    start, end = page.find(_ARTICLE_START), page.rfind(ARTICLE_END)
    tag, title = _HTML_TAG.search(page, 0, max(start, 0)), TITLE_TAG.search(page, 0, max(start, 0))
    if start < 0 or end < start or tag is None or title is None:
        return page
    end += len(ARTICLE_END)
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
        content = for_index(_trimmed(page))
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
                drop_unused(bundle)
        except OSError as exc:
            self._fail(str(exc))
        finally:
            self.close()
        if not self.failure and self._index_id is None:
            self.failure = "not started"
        return [search_warning(self.failure, self.failure)] if self.failure else []

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

    def add_failure(self, reason: str) -> None:
        """Distrust the index (what fed it failed): later pages are dropped, and
        :meth:`finish` reports ``reason``."""
        self._fail(reason)

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


class Feeding(Protocol):
    """What the hooks feed: an index in this process (:class:`StreamingIndex`), or the pipe to
    one in its own (:class:`duban.web.search_feed.PageFeed`)."""

    def add(self, path: str, page: str) -> None: ...


_active: Feeding | None = None


@contextmanager
def streaming(index: Feeding | None) -> Iterator[Feeding | None]:
    """While the block runs, :func:`active` is ``index`` (MkDocs' hooks feed it)."""
    global _active
    _active = index
    try:
        yield index
    finally:
        _active = None


def active() -> Feeding | None:
    """The index the pages MkDocs renders go to (:func:`streaming`), if any."""
    return _active


__all__ = ["Feeding", "StreamingIndex", "active", "streaming"]
