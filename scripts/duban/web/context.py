"""What every page of the site is written from: the public view, facts about the build and
the link helper (:class:`PageContext`), made once per build by :func:`page_context`."""

from __future__ import annotations

from dataclasses import dataclass

from duban.model import Ledger, LedgerConfig
from duban.status.records import TaskStatus
from duban.web.links import Links
from duban.web.public import PublicView

#: The notice of a fictional ledger that has none of its own (``fictional: true``).
FICTIONAL_NOTICE = "本站数据为虚构的示例数据, 不代表任何真实单位和事项。"


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


__all__ = ["FICTIONAL_NOTICE", "PageContext", "SiteInfo", "notice_text", "page_context"]
