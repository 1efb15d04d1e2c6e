"""The status site builds strictly from a real ledger in a real Git repository."""

from __future__ import annotations

import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
import yaml
from duban.ledger import load_ledger
from duban.status.select import ledger_status
from duban.web.pages import NAV
from support import git, run_cli, run_installed
from support.site import AS_OF, CANARY_ID, ROOT

pytestmark = pytest.mark.slow  # the site is built (once per session, see conftest.built_site)


def statuses(built_site):  # type: ignore[no-untyped-def]
    ledger, _ = load_ledger(built_site.repo / "ledger")
    return [s for s in ledger_status(ledger, AS_OF) if s.task.visibility == "public"]


def read(built_site, rel: str) -> str:  # type: ignore[no-untyped-def]
    return (built_site.site / rel).read_text(encoding="utf-8")


def test_strict_build_has_no_problems(built_site) -> None:  # type: ignore[no-untyped-def]
    assert built_site.result is not None
    assert [p.message("en") for p in built_site.problems] == []
    assert built_site.result.tasks == 8


def test_every_page_and_feed_exists(built_site) -> None:  # type: ignore[no-untyped-def]
    for rel in (
        "index.html",
        "overdue/index.html",
        "due-soon/index.html",
        "units/index.html",
        "units/fgw/index.html",
        "units/jtj/index.html",
        "closed/index.html",
        "rules/index.html",
        "data/index.html",
        "tasks/ES-2026-0101/index.html",
        "api/tasks.json",
        "api/calendars/jtj.ics",
        "charts/by-light.svg",
        "charts/by-unit.svg",
        "charts/by-month.svg",
        "search/index.html",
        "pagefind/pagefind-entry.json",
        "pagefind/pagefind-ui.js",
        "schemas/status.schema.json",
        "sitemap.xml",
    ):
        assert (built_site.site / rel).is_file(), rel
    for s in statuses(built_site):
        assert (built_site.site / "tasks" / s.task.id / "index.html").is_file()


