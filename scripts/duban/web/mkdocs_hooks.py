"""MkDocs hooks (a documented MkDocs feature, ``hooks:`` in mkdocs.yml) for ``duban build``.

A speed-up only; the site is the same without it (a test compares every page). Our pages
carry their tables, timelines and lead paragraphs as ready-made HTML blocks, and two parts
of MkDocs would parse each of them just to pass it along: Python-Markdown (to find where a
raw HTML block ends) and Material's search plugin (to index it, even when the block or its
section is marked ``data-search-exclude``). At 10,000 task pages that is most of the build.
So:

- ``on_page_markdown`` sets our blocks aside behind placeholder paragraphs;
- ``on_page_content`` puts back the searchable blocks;
- ``on_page_context``, after the search plugin (lower priority), puts back the rest.

And the theme renders its navigation, search box and footer for every page, though on the
thousands of task pages (none of them in the navigation) they come out the same: ``on_env``
has those partials (and the tabs) rendered once per folder for pages outside the navigation.

And ``on_post_page`` hands each page, as MkDocs writes it, to the search index that
``duban build`` has open (:func:`duban.web.search_stream.active`), so Pagefind indexes on the other
core while MkDocs builds; without one (``mkdocs build`` by hand, ProperDocs in its own
process) it does nothing, and ``duban build`` indexes the built site instead, with the same
result. What MkDocs writes without this event (``404.html``) is read from the built site.

And with ``duban build``, two processes render the pages (:mod:`duban.web.mkdocs_split`):
``on_nav`` forks, ``on_page_markdown`` leaves empty the pages the other process converts and
gives the ones it renders a template that writes nothing, ``on_post_template`` keeps the
child from writing the theme's pages, and ``on_post_build`` (or ``on_build_error``) ends the
child and has the parent wait for it.

Not a speed-up: ``on_post_build`` copies ``feeds/`` beside the generated ``mkdocs.yml``
(``api/tasks.json`` and the iCalendar feeds, written by ``duban build``) into the site.

Another engine reading the same Markdown (Zensical, MkDocs 2) renders the blocks as plain
raw HTML, with the same result.
"""

from __future__ import annotations

import posixpath
import re
import secrets
import shutil
import sys
from pathlib import Path
from typing import Any, NamedTuple

from mkdocs.plugins import event_priority

#: The exact shapes the page modules write (``duban.web.markup.html_table``, the timeline
#: and lead paragraph of ``duban.web.taskpage``): a table, the obligations timeline or a
#: task's lead paragraph, each starting a line after a blank line and ending with its closing
#: tag on a line.
_BLOCK = re.compile(
    r"(?<=\n\n)(?:<table(?: data-search-exclude)?>\n<thead>.*?\n</table>"
    r"|<ol class=\"duban-timeline\">\n.*?\n</ol>|<p class=\"duban-lead\">[^\n]*</p>)\n",
    re.S,
)
_EXCLUDED_BLOCK = "<table data-search-exclude>"
#: Placeholders carry a token drawn once per build process: ledger text (escaped, but free
#: to spell letters and digits) cannot write one and have a block put in its place.
_TOKEN = secrets.token_hex(8)
_PLACEHOLDER = re.compile(rf"<p>DUBANHTML(\d+)X{_TOKEN}</p>")
_EXCLUDED = re.compile(rf"<p data-search-exclude>DUBANHTML(\d+)X{_TOKEN}</p>")


class _Block(NamedTuple):
    """One block set aside while Python-Markdown and the search plugin run."""

    html: str
    """The block, without its final line end."""
    excluded: bool
    """Kept out of the search index."""


#: Per page: the blocks set aside.
_stash: dict[str, list[_Block]] = {}


def _split() -> Any:
    """The split of this build (:func:`duban.web.mkdocs_split.active`), if ``duban build``
    opened one; its module, for its constants."""
    split = sys.modules.get("duban.web.mkdocs_split")
    return (split.active(), split) if split is not None else (None, None)


