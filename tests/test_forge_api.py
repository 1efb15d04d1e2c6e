"""``duban remind --apply --forge github|gitea|forgejo``: the 催办 issues through the REST API.

No Gitea or Forgejo server can be installed on this machine, so these tests run against local
HTTP servers (``http.server`` in a thread) that implement the endpoints duban uses exactly as
Gitea's published OpenAPI description (``templates/swagger/v1_json.tmpl``, served by every
instance as ``/swagger.v1.json``; Forgejo shares API v1) defines them — paths under
``/api/v1/repos/{owner}/{repo}``, the documented fields (``CreateIssueOption.labels`` are label
ids, ``CreateLabelOption`` needs ``name`` and ``color``), status codes (``issueCreateIssue``,
``issueEditIssue``, ``issueCreateComment`` and ``issueCreateLabel`` answer 201) and pagination
(``page``/``limit``, the server cutting ``limit`` to its maximum, ``X-Total-Count``) — plus
GitHub's REST API (``Authorization: Bearer``, ``per_page`` and the ``Link`` header, label by
name, ``PATCH`` answering 200, pull requests listed among issues). Each server checks the
authorization header and refuses anything else the way the real one does.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from duban.ledger import load_ledger
from duban.notify import forge, http, remind
from duban.status.select import ledger_status
from support import run_cli
from support.httpserver import local_server, reminder_ledger, url_of

TOKEN = "s3cr3t-token-value-0123456789"
AS_OF = "2026-10-14"


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    return reminder_ledger(tmp_path / "ledger")


@dataclass
class Forge:
    """The state of one fake forge: issues, labels, comments, and every request seen."""

    kind: str
    max_page: int = 2
    issues: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    fail_next: int = 0
    url: str = ""

    def issue(self, number: int) -> dict[str, Any]:
        return next(i for i in self.issues if i["number"] == number)

    def open_titles(self) -> dict[str, str]:
        out = {}
        for i in self.issues:
            m = re.search(r"duban-remind:([a-z-]+)", i["body"] or "")
            if m and i["state"] == "open":
                out[m.group(1)] = i["title"]
        return out


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: Any) -> None:
        pass

    def _send(
        self, status: int, data: object = None, headers: dict[str, str] | None = None
    ) -> None:
        body = json.dumps(data).encode() if data is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self) -> Any:
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length) or b"null")

    def _route(self, method: str) -> None:
        f = self.server.forge
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        f.seen.append((method, self.path))
        if f.fail_next:
            f.fail_next -= 1
            return self._send(500, {"message": "internal error"})
        prefix = "/api/v1/repos/" if f.kind == "gitea" else "/repos/"
        expected = f"token {TOKEN}" if f.kind == "gitea" else f"Bearer {TOKEN}"
        if self.headers.get("Authorization") != expected:
            return self._send(401, {"message": "Bad credentials"})
        if not parts.path.startswith(prefix):
            return self._send(404, {"message": "Not Found"})
        rest = urllib.parse.unquote(parts.path[len(prefix) :])
        owner_repo, _, sub = rest.partition("/")
        name, _, sub = sub.partition("/")
        if f"{owner_repo}/{name}" != "dcs/ledger":
            return self._send(404, {"message": "Not Found"})
        body = self._json() if method in ("POST", "PATCH") else None
        handler = GiteaApi if f.kind == "gitea" else GitHubApi
        handler(self, f, query).dispatch(method, sub, body)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PATCH(self) -> None:
        self._route("PATCH")


class Server(ThreadingHTTPServer):
    forge: Forge


def _issue(f: Forge, title: str, body: str, labels: list[dict[str, Any]]) -> dict[str, Any]:
    number = len(f.issues) + 1
    item = {
        "id": 1000 + number,
        "number": number,
        "title": title,
        "body": body,
        "state": "open",
        "labels": labels,
        "pull_request": None,
    }
    f.issues.append(item)
    return item


class GiteaApi:
    """Gitea API v1 as swagger.v1.json describes it (the endpoints duban uses)."""

    def __init__(self, h: Handler, f: Forge, query: dict[str, str]) -> None:
        self.h, self.f, self.q = h, f, query

    def _page(self, items: list[Any]) -> None:
        page = int(self.q.get("page", "1"))
        limit = min(int(self.q.get("limit", str(self.f.max_page))), self.f.max_page)
        chunk = items[(page - 1) * limit : page * limit]
        self.h._send(200, chunk, {"X-Total-Count": str(len(items))})

    def dispatch(self, method: str, sub: str, body: Any) -> None:
        f, h = self.f, self.h
        if (method, sub) == ("GET", "issues"):
            wanted = set(filter(None, self.q.get("labels", "").split(",")))
            state = self.q.get("state", "open")
            found = [
                i
                for i in f.issues
                if (state == "all" or i["state"] == state)
                and (not wanted or wanted & {lab["name"] for lab in i["labels"]})
                and not (self.q.get("type") == "issues" and i["pull_request"])
            ]
            return self._page(found)
        if (method, sub) == ("GET", "labels"):
            return self._page(f.labels)
        if (method, sub) == ("POST", "labels"):
            ok = isinstance(body, dict) and body.get("name") and body.get("color")
            if not ok or not re.fullmatch(r"#?[0-9a-fA-F]{6}", body["color"]):
                return h._send(422, {"message": "validation"})
            label = {"id": 70 + len(f.labels), "name": body["name"], "color": body["color"]}
            f.labels.append(label)
            return h._send(201, label)
        if (method, sub) == ("POST", "issues"):
            ids = body.get("labels", [])
            if not body.get("title") or not all(isinstance(x, int) for x in ids):
                return h._send(422, {"message": "labels are ids"})
            labels = [lab for lab in f.labels if lab["id"] in ids]
            return h._send(201, _issue(f, body["title"], body.get("body", ""), labels))
        m = re.fullmatch(r"issues/(\d+)(/comments)?", sub)
        if m and method == "PATCH" and not m.group(2):
            issue = f.issue(int(m.group(1)))
            issue.update({k: body[k] for k in ("title", "body", "state") if k in body})
            return h._send(201, issue)
        if m and method == "POST" and m.group(2):
            if not body.get("body"):
                return h._send(422, {"message": "body required"})
            f.comments.append((int(m.group(1)), body["body"]))
            return h._send(201, {"id": len(f.comments), "body": body["body"]})
        return h._send(404, {"message": "Not Found"})


class GitHubApi:
    """GitHub REST (the endpoints duban uses)."""

    def __init__(self, h: Handler, f: Forge, query: dict[str, str]) -> None:
        self.h, self.f, self.q = h, f, query

    def dispatch(self, method: str, sub: str, body: Any) -> None:
        f, h = self.f, self.h
        if self.h.headers.get("Accept") != "application/vnd.github+json":
            return h._send(415, {"message": "Accept"})
        if (method, sub) == ("GET", "issues"):
            wanted = set(filter(None, self.q.get("labels", "").split(",")))
            found = [
                i
                for i in f.issues
                if i["state"] == self.q.get("state", "open")
                and wanted <= {lab["name"] for lab in i["labels"]}
            ]
            per = min(int(self.q.get("per_page", "30")), f.max_page)
            page = int(self.q.get("page", "1"))
            headers = {}
            if page * per < len(found):
                nxt = dict(self.q, page=str(page + 1))
                link = f"{f.url}/repos/dcs/ledger/issues?{urllib.parse.urlencode(nxt)}"
                headers["Link"] = f'<{link}>; rel="next"'
            return h._send(200, found[(page - 1) * per : page * per], headers)
        m = re.fullmatch(r"labels/(.+)", sub)
        if m and method == "GET":
            label = next((lab for lab in f.labels if lab["name"] == m.group(1)), None)
            return h._send(200, label) if label else h._send(404, {"message": "Not Found"})
        if (method, sub) == ("POST", "labels"):
            if not re.fullmatch(r"[0-9a-fA-F]{6}", body.get("color", "")):
                return h._send(422, {"message": "color"})
            label = {"id": 70 + len(f.labels), "name": body["name"], "color": body["color"]}
            f.labels.append(label)
            return h._send(201, label)
        if (method, sub) == ("POST", "issues"):
            names = body.get("labels", [])
            if not all(isinstance(x, str) for x in names):
                return h._send(422, {"message": "labels are names"})
            for n in names:  # GitHub creates unknown labels silently; the test wants it not to
                assert any(lab["name"] == n for lab in f.labels), "label not created first"
            labels = [lab for lab in f.labels if lab["name"] in names]
            return h._send(201, _issue(f, body["title"], body.get("body", ""), labels))
        m = re.fullmatch(r"issues/(\d+)(/comments)?", sub)
        if m and method == "PATCH" and not m.group(2):
            issue = f.issue(int(m.group(1)))
            issue.update({k: body[k] for k in ("title", "body", "state") if k in body})
            return h._send(200, issue)
        if m and method == "POST" and m.group(2):
            f.comments.append((int(m.group(1)), body["body"]))
            return h._send(201, {"id": len(f.comments)})
        return h._send(404, {"message": "Not Found"})


def serve(kind: str) -> Iterator[Forge]:
    state = Forge("gitea" if kind in ("gitea", "forgejo") else "github")
    with local_server(Handler, Server) as server:
        server.forge = state
        state.url = url_of(server)
        yield state


@pytest.fixture(params=["github", "gitea", "forgejo"])
def fake(request: pytest.FixtureRequest) -> Iterator[tuple[str, Forge]]:
    for state in serve(request.param):
        yield request.param, state


def env(f: Forge, **more: str) -> dict[str, str | None]:
    base: dict[str, str | None] = {
        "DUBAN_FORGE_TOKEN": TOKEN,
        "DUBAN_FORGE_URL": f.url,
        "DUBAN_FORGE_REPO": "dcs/ledger",
        "GITHUB_TOKEN": None,
        "GITHUB_API_URL": None,
        "GITHUB_REPOSITORY": None,
    }
    return {**base, **more}


def remind_at(root: Path, url: str) -> Any:
    """``duban remind --apply --forge gitea`` against the forge at ``url``, with nothing but
    its token, address and repository in the environment."""
    return run_cli(
        *("remind", "--ledger", root, "--as-of", AS_OF, "--apply", "--forge", "gitea"),
        env={"DUBAN_FORGE_TOKEN": TOKEN, "DUBAN_FORGE_URL": url, "DUBAN_FORGE_REPO": "dcs/ledger"},
    )


def apply(kind: str, f: Forge, root: Path, as_of: str = AS_OF, **more: str) -> Any:
    args = ("remind", "--ledger", root, "--as-of", as_of, "--apply", "--forge", kind)
    return run_cli(*args, env=env(f, **more))


def noise(f: Forge, count: int) -> None:
    """Issues of other people with the same label, so that ours are past the first page."""
    label = {"id": 70, "name": "催办", "color": "d93f0b"}
    f.labels.append(label)
    for n in range(count):
        _issue(f, f"其他议题 {n}", "no marker here", [label])
    if f.kind == "github":  # a pull request with the label: GitHub lists it with the issues
        pr = _issue(f, "a pull request", "<!-- duban-remind:fgw -->", [label])
        pr["pull_request"] = {"url": "x"}


def test_create_then_update_in_place_then_close(fake: tuple[str, Forge], ledger_dir: Path) -> None:
    kind, f = fake
    done = apply(kind, f, ledger_dir)
    assert done.returncode == 0, done.stderr
    assert [lab["name"] for lab in f.labels] == ["催办"]  # the label created when missing
    titles = f.open_titles()
    assert set(titles) == {"fgw", "zfb"} and titles["fgw"].startswith("【催办】州发改委：逾期")
    assert all(i["labels"][0]["name"] == "催办" for i in f.issues)
    assert "created #" in done.stderr and TOKEN not in done.stdout + done.stderr
    numbers = {i["number"] for i in f.issues}

    # A day later fgw's item is one more day late: the same issue is edited, none is added.
    again = apply(kind, f, ledger_dir, as_of="2026-10-15")
    assert again.returncode == 0, again.stderr
    assert {i["number"] for i in f.issues} == numbers
    assert "edited #" in again.stderr
    fgw = next(i for i in f.issues if "duban-remind:fgw" in i["body"])
    assert "逾期 2 个工作日" in fgw["body"]

    # Nothing changed: nothing written.
    writes = sum(m != "GET" for m, _ in f.seen)
    same = apply(kind, f, ledger_dir, as_of="2026-10-15")
    assert "unchanged #" in same.stderr and sum(m != "GET" for m, _ in f.seen) == writes

    # fgw's tasks are gone: its issue is closed, with a comment.
    for name in ("ES-2026-0001", "ES-2026-0002"):
        (ledger_dir / "tasks" / "2026" / f"{name}.yaml").unlink()
    closed = apply(kind, f, ledger_dir, as_of="2026-10-15")
    assert closed.returncode == 0, closed.stderr
    assert fgw["state"] == "closed" and f"closed #{fgw['number']} fgw" in closed.stderr
    assert [n for n, _ in f.comments] == [fgw["number"]]
    assert "自动关闭" in f.comments[0][1]
    assert set(f.open_titles()) == {"zfb"}


def test_finds_its_issue_past_the_first_page(fake: tuple[str, Forge], ledger_dir: Path) -> None:
    kind, f = fake
    noise(f, 5)
    assert apply(kind, f, ledger_dir).returncode == 0
    made = len(f.issues)
    assert apply(kind, f, ledger_dir, as_of="2026-10-15").returncode == 0
    assert len(f.issues) == made  # found again on page 4, not created twice
    pages = [p for m, p in f.seen if m == "GET" and "/issues?" in p]
    assert any("page=4" in p for p in pages)
    if f.kind == "gitea":
        assert all("type=issues" in p for p in pages)
    # the pull request carrying a marker is never taken for the unit's issue
    assert all(i["state"] == "open" for i in f.issues)


def test_existing_label_is_used_not_created(fake: tuple[str, Forge], ledger_dir: Path) -> None:
    kind, f = fake
    noise(f, 0)
    assert apply(kind, f, ledger_dir).returncode == 0
    assert len(f.labels) == 1
    assert not any(m == "POST" and p.endswith("/labels") for m, p in f.seen)


def test_wrong_token_is_exit_2_without_the_token(fake: tuple[str, Forge], ledger_dir: Path) -> None:
    kind, f = fake
    done = apply(kind, f, ledger_dir, DUBAN_FORGE_TOKEN="wrong-" + TOKEN)
    assert done.returncode == 2 and "HTTP 401" in done.stderr and "DUBAN_FORGE_TOKEN" in done.stderr
    assert TOKEN not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert f.issues == []


def test_missing_repository_is_exit_2_in_chinese(fake: tuple[str, Forge], ledger_dir: Path) -> None:
    kind, f = fake
    done = apply(kind, f, ledger_dir, DUBAN_FORGE_REPO="dcs/no-such-repo")
    assert done.returncode == 2, done.stderr
    assert "找不到仓库 dcs/no-such-repo（http://127.0.0.1:" in done.stderr
    assert "DUBAN_FORGE_REPO" in done.stderr and "Traceback" not in done.stderr
    en = run_cli(
        "remind",
        "--ledger",
        ledger_dir,
        "--as-of",
        AS_OF,
        "--apply",
        "--forge",
        kind,
        "--lang",
        "en",
        env=env(f, DUBAN_FORGE_REPO="dcs/no-such-repo"),
    )
    assert en.returncode == 2 and "repository dcs/no-such-repo (http://127.0.0.1:" in en.stderr
    assert "not found" in en.stderr


def test_a_500_is_tried_again(fake: tuple[str, Forge], ledger_dir: Path) -> None:
    kind, f = fake
    ledger, problems = load_ledger(ledger_dir)
    assert ledger is not None and not problems
    day = date.fromisoformat(AS_OF)
    plan = remind.plan(ledger, ledger_status(ledger, day), day)
    target = forge.target_from_env(kind, {k: v for k, v in env(f).items() if v})
    f.fail_next = 2
    done = forge.sync(plan, forge.client(target, backoff=0.01))
    assert [line.split()[0] for line in done] == ["created", "created"]
    assert [m for m, _ in f.seen[:3]] == ["GET", "GET", "GET"]  # twice 500, then the list
    f.fail_next = 10  # more than the attempts: a message, not a traceback
    with pytest.raises(forge.ForgeError) as caught:
        forge.sync(plan, forge.client(target, backoff=0.01))
    assert "HTTP 500" in caught.value.text.zh and TOKEN not in caught.value.text.zh


def test_environment_of_each_forge() -> None:
    gh = forge.target_from_env("github", {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r"})
    assert (gh.api, gh.owner, gh.repo) == ("https://api.github.com", "o", "r")
    fj = forge.target_from_env(
        "forgejo",
        {
            "FORGEJO_TOKEN": "t",
            "FORGEJO_SERVER_URL": "https://git.example.cn/",
            "FORGEJO_REPOSITORY": "o/r",
        },
    )
    assert fj.api == "https://git.example.cn/api/v1"
    gt = forge.target_from_env(
        "gitea",
        {
            "GITHUB_TOKEN": "tok-XYZ",
            "GITHUB_API_URL": "https://g.example/api/v1",
            "GITHUB_REPOSITORY": "o/r",
        },
    )
    assert gt.api == "https://g.example/api/v1" and "tok-XYZ" not in repr(gt)
    refused = [
        ("gitea", {"DUBAN_FORGE_TOKEN": "t", "DUBAN_FORGE_REPO": "o/r"}, "DUBAN_FORGE_URL"),
        ("github", {"DUBAN_FORGE_REPO": "o/r"}, "DUBAN_FORGE_TOKEN"),
        ("github", {"DUBAN_FORGE_TOKEN": "t", "DUBAN_FORGE_REPO": "../x"}, "DUBAN_FORGE_REPO"),
        (
            "gitea",
            {
                "DUBAN_FORGE_TOKEN": "t",
                "DUBAN_FORGE_URL": "http://git.example.cn",
                "DUBAN_FORGE_REPO": "o/r",
            },
            "https",
        ),
        (
            "gitea",
            {"DUBAN_FORGE_TOKEN": "t", "DUBAN_FORGE_URL": "ftp://x", "DUBAN_FORGE_REPO": "o/r"},
            "https",
        ),
    ]
    for kind, environment, named in refused:
        with pytest.raises(forge.ForgeError) as caught:
            forge.target_from_env(kind, environment)
        assert named in caught.value.text.zh
    plain = forge.target_from_env(
        "gitea",
        {
            "DUBAN_FORGE_TOKEN": "t",
            "DUBAN_FORGE_URL": "http://git.lan",
            "DUBAN_FORGE_REPO": "o/r",
            "DUBAN_FORGE_ALLOW_HTTP": "1",
        },
    )
    assert plain.api == "http://git.lan/api/v1"


def test_unreachable_forge_is_exit_2(ledger_dir: Path) -> None:
    for f in serve("gitea"):
        url = f.url
    done = remind_at(ledger_dir, url)
    assert done.returncode == 2 and "无法连接 http://127.0.0.1:" in done.stderr
    assert TOKEN not in done.stderr and "Traceback" not in done.stderr


def test_hostile_answers_are_messages(ledger_dir: Path) -> None:
    """An answer that is not a list, not JSON, or too big: exit 2 with a message."""

    class Odd(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = {"/a": b'{"not": "a list"}', "/b": b"\xff\xfe<html>", "/c": b"[" * 5_000_000}
            data = body.get(self.path.split("/api")[0], b"[]")
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with local_server(Odd) as server:
        for path in ("/a", "/b", "/c"):
            done = remind_at(ledger_dir, url_of(server) + path)
            assert done.returncode == 2, (path, done.stderr)
            assert "Traceback" not in done.stderr and TOKEN not in done.stderr


def test_redirects_are_not_followed_and_slow_servers_time_out(ledger_dir: Path) -> None:
    """A forge answering 302 elsewhere: the token is not sent on; a silent one times out."""
    seen: list[str | None] = []

    class Elsewhere(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"[]")

    with local_server(Elsewhere) as other:
        target = url_of(other) + "/steal"

        class Redirect(Elsewhere):
            def do_GET(self) -> None:
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

        with local_server(Redirect) as first, socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            done = remind_at(ledger_dir, url_of(first))
            assert done.returncode == 2 and "HTTP 302" in done.stderr and seen == []
            with pytest.raises(http.HttpFailure) as caught:
                http.request("GET", f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.5)
            assert caught.value.status == 0 and "连接超时" in caught.value.text.zh
