"""Run a job in a forked child process while this process goes on with other work.

The site build has two jobs that need nothing from the stages running beside them: the audit
trails (reading the Git history) while the pages are prepared, and the iCalendar feeds while
MkDocs runs. With two cores, that takes both off the critical path. A forked child shares the
parent's memory (copy-on-write), so the ledger is not copied or pickled; only the job's result
comes back, pickled through a pipe.

Where forking is not safe the job simply runs inline, with the same result: on systems other
than Linux (no ``fork``, or ``fork`` discouraged as on macOS), and in a process that already
runs other threads (``duban serve`` serves the site from a thread while it rebuilds).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


class ChildFailed(RuntimeError):
    """The child process ended without sending a result (killed, or out of memory)."""


class Job(Generic[T]):
    """``fn(*args)``, started now; :meth:`result` waits for its value or raises its error.

    With ``inbox``, ``fn`` gets one more argument: a function that waits for what this
    process hands over later with :meth:`send` (None if it never does), so the job can start
    before all it needs is known. Where the job runs inline, it runs at :meth:`send`.

    Use it as a context manager: on leaving, a child whose result was never asked for (the
    build failed meanwhile) is stopped.
    """

    def __init__(self, fn: Callable[..., T], *args: Any, inbox: bool = False) -> None:
        self._value: tuple[bool, Any] | None = None
        self._proc: Any = None
        self._later: tuple[Callable[..., T], tuple[Any, ...]] | None = None
        self._outbox: Connection | None = None
        if not can_fork():
            if inbox:
                self._later = (fn, args)
            else:
                self._value = _call(fn, args)
            return
        ctx = multiprocessing.get_context("fork")
        self._conn, child_end = ctx.Pipe(duplex=False)
        child_in: Connection | None = None
        if inbox:
            child_in, self._outbox = ctx.Pipe(duplex=False)
        job = (child_end, fn, args, child_in, self._outbox)
        self._proc = ctx.Process(target=_child, args=job, daemon=True)
        self._proc.start()
        child_end.close()
        if child_in is not None:
            child_in.close()

    def send(self, value: Any) -> None:
        """Hand ``value`` to the job's inbox (once)."""
        if self._later is not None:
            fn, args = self._later
            self._later = None
            self._value = _call(fn, (*args, lambda: value))
        elif self._outbox is not None:
            outbox, self._outbox = self._outbox, None
            try:
                outbox.send(value)
            except (OSError, ValueError):  # the child is gone: result() says why
                pass
            finally:
                outbox.close()

    def __enter__(self) -> Job[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close_inbox(self) -> None:
        """Send nothing after all: the job's inbox reads None."""
        if self._later is not None:
            self.send(None)
        self._drop_outbox()

    def _drop_outbox(self) -> None:
        if self._outbox is not None:
            self._outbox.close()
            self._outbox = None

    def close(self) -> None:
        self._drop_outbox()
        if self._proc is not None and self._value is None:
            self._proc.terminate()
            self._proc.join()
            self._conn.close()
            self._value = (False, ChildFailed("background job stopped"))

    @property
    def forked(self) -> bool:
        return self._proc is not None

    def result(self) -> T:
        if self._later is not None:  # inline, and nothing was sent
            self.send(None)
        if self._value is None:
            try:
                self._value = self._conn.recv()  # before join: a big result fills the pipe
            except EOFError:
                self._proc.join()
                code = self._proc.exitcode
                raise ChildFailed(f"background job ended without a result (exit {code})") from None
            finally:
                self._conn.close()
            self._proc.join()
        ok, value = self._value
        if ok:
            return value  # type: ignore[no-any-return]
        raise value


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
    try:
        return True, fn(*args)
    except Exception as exc:  # handed to whoever asks for the result
        return False, exc


def _child(
    conn: Connection,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    inbox: Connection | None = None,
    outbox: Connection | None = None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if inbox is not None:
        if outbox is not None:
            outbox.close()  # this process's copy of the parent's end: EOF if the parent goes

        def receive() -> Any:
            try:
                return inbox.recv()
            except (EOFError, OSError):
                return None

        args = (*args, receive)
    ok, value = _call(fn, args)
    if not ok:  # keep the child's traceback: the parent re-raises the exception
        text = "".join(traceback.format_exception(value))
        value.add_note(f"Raised in a background process:\n{text}")
    try:
        conn.send((ok, value))
    except Exception as exc:  # a result or error that cannot be pickled
        conn.send((False, ChildFailed(f"background job result could not be sent: {exc!r}")))
    finally:
        conn.close()


__all__ = ["ChildFailed", "Job", "can_fork"]
