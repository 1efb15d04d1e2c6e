"""Search: Pagefind's chunked index over the built HTML, and the page with its search box.

Material's search plugin writes one ``search/search_index.json`` that every page downloads
before the first result (about 8 MB at 10,000 tasks). Pagefind (PyPI ``pagefind[extended]``:
the extended build segments Chinese) indexes the built pages of any engine into small
fragments and a word index split into chunks; a query fetches the entry file, the chunk of
its words and the fragments of the results it shows (benchmarks/bench_search.py measures
it). Everything is served from the site itself (``pagefind/``): no CDN, and every path is
relative to the script, so the site works under a sub-path.

What is indexed is the page's ``<article>`` (the theme's header, navigation and footer stay
out), less what the pages mark ``data-search-exclude``, the timeline and every table but a
task's 办理记录 (its events: 同意延期 finds the tasks extended); so a task is found on its own
page by its title, lead paragraph and events, not by its fields, milestones or trail, nor on
the lists' rows.

Chinese is segmented twice, differently: the indexer with a dictionary (营商环境 as 营商 +
环境), the browser's query with ``Intl.Segmenter`` (营 + 商 + 环境), and every query word must
start a word of the page. So the pages are indexed from a copy in which each page's title is
also given character by character, with a small weight: a query word the browser splits off
as one character still finds its page, and the published pages are left as built.

Two ways to the same index: :func:`index_site` runs Pagefind's command line over a copy of
the built site; ``StreamingIndex`` (:mod:`duban.web.search_stream`, what ``duban build``
uses with the MkDocs engine) feeds Pagefind's service each page as MkDocs renders it (the
``on_post_page`` hook of :mod:`duban.web.mkdocs_hooks`), so Pagefind indexes on the other
core while MkDocs builds, and only writing the bundle is left when MkDocs is done. Any
failure of the streaming path makes the build fall back to :func:`index_site`.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from duban.problems import Problem
from duban.source import Location
from duban.text import Text
from duban.web.links import Links
from duban.web.trail import TRAIL_NOTE

#: Where the bundle goes, relative to the site.
BUNDLE = "pagefind"
ROOT_SELECTOR = "article"
#: Kept out of the index: what the pages mark, the timeline, the theme's permalinks and
#: file dates, and the ledger's name printed on paper only (it would match every page).
EXCLUDE_SELECTORS = (
    "[data-search-exclude], .duban-timeline, .headerlink, .md-source-file, .duban-print-title"
)
#: Parts of Pagefind's bundle the search page does not use (other UIs), left out of the site.
UNUSED = ("pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
#: How long indexing may take (about a minute per 10,000 pages on one core).
TIMEOUT = 1800


def search_page(links: Links) -> str:
    """``search.md``: Pagefind's search box, its script and style from the site's own
    ``pagefind/``; ``?q=`` in the address runs that query (a link or a bookmark)."""
    links.here = "search.md"
    bundle = links.file_url(f"{BUNDLE}/")
    return f"""---
title: 搜索
---

# 搜索

<link rel="stylesheet" href="{bundle}pagefind-ui.css">
<div id="duban-search" data-pagefind-ignore="all"></div>
<noscript><p>搜索需要启用浏览器的 JavaScript；
也可以从“责任单位”“逾期事项”等栏目查找任务。</p></noscript>
<script src="{bundle}pagefind-ui.js"></script>
<script>
window.addEventListener("DOMContentLoaded", function () {{
  var ui = new PagefindUI({{element: "#duban-search", showSubResults: false,
    showImages: false, resetStyles: false, autofocus: true}});
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) {{ ui.triggerSearch(q); }}
}});
</script>
"""


TITLE_TAG = re.compile(r"<title>([^<]*)</title>")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TAGS = re.compile(r"<[^>]*>")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ARTICLE_END = "</article>"
#: What is never indexed, cut out before Pagefind reads the page: every table but the one
#: after the 办理记录 heading (``id="events"``), the obligations timeline, and the note under
#: each audit trail (the same words on every task page). Pagefind would
#: skip them (``data-pagefind-ignore``) but still parse them: half its time at 10,000 pages.
#: The pages' tables never nest, and ledger text cannot close one (it is escaped).
_UNINDEXED = re.compile(
    r'(id="events"[^>]*>[^<]*</h2>\s*)(<table\b.*?</table>)'
    r'|<table\b.*?</table>|<ol class="duban-timeline">.*?</ol>'
    rf'|<p class="{TRAIL_NOTE}"[^>]*>.*?</p>',
    re.S,
)


def _cut(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2) if match.group(1) is not None else ""


def for_index(page: str) -> str:
    """``page`` as indexed: its tables cut out but the events', so is the timeline, and its
    title's Chinese characters, one by one, at the end of its ``<article>`` (weighted low, so
    a page is not ranked up by them). The title is the page's ``<h1>`` (the ``<title>``
    also names the site, which would make every page match the site's name)."""
    page = _UNINDEXED.sub(_cut, page)
    end = page.rfind(ARTICLE_END)
    heading = _H1.search(page, 0, max(end, 0))
    if heading is None or end < 0:
        return page
    chars = " ".join(dict.fromkeys(_HAN.findall(html.unescape(_TAGS.sub("", heading.group(1))))))
    if not chars:
        return page
    extra = f'<p data-pagefind-weight="0.2" hidden>{chars}</p>'
    return page[:end] + extra + page[end:]


def _index_copy(site: Path, copy: Path) -> None:
    """The HTML pages of ``site`` in ``copy``, as :func:`for_index` gives them."""
    for page in site.rglob("*.html"):
        if page.is_symlink() or not page.is_file():
            continue
        target = copy / page.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(for_index(page.read_text("utf-8", errors="replace")), "utf-8")


def index_site(site: Path) -> list[Problem]:
    """Index the built ``site`` into ``site/pagefind/`` with Pagefind's own binary (the PyPI
    package ``pagefind[extended]`` ships it); a ``site-search`` warning when it cannot run:
    the site is published without a working search box rather than not at all."""
    with tempfile.TemporaryDirectory(prefix="duban-search-") as tmp:
        copy = Path(tmp) / "site"
        _index_copy(site, copy)
        return _run_pagefind(copy, site / BUNDLE)


def _run_pagefind(copy: Path, bundle: Path) -> list[Problem]:
    shutil.rmtree(bundle, ignore_errors=True)
    args = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(copy),
        "--output-path",
        str(bundle),
        "--root-selector",
        ROOT_SELECTOR,
        "--exclude-selectors",
        EXCLUDE_SELECTORS,
        "--silent",
    ]
    try:
        run = subprocess.run(
            args, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [search_warning(str(exc), str(exc))]
    if run.returncode != 0 or not (bundle / "pagefind-ui.js").is_file():
        tail = " ".join((run.stderr or run.stdout).strip().splitlines()[-3:])[:500]
        return [search_warning(tail, tail)]
    drop_unused(bundle)
    return []


def drop_unused(bundle: Path) -> None:
    for path in bundle.iterdir():
        if path.name.startswith(UNUSED):
            path.unlink()


def search_warning(zh: str, en: str) -> Problem:
    return Problem(
        "site-search",
        Location(BUNDLE),
        Text(
            f"无法生成搜索索引（Pagefind）：{zh}；网站已生成，但搜索不可用，"
            "请确认已安装 pagefind[extended]（pip install 'pagefind[extended]'）",
            f"cannot build the search index (Pagefind): {en}; the site was built without"
            " search: check that pagefind[extended] is installed",
        ),
        severity="warning",
    )


__all__ = ["BUNDLE", "drop_unused", "for_index", "index_site", "search_page", "search_warning"]
