"""The built site served on 127.0.0.1 under a sub-path (``/duban/``), as a government portal
would host it: a test asks for pages there and sees every request."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "duban"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_under_subpath(root: Path) -> Iterator[str]:
    """Serve ``root``, which holds the site as ``root/duban/``; yields the site's address
    (``http://127.0.0.1:PORT/duban/``). Nothing is served outside ``root``."""
    assert (root / PREFIX / "index.html").is_file(), root
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{PREFIX}/"
    finally:
        server.shutdown()
        server.server_close()
