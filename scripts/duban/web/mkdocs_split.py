"""MkDocs' pages rendered by two processes at once: an optional speed-up of ``duban build``
with the same site (a test compares every file).

MkDocs renders one page after another in one process; at 10,000 task pages that is most of
the build, and the second core has little to do. So the speed-up hooks
(:mod:`duban.web.mkdocs_hooks`) fork the MkDocs process once its navigation is known
(``on_nav``), and each process renders every other page, exactly as the whole build would
(the navigation, the site's files and every setting were read before the fork):

- every page is read in both; a page outside the navigation (a task page, a unit page) is
  converted from Markdown only by the process that renders it, the other leaving it empty and
  its anchors unknown (``present_anchor_ids = None``: MkDocs then checks no link to them; a
  page in the navigation is converted by both, as the theme shows its title everywhere);
- a page the process does not render gets the template :data:`SKIP_TEMPLATE`, which writes
  nothing (MkDocs writes no empty page); the child writes no theme template (``404.html``,
  the sitemap); both copy the static files, the same bytes;
- the child's warnings are sent to the parent, which logs those it did not log itself, so
  they are reported (and count for ``--strict``) once; then the child ends without running
  anything else. The parent waits for it in ``on_post_build``.

Anything wrong with the child (an error in one of its pages, a crash) makes
:meth:`Split.join` raise :class:`SplitFailed`, and :func:`duban.web.mkdocs_run.mkdocs_build`
builds the site again in one process, with the error where MkDocs reports it.

Forking needs Linux, a process without threads and two cores; otherwise the build is whole.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, NoReturn, Protocol

from duban.web.background import can_fork

#: The template of a page this process does not render: it renders to nothing.
SKIP_TEMPLATE = "duban-skip.html"
#: The largest report a child may send (its warnings).
MAX_REPORT = 64 << 20
#: How long the parent waits for the child once its own pages are done (a 10,000-task site
#: takes about a minute).
JOIN_TIMEOUT = 3600


class SplitFailed(RuntimeError):
    """The child process did not render its pages: build the site in one process."""


class Feed(Protocol):
    """What the split needs of the search feed (:class:`duban.web.search_stream.PageFeed`)."""

    def keep(self, slot: int) -> None: ...


class _Capture(logging.Handler):
    def __init__(self, records: list[tuple[int, str]]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def _fork() -> int:
    return os.fork()


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Split:
    """One ``mkdocs build`` shared by a parent and a forked child (the module's docstring);
    ``role`` is ``"whole"`` until :meth:`fork` succeeds."""

    def __init__(self, feed: Feed | None = None) -> None:
        self.role: Literal["whole", "parent", "child"] = "whole"
        self._feed = feed
        self._mine = 0  # 0: the parent's pages, 1: the child's
        self._owner: dict[str, int] = {}  # page (src_uri) -> who renders it
        self._in_nav: set[str] = set()
        self._records: list[tuple[int, str]] = []  # warnings logged since the fork
        self._handler: _Capture | None = None
        self._pid = 0
        self._pipe = -1
        self._saved: tuple[list[logging.Handler], bool] | None = None

    def fork(self, pages: list[str], in_nav: set[str]) -> None:
        """Fork (``pages``: the source of every page, in MkDocs' order) when it can help."""
        if self.role != "whole" or len(pages) < 2 or cores() < 2 or not can_fork():
            return
        self._owner = {page: n % 2 for n, page in enumerate(pages)}
        self._in_nav = set(in_nav)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            read, write = os.pipe()
        except OSError:  # no file descriptors left: the build stays whole
            return
        try:
            pid = _fork()
        except OSError:  # no memory or process left for a child: the build stays whole
            os.close(read)
            os.close(write)
            return
        logger = logging.getLogger("mkdocs")
        if pid == 0:  # the child: its warnings are the parent's to report
            os.close(read)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's
            self.role, self._mine, self._pipe = "child", 1, write
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = False
        else:
            os.close(write)
            self.role, self._pid, self._pipe = "parent", pid, read
        self._handler = _Capture(self._records)
        logger.addHandler(self._handler)
        if self._feed is not None:
            self._feed.keep(self._mine)

    @property
    def owners(self) -> dict[str, int]:
        """Who renders each page: 0 the parent, 1 the child (empty while whole)."""
        return dict(self._owner)

    def renders(self, page: str) -> bool:
        """Whether this process writes ``page``."""
        return self.role == "whole" or self._owner.get(page, 0) == self._mine

    def converts(self, page: str) -> bool:
        """Whether this process converts ``page`` from Markdown."""
        return self.renders(page) or page in self._in_nav

    def child_exit(self, error: str = "") -> NoReturn:
        """The child's end: its warnings (or its error) to the parent, and nothing else run."""
        report = json.dumps({"error": error, "records": self._records}, ensure_ascii=False)
        code = 1 if error else 0
        try:
            data = memoryview(report.encode("utf-8", "surrogatepass"))
            while data:
                data = data[os.write(self._pipe, data) :]
        except OSError:
            code = 1
        finally:
            os._exit(code)

    def join(self) -> None:
        """The parent, once its own pages are written: wait for the child (at most
        :data:`JOIN_TIMEOUT` seconds); log its warnings that this process did not log;
        :class:`SplitFailed` when it did not finish."""
        if self.role != "parent":
            return
        chunks, size, ended = [], 0, False
        deadline = time.monotonic() + JOIN_TIMEOUT
        with os.fdopen(self._pipe, "rb", buffering=0) as pipe:
            while size <= MAX_REPORT:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([pipe], [], [], left)[0]:
                    break
                chunk = pipe.read(1 << 16)
                if not chunk:  # the child closed it: it is ending
                    ended = True
                    break
                chunks.append(chunk)
                size += len(chunk)
        if not ended:  # no report in time, or too long a one: it is stopped
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        self._pid = 0
        self._stop_capture()
        if not ended:
            raise SplitFailed("the child process did not finish in time")
        try:
            report = json.loads(b"".join(chunks).decode("utf-8", "surrogatepass"))
            error, records = report["error"], [(int(lv), str(m)) for lv, m in report["records"]]
        except (ValueError, KeyError, TypeError):
            error, records = "no report from the child process", []
        if error:
            raise SplitFailed(error)
        logged = {message for _, message in self._records}
        logger = logging.getLogger("mkdocs.duban")
        for level, message in records:
            if message not in logged:
                logger.log(level, message)

    def abandon(self) -> None:
        """The parent, when its build failed: stop the child (no output of it is used)."""
        if self.role == "parent" and self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = 0
            os.close(self._pipe)
        self._stop_capture()

    def _stop_capture(self) -> None:
        if self._handler is not None:
            logging.getLogger("mkdocs").removeHandler(self._handler)
            self._handler = None


_active: Split | None = None


@contextmanager
def splitting(split: Split | None) -> Iterator[Split | None]:
    """While the block runs, :func:`active` is ``split`` (the hooks use it); a child that
    leaves the block by any way but :meth:`Split.child_exit` ends there, so it can never
    run the rest of the parent's program."""
    global _active
    _active = split
    try:
        yield split
    finally:
        _active = None
        if split is not None and split.role == "child":
            os._exit(1)
        if split is not None:
            split.abandon()


def active() -> Split | None:
    """The split the hooks follow (:func:`splitting`), if any."""
    return _active


def skip_loader(env: Any) -> None:
    """Give the theme's Jinja environment :data:`SKIP_TEMPLATE` (an empty template)."""
    import jinja2

    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({SKIP_TEMPLATE: ""}), env.loader])


__all__ = ["SKIP_TEMPLATE", "Split", "SplitFailed", "active", "cores", "skip_loader", "splitting"]
