"""Notifications where officials are: each unit's 催办 digest sent to its group robots (钉钉,
企业微信, 飞书) and by e-mail, as ``units.yaml`` ``channels`` configure them.

``units.yaml`` holds only the NAMES of environment variables (``webhook_env``, ``secret_env``,
``to_env``); the values come from the environment (the forge's secrets). E-mail uses one SMTP
server for all units: ``DUBAN_SMTP_HOST``, ``DUBAN_SMTP_PORT`` (587), ``DUBAN_SMTP_USER``,
``DUBAN_SMTP_PASSWORD``, ``DUBAN_SMTP_FROM`` (default the user) and ``DUBAN_SMTP_CAFILE`` (a CA
file for an intranet server's certificate); the connection is always upgraded with STARTTLS
and the certificate verified, or nothing is sent. Webhook addresses must be ``https`` (plain
``http`` only to this machine, or with ``DUBAN_NOTIFY_ALLOW_HTTP=1`` on a closed network).

The payloads are the robots' documented ones:

- 钉钉 custom robot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; with a signing
  secret, ``timestamp`` (milliseconds) and ``sign`` = base64(HMAC-SHA256(key=secret,
  msg=timestamp + "\\n" + secret)) are added to the address's query; answer ``errcode`` 0.
- 企业微信 group robot: ``{"msgtype": "markdown", "markdown": {"content"}}`` (at most 4096
  bytes) to the webhook's ``key`` address; answer ``errcode`` 0.
- 飞书 custom bot: ``{"msg_type": "text", "content": {"text"}}``; with a signing secret,
  ``timestamp`` (seconds, a string) and ``sign`` = base64(HMAC-SHA256(key=timestamp + "\\n" +
  secret, msg="")) in the body; answer ``code`` 0.

**Internal tasks** are counted, never named (no id, no title), in every channel not marked
``internal: true``. **Ledger text** reaches robots' Markdown through ``md_text`` and plain text
through ``one_line``. **A failing channel** (a missing variable, an unreachable server, a
refusal) is a :class:`Delivery` with ``ok=False`` and a reason that shows no address or
secret; the other channels are still tried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import ssl
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr

from duban.model import Channel, Ledger
from duban.notify.http import HttpFailure, request
from duban.notify.remind import task_url
from duban.render.status import late_phrase
from duban.render.text import md_text, one_line
from duban.status.records import Obligation, TaskStatus
from duban.status.select import items_for_unit
from duban.text import Text

MAX_ROWS = 30
"""Items named in one digest; the rest are counted."""
WECOM_BYTES = 4096
SMTP_TIMEOUT = 20.0

KIND_ZH = {"dingtalk": "钉钉", "wecom": "企业微信", "feishu": "飞书", "email": "电子邮件"}


@dataclass(frozen=True)
class Row:
    task_id: str
    title: str
    item: str
    due: str
    late: str
    url: str


@dataclass(frozen=True)
class Digest:
    """What one unit is told in one channel."""

    unit: str
    heading: str
    """``州发改委：逾期 2 项，即将到期 1 项``."""
    summary: str
    overdue: tuple[Row, ...]
    soon: tuple[Row, ...]
    more: int
    """Items not named because of :data:`MAX_ROWS`."""
    hidden: int
    """Internal items counted, not named."""
    code_hint: str

    def plain(self) -> str:
        lines = [f"【催办】{self.heading}", self.summary]
        for title, rows in (("逾期事项：", self.overdue), ("即将到期：", self.soon)):
            if rows:
                lines += ["", title]
                for r in rows:
                    late = f"，{r.late}" if r.late else ""
                    url = f" {r.url}" if r.url else ""
                    lines.append(
                        f"- {one_line(r.task_id)} {one_line(r.title)}：{one_line(r.item)}，"
                        f"期限 {r.due}{late}{url}"
                    )
        lines += self._tail()
        return "\n".join(lines)

    def markdown(self, limit: int = 0) -> str:
        """Robot Markdown; with ``limit``, rows are dropped (and counted) until it fits."""
        overdue, soon = list(self.overdue), list(self.soon)
        while True:
            text = self._markdown(overdue, soon, len(self.overdue) + len(self.soon))
            if not limit or len(text.encode("utf-8")) <= limit or not (overdue or soon):
                return text
            (soon if soon else overdue).pop()

    def _markdown(self, overdue: list[Row], soon: list[Row], named: int) -> str:
        lines = [f"### 【催办】{md_text(self.heading)}", "", md_text(self.summary)]
        for title, rows in (("逾期事项", overdue), ("即将到期", soon)):
            if rows:
                lines += ["", f"**{title}**", ""]
                for r in rows:
                    name = md_text(f"{r.task_id} {r.title}")
                    link = f"[{name}]({r.url})" if r.url else name
                    late = f"，{md_text(r.late)}" if r.late else ""
                    lines.append(f"- {link}：{md_text(r.item)}，期限 {r.due}{late}")
        dropped = named - len(overdue) - len(soon)
        tail = self._tail(dropped)
        return "\n".join(lines + [md_text(t) if t else t for t in tail])

    def _tail(self, dropped: int = 0) -> list[str]:
        lines = []
        if self.more + dropped:
            lines += ["", f"另有 {self.more + dropped} 项未列出，请在台账中查看：{self.code_hint}"]
        if self.hidden:
            lines += [
                "",
                f"另有 {self.hidden} 项内部事项逾期或即将到期（内部事项不在此列出），"
                f"请在台账中查看：{self.code_hint}",
            ]
        lines += [
            "",
            "请抓紧办理，并在台账中登记办理记录；不能按时完成的，请登记延误原因和加快措施。",
        ]
        return lines


def _row(ledger: Ledger, s: TaskStatus, o: Obligation, overdue: bool) -> Row:
    task = s.task
    due = o.due.isoformat() + ("（暂定）" if o.provisional else "")
    late = late_phrase(o.days_late, "zh") if overdue else ""
    url = task_url(ledger, task.id) if task.public else ""
    return Row(task.id, task.title, f"{o.label}（措施{o.measure}）", due, late, url)


def digest(
    ledger: Ledger, statuses: Sequence[TaskStatus], code: str, as_of: date, internal: bool
) -> Digest | None:
    """The digest of unit ``code`` as of ``as_of``; None when it has nothing to do.
    Internal tasks are named only when ``internal``."""
    overdue, soon = items_for_unit(statuses, code)
    if not overdue and not soon:
        return None
    shown = [(s, o, True) for s, o in overdue] + [(s, o, False) for s, o in soon]
    named = [x for x in shown if internal or x[0].task.public]
    hidden = len(shown) - len(named)
    rows = [_row(ledger, s, o, late) for s, o, late in named[:MAX_ROWS]]
    unit = ledger.units[code]
    parts = [f"逾期 {len(overdue)} 项"] if overdue else []
    parts += [f"即将到期 {len(soon)} 项"] if soon else []
    summary = (
        f"{unit.name}：截至 {as_of}，有 {len(overdue)} 项逾期、{len(soon)} 项即将到期"
        f"（{ledger.config.warning_days} 个工作日内）的督办事项。"
    )
    return Digest(
        code,
        f"{unit.label}：{'，'.join(parts)}",
        summary,
        tuple(r for r in rows if r.late),
        tuple(r for r in rows if not r.late),
        max(0, len(named) - MAX_ROWS),
        hidden,
        f"duban overdue --unit {code}",
    )


@dataclass(frozen=True)
class Delivery:
    """One channel of one unit: sent, or why not (no address or secret in it)."""

    unit: str
    kind: str
    ok: bool
    text: Text

    def line(self, lang: str) -> str:
        mark = "OK" if self.ok else "FAILED"
        return f"[{mark}] {self.unit} {self.kind}: {self.text(lang)}"


class ChannelFailure(Exception):
    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def _env(env: Mapping[str, str], name: str, what: Text) -> str:
    value = env.get(name, "").strip() if name else ""
    if not value:
        raise ChannelFailure(
            Text(
                f"环境变量 {name or '（未配置）'} 没有设置（{what.zh}）：请在平台的 secrets 中设置",
                f"environment variable {name or '(none)'} is not set ({what.en}): set it in "
                "the forge's secrets",
            )
        )
    return value


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """钉钉: base64(HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret))."""
    digest_ = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest_).decode("ascii")


def feishu_sign(secret: str, timestamp: str) -> str:
    """飞书: base64(HMAC-SHA256(key=timestamp + "\\n" + secret, msg=""))."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _robot_answer(kind: str, answer: object) -> None:
    code = None
    if isinstance(answer, dict) and kind == "feishu":
        code = answer.get("code", answer.get("StatusCode"))
    elif isinstance(answer, dict):
        code = answer.get("errcode")
    if code != 0:
        shown = code if isinstance(code, int) else "?"
        raise ChannelFailure(
            Text(f"机器人拒绝了消息（错误码 {shown}）", f"the robot refused (error code {shown})")
        )