class Links(HTMLParser):
    """Hrefs inside the primary navigation (<nav class="md-nav md-nav--primary">)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and "md-nav--primary" in (a.get("class") or ""):
            self.depth = 1
        elif tag == "nav" and self.depth:
            self.depth += 1
        elif tag == "a" and self.depth:
            self.hrefs.append(a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


def test_task_pages_are_not_in_the_navigation(built_site) -> None:  # type: ignore[no-untyped-def]
    for rel in ("index.html", "tasks/ES-2026-0101/index.html"):
        links = Links()
        links.feed(read(built_site, rel))
        assert len([h for h in links.hrefs if h]) >= len(NAV), links.hrefs
        assert not [h for h in links.hrefs if "tasks/" in h], links.hrefs
    generated = yaml.safe_load((built_site.repo / ".duban-build" / "mkdocs.yml").read_text("utf-8"))
    paths = [p for _, p in NAV] + ["search.md"]  # the search page, last
    assert [next(iter(item.values())) for item in generated["nav"]] == paths


def test_tasks_reachable_from_lists(built_site) -> None:  # type: ignore[no-untyped-def]
    linked = set()
    for page in ["index.html", "closed/index.html", "overdue/index.html"] + [
        str(p.relative_to(built_site.site))
        for p in (built_site.site / "units").glob("*/index.html")
    ]:
        text = read(built_site, page)
        linked |= {s.task.id for s in statuses(built_site) if f"tasks/{s.task.id}/" in text}
    assert linked == {s.task.id for s in statuses(built_site)}


def test_overview_counts_and_site_name(built_site) -> None:  # type: ignore[no-untyped-def]
    text = read(built_site, "index.html")
    assert "<title>概况 - 测试州人民政府督办台账</title>" in text
    counts = Counter(s.light for s in statuses(built_site))
    assert set(counts) == {"red", "yellow", "green", "done", "closed"}  # the fixture covers all
    for light, n in counts.items():
        assert f'id="count-{light}"><span class="duban-num">{n}</span>' in text
    assert "按期办结率" in text
    # the fictional-data notice is on every page, task pages included
    assert "本站为测试用虚构数据" in read(built_site, "tasks/ES-2026-0102/index.html")


def test_task_page_content(built_site) -> None:  # type: ignore[no-untyped-def]
    red = read(built_site, "tasks/ES-2026-0102/index.html")
    assert "推进全州农村公路提质改造" in red and "红灯" in red
    assert "逾期未履行" in red and "措施五" in red and "rules/#deploy" in red
    provisional = read(built_site, "tasks/ES-2026-0107/index.html")
    assert "暂定" in provisional  # progress feedback falls due in 2027 (no official calendar)
    rule_based = read(built_site, "tasks/ES-2026-0106/index.html")
    assert "draft-general" in rule_based and "已销号" in rule_based
    assert "参照既有调度做法" in read(built_site, "tasks/ES-2026-0108/index.html")  # as written


def test_search_indexes_a_task_by_its_lead_not_its_tables(built_site) -> None:  # type: ignore[no-untyped-def]
    """A task is found by its title, lead paragraph (light, units, lead person, source) and
    events; its table of fields, its milestones, timeline and trail stay out of the index."""
    import gzip

    fragments = {}
    for path in (built_site.site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(raw)
        fragments[fragment["url"]] = fragment["content"].replace("\u200b", "")
    text = fragments["/tasks/ES-2026-0101/"]
    assert "主要负责同志" in text and "协办" in text and "牵头" in text
    assert "按要求完成并报送落实情况" not in text  # the standard, shown in the table only
    assert "阶段节点已反馈" in text  # an event: the events are searched
    assert "新建任务" not in text  # the audit trail (its change column) is not
    assert not any("DUBANHTML" in t for t in fragments.values())
    assert '<p class="duban-lead">' in read(built_site, "tasks/ES-2026-0101/index.html")
    assert "生命防护" in fragments["/tasks/ES-2026-0102/"]


def test_rule_catalogue_quotes_the_measures(built_site) -> None:  # type: ignore[no-untyped-def]
    rules = yaml.safe_load((ROOT / "ledger" / "rules.yaml").read_text("utf-8"))["rules"]
    text = read(built_site, "rules/index.html")
    for rule in rules:
        assert f'id="{rule["id"]}"' in text
        assert rule["text"].split("。")[0][:20] in text


def test_data_page(built_site) -> None:  # type: ignore[no-untyped-def]
    text = read(built_site, "data/index.html")
    head = git(built_site.repo, "rev-parse", "HEAD")
    assert head[:12] in text
    assert AS_OF.isoformat() in text
    assert "2004–2026 年" in text and "2027" in text
    assert "0718-0000000" in text  # how to report an error


def test_tasks_json(built_site) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(read(built_site, "api/tasks.json"))
    assert data["as_of"] == AS_OF.isoformat()
    expected = {s.task.id: s for s in statuses(built_site)}
    assert [t["id"] for t in data["tasks"]] == sorted(expected)
    for t in data["tasks"]:
        s = expected[t["id"]]
        assert t["light"] == s.light
        assert t["deadline"] == s.deadline.isoformat()
        assert len(t["obligations"]) == len(s.obligations)
    assert CANARY_ID not in {t["id"] for t in data["tasks"]}


def test_icalendar_feeds(built_site) -> None:  # type: ignore[no-untyped-def]
    cal = icalendar.Calendar.from_ical((built_site.site / "api/calendars/jtj.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    uids = {str(e["UID"]) for e in events}
    assert "ES-2026-0102-deploy@duban" in uids  # overdue, still to do
    assert not any(u.startswith("ES-2026-0105") for u in uids)  # closed: nothing left
    czj = icalendar.Calendar.from_ical((built_site.site / "api/calendars/czj.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in czj.walk("VEVENT")]
    assert any("暂定" in s and "ES-2026-0107" in s for s in summaries)


@pytest.mark.packaging
def test_sample_ledger_builds_with_the_cli(tmp_path: Path) -> None:
    """The README's first command: the bundled ledger, strict (the installed command)."""
    out = tmp_path / "site"
    run = run_installed("build", "--out", out, "--strict", cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert (out / "index.html").is_file() and (out / "api" / "tasks.json").is_file()


def test_cli_missing_ledger_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("build", "--ledger", tmp_path / "nope", cwd=tmp_path)
    assert run.returncode == 2 and "找不到台账目录" in run.stderr and "Traceback" not in run.stderr


class AllRefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.refs.append(value)


def test_every_local_link_resolves(built_site) -> None:  # type: ignore[no-untyped-def]
    """Tables are raw HTML (for speed), so MkDocs does not check their links: we do."""
    from urllib.parse import unquote, urlsplit

    broken = []
    for page in built_site.site.rglob("*.html"):
        refs = AllRefs()
        refs.feed(page.read_text("utf-8"))
        for ref in refs.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            base = built_site.site if parts.path.startswith("/") else page.parent  # 404.html
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(built_site.site)}: {ref}")
                continue
            anchored = parts.fragment and target.suffix == ".html"
            if anchored and f'id="{parts.fragment}"' not in target.read_text("utf-8"):
                broken.append(f"{page.relative_to(built_site.site)}: {ref} (no anchor)")
    assert broken == []


