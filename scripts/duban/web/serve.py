"""``duban serve``: build, serve on localhost, rebuild when the ledger or site config changes.

A plain ``http.server`` over the built folder and a polling loop (no extra dependency, no
reliance on MkDocs' live-reload internals); reload the page in the browser after a rebuild.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def snapshot(paths: Iterable[Path]) -> dict[str, float]:
    """Modification times of every file under ``paths`` (files or folders)."""
    seen: dict[str, float] = {}
    for base in paths:
        if base.is_file():
            seen[str(base)] = base.stat().st_mtime
        elif base.is_dir():
            for f in base.rglob("*"):
                if f.is_file():
                    seen[str(f)] = f.stat().st_mtime
    return seen


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def start_server(site: Path, host: str = "127.0.0.1", port: int = 8000) -> http.server.HTTPServer:
    """Serve ``site`` in a background thread; returns the server (``.shutdown()`` to stop)."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch_paths(ledger: Path, config: Path | None) -> list[Path]:
    """What ``duban serve`` watches: the ledger, the site config (default ``mkdocs.yml``)
    and ``docs/``."""
    return [ledger, config or Path("mkdocs.yml"), Path("docs")]


def serve(
    rebuild: Callable[[], object],
    site: Path,
    watch: list[Path],
    host: str = "127.0.0.1",
    port: int = 8000,
    interval: float = 1.0,
    announce: Callable[[str], None] = print,
) -> None:
    """Build once, serve, and rebuild on changes until interrupted (Ctrl-C)."""
    rebuild()
    server = start_server(site, host, port)
    announce(f"http://{host}:{server.server_address[1]}/")
    last = snapshot(watch)
    try:
        while True:
            time.sleep(interval)
            now = snapshot(watch)
            if now != last:
                last = now
                rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


__all__ = ["serve", "snapshot", "start_server", "watch_paths"]