def _send_robot(
    channel: Channel, d: Digest, env: Mapping[str, str], now: Callable[[], float], backoff: float
) -> None:
    url = _env(env, channel.webhook_env, Text("机器人 webhook 地址", "robot webhook URL"))
    parts = urllib.parse.urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "http" and not local and env.get("DUBAN_NOTIFY_ALLOW_HTTP") != "1":
        raise ChannelFailure(
            Text(
                f"{channel.webhook_env} 不是 https 地址：webhook 地址含有令牌，不能明文发送"
                "（内网确需 http 的，设置 DUBAN_NOTIFY_ALLOW_HTTP=1）",
                f"{channel.webhook_env} is not an https address: it carries a token (set "
                "DUBAN_NOTIFY_ALLOW_HTTP=1 on a closed network that needs http)",
            )
        )
    secret = ""
    if channel.secret_env:
        secret = _env(env, channel.secret_env, Text("加签密钥", "signing secret"))
    payload: dict[str, object]
    if channel.kind == "dingtalk":
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": f"催办：{d.heading}"[:60], "text": d.markdown()},
        }
        if secret:
            stamp = str(int(now() * 1000))
            query = urllib.parse.urlencode(
                {"timestamp": stamp, "sign": dingtalk_sign(secret, stamp)}
            )
            url += ("&" if "?" in url else "?") + query
    elif channel.kind == "wecom":
        payload = {"msgtype": "markdown", "markdown": {"content": d.markdown(WECOM_BYTES)}}
    else:
        payload = {"msg_type": "text", "content": {"text": d.plain()}}
        if secret:
            stamp = str(int(now()))
            payload = {"timestamp": stamp, "sign": feishu_sign(secret, stamp), **payload}
    answer = request("POST", url, payload=payload, backoff=backoff)
    try:
        data = answer.json()
    except (ValueError, UnicodeDecodeError):
        data = None
    _robot_answer(channel.kind, data)


