"""Links between the pages of the site, relative to the page being written.

Pages are Markdown for headings and prose, raw HTML for tables and lists: with thousands of
pages, Markdown's inline processing of big tables would dominate the build. Links in the HTML
are the URLs MkDocs gives pages: ``tasks/X.md`` is ``tasks/X/`` (or ``tasks/X.html`` without
``use_directory_urls``), relative to the page being written (:attr:`Links.here`);
tests/test_site_build.py checks that every link of the built site resolves.

Zensical reads a relative URL in raw HTML as relative to the page's Markdown file, as
Markdown links are, and rewrites it for the page's own URL: for it, links are written
relative to the source file's folder (:attr:`Links.source_relative`). Either way every link
is relative, so the site works under a sub-path (tests/test_site_engines.py).
"""

from __future__ import annotations

from collections.abc import Collection

from duban.model import Ledger
from duban.status.records import TaskStatus
from duban.web.markup import hesc


class Links:
    """URLs and ``<a>`` elements from the current page (:attr:`here`) to the others.

    ``units_with_pages`` are the units that have a page (a link to any other unit is just its
    name). Unit and rule links are cached per folder depth: thousands of task pages link to
    the same few units and rules.
    """

    def __init__(
        self, ledger: Ledger, units_with_pages: Collection[str], directory_urls: bool = True
    ) -> None:
        self.ledger = ledger
        self.units_with_pages = frozenset(units_with_pages)
        self.directory_urls = directory_urls
        self._cache: dict[tuple[str, ...], str] = {}
        self.source_relative = False
        """Links relative to the folder of the page's Markdown file (Zensical), not its URL."""
        self.here = "index.md"

    def page_url(self, md: str) -> str:
        """The URL MkDocs gives the page ``md`` (``tasks/X.md``), relative to the site root:
        the one home of the page-URL rule (the feeds use it too)."""
        stem = md.removesuffix(".md")
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index":
            return ""
        return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"

    @property
    def here(self) -> str:
        """The page being written (``tasks/X.md``): links are relative to its URL."""
        return self._here

    @here.setter
    def here(self, rel: str) -> None:
        self._here = rel
        depth = rel.count("/") if self.source_relative else self.page_url(rel).count("/")
        self._up = "../" * depth

    def href(self, target: str) -> str:
        """The URL of ``target`` (``units/fgw.md#x``) from the current page."""
        path, _, anchor = target.partition("#")
        url = self.file_url(self.page_url(path)) or "./"
        return url + (f"#{anchor}" if anchor else "")

    def file_url(self, path: str) -> str:
        """The URL of a file of the site (``api/tasks.json``) from the current page."""
        return self._up + path

    def file_a(self, path: str) -> str:
        """A link to a file MkDocs does not know of: ``api/`` is written next to the site it
        builds (the feeds are made while MkDocs runs), so the link is raw HTML, which MkDocs
        leaves alone; tests/test_site_build.py checks that every link resolves."""
        return f'<a href="{self.file_url(path)}">{hesc(path)}</a>'

    def task_a(self, status: TaskStatus, with_title: bool = True) -> str:
        task = status.task
        text = f"{task.id} {task.title}" if with_title else task.id
        return f'<a href="{self.href(f"tasks/{task.id}.md")}">{hesc(text)}</a>'

    def unit_a(self, code: str) -> str:
        """The unit's name, a link to its page when it has one."""
        key = ("unit", code, self._up)
        if key not in self._cache:
            name = hesc(self.ledger.unit_label(code))
            if code in self.units_with_pages:
                name = f'<a href="{self.href(f"units/{code}.md")}">{name}</a>'
            self._cache[key] = name
        return self._cache[key]

    def rule_a(self, rule_id: str | None, measure: str) -> str:
        """The measure and title of a rule, a link to it in the catalogue (``rules.md``)."""
        key = ("rule", rule_id or "", measure, self._up)
        if key not in self._cache:
            rule = self.ledger.rules.get(rule_id or "")
            if rule is None:
                link = f"措施{hesc(measure)}" if measure else "—"
            else:
                text = f"措施{hesc(rule.measure)} {hesc(rule.title)}"
                link = f'<a href="{self.href(f"rules.md#{rule.id}")}">{text}</a>'
            self._cache[key] = link
        return self._cache[key]


__all__ = ["Links"]