def test_markdown_hooks_change_nothing_but_speed(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The hooks that keep our HTML blocks away from Python-Markdown and the search plugin
    leave every page as it would be without them (up to whitespace between tags), and the
    search index exactly the same."""
    import re
    from types import SimpleNamespace

    import yaml
    from duban.web import mkdocs_hooks

    generated = built_site.repo / built_site.result.config_file  # (relative to the repo)
    docs = built_site.repo / built_site.result.docs_dir
    page = SimpleNamespace(file=SimpleNamespace(src_uri="tasks/x.md"), content="")
    task_md = next((docs / "tasks").glob("*.md")).read_text(encoding="utf-8")
    assert "DUBANHTML0X" in mkdocs_hooks.on_page_markdown(task_md, page)
    mkdocs_hooks.on_page_context({}, page=page)  # drop the stash

    config = yaml.safe_load(generated.read_text(encoding="utf-8"))
    assert config.pop("hooks") == [str(Path(mkdocs_hooks.__file__))]
    config["INHERIT"] = str((generated.parent / config["INHERIT"]).resolve())
    theme_dir = generated.parent / config["theme"]["custom_dir"]
    config["theme"]["custom_dir"] = str(theme_dir.resolve())
    config["docs_dir"] = str(docs)
    plain_config = tmp_path / "mkdocs.yml"
    plain_config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    from duban.web.build import mkdocs_build

    assert mkdocs_build(plain_config, tmp_path / "plain", strict=True) == []

    def norm(path: Path) -> str:
        return re.sub(r">\s+<", "><", path.read_text(encoding="utf-8"))

    pages = sorted(
        p.relative_to(built_site.site)
        for p in built_site.site.rglob("*.html")
        if p.relative_to(built_site.site).parts[0] != "pagefind"
    )
    assert len(pages) > 10
    for rel in pages:
        assert norm(built_site.site / rel) == norm(tmp_path / "plain" / rel), rel


def test_feed_links_follow_use_directory_urls(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from duban.web.feeds import tasks_json, unit_calendar
    from duban.web.links import Links
    from duban.web.public import public_view

    ledger, _ = load_ledger(built_site.repo / "ledger")
    view = public_view(ledger, ledger_status(ledger, AS_OF), AS_OF)
    base = "https://duban.example.gov.cn/"
    for directory_urls, url in (
        (True, base + "tasks/ES-2026-0102/"),
        (False, base + "tasks/ES-2026-0102.html"),
    ):
        page_url = Links(ledger, (), directory_urls).page_url
        tasks = json.loads(tasks_json(view, "", base, page_url))["tasks"]
        assert {t["id"]: t["url"] for t in tasks}["ES-2026-0102"] == url
        assert f"URL:{url}" in unit_calendar(view, "jtj", base, page_url).decode()


def test_a_ledger_outside_the_documented_layout_gets_a_warning(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The audit reads ledger/tasks/ at the repository root: a ledger elsewhere is built_site, but
    the build says that its task pages have no trail instead of showing them silently empty."""
    import shutil

    from duban.web.build import build_site

    elsewhere = tmp_path / "data" / "ledger"
    shutil.copytree(built_site.repo / "ledger", elsewhere)
    result, problems = build_site(
        elsewhere, out=tmp_path / "site", as_of=AS_OF, repo=built_site.repo, work=tmp_path / "w"
    )
    assert result is not None
    layout = [p for p in problems if p.code == "site-audit-layout"]
    assert [p.severity for p in layout] == ["warning"]
    assert str(layout[0].where) == str(elsewhere)  # no made-up line and column
    _, problems = build_site(
        built_site.repo / "ledger",
        out=tmp_path / "s2",
        as_of=AS_OF,
        repo=built_site.repo,
        work=tmp_path / "w2",
    )
    assert not [p for p in problems if p.code == "site-audit-layout"]


def test_mkdocs_on_the_generated_config_builds_the_same_site(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`mkdocs build -f .duban-build/mkdocs.yml` gives the same files, api/ included."""
    from duban.web.build import mkdocs_build

    again = tmp_path / "again"
    assert mkdocs_build(built_site.repo / built_site.result.config_file, again, strict=True) == []

    def files(root: Path) -> set[Path]:  # less the search index duban makes afterwards
        found = {p.relative_to(root) for p in root.rglob("*") if p.is_file()}
        return {rel for rel in found if rel.parts[0] != "pagefind"}

    assert files(again) == files(built_site.site)
    feeds = [rel for rel in files(again) if rel.parts[0] == "api"]
    assert len(feeds) > 3
    for rel in feeds:
        assert (again / rel).read_bytes() == (built_site.site / rel).read_bytes(), rel


def test_overview_buttons_count_the_items_the_lists_show(built_site) -> None:  # type: ignore[no-untyped-def]
    import re

    overview = read(built_site, "index.html")
    for page, button in (("overdue/index.html", "逾期事项"), ("due-soon/index.html", "临期事项")):
        listed = re.search(r"的事项 <strong>(\d+)</strong> 项", read(built_site, page))
        shown = re.search(rf"{button} (\d+) 项", overview)
        assert listed and shown, page
        assert shown.group(1) == listed.group(1), page


def _project_copy(built_site, dest: Path) -> Path:  # type: ignore[no-untyped-def]
    """The ledger and mkdocs.yml of the built repo, copied (a refusal test must not risk them)."""
    import shutil

    shutil.copytree(built_site.repo / "ledger", dest / "ledger")
    shutil.copy2(built_site.repo / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def test_out_that_would_wipe_the_ledger_or_project_is_refused(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from duban.web.build import build_site

    repo = _project_copy(built_site, tmp_path / "repo")
    ledger = repo / "ledger"
    before = sorted(p.relative_to(ledger) for p in ledger.rglob("*"))
    for out in (ledger, ledger / "site", repo, tmp_path, repo / ".duban-build" / "x"):
        result, problems = build_site(
            ledger, out=out, as_of=AS_OF, repo=repo, config_file=repo / "mkdocs.yml"
        )
        assert result is None, out
        assert [p.code for p in problems] == ["site-out-unsafe"], out
        assert str(out.resolve()) in problems[0].message("zh")
    assert sorted(p.relative_to(ledger) for p in ledger.rglob("*")) == before


def test_cli_refuses_to_build_into_the_ledger(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = _project_copy(built_site, tmp_path / "project")
    run = run_cli("build", "--out", "ledger", cwd=project)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "不能把网站输出到" in run.stderr
    assert (project / "ledger" / "ledger.yaml").is_file()


def test_unusable_out_or_config_is_a_problem_not_a_traceback(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from duban.web.build import build_site

    ledger, repo = built_site.repo / "ledger", built_site.repo
    a_file = tmp_path / "file"
    a_file.write_text("x", "utf-8")
    for out in (a_file, a_file / "site"):
        result, problems = build_site(
            ledger, out=out, as_of=AS_OF, repo=repo, config_file=repo / "mkdocs.yml"
        )
        assert result is None and [p.code for p in problems] == ["site-out"], out
    for text in ("- a\n- b\n", "site_name: [unclosed\n", "5\n"):
        config = tmp_path / "mkdocs.yml"
        config.write_text(text, "utf-8")
        result, problems = build_site(
            ledger, out=tmp_path / "site", as_of=AS_OF, repo=repo, config_file=config
        )
        assert result is None and [p.code for p in problems] == ["site-config"], text


def test_a_failed_mkdocs_build_gives_no_result(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from duban.web.build import build_site

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\ntheme:\n  name: no-such-theme\n", "utf-8")
    out = tmp_path / "site"
    result, problems = build_site(
        built_site.repo / "ledger",
        out=out,
        as_of=AS_OF,
        repo=built_site.repo,
        config_file=config,
        work=tmp_path / "w",
    )
    assert result is None
    assert "site-mkdocs" in [p.code for p in problems]
    assert not (out / "api").exists()
