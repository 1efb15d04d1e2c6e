"""MkDocs hooks (a documented MkDocs feature, ``hooks:`` in mkdocs.yml) for ``duban build``.

A speed-up only; the site is the same without it. Our pages carry their tables and
timelines as ready-made HTML blocks. Python-Markdown would parse every such block with its
HTML parser just to pass it through unchanged; at 10,000 task pages that is a third of the
MkDocs build. ``on_page_markdown`` sets our blocks aside behind a placeholder paragraph and
``on_page_content`` puts them back, before the search plugin and the theme see the page.
Another engine reading the same Markdown (Zensical, MkDocs 2) renders the blocks as plain
raw HTML, with the same result.
"""

from __future__ import annotations

import re
from typing import Any

#: The exact shapes ``duban.web.pages`` writes: a table or the obligations timeline,
#: each starting a line after a blank line and ending with its closing tag on a line.
_BLOCK = re.compile(
    r"(?<=\n\n)(?:<table>\n<thead>.*?\n</table>|<ol class=\"duban-timeline\">\n.*?\n</ol>)\n",
    re.S,
)
_PLACEHOLDER = re.compile(r"<p>DUBANHTML(\d+)X</p>")
_stash: dict[str, list[str]] = {}


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append(match.group(0).rstrip("\n"))
        return f"DUBANHTML{len(blocks) - 1}X\n"

    result = _BLOCK.sub(keep, markdown)
    if blocks:
        _stash[page.file.src_uri] = blocks
    return result


def on_page_content(html: str, page: Any, **_: Any) -> str:
    blocks = _stash.pop(page.file.src_uri, None)
    if not blocks:
        return html
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))] + "\n", html)
