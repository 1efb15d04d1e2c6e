"""What every page of the site is written from: the public view, facts about the build and
the link helper (:class:`PageContext`), made once per build by :func:`page_context`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from duban.model import Ledger, LedgerConfig
from duban.status.records import TaskStatus
from duban.web.links import Links
from duban.web.markup import esc
from duban.web.public import PublicView

#: The notice of a fictional ledger that has none of its own (``fictional: true``).
FICTIONAL_NOTICE = "本站数据为虚构的示例数据，不代表任何真实单位和事项。"

#: Beijing time (UTC+8, no daylight saving): every time the site shows is in it.
BEIJING = timezone(timedelta(hours=8), "北京时间")


def beijing(iso: str) -> str:
    """An ISO 8601 time with offset (a commit's date) as ``2026-12-22 16:30`` Beijing time;
    "" for "" and the text itself (cut to 16 characters) when it is not such a time."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16].replace("T", " ")
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def footer_fields(config: LedgerConfig) -> list[tuple[str, str]]:
    """The footer lines of a government site that the ledger sets (label, plain text):
    主办单位, 承办单位, 联系方式, 网站标识码, ICP备案号, 公网安备号."""
    fields = [
        ("主办单位", config.host),
        ("承办单位", config.operator),
        ("联系方式", config.contact),
        ("网站标识码", config.site_id_code),
        ("ICP备案号", config.icp),
        ("公网安备号", config.police_record),
    ]
    return [(name, value) for name, value in fields if value]


def site_extra(config: LedgerConfig, commit_date: str = "") -> dict[str, Any]:
    """What the theme's templates (``docs/overrides``) read from ``config.extra``: the footer
    lines, the 党政机关 mark and the page meta tags of the government-website specification
    (SiteName, SiteDomain, SiteIDCode, ContentSource; the templates add ColumnName,
    ArticleTitle and PubDate per page). Ledger text is escaped here (:func:`esc`, the site's one
    escape, as page titles are); the templates print it as it is."""
    try:
        domain = urlsplit(config.site_url).hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        domain = ""
    return {
        "duban_footer": [
            {"label": name, "value": esc(value)} for name, value in footer_fields(config)
        ],
        "duban_gov_mark": config.gov_mark,  # a path of [A-Za-z0-9_./-] (the schema), a URL
        "duban_meta": {
            "SiteName": esc(config.name),
            "SiteDomain": esc(domain),
            "SiteIDCode": esc(config.site_id_code),
            "ContentSource": esc(config.host or config.name),
        },
        "duban_pubdate": beijing(commit_date),  # digits, "-", " " and ":" only
        "duban_print_title": esc(config.name),
    }


def notice_text(config: LedgerConfig) -> str:
    """The notice shown on every page (the data page too): only for fictional data."""
    return (config.notice or FICTIONAL_NOTICE) if config.fictional else ""


@dataclass(frozen=True)
class SiteInfo:
    """Facts about the build shown on the data page and the task pages."""

    commit: str = ""
    """The full SHA of the ledger's HEAD commit ("" outside Git)."""
    commit_date: str = ""
    """Its committer date, ISO 8601 with offset ("" outside Git)."""
    audit_note: str = ""
    """What a task page shows in place of an audit trail it does not have."""


@dataclass(frozen=True)
class PageContext:
    """The inputs of every page family (:mod:`duban.web.overview`, :mod:`duban.web.lists`,
    :mod:`duban.web.units`, :mod:`duban.web.catalogue`, :mod:`duban.web.taskpage`)."""

    view: PublicView
    """The public view: public tasks only; every file is written through it."""
    info: SiteInfo
    """Facts about the build."""
    links: Links
    """The link helper, set to the page being written."""
    statuses: tuple[TaskStatus, ...]
    """The public tasks' statuses, by task id."""
    units_used: tuple[str, ...]
    """The units that have a page (those named by a public task), in the roster's order."""

    @property
    def ledger(self) -> Ledger:
        return self.view.ledger


def page_context(view: PublicView, info: SiteInfo, directory_urls: bool = True) -> PageContext:
    """The context of one site: statuses sorted by id, the units that get a page."""
    statuses = tuple(sorted(view.statuses, key=lambda s: s.task.id))
    used = {
        code
        for s in statuses
        for code in (*s.task.units(), s.task.owner.unit, *s.task.owner.co_units, s.task.assigned_by)
    }
    units = tuple(code for code in view.ledger.units if code in used)
    links = Links(view.ledger, units, directory_urls)
    return PageContext(view, info, links, statuses, units)


__all__ = [
    "BEIJING",
    "FICTIONAL_NOTICE",
    "PageContext",
    "SiteInfo",
    "beijing",
    "footer_fields",
    "notice_text",
    "page_context",
    "site_extra",
]
