"""The 催办 issues through the forge's REST API: GitHub's, and Gitea's API v1 (which Forgejo
shares), with the standard library (:mod:`duban.notify.http`).

:func:`sync` makes the tracker match the plan of :func:`duban.notify.remind.plan` exactly as
the ``gh`` path does: one open issue per unit with items, labelled (the label created when
missing), found again by its hidden marker, edited in place only when it changed, and closed
with a comment when the unit is clear.

Endpoints used (GitHub REST; Gitea ``/api/v1`` as its OpenAPI description ``swagger.v1.json``
defines them):

============================  ==================================  ===========================
what                          GitHub                              Gitea / Forgejo
============================  ==================================  ===========================
open issues with the label    ``GET /repos/{o}/{r}/issues``       same path, ``type=issues``,
                              ``per_page``, ``Link: rel="next"``  ``page``/``limit``,
                                                                  ``X-Total-Count``
the label                     ``GET /labels/{name}`` (404:        ``GET /labels`` (paged),
                              ``POST /labels``, 201)              ``POST /labels`` (201)
create an issue               ``POST /issues`` (201, label names) ``POST /issues`` (201,
                                                                  label ids)
edit, close                   ``PATCH /issues/{n}`` (200)         ``PATCH /issues/{n}`` (201)
comment                       ``POST /issues/{n}/comments`` (201) same (201)
============================  ==================================  ===========================

Configuration from the environment (:func:`target_from_env`), first found wins:

- token: ``DUBAN_FORGE_TOKEN``; then ``FORGEJO_TOKEN`` / ``GITEA_TOKEN`` (for that forge);
  then ``GITHUB_TOKEN`` (set by GitHub Actions, and by Gitea and Forgejo Actions too);
- API address: ``DUBAN_FORGE_URL`` (the server, ``https://git.example.cn``, or its API); then
  ``GITHUB_API_URL`` (Actions on all three); for Gitea/Forgejo ``GITEA_SERVER_URL`` /
  ``FORGEJO_SERVER_URL``; GitHub defaults to ``https://api.github.com``. Gitea/Forgejo
  addresses get ``/api/v1`` appended unless they end with it;
- repository ``owner/name``: ``DUBAN_FORGE_REPO``; then ``FORGEJO_REPOSITORY`` /
  ``GITEA_REPOSITORY``; then ``GITHUB_REPOSITORY``.

The token is sent only to that address, only over ``https`` (plain ``http`` only to this
machine, or with ``DUBAN_FORGE_ALLOW_HTTP=1`` on a closed network), and never shown.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from duban.notify.forge_env import FORGES, ForgeError, Target, target_from_env
from duban.notify.http import HttpFailure, Response, redacted, request
from duban.notify.remind import LABEL, Reminder
from duban.render.text import md_text
from duban.text import Text

COLOR = "d93f0b"
DESCRIPTION = "督办台账催办"
MAX_PAGES = 50
"""At most this many pages of issues or labels are read (5,000 issues on GitHub)."""
GITEA_LIMIT = 50
"""Gitea's default ``MAX_RESPONSE_ITEMS``: a larger ``limit`` is cut to it."""


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str


def _issue(item: Any) -> Issue | None:
    if not isinstance(item, dict) or not isinstance(item.get("number"), int):
        return None
    if item.get("pull_request"):  # GitHub lists pull requests with the issues
        return None
    return Issue(item["number"], str(item.get("title") or ""), str(item.get("body") or ""))


class Client:
    """One repository's issues on one forge. Subclasses say how each call is made."""

    def __init__(self, target: Target, *, backoff: float = 1.0, timeout: float = 20.0) -> None:
        self.target = target
        self.backoff = backoff
        self.timeout = timeout
        self._label: object = None

    # -- plumbing

    def _headers(self) -> dict[str, str]:
        raise NotImplementedError

    def _url(self, path: str, query: Mapping[str, object] | None = None) -> str:
        quoted = urllib.parse.quote(f"{self.target.owner}/{self.target.repo}", safe="/")
        url = f"{self.target.api}/repos/{quoted}{path}"
        return url + ("?" + urllib.parse.urlencode(query) if query else "")

    def call(self, method: str, url: str, payload: object = None) -> Response:
        try:
            return request(
                method,
                url,
                headers=self._headers(),
                payload=payload,
                timeout=self.timeout,
                backoff=self.backoff,
            )
        except HttpFailure as exc:
            raise self._explain(exc) from None

    def _explain(self, exc: HttpFailure) -> ForgeError:
        where, en = self.target.where, self.target.where_en
        if exc.status == 404:
            return ForgeError(
                Text(
                    f"找不到仓库 {where}，或令牌看不到它：请检查 DUBAN_FORGE_REPO、"
                    "DUBAN_FORGE_URL 和令牌的权限",
                    f"repository {en} not found, or not visible to the token: check "
                    "DUBAN_FORGE_REPO, DUBAN_FORGE_URL and the token's access",
                )
            )
        if exc.status == 401:
            return ForgeError(
                Text(
                    f"{where} 不接受访问令牌（HTTP 401）：令牌无效或已过期，"
                    "请检查 DUBAN_FORGE_TOKEN",
                    f"{en} refused the token (HTTP 401): invalid or expired; check "
                    "DUBAN_FORGE_TOKEN",
                )
            )
        if exc.status == 403:
            return ForgeError(
                Text(
                    f"令牌没有修改 {where} 议题的权限（HTTP 403）：需要议题（issues）读写权限",
                    f"the token may not change the issues of {en} (HTTP 403): it needs "
                    "read and write access to issues",
                )
            )
        return ForgeError(
            Text(
                f"未能更新催办议题：{exc.text.zh}", f"the reminders were not updated: {exc.text.en}"
            )
        )

    @staticmethod
    def _items(answer: Response) -> list[Any]:
        try:
            data = answer.json()
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, list):
            raise ForgeError(
                Text("平台的回答不是列表，无法读取议题", "the forge's answer is not a list")
            )
        return data

    # -- what each forge does differently

    def list_open(self, label: str) -> list[Issue]:
        raise NotImplementedError

    def label_ref(self, label: str) -> object:
        raise NotImplementedError

    def create(self, title: str, body: str, label: str) -> Issue:
        if self._label is None:
            self._label = self.label_ref(label)
        answer = self.call(
            "POST", self._url("/issues"), {"title": title, "body": body, "labels": [self._label]}
        )
        issue = _issue(answer.json())
        if issue is None:
            raise ForgeError(Text("平台未返回新议题的编号", "the forge returned no issue number"))
        return issue

    def edit(self, number: int, title: str, body: str) -> None:
        self.call("PATCH", self._url(f"/issues/{number}"), {"title": title, "body": body})

    def close(self, number: int, comment: str) -> None:
        self.call("POST", self._url(f"/issues/{number}/comments"), {"body": comment})
        self.call("PATCH", self._url(f"/issues/{number}"), self._closed())

    def _closed(self) -> dict[str, str]:
        return {"state": "closed"}


