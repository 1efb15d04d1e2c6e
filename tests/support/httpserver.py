"""Local HTTP servers for the tests of what duban sends over HTTP (the forges' REST APIs, the
chat robots): a real ``http.server`` on a free port of 127.0.0.1, served from a thread, shut
down and closed however the test ends; and the small ledger the reminders are tested on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

from support.ledger import make_ledger
from support.tasks import write_task

S = TypeVar("S", bound=ThreadingHTTPServer)


@contextmanager
def local_server(
    handler: type[BaseHTTPRequestHandler],
    server: type[S] = ThreadingHTTPServer,  # type: ignore[assignment]
) -> Iterator[S]:
    """A ``server`` (a :class:`ThreadingHTTPServer` or a subclass, to hang state on) answering
    with ``handler`` on 127.0.0.1, serving until the block ends."""
    running = server(("127.0.0.1", 0), handler)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()


def url_of(server: ThreadingHTTPServer) -> str:
    """``http://127.0.0.1:PORT``: where ``server`` answers."""
    return f"http://127.0.0.1:{server.server_address[1]}"


def reminder_ledger(
    dest: Path, *, titles: tuple[str | None, str | None] = (None, None), units: str | None = None
) -> Path:
    """A ledger with a site address and three tasks as of 2026-10-14 (``titles``: of the first
    two, when not the default; ``units``: the text of ``units.yaml``, when not the golden one):

    - ES-2026-0001, public, fgw: plan-feedback due Oct 13 never recorded, overdue from Oct 14;
    - ES-2026-0002, internal, fgw: nothing recorded;
    - ES-2026-0003, completed Oct 9: the verification due Oct 16 is zfb's."""
    root = make_ledger(dest)
    text = (root / "ledger.yaml").read_text(encoding="utf-8")
    (root / "ledger.yaml").write_text(text + "site_url: https://duban.example.org/\n", "utf-8")
    if units is not None:
        (root / "units.yaml").write_text(units, encoding="utf-8")
    first, second = ({} if t is None else {"title": t} for t in titles)
    events = [
        "date: 2026-09-30, type: reported-to-leader, by: fgw",
        "date: 2026-10-08, type: decomposed, by: fgw",
        "date: 2026-10-09, type: deployed, by: fgw",
    ]
    write_task(root, task_id="ES-2026-0001", events=events, **first)
    write_task(root, task_id="ES-2026-0002", visibility="internal", **second)
    write_task(root, task_id="ES-2026-0003", events=["date: 2026-10-09, type: completed, by: fgw"])
    return root


__all__ = ["local_server", "reminder_ledger", "url_of"]
