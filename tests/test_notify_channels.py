"""``duban remind --notify``: each unit's digest to its 钉钉, 企业微信 and 飞书 group robots and by
e-mail, as ``units.yaml`` ``channels`` say (environment variable names only).

The robots are a local HTTP server (``http.server`` in a thread) that checks each robot's
documented JSON and signature: 钉钉 ``timestamp``/``sign`` in the query (HMAC-SHA256 keyed by the
secret over ``timestamp\\nsecret``, base64, URL-encoded), 企业微信 ``msgtype: markdown`` to the
``key`` address, 飞书 ``msg_type: text`` with ``timestamp``/``sign`` in the body (HMAC-SHA256
keyed by ``timestamp\\nsecret`` over nothing, base64). E-mail goes to a local ``aiosmtpd``
server that requires STARTTLS and a login, with a self-signed certificate made in the test
with ``cryptography``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from duban.ledger import load_ledger
from duban.notify import channels
from duban.status.select import ledger_status
from support import need_module, run_cli, write_task
from support.httpserver import local_server, reminder_ledger, url_of

AS_OF = "2026-10-14"
DING_SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
FEISHU_SECRET = "feishu-secret-xyz"
PASSWORD = "mail-password-42"

UNITS = """\
units:
  - code: zfb
    name: 测试州人民政府办公室
    short_name: 州政府办
    kind: assigning
    maintainers: [zfb-clerk]
    channels:
      - {kind: dingtalk, webhook_env: ZFB_DING_URL, internal: true}
  - code: fgw
    name: 测试州发展和改革委员会
    short_name: 州发改委
    kind: department
    maintainers: [fgw-clerk]
    channels:
      - {kind: dingtalk, webhook_env: FGW_DING_URL, secret_env: FGW_DING_SECRET}
      - {kind: wecom, webhook_env: FGW_WECOM_URL}
      - {kind: feishu, webhook_env: FGW_FEISHU_URL, secret_env: FGW_FEISHU_SECRET}
      - {kind: email, to_env: FGW_MAIL_TO}
  - code: czj
    name: 测试州财政局
    short_name: 州财政局
    kind: department
    maintainers: [czj-clerk]
    channels:
      - {kind: wecom, webhook_env: CZJ_WECOM_URL}
