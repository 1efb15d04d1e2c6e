"""What a government office needs before it publishes the status site (issue 15, item 4, and
the wording of item 1): the footer of a government site, the page meta tags of the
government-website specification, a Chinese 404 page, full-width punctuation in every
generated Chinese text, the ledger's name on printed pages, 已办结 never read as finished,
no rule ids and no raw UTC time.

Read from the sample's site as ``duban demo`` builds it (README command 1) and from the test
ledger's strict site; one test builds its own site with hostile footer values.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from duban.ledger import load_ledger
from duban.web.context import beijing, footer_fields, site_extra
from duban.web.markup import esc
from support import SAMPLE, git, make_ledger, run_cli
from support.site import build

HAN = "\u4e00-\u9fff"
#: Half-width , ; : ( ) next to a Chinese character (spaces between allowed).
HALF_WIDTH = re.compile(rf"[{HAN}]\s*[,;:()]|[,;:()]\s*[{HAN}]")
META_NAMES = (
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ArticleTitle",
    "PubDate",
    "ContentSource",
)


class _Text(HTMLParser):
    """The text a reader sees: no script, style, code or SVG (a search index JSON is no page)."""

    SKIP = frozenset({"script", "style", "code", "pre", "svg", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert len(found) > 10, found
    return found


def metas(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta name="([A-Za-z]+)" content="([^"]*)"', html))


def sample_config():  # type: ignore[no-untyped-def]
    ledger, problems = load_ledger(SAMPLE)
    assert ledger is not None, problems
    return ledger.config


def test_the_footer_shows_the_fields_the_ledger_sets(demo_site: Path) -> None:
    config = sample_config()
    fields = footer_fields(config)
    assert [name for name, _ in fields] == [
        "主办单位",
        "承办单位",
        "联系方式",
        "网站标识码",
        "ICP备案号",
        "公网安备号",
    ]
    assert all("示例" in value for name, value in fields if name != "网站标识码")  # fictional
    for path in pages(demo_site):
        html = path.read_text(encoding="utf-8")
        footer = html[html.index('<div class="md-copyright duban-footer">') :]
        footer = footer[: footer.index("</footer>")]
        for name, value in fields:
            assert f"{name}：</span>{esc(value)}" in footer, (path, name)
        assert "Material for MkDocs" not in footer


def test_a_footer_shows_only_what_is_set(built_site) -> None:  # type: ignore[no-untyped-def]
    html = (built_site.site / "index.html").read_text(encoding="utf-8")
    footer = html[html.index("duban-footer") :]
    assert "联系方式：</span>测试州人民政府督查室 0718-0000000" in footer
    absent_fields = ("主办单位", "承办单位", "网站标识码", "ICP备案号", "公网安备号")
    for absent in (*absent_fields, "duban-gov-mark"):
        assert absent not in footer
    meta = metas(html)
    assert "SiteIDCode" not in meta  # not set: not invented
    assert meta["ContentSource"] == "测试州人民政府督办台账"  # no host: the ledger's name


def test_pages_carry_the_government_site_meta_tags(demo_site: Path) -> None:
    config = sample_config()
    for path in pages(demo_site):
        html = path.read_text(encoding="utf-8")
        meta = metas(html)
        assert set(META_NAMES) <= set(meta), (path, meta)
        assert meta["SiteName"] == esc(config.name)
        assert meta["SiteDomain"] == "duban.example.org"
        assert meta["SiteIDCode"] == esc(config.site_id_code)
        assert meta["ContentSource"] == esc(config.host)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", meta["PubDate"]), meta["PubDate"]
        title = re.search(r"<title>([^<]*)</title>", html)
        assert title and title.group(1).startswith(meta["ArticleTitle"].split(" ")[0]), path
        rel = path.relative_to(demo_site).as_posix()
        if rel.startswith("tasks/"):
            assert meta["ColumnName"] == "督办任务"
        elif rel.startswith("units/"):
            assert meta["ColumnName"] == "责任单位"
    index = metas((demo_site / "index.html").read_text(encoding="utf-8"))
    assert index["ColumnName"] == index["ArticleTitle"] == "概况"


def test_the_404_page_is_chinese(demo_site: Path) -> None:
    html = (demo_site / "404.html").read_text(encoding="utf-8")
    text = visible_text(html)
    assert "页面未找到" in text and "返回概况" in text
    assert "Not found" not in text and "404 -" not in text


def test_every_page_uses_full_width_punctuation(demo_site: Path, built_site) -> None:  # type: ignore[no-untyped-def]
    bad: dict[str, list[str]] = {}
    for site in (demo_site, built_site.site):
        for path in pages(site):
            text = visible_text(path.read_text(encoding="utf-8"))
            hits = [text[max(0, m.start() - 8) : m.end() + 8] for m in HALF_WIDTH.finditer(text)]
            if hits:
                bad[str(path.relative_to(site))] = hits[:3]
    assert bad == {}


def test_the_scan_would_catch_half_width_punctuation() -> None:
    assert HALF_WIDTH.search(visible_text("<p>牵头任务 2 项, 协办任务 1 项</p>"))
    assert HALF_WIDTH.search(visible_text("<td>逾期(工作日)</td>"))
    fine = "<p>牵头任务 2 项，协办（工作日）</p><code>代码: b</code>"
    assert not HALF_WIDTH.search(visible_text(fine))


def test_printed_pages_carry_the_ledgers_name(demo_site: Path) -> None:
    name = sample_config().name
    for path in pages(demo_site):
        html = path.read_text(encoding="utf-8")
        assert f'<p class="duban-print-title" aria-hidden="true">{esc(name)}</p>' in html, path
    css = (demo_site / "assets" / "duban.css").read_text(encoding="utf-8")
    printing = css[css.index("@media print") :]
    assert ".duban-print-title { display: block" in printing


def test_done_reads_as_awaiting_verification_and_rule_ids_stay_out(demo_site: Path) -> None:
    ledger, _ = load_ledger(SAMPLE)
    assert ledger is not None
    rule_ids = [r for r in ledger.rules if len(r) > 3]
    assert rule_ids
    for path in pages(demo_site):
        text = visible_text(path.read_text(encoding="utf-8"))
        # The 督查通报 pages too: their count of completions (closed or not) reads 已报送办结.
        assert not re.search(r"已办结(?!待核实)", text), path
        shown = [r for r in rule_ids if re.search(rf"(?<![\w-]){re.escape(r)}(?![\w-])", text)]
        assert shown == [], (path, shown)
    legend = visible_text((demo_site / "index.html").read_text(encoding="utf-8"))
    assert "不等于已经办结" in legend and "超过时限仍未核实" in legend


def test_every_time_is_beijing_time(demo_site: Path, built_site) -> None:  # type: ignore[no-untyped-def]
    assert beijing("2026-12-22T08:30:00+00:00") == "2026-12-22 16:30"
    assert beijing("2026-12-22T23:59:00-05:00") == "2026-12-23 12:59"
    assert beijing("not a time") == "not a time" and beijing("") == ""
    for site in (demo_site, built_site.site):
        for path in pages(site):
            text = visible_text(path.read_text(encoding="utf-8"))
            assert not re.search(r"\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:?\d\d)|UTC|GMT", text), path
    # The test ledger's commits are made in UTC (+00:00): shown 8 hours on.
    data = visible_text((built_site.site / "data" / "index.html").read_text(encoding="utf-8"))
    info_date = re.search(r"版本时间\s+(\d{4}-\d\d-\d\d \d\d:\d\d)（北京时间）", data)
    assert info_date, data[:500]
    commit_time = git(built_site.repo, "log", "-1", "--format=%cI").strip()
    assert info_date.group(1) == beijing(commit_time)


def test_hostile_footer_values_are_escaped(site_repo: Path, tmp_path: Path) -> None:
    settings = site_repo / "ledger" / "ledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + 'host: "<script>alert(1)</script>主办"\n'
        + 'operator: "承办 & \\"引号\\""\n'
        + 'icp: "{{ config }}备案"\n',
        encoding="utf-8",
    )
    built = build(site_repo, tmp_path / "out")
    html = (built.site / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    footer = html[html.index("duban-footer") :]
    for value in ("<script>alert(1)</script>主办", '承办 & "引号"', "{{ config }}备案"):
        assert esc(value) in footer, value  # the site's one escape, shown as text
    assert "&lt;script&gt;" in metas(html)["ContentSource"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("site_id_code", '"12 34"'),
        ("gov_mark", "../../etc/passwd.png"),
        ("gov_mark", "https://other.host/mark.png"),
        ("icp", '""'),
    ],
)
def test_bad_footer_fields_are_refused(tmp_path: Path, field: str, value: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    settings = ledger / "ledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + f"{field}: {value}\n", encoding="utf-8"
    )
    result = run_cli("validate", str(ledger))
    assert result.exit_code == 1, result.output
    assert field in result.output


def test_site_extra_is_plain_and_complete() -> None:
    extra = site_extra(sample_config(), "2026-11-30T01:03:00+00:00")
    assert extra["duban_pubdate"] == "2026-11-30 09:03"
    assert set(extra["duban_meta"]) == {"SiteName", "SiteDomain", "SiteIDCode", "ContentSource"}
    assert extra["duban_footer"][0]["label"] == "主办单位"
