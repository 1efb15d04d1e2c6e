"""The search index in a process of its own, fed through pipes: :class:`PageFeed`.

The hooks of :mod:`duban.web.mkdocs_hooks` hand each page MkDocs writes to the index that
``duban build`` has open (:func:`duban.web.search_stream.active`). With :class:`PageFeed`, that
index (a :class:`~duban.web.search_stream.StreamingIndex`: Pagefind's service and the threads
that talk to it) lives in a process of its own (:mod:`duban.web.background`), fed through one
pipe per MkDocs process (MkDocs renders its pages in two: :mod:`duban.web.mkdocs_split`): the
processes that render pages only write each page to a pipe, and never share their
interpreter with the index's threads.
"""

from __future__ import annotations

import os
import select
import struct
import threading
import time
from pathlib import Path

from duban.problems import Problem
from duban.web.background import Job
from duban.web.search import search_warning
from duban.web.search_stream import SERVICE_TIMEOUT, StreamingIndex

#: A page on its way to the feeder: the byte lengths of its path and of its HTML, then both
#: (UTF-8; a lone surrogate MkDocs would write as a character reference passes as it is).
_FRAME = struct.Struct("!II")
#: The longest path and page a frame may announce (the largest page, a unit's list at 10,000
#: tasks, is 4 MB).
MAX_PATH, MAX_PAGE = 4096, 256 << 20


class PageFeed:
    """A :class:`StreamingIndex` in a process of its own, fed through ``writers`` pipes: each
    process that renders pages writes to its own (:meth:`keep`), :meth:`add` never waits
    longer than ``timeout`` for the pipe, and :meth:`finish` waits for the bundle. Nothing
    here raises: the first failure is kept and :meth:`finish` reports it (the caller then
    indexes the built site). Create it only where :func:`~duban.web.background.can_fork`."""

    def __init__(self, site: Path, writers: int = 2, timeout: float = SERVICE_TIMEOUT) -> None:
        self.failure = ""
        """Why the pages sent cannot be trusted to be indexed ("" while they can)."""
        self.sent = 0
        """How many pages this process sent."""
        self.piped = 0
        """How many pages the index got through the pipes (known once finished)."""
        self.read = 0
        """How many pages it read from the built site instead (``404.html``)."""
        self._timeout = timeout
        pipes = [os.pipe() for _ in range(writers)]
        self._writers: list[int | None] = [w for _, w in pipes]
        readers = [r for r, _ in pipes]
        self._job: Job[tuple[list[Problem] | None, int, int]] = Job(
            _index_pages, readers, [w for _, w in pipes], site, timeout
        )
        for fd in readers:
            os.close(fd)
        for _, fd in pipes:
            os.set_blocking(fd, False)
        self._fd: int | None = self._writers[0]  # until keep() says otherwise

    def keep(self, slot: int) -> None:
        """This process writes to pipe ``slot`` and closes the others' ends (after a fork,
        each process keeps its own)."""
        for n, fd in enumerate(self._writers):
            if fd is not None and n != slot:
                os.close(fd)
                self._writers[n] = None
        self._fd = self._writers[slot]

    def add(self, path: str, page: str) -> None:
        """Send ``page`` (the HTML of ``path``, relative to the site) to the index."""
        if self._fd is None or self.failure:
            return
        head, body = path.encode("utf-8", "surrogatepass"), page.encode("utf-8", "surrogatepass")
        try:
            self._send(_FRAME.pack(len(head), len(body)) + head + body)
            self.sent += 1
        except (OSError, TimeoutError) as exc:
            self.failure = f"the search index stopped taking pages: {exc}"[:500]
            self.close()

    def _send(self, data: bytes) -> None:
        fd, view = self._fd, memoryview(data)
        deadline = time.monotonic() + self._timeout
        while view and fd is not None:
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no room in the pipe") from None
                select.select([], [fd], [], min(left, 1.0))

    def close(self) -> None:
        """Close this process's pipe: the feeder takes it as the end of its pages."""
        for n, fd in enumerate(self._writers):
            if fd is not None:
                os.close(fd)
                self._writers[n] = None
        self._fd = None

    def finish(self) -> list[Problem] | None:
        """Once every process that renders pages closed its pipe: the bundle written into
        the site, and ``[]``; a ``site-search`` warning when anything failed; None when no
        page came (there is nothing of this index to trust)."""
        self.close()
        try:
            problems, self.piped, self.read = self._job.result()
        except Exception as exc:  # the feeder died: the caller indexes the built site
            return [search_warning(str(exc), str(exc))]
        if self.failure:
            return [search_warning(self.failure, self.failure)]
        return problems

    def __enter__(self) -> PageFeed:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
        self._job.close()


def _index_pages(
    readers: list[int], writers: list[int], site: Path, timeout: float
) -> tuple[list[Problem] | None, int, int]:
    """The feeder process: every page of every pipe to a :class:`StreamingIndex`, then its
    bundle in ``site`` (None when no page came); how many pages came through the pipes, and
    how many were read from the site."""
    for fd in writers:  # this process's copies: the pipes end when the renderers close theirs
        os.close(fd)
    index = StreamingIndex(timeout=timeout)
    started = index.start()
    threads = [
        threading.Thread(target=_read_pages, args=(fd, index), daemon=True) for fd in readers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    piped = len(index.fed)
    if started and not piped:
        index.close()
        return None, 0, 0
    problems = index.finish(site)
    return problems, piped, len(index.fed) - piped


def _read_pages(fd: int, index: StreamingIndex) -> None:
    """Frames from ``fd`` to ``index`` until the pipe ends; after a failure the rest is read
    and dropped (``add`` then returns at once), so no writer waits on a dead index."""
    with os.fdopen(fd, "rb") as pipe:
        while head := pipe.read(_FRAME.size):
            if len(head) < _FRAME.size:
                index.add_failure("a page was cut short")
                return
            path_size, page_size = _FRAME.unpack(head)
            if path_size > MAX_PATH or page_size > MAX_PAGE:
                index.add_failure(f"a page announced as {page_size} bytes")
                return
            path, page = pipe.read(path_size), pipe.read(page_size)
            if len(path) < path_size or len(page) < page_size:
                index.add_failure("a page was cut short")
                return
            index.add(path.decode("utf-8", "surrogatepass"), page.decode("utf-8", "surrogatepass"))


__all__ = ["MAX_PAGE", "MAX_PATH", "PageFeed"]
