"""The one HTTP client of duban (standard library only): for the forge's REST API and the group
robots' webhooks.

Every request has a timeout and reads at most :data:`MAX_BYTES` of the answer; redirects are
not followed (a token or a signed address is never sent on to another host); only plain
``http(s)`` addresses are used. A 5xx or 429 answer is tried again, at most :data:`ATTEMPTS`
times, waiting ``backoff`` seconds doubled each time (or the server's ``Retry-After``), never
more than :data:`BACKOFF_CAP`; anything else is final.

**No secret in any message.** A failure names the address only as ``scheme://host:port`` (a
robot's address carries its token in the path or the query) and never repeats a header;
:func:`redacted` is that form.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from duban.text import Text

MAX_BYTES = 4 * 1024 * 1024
"""The most of an answer that is read; the rest is left unread (and the answer refused)."""
TIMEOUT = 20.0
"""Seconds for connecting and for each read."""
ATTEMPTS = 4
"""Tries of one request answered 5xx or 429."""
BACKOFF_CAP = 30.0
"""The longest wait between two tries, in seconds."""

USER_AGENT = "duban-remind"

_REASONS_ZH = {
    "ConnectionRefusedError": "连接被拒绝",
    "TimeoutError": "连接超时",
    "gaierror": "找不到该主机名",
    "SSLCertVerificationError": "证书校验失败",
    "ConnectionResetError": "连接被重置",
    "RemoteDisconnected": "对方断开了连接",
    "InvalidURL": "地址无效",
}


def redacted(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: what a message may show of an address."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    """Lower-case names."""
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body.strip() else None


@dataclass
class HttpFailure(Exception):
    """A request that did not succeed: its HTTP status (0 when there was no answer) and why,
    in both languages, naming the server only by :func:`redacted`."""

    status: int
    text: Text
    body: bytes = field(default=b"", repr=False)

    def __str__(self) -> str:
        return self.text.en


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def _read(stream: Any, limit: int) -> bytes:
    data: bytes = stream.read(limit + 1)
    return data


def _headers(message: Message | None) -> dict[str, str]:
    if message is None:
        return {}
    return {k.lower(): v for k, v in message.items()}


def _wait(headers: Mapping[str, str], backoff: float, attempt: int) -> float:
    wait = backoff * float(1 << attempt)
    after = headers.get("retry-after", "")
    if after.strip().isdigit():
        wait = max(wait, float(after.strip()))
    return min(wait, BACKOFF_CAP)


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    payload: object = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    attempts: int = ATTEMPTS,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Response:
    """One request; ``payload`` (if not None) sent as JSON. A 2xx answer is returned; any
    other outcome raises :class:`HttpFailure`."""
    where = redacted(url)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise HttpFailure(
            0, Text(f"不是 http(s) 地址：{where}", f"not an http(s) address: {where}")
        )
    data = None
    sent = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
    if payload is not None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        sent["Content-Type"] = "application/json; charset=utf-8"
    for attempt in range(max(1, attempts)):
        req = urllib.request.Request(url, data=data, method=method, headers=sent)
        try:
            with _OPENER.open(req, timeout=timeout) as answer:
                body = _read(answer, max_bytes)
                got = Response(answer.status, _headers(answer.headers), body)
        except urllib.error.HTTPError as exc:
            body = _read(exc, max_bytes) if exc.fp is not None else b""
            got = Response(exc.code, _headers(exc.headers), body)
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            why = type(reason if isinstance(reason, BaseException) else exc).__name__
            zh = _REASONS_ZH.get(why, why)  # never str(exc): it can quote the address
            raise HttpFailure(
                0, Text(f"无法连接 {where}（{zh}）", f"cannot reach {where} ({why})")
            ) from None
        if len(got.body) > max_bytes:
            raise HttpFailure(
                got.status,
                Text(
                    f"{where} 的回答超过 {max_bytes} 字节，未读取",
                    f"the answer of {where} is over {max_bytes} bytes; not read",
                ),
            )
        if 200 <= got.status < 300:
            return got
        retry = got.status >= 500 or got.status == 429
        if retry and attempt + 1 < attempts:
            sleep(_wait(got.headers, backoff, attempt))
            continue
        raise HttpFailure(
            got.status,
            Text(
                f"{where} 回答 HTTP {got.status}（{method}）",
                f"{where} answered HTTP {got.status} ({method})",
            ),
            got.body,
        )
    raise AssertionError("unreachable")  # pragma: no cover