class GitHub(Client):
    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.target.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    def list_open(self, label: str) -> list[Issue]:
        url: str | None = self._url("/issues", {"state": "open", "labels": label, "per_page": 100})
        found: list[Issue] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            answer = self.call("GET", url)
            found += [i for i in map(_issue, self._items(answer)) if i is not None]
            url = _next_link(answer.headers.get("link", ""), self.target.api)
        return found

    def label_ref(self, label: str) -> object:
        try:
            request(
                "GET",
                self._url(f"/labels/{urllib.parse.quote(label, safe='')}"),
                headers=self._headers(),
                timeout=self.timeout,
                backoff=self.backoff,
            )
        except HttpFailure as exc:
            if exc.status != 404:
                raise self._explain(exc) from None
            self.call(
                "POST",
                self._url("/labels"),
                {"name": label, "color": COLOR, "description": DESCRIPTION},
            )
        return label

    def _closed(self) -> dict[str, str]:
        return {"state": "closed", "state_reason": "completed"}


class Gitea(Client):
    """Gitea's API v1; Forgejo's is the same."""

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.target.token}"}

    def _pages(self, path: str, query: Mapping[str, object]) -> list[Any]:
        items: list[Any] = []
        for page in range(1, MAX_PAGES + 1):
            answer = self.call(
                "GET", self._url(path, {**query, "page": page, "limit": GITEA_LIMIT})
            )
            got = self._items(answer)
            items += got
            total = answer.headers.get("x-total-count", "")
            if not got or (total.isdigit() and len(items) >= int(total)):
                break
            if not total.isdigit() and len(got) < GITEA_LIMIT:
                break
        return items

    def list_open(self, label: str) -> list[Issue]:
        query = {"state": "open", "type": "issues", "labels": label}
        return [i for i in map(_issue, self._pages("/issues", query)) if i is not None]

    def label_ref(self, label: str) -> object:
        for item in self._pages("/labels", {}):
            if isinstance(item, dict) and item.get("name") == label:
                return item.get("id")
        answer = self.call(
            "POST",
            self._url("/labels"),
            {"name": label, "color": f"#{COLOR}", "description": DESCRIPTION},
        )
        made = answer.json()
        if not isinstance(made, dict) or not isinstance(made.get("id"), int):
            raise ForgeError(Text("平台未返回新标签的编号", "the forge returned no label id"))
        return made["id"]


def _next_link(header: str, api: str) -> str | None:
    """The ``rel="next"`` address of a GitHub ``Link`` header, if it is on the same API."""
    for part in header.split(","):
        url, _, params = part.partition(";")
        url = url.strip().removeprefix("<").removesuffix(">")
        if 'rel="next"' in params and redacted(url) == redacted(api) and url.startswith(api):
            return url
    return None


def client(target: Target, *, backoff: float = 1.0) -> Client:
    return (GitHub if target.kind == "github" else Gitea)(target, backoff=backoff)


def sync(reminders: Sequence[Reminder], forge: Client, label: str = LABEL) -> list[str]:
    """Make the tracker match the plan (see the module's description); what was done, one
    line each. Raises :class:`ForgeError`."""
    by_marker: dict[str, Issue] = {}
    for listed in forge.list_open(label):
        for r in reminders:
            if r.marker in listed.body and r.marker not in by_marker:
                by_marker[r.marker] = listed
    done = []
    for r in reminders:
        issue = by_marker.get(r.marker)
        if r.action == "close":
            if issue is not None:
                comment = f"{md_text(r.unit_name)}：已无逾期或即将到期事项，自动关闭。"
                forge.close(issue.number, comment)
                done.append(f"closed #{issue.number} {r.unit}")
            continue
        if issue is None:
            done.append(f"created #{forge.create(r.title, r.body, label).number} {r.unit}")
        elif issue.title != r.title or issue.body.strip() != r.body.strip():
            forge.edit(issue.number, r.title, r.body)
            done.append(f"edited #{issue.number} {r.unit}")
        else:
            done.append(f"unchanged #{issue.number} {r.unit}")
    return done


def apply(
    reminders: Sequence[Reminder], kind: str, env: Mapping[str, str], label: str = LABEL
) -> list[str]:
    """:func:`sync` on the forge the environment names (:func:`target_from_env`)."""
    return sync(reminders, client(target_from_env(kind, env)), label)


__all__ = ["FORGES", "ForgeError", "Target", "apply", "client", "sync", "target_from_env"]