"""


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    titles = ("推进[链接](https://evil.example/)和 <b>粗体</b> @all", "内部专项核查")
    return reminder_ledger(tmp_path / "ledger", titles=titles, units=UNITS)


@dataclass
class Robots:
    url: str = ""
    got: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)
    """(path, query, JSON body) of every request."""

    def to(self, prefix: str) -> list[tuple[str, dict[str, str], Any]]:
        return [g for g in self.got if g[0].startswith(prefix)]


class RobotHandler(BaseHTTPRequestHandler):
    server: RobotServer

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        assert self.headers.get("Content-Type", "").startswith("application/json")
        self.server.robots.got.append((parts.path, query, body))
        self._answer(parts.path, query, body)

    def _reply(self, status: int, data: object) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _answer(self, path: str, query: dict[str, str], body: Any) -> None:
        if path == "/down":
            return self._reply(503, {"message": "busy"})
        if path == "/robot/send":  # 钉钉
            ok = body.get("msgtype") == "markdown" and body["markdown"].get("text")
            if query.get("access_token") == "signed":
                stamp = query.get("timestamp", "0")
                key = DING_SECRET.encode()
                want = hmac.new(key, f"{stamp}\n{DING_SECRET}".encode(), hashlib.sha256)
                fresh = abs(int(stamp) - time.time() * 1000) < 3_600_000
                sign = base64.b64encode(want.digest()).decode()
                ok = ok and fresh and query.get("sign") == sign
            if query.get("access_token") == "refused":
                ok = False
            return self._reply(200, {"errcode": 0 if ok else 310000, "errmsg": "sign not match"})
        if path == "/cgi-bin/webhook/send":  # 企业微信
            content = body.get("markdown", {}).get("content", "")
            ok = body.get("msgtype") == "markdown" and query.get("key") and content
            ok = ok and len(content.encode()) <= 4096
            return self._reply(200, {"errcode": 0 if ok else 40058, "errmsg": "ok"})
        if path.startswith("/open-apis/bot/v2/hook/"):  # 飞书
            stamp = body.get("timestamp", "")
            key = f"{stamp}\n{FEISHU_SECRET}".encode()
            sign = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            ok = body.get("msg_type") == "text" and body["content"].get("text")
            ok = ok and body.get("sign") == sign and abs(int(stamp or 0) - time.time()) < 3600
            return self._reply(200, {"code": 0 if ok else 19021, "msg": "sign match fail"})
        return self._reply(404, {"message": "no such robot"})


class RobotServer(ThreadingHTTPServer):
    robots: Robots


@pytest.fixture
def robots() -> Iterator[Robots]:
    with local_server(RobotHandler, RobotServer) as server:
        server.robots = Robots(url_of(server))
        yield server.robots


def robot_env(r: Robots) -> dict[str, str | None]:
    return {
        "ZFB_DING_URL": f"{r.url}/robot/send?access_token=plain",
        "FGW_DING_URL": f"{r.url}/robot/send?access_token=signed",
        "FGW_DING_SECRET": DING_SECRET,
        "FGW_WECOM_URL": f"{r.url}/cgi-bin/webhook/send?key=wecom-key-123",
        "FGW_FEISHU_URL": f"{r.url}/open-apis/bot/v2/hook/hook-id-456",
        "FGW_FEISHU_SECRET": FEISHU_SECRET,
        "CZJ_WECOM_URL": f"{r.url}/cgi-bin/webhook/send?key=czj",
        "FGW_MAIL_TO": None,
        "DUBAN_SMTP_HOST": None,
    }


def notify(root: Path, env: dict[str, str | None], *more: str) -> Any:
    return run_cli("remind", "--ledger", root, "--as-of", AS_OF, "--notify", *more, env=env)


SECRETS = (DING_SECRET, FEISHU_SECRET, "wecom-key-123", "hook-id-456", "signed", PASSWORD)


def test_each_robot_gets_its_documented_payload(ledger_dir: Path, robots: Robots) -> None:
    env = robot_env(robots)
    env.pop("FGW_MAIL_TO")
    done = notify(ledger_dir, env)
    # e-mail is not configured (FGW_MAIL_TO unset): that channel fails, the robots are sent
    assert done.returncode == 1, done.stderr
    assert "[FAILED] fgw email: 环境变量 FGW_MAIL_TO 没有设置" in done.stderr
    assert "4 个渠道已发送，1 个失败" in done.stderr
    assert not any(s in done.stdout + done.stderr for s in SECRETS)

    (ding,) = [g for g in robots.to("/robot/send") if g[1]["access_token"] == "signed"]
    text = ding[2]["markdown"]["text"]
    assert ding[2]["markdown"]["title"].startswith("催办：州发改委")
    assert "ES\\-2026\\-0001" in text or "ES-2026-0001" in text
    assert "](https://duban.example.org/tasks/ES-2026-0001/)" in text
    assert "https://evil.example/)" not in text.replace("\\", "") or "\\[" in text
    assert "<b>" not in text
    # fgw's group is not internal: the internal task is counted, never named
    assert "ES-2026-0002" not in json.dumps(robots.got, ensure_ascii=False).replace("\\\\", "")
    assert "内部专项核查" not in json.dumps(robots.got, ensure_ascii=False)
    assert "项内部事项逾期或即将到期" in text

    (wecom,) = [g for g in robots.to("/cgi-bin/webhook/send") if g[1]["key"] == "wecom-key-123"]
    assert wecom[2]["msgtype"] == "markdown" and "州发改委" in wecom[2]["markdown"]["content"]
    (feishu,) = robots.to("/open-apis/bot/v2/hook/hook-id-456")
    assert feishu[2]["msg_type"] == "text" and "ES-2026-0001" in feishu[2]["content"]["text"]
    assert set(feishu[2]) == {"timestamp", "sign", "msg_type", "content"}

    # czj has nothing due: nothing is sent to it
    assert not [g for g in robots.got if g[1].get("key") == "czj"]


def test_internal_channel_names_internal_tasks(ledger_dir: Path, robots: Robots) -> None:
    write_task(
        ledger_dir,
        task_id="ES-2026-0004",
        title="内部核销事项",
        visibility="internal",
        events=["date: 2026-10-09, type: completed, by: fgw"],
    )
    done = notify(ledger_dir, robot_env(robots))
    (zfb,) = [g for g in robots.to("/robot/send") if g[1]["access_token"] == "plain"]
    text = zfb[2]["markdown"]["text"]
    assert "内部核销事项" in text and "项内部事项" not in text
    assert "timestamp" not in zfb[1]  # no secret configured: not signed
    others = [g for g in robots.got if g is not zfb]
    assert "内部核销事项" not in json.dumps(others, ensure_ascii=False)
    assert "[OK] zfb dingtalk" in done.stderr


def test_a_failing_robot_does_not_stop_the_others(ledger_dir: Path, robots: Robots) -> None:
    env = robot_env(robots)
    env["FGW_DING_URL"] = f"{robots.url}/robot/send?access_token=refused"
    env["FGW_WECOM_URL"] = "http://127.0.0.1:9/unreachable?key=wecom-key-123"
    env["FGW_FEISHU_SECRET"] = "a different secret"
    done = notify(ledger_dir, env, "--lang", "en")
    assert done.returncode == 1
    assert "[FAILED] fgw dingtalk: the robot refused (error code 310000)" in done.stderr
    assert "[FAILED] fgw wecom: cannot reach http://127.0.0.1:9 (ConnectionRefusedError)" in (
        done.stderr
    )
    assert "[FAILED] fgw feishu: the robot refused (error code 19021)" in done.stderr
    assert "[OK] zfb dingtalk" in done.stderr
    assert "Traceback" not in done.stderr
    assert not any(s in done.stderr for s in (*SECRETS, "a different secret", "refused?"))


def test_5xx_is_tried_again_then_reported(ledger_dir: Path, robots: Robots) -> None:
    ledger, problems = load_ledger(ledger_dir)
    assert ledger is not None and not problems
    day = dt.date.fromisoformat(AS_OF)
    env = {k: v for k, v in robot_env(robots).items() if v}
    env["ZFB_DING_URL"] = f"{robots.url}/down"
    out = channels.notify(ledger, ledger_status(ledger, day), day, env, backoff=0.01)
    failed = [d for d in out if not d.ok]
    assert [(d.unit, d.kind) for d in failed] == [("zfb", "dingtalk"), ("fgw", "email")]
    assert "HTTP 503" in failed[0].text.zh
    assert len(robots.to("/down")) == 4  # ATTEMPTS tries, then reported


def test_wecom_markdown_stays_within_4096_bytes(ledger_dir: Path, robots: Robots) -> None:
    for n in range(10, 60):
        write_task(ledger_dir, task_id=f"ES-2026-00{n}", title="很长的任务标题" * 6)
    done = notify(ledger_dir, robot_env(robots))
    (wecom,) = [g for g in robots.to("/cgi-bin/webhook/send") if g[1]["key"] == "wecom-key-123"]
    content = wecom[2]["markdown"]["content"]
    assert len(content.encode()) <= 4096 and "项未列出" in content
    assert "[OK] fgw wecom" in done.stderr


# -- units.yaml holds names, never addresses or secrets


def test_validate_refuses_an_address_or_secret_in_units_yaml(ledger_dir: Path) -> None:
    text = UNITS.replace(
        "webhook_env: FGW_WECOM_URL",
        "webhook_env: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
    ).replace("secret_env: FGW_DING_SECRET", f"secret_env: {DING_SECRET}")
    (ledger_dir / "units.yaml").write_text(text, encoding="utf-8")
    done = run_cli("validate", ledger_dir)
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if "channel-secret-in-file" in line]
    assert len(lines) == 2, done.stdout
    assert "units.yaml:15:" in lines[0] and "secrets" in lines[0]
    assert "units.yaml:16:" in lines[1]
    assert "schema-pattern" not in done.stdout  # one clear message per field, not two


def test_validate_names_a_field_of_the_wrong_channel_kind(ledger_dir: Path) -> None:
    text = UNITS.replace("{kind: email, to_env: FGW_MAIL_TO}", "{kind: email, webhook_env: X}")
    (ledger_dir / "units.yaml").write_text(text, encoding="utf-8")
    done = run_cli("validate", ledger_dir)
    assert done.returncode == 1 and "units.yaml:18:" in done.stdout
    assert "to_env" in done.stdout and "deadline 仅用于" not in done.stdout


def test_the_sample_ledger_is_still_valid_with_channels_absent() -> None:
    from support.paths import SAMPLE

    assert run_cli("validate", SAMPLE).returncode == 0


# -- e-mail over STARTTLS


def _certificate(tmp: Path) -> tuple[Path, Path]:
    need_module("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Mailbox:
    port: int
    cafile: Path
    messages: list[tuple[list[str], bytes]] = field(default_factory=list)


def smtp_server(tmp: Path, starttls: bool = True) -> Iterator[Mailbox]:
    need_module("aiosmtpd", "pip install -e '.[test]'")
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = _certificate(tmp)
    box = Mailbox(_free_port(), cert)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            box.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"duban",
            PASSWORD.encode(),
        )
        return AuthResult(success=ok, handled=False)  # False: the server answers 535

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_required": True}
    if starttls:
        kwargs.update(tls_context=context, require_starttls=True)
    else:
        kwargs.update(auth_require_tls=False)
    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port, **kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def mail_env(box: Mailbox, robots: Robots) -> dict[str, str | None]:
    return {
        **robot_env(robots),
        "FGW_MAIL_TO": "fgw-office@example.gov.cn, fgw-duty@example.gov.cn",
        "DUBAN_SMTP_HOST": "127.0.0.1",
        "DUBAN_SMTP_PORT": str(box.port),
        "DUBAN_SMTP_USER": "duban",
        "DUBAN_SMTP_PASSWORD": PASSWORD,
        "DUBAN_SMTP_FROM": "duban@example.gov.cn",
        "DUBAN_SMTP_CAFILE": str(box.cafile),
    }


def test_email_over_starttls(ledger_dir: Path, robots: Robots, tmp_path: Path) -> None:
    for box in smtp_server(tmp_path):
        done = notify(ledger_dir, mail_env(box, robots))
        assert done.returncode == 0, done.stderr
        assert "[OK] fgw email" in done.stderr
        ((to, raw),) = box.messages
        assert to == ["fgw-office@example.gov.cn", "fgw-duty@example.gov.cn"]
        mail = message_from_bytes(raw, policy=policy.default)
        assert mail["Subject"].startswith("【催办】州发改委")
        body = mail.get_body().get_content()  # type: ignore[union-attr]
        assert "ES-2026-0001" in body and "https://duban.example.org/tasks/ES-2026-0001/" in body
        assert "ES-2026-0002" not in body and "内部专项核查" not in body
        assert PASSWORD not in done.stderr + done.stdout


def test_email_refuses_a_wrong_password_or_an_untrusted_certificate(
    ledger_dir: Path, robots: Robots, tmp_path: Path
) -> None:
    for box in smtp_server(tmp_path):
        env = mail_env(box, robots)
        wrong = notify(ledger_dir, {**env, "DUBAN_SMTP_PASSWORD": "nope"})
        assert wrong.returncode == 1 and "[FAILED] fgw email: 邮件服务器不接受账号或口令" in (
            wrong.stderr
        )
        untrusted = notify(ledger_dir, {**env, "DUBAN_SMTP_CAFILE": None})
        assert untrusted.returncode == 1 and "证书校验失败" in untrusted.stderr
        assert box.messages == []
        assert "[OK] fgw dingtalk" in untrusted.stderr  # the robots were still sent


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_without_starttls_sends_nothing(
    ledger_dir: Path, robots: Robots, tmp_path: Path
) -> None:
    for box in smtp_server(tmp_path, starttls=False):
        done = notify(ledger_dir, mail_env(box, robots))
        assert done.returncode == 1 and "不支持 STARTTLS" in done.stderr
        assert box.messages == []


def test_webhook_addresses_must_be_https(ledger_dir: Path, robots: Robots) -> None:
    env = robot_env(robots)
    env["FGW_WECOM_URL"] = "http://qyapi.example.cn/cgi-bin/webhook/send?key=wecom-key-123"
    env["FGW_FEISHU_URL"] = "file:///etc/passwd"
    done = notify(ledger_dir, env)
    assert "[FAILED] fgw wecom: FGW_WECOM_URL 不是 https 地址" in done.stderr
    assert "[FAILED] fgw feishu: 不是 http(s) 地址" in done.stderr
    assert "[OK] fgw dingtalk" in done.stderr and "wecom-key-123" not in done.stderr
    assert "/etc/passwd" not in done.stderr
