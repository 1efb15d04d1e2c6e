"""Offline-safe: the site loads nothing from other hosts (ARCHITECTURE.md, "The site").

No web fonts, no CDN scripts, no external images or styles: every resource an HTML page,
stylesheet or SVG refers to is local. Links a reader may click (<a href>) may point only to
hosts the ledger itself declares (site_url, repo_url). Material's JavaScript bundle contains
a few URLs it fetches only on features we do not use; they are listed with the reason and
the test checks that the feature is indeed off.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml
from support.site import ROOT, SETTINGS

pytestmark = pytest.mark.slow  # the site is built (once per session, see conftest.built_site)

ABSOLUTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
LOADING_ATTRS = {"src", "srcset", "data", "poster", "action", "formaction", "background"}
LOADING_LINK_RELS = {
    "stylesheet",
    "preload",
    "prefetch",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "preconnect",
    "dns-prefetch",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
JS_URL = re.compile(r"""https?://([A-Za-z0-9.-]+)""")
#: URLs inside Material's and lunr's JavaScript, and why they are never requested here.
JS_ALLOWED = {
    "api.github.com": "repository facts: only with `repo_url` in mkdocs.yml (checked: unset)",
    "unpkg.com": "mermaid / ResizeObserver polyfill: only for mermaid diagrams (checked: none)"
    " or browsers without ResizeObserver",
    "clipboardjs.com": "licence comment",
    "lunrjs.com": "licence comment",
    "tartarus.org": "licence comment (Porter stemmer)",
    "snowball.tartarus.org": "licence comment (Snowball stemmers in lunr language files)",
    "code.google.com": "licence comment (lunr language files)",
    "www.mozilla.org": "licence comment (lunr language files)",
    "bit.ly": "error message text",
    "example.com": "Pagefind's worker: a dummy base for parsing relative result URLs",
    "harrymkt.github.io": "Pagefind UI: a translator's credit in its translations",
    "yekta.dev": "Pagefind UI: a translator's credit in its translations",
    "p": "Pagefind UI: a template string, not a host",
    "chasen.org": "licence comment (TinySegmenter)",
    "github.com": "licence comments",
    "docs.python.org": "comment",
    "en.wikipedia.org": "comment",
    "msdn.microsoft.com": "comment",
    "narwhaljs.org": "comment",
    "people.mozilla.org": "comment",
    "underscorejs.org": "comment",
    "wiki.commonjs.org": "comment",
    "wiki.ecmascript.org": "comment",
    "developer.mozilla.org": "comment",
    "www.w3.org": "SVG/XML namespace names, not fetched",
}


def own_hosts() -> set[str]:
    data = yaml.safe_load(SETTINGS)
    return {urlsplit(data[k]).hostname or "" for k in ("site_url", "repo_url")} - {""}


class Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.styles: list[str] = []
        self.mermaid = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "mermaid" in a.get("class", ""):
            self.mermaid = True
        for key in LOADING_ATTRS & a.keys():
            self.loads += [u.strip().split(" ")[0] for u in a[key].split(",")]
        if "style" in a:
            self.styles.append(a["style"])
        if tag == "style":
            self._in_style = True
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            (self.loads if rels & LOADING_LINK_RELS else self.links).append(a.get("href", ""))
        elif tag in ("a", "area") and "href" in a:
            self.links.append(a["href"])
        elif tag in ("image", "use") and ("href" in a or "xlink:href" in a):
            self.loads.append(a.get("href") or a.get("xlink:href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def css_refs(text: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(text)]


def external(url: str) -> bool:
    return bool(ABSOLUTE.match(url)) and not url.strip().lower().startswith("data:")


def test_site_config_uses_no_web_fonts_or_remote_assets() -> None:
    from mkdocs.utils import yaml_load

    config = yaml_load((ROOT / "mkdocs.yml").read_bytes())
    assert config["theme"]["font"] is False
    assert "repo_url" not in config
    for key in ("extra_javascript", "extra_css"):
        for item in config.get(key, []):
            path = item if isinstance(item, str) else item.get("path", "")
            assert not external(path), path


def test_html_loads_only_local_resources(built_site) -> None:  # type: ignore[no-untyped-def]
    allowed = own_hosts()
    bad = []
    pages = list(built_site.site.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        refs = Refs()
        refs.feed(page.read_text("utf-8"))
        rel = page.relative_to(built_site.site)
        bad += [f"{rel}: loads {u}" for u in refs.loads if external(u)]
        bad += [f"{rel}: style {u}" for s in refs.styles for u in css_refs(s) if external(u)]
        bad += [
            f"{rel}: links {u}"
            for u in refs.links
            if external(u) and urlsplit(u).hostname not in allowed
        ]
        assert not refs.mermaid, rel
    assert bad == []


def test_css_and_svg_load_only_local_resources(built_site) -> None:  # type: ignore[no-untyped-def]
    bad = []
    for path in [*built_site.site.rglob("*.css"), *built_site.site.rglob("*.svg")]:
        text = path.read_text("utf-8", errors="replace")
        bad += [f"{path.name}: {u}" for u in css_refs(text) if external(u)]
        if path.suffix == ".svg":
            refs = Refs()
            refs.feed(text)
            bad += [f"{path.name}: {u}" for u in refs.loads if external(u)]
    assert bad == []


def test_javascript_refers_to_no_unexpected_host(built_site) -> None:  # type: ignore[no-untyped-def]
    hosts = {}
    for path in built_site.site.rglob("*.js"):
        for host in JS_URL.findall(path.read_text("utf-8", errors="replace")):
            hosts.setdefault(host.lower().rstrip("."), path.name)
    assert {h: f for h, f in hosts.items() if h not in JS_ALLOWED} == {}


def test_checks_can_fail() -> None:
    refs = Refs()
    refs.feed(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="//cdn.example.com/x.js"></script><img srcset="a.png 1x, https://x/b.png 2x">'
        '<div style="background:url(https://x/y.png)"></div>'
    )
    assert [u for u in refs.loads if external(u)] == [
        "https://fonts.googleapis.com/css?family=Roboto",
        "//cdn.example.com/x.js",
        "https://x/b.png",
    ]
    assert [u for s in refs.styles for u in css_refs(s) if external(u)] == ["https://x/y.png"]
    assert css_refs("@import 'https://x/a.css'; a{b:url(data:image/svg+xml;x)}") == [
        "https://x/a.css",
        "data:image/svg+xml;x",
    ]