def on_nav(nav: Any, config: Any, files: Any, **_: Any) -> Any:
    split, _module = _split()
    if split is not None:
        pages = [file.src_uri for file in files.documentation_pages()]
        split.fork(pages, {page.file.src_uri for page in nav.pages})
    return nav


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    split, module = _split()
    if split is not None:
        if not split.renders(page.file.src_uri):
            page.meta["template"] = module.SKIP_TEMPLATE
        if not split.converts(page.file.src_uri):
            return ""
    blocks: list[_Block] = []

    def keep(match: re.Match[str]) -> str:
        heading_start = markdown.rfind("\n#", 0, match.start())
        heading = markdown[heading_start : markdown.find("\n", heading_start + 1)]
        in_excluded_section = heading_start >= 0 and "data-search-exclude" in heading
        excluded = in_excluded_section or match.group(0).startswith(_EXCLUDED_BLOCK)
        blocks.append(_Block(match.group(0).rstrip("\n"), excluded))
        return f"DUBANHTML{len(blocks) - 1}X{_TOKEN}\n"

    result = _BLOCK.sub(keep, markdown)
    if blocks:
        _stash[page.file.src_uri] = blocks
    return result


def on_page_content(html: str, page: Any, **_: Any) -> str:
    """Searchable blocks go back; the others stay placeholders the search plugin skips."""
    split, _module = _split()
    if split is not None and not split.converts(page.file.src_uri):
        page.present_anchor_ids = None  # not converted here: MkDocs checks no link to it
    blocks = _stash.get(page.file.src_uri)
    if not blocks:
        return html

    def put_back(match: re.Match[str]) -> str:
        n = int(match.group(1))
        block, excluded = blocks[n]
        return f"<p data-search-exclude>DUBANHTML{n}X{_TOKEN}</p>" if excluded else block + "\n"

    return _PLACEHOLDER.sub(put_back, html)


@event_priority(-100)  # after Material's search plugin has indexed the page
def on_page_context(context: Any, page: Any, **_: Any) -> Any:
    blocks = _stash.pop(page.file.src_uri, None)
    if blocks:
        page.content = _EXCLUDED.sub(lambda m: blocks[int(m.group(1))].html + "\n", page.content)
    return context


#: Theme partials whose output, on a page outside the navigation, depends only on the folder
#: of its URL (links are relative): no item is active, and it has no previous or next page.
_SAME_OUTSIDE_NAV = (
    "partials/nav.html",
    "partials/tabs.html",
    "partials/search.html",
    "partials/footer.html",
)


def on_env(env: Any, config: Any, files: Any) -> Any:
    split, module = _split()
    if split is not None:
        module.skip_loader(env)
    for name in _SAME_OUTSIDE_NAV:
        template = env.get_template(name)  # the environment caches it: includes use this one
        template.root_render_func = _once_per_folder(template.root_render_func)
    return env


def _once_per_folder(render: Any) -> Any:
    cache: dict[str, list[str]] = {}

    def cached(context: Any) -> Any:
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or page in nav.pages:
            yield from render(context)
            return
        key = posixpath.dirname(page.url.rstrip("/"))  # tasks/X/ and tasks/Y/: "tasks"
        if key not in cache:
            cache[key] = list(render(context))
        yield from cache[key]

    return cached


@event_priority(-1000)  # after every plugin: the page as MkDocs writes it
def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str:
    search = sys.modules.get("duban.web.search_stream")  # only duban build opens an index
    index = search.active() if search is not None else None
    if index is not None and output.strip():  # MkDocs writes no empty page
        index.add(page.file.dest_uri, output)
    return output


def on_post_template(output_content: str, template_name: str, **_: Any) -> str:
    split, _module = _split()
    return "" if split is not None and split.role == "child" else output_content


@event_priority(100)  # before any other plugin: a child ends here
def on_post_build(config: Any, **_: Any) -> None:
    split, _module = _split()
    if split is not None and split.role == "child":
        split.child_exit()
    if split is not None:
        split.join()  # its pages are written when it ends
    feeds = Path(config.config_file_path).parent / "feeds"
    if feeds.is_dir():  # complete or absent: duban build renames it into place when done
        shutil.copytree(feeds, config.site_dir, dirs_exist_ok=True)


@event_priority(100)
def on_build_error(error: Exception, **_: Any) -> None:
    split, _module = _split()
    if split is not None and split.role == "child":
        split.child_exit(f"{type(error).__name__}: {error}"[:2000] or "error")
    if split is not None:
        split.abandon()