def _send_mail(channel: Channel, d: Digest, env: Mapping[str, str]) -> None:
    to = [a.strip() for a in _env(env, channel.to_env, Text("收件人", "recipients")).split(",")]
    host = _env(env, "DUBAN_SMTP_HOST", Text("邮件服务器", "SMTP server"))
    port_text = env.get("DUBAN_SMTP_PORT", "587").strip() or "587"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ChannelFailure(Text("DUBAN_SMTP_PORT 不是端口号", "DUBAN_SMTP_PORT is not a port"))
    user = env.get("DUBAN_SMTP_USER", "").strip()
    sender = env.get("DUBAN_SMTP_FROM", "").strip() or user
    if not sender or not all("@" in a for a in to):
        raise ChannelFailure(
            Text(
                "发件人（DUBAN_SMTP_FROM）或收件人地址不完整",
                "the sender (DUBAN_SMTP_FROM) or a recipient address is incomplete",
            )
        )
    message = EmailMessage()
    message["Subject"] = f"【催办】{one_line(d.heading)}"
    message["From"] = formataddr(("督办台账", sender))
    message["To"] = ", ".join(to)
    message.set_content(d.plain())
    context = ssl.create_default_context(cafile=env.get("DUBAN_SMTP_CAFILE") or None)
    with smtplib.SMTP(host, int(port_text), timeout=SMTP_TIMEOUT) as smtp:
        smtp.starttls(context=context)
        if user:
            smtp.login(user, env.get("DUBAN_SMTP_PASSWORD", ""))
        smtp.send_message(message)


def _failure(exc: BaseException) -> Text:
    if isinstance(exc, ChannelFailure | HttpFailure):
        return exc.text
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Text("邮件服务器不接受账号或口令", "the SMTP server refused the login")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Text(
            "邮件服务器不支持 STARTTLS，未发送（不以明文发送）",
            "the SMTP server offers no STARTTLS; nothing sent in clear",
        )
    if isinstance(exc, ssl.SSLError):
        return Text(
            "邮件服务器的证书校验失败（内网证书请设置 DUBAN_SMTP_CAFILE）",
            "the SMTP server's certificate did not verify (set DUBAN_SMTP_CAFILE)",
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return Text("邮件服务器拒绝了收件人", "the SMTP server refused the recipients")
    name = type(exc).__name__
    return Text(f"发送失败（{name}）", f"sending failed ({name})")


def notify(
    ledger: Ledger,
    statuses: Sequence[TaskStatus],
    as_of: date,
    env: Mapping[str, str],
    *,
    now: Callable[[], float] = time.time,
    backoff: float = 1.0,
) -> list[Delivery]:
    """Send every unit's digest to each of its channels; one :class:`Delivery` per channel
    of a unit that has something to be told, failures included."""
    out = []
    for code, unit in ledger.units.items():
        for channel in unit.channels:
            d = digest(ledger, statuses, code, as_of, channel.internal)
            if d is None:
                continue
            try:
                if channel.kind == "email":
                    _send_mail(channel, d, env)
                else:
                    _send_robot(channel, d, env, now, backoff)
            except (ChannelFailure, HttpFailure, smtplib.SMTPException, OSError, ValueError) as exc:
                out.append(Delivery(code, channel.kind, False, _failure(exc)))
                continue
            out.append(Delivery(code, channel.kind, True, Text("已发送", "sent")))
    return out


def summary(deliveries: Sequence[Delivery]) -> Text:
    failed = sum(not d.ok for d in deliveries)
    sent = len(deliveries) - failed
    return Text(
        f"催办通知：{sent} 个渠道已发送，{failed} 个失败",
        f"notifications: {sent} channel(s) sent, {failed} failed",
    )
