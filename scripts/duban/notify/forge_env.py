"""Where a forge is and who speaks to it: the target (kind, API address, repository, token)
from the environment, refused (exit 2) when unusable: no token, a repository that is not
``owner/name``, plain http to another host.

``auto`` (:func:`detect_forge`) names the forge from the runner's own markers, so one workflow
file serves all three: the Forgejo Runner sets ``FORGEJO_ACTIONS=true`` (since v7; it also
sets ``GITEA_ACTIONS=true``, for actions written for Gitea), Gitea's act_runner sets
``GITEA_ACTIONS=true``, and GitHub's runner ``GITHUB_ACTIONS=true`` (which act-based runners
set too, hence the order). ``DUBAN_FORGE`` overrides them all. Gitea and Forgejo share API
v1, so an older Forgejo Runner that only says ``GITEA_ACTIONS`` is served the same."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from duban.notify.http import redacted
from duban.problems import UserError
from duban.text import Text

FORGES = ("github", "gitea", "forgejo")
AUTO = "auto"
"""The kind that :func:`target_from_env` replaces by :func:`detect_forge`'s answer."""

#: The runner's marker of each forge, most specific first (see the module's description).
MARKERS = (("FORGEJO_ACTIONS", "forgejo"), ("GITEA_ACTIONS", "gitea"), ("GITHUB_ACTIONS", "github"))

_REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
_LOCAL = ("127.0.0.1", "localhost", "::1")


class ForgeError(UserError):
    """The forge cannot be used (configuration, address, token, repository): exit 2."""


@dataclass(frozen=True)
class Target:
    """Which forge, where its API is, which repository; the token is never printed."""

    kind: str
    api: str
    owner: str
    repo: str
    token: str

    def __repr__(self) -> str:
        return f"Target({self.kind!r}, {redacted(self.api)!r}, {self.owner}/{self.repo})"

    @property
    def where(self) -> str:
        return f"{self.owner}/{self.repo}（{redacted(self.api)}）"

    @property
    def where_en(self) -> str:
        return f"{self.owner}/{self.repo} ({redacted(self.api)})"


def _first(env: Mapping[str, str], *names: str) -> tuple[str, str]:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return name, value
    return "", ""


def detect_forge(env: Mapping[str, str]) -> str:
    """Which forge runs this job: ``DUBAN_FORGE`` when set, else the runner's markers."""
    chosen = env.get("DUBAN_FORGE", "").strip().lower()
    if chosen:
        if chosen not in FORGES:
            raise ForgeError(
                Text(
                    f"环境变量 DUBAN_FORGE 的值 {chosen[:40]!r} 不是支持的平台："
                    "请写 github、gitea 或 forgejo",
                    f"DUBAN_FORGE is {chosen[:40]!r}, not a supported forge: "
                    "write github, gitea or forgejo",
                )
            )
        return chosen
    for marker, kind in MARKERS:
        if env.get(marker, "").strip().lower() == "true":
            return kind
    raise ForgeError(
        Text(
            "无法自动识别代码托管平台（环境中没有 FORGEJO_ACTIONS、GITEA_ACTIONS 或 "
            "GITHUB_ACTIONS，不是在工作流中运行）：请用 --forge github、gitea 或 forgejo 指明，"
            "或设置环境变量 DUBAN_FORGE",
            "cannot tell the forge (no FORGEJO_ACTIONS, GITEA_ACTIONS or GITHUB_ACTIONS in the "
            "environment: not in a workflow): give --forge github, gitea or forgejo, or set "
            "DUBAN_FORGE",
        )
    )


def target_from_env(kind: str, env: Mapping[str, str]) -> Target:
    """The forge to use, from the environment (see the module's description); ``kind``
    ``auto`` is :func:`detect_forge`'s answer."""
    if kind == AUTO:
        kind = detect_forge(env)
    if kind not in FORGES:
        raise ForgeError(Text(f"不支持的平台 {kind}", f"unsupported forge {kind}"))
    own = {"github": (), "gitea": ("GITEA",), "forgejo": ("FORGEJO",)}[kind]
    _, token = _first(env, "DUBAN_FORGE_TOKEN", *(f"{p}_TOKEN" for p in own), "GITHUB_TOKEN")
    if not token:
        raise ForgeError(
            Text(
                "缺少访问令牌：请设置环境变量 DUBAN_FORGE_TOKEN（在工作流中取自平台的 secrets；"
                "GitHub Actions 可用 GITHUB_TOKEN），令牌需要议题（issues）读写权限",
                "no token: set DUBAN_FORGE_TOKEN (from the forge's secrets in a workflow; "
                "GITHUB_TOKEN on GitHub Actions); it needs read and write access to issues",
            )
        )
    servers = tuple(f"{p}_SERVER_URL" for p in own)
    _, url = _first(env, "DUBAN_FORGE_URL", "GITHUB_API_URL", *servers)
    if not url and kind == "github":
        url = "https://api.github.com"
    if not url:
        raise ForgeError(
            Text(
                f"缺少平台地址：请设置环境变量 DUBAN_FORGE_URL（{kind} 服务器的地址，"
                "如 https://git.example.cn）",
                f"no forge address: set DUBAN_FORGE_URL (the {kind} server, e.g. "
                "https://git.example.cn)",
            )
        )
    url = url.rstrip("/")
    parts = urllib.parse.urlsplit(url)
    plain_ok = parts.hostname in _LOCAL or env.get("DUBAN_FORGE_ALLOW_HTTP") == "1"
    if parts.scheme != "https" and not (parts.scheme == "http" and plain_ok):
        raise ForgeError(
            Text(
                f"平台地址 {redacted(url)} 不是 https 地址：令牌不能明文发送（内网确需 http 的，"
                "设置 DUBAN_FORGE_ALLOW_HTTP=1）",
                f"the forge address {redacted(url)} is not https: the token is not sent in "
                "clear (set DUBAN_FORGE_ALLOW_HTTP=1 on a closed network that needs http)",
            )
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ForgeError(
            Text(
                "平台地址只能是服务器地址（不带查询参数或账号）：请检查 DUBAN_FORGE_URL",
                "the forge address must be a plain server address: check DUBAN_FORGE_URL",
            )
        )
    if kind != "github" and not url.endswith("/api/v1"):
        url += "/api/v1"
    _, repo = _first(
        env, "DUBAN_FORGE_REPO", *(f"{p}_REPOSITORY" for p in own), "GITHUB_REPOSITORY"
    )
    if not _REPO.fullmatch(repo) or ".." in repo:
        raise ForgeError(
            Text(
                "缺少或写错了仓库名：请把 DUBAN_FORGE_REPO 设为 所有者/仓库名"
                "（如 dcs/duban-ledger）",
                "no or bad repository: set DUBAN_FORGE_REPO to owner/name (e.g. dcs/ledger)",
            )
        )
    owner, name = repo.split("/")
    return Target(kind, url, owner, name, token)


__all__ = ["AUTO", "FORGES", "MARKERS", "ForgeError", "Target", "detect_forge", "target_from_env"]
