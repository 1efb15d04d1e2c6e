"""Hostile titles and unit names in reminders (issue bodies and titles), job summaries
(``--format markdown``), workflow annotations (``--format github``) and plain output: shown as
text, never as links, mentions, issue references, Markdown, HTML or workflow commands.

The Markdown is rendered by markdown-it-py (CommonMark with tables, raw HTML on), a reference
renderer of the same syntax the forge reads.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from duban.ledger import load_ledger
from duban.notify import remind
from duban.render.status import overdue_github, overdue_markdown, status_markdown
from duban.status.select import ledger_status
from support import make_ledger, need_module, run_cli, task_yaml

AS_OF = date(2026, 10, 14)
TITLE = (
    "[点我](https://evil.example/x) @octocat #1 <img src=x onerror=alert(1)> **粗** | 列 "
    "`code` ![图](https://evil.example/i.png) www.evil.example :tada:"
    "\n::error file=x.yaml::injected"
)
UNIT_NAME = "测试州发改委 @octocat [链接](https://evil.example) <b>粗</b>"
#: What the hostile text would make if it were markup.
MARKUP = re.compile(r"<img|<b>|<strong>粗|<code>|<em>|@octocat|#1\b", re.I)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = make_ledger(tmp_path / "ledger")
    settings = (root / "ledger.yaml").read_text(encoding="utf-8")
    (root / "ledger.yaml").write_text(settings + "site_url: https://duban.example.org/\n", "utf-8")
    units = (root / "units.yaml").read_text(encoding="utf-8")
    units = units.replace("name: 测试州发展和改革委员会", f"name: {json.dumps(UNIT_NAME)}")
    (root / "units.yaml").write_text(units, encoding="utf-8")
    events = [
        "date: 2026-09-30, type: reported-to-leader, by: fgw",
        "date: 2026-10-08, type: decomposed, by: fgw",
        "date: 2026-10-09, type: deployed, by: fgw",
    ]
    text = task_yaml("ES-2026-0001", received="2026-09-30", events=events)
    text = re.sub(
        r"^title: .*$",
        lambda _: f"title: {json.dumps(TITLE, ensure_ascii=False)}",
        text,
        flags=re.M,
    )
    (root / "tasks" / "2026").mkdir(parents=True)
    (root / "tasks" / "2026" / "ES-2026-0001.yaml").write_text(text, encoding="utf-8")
    return root


def loaded(root: Path):  # type: ignore[no-untyped-def]
    ledger, problems = load_ledger(root)
    assert ledger is not None and problems == [], problems
    assert ledger.tasks[0].title == TITLE
    return ledger, ledger_status(ledger, AS_OF)


def render(markdown: str) -> str:
    markdown_it = need_module("markdown_it", "pip install markdown-it-py")
    return str(markdown_it.MarkdownIt("commonmark").enable("table").render(markdown))


def test_the_reminder_body_shows_the_title_as_text(hostile: Path) -> None:
    ledger, statuses = loaded(hostile)
    (fgw,) = [r for r in remind.plan(ledger, statuses, AS_OF) if r.unit == "fgw"]
    assert fgw.action == "open"
    html = render(fgw.body)
    assert MARKUP.search(html) is None, html
    links = re.findall(r'<a href="([^"]*)"', html)
    assert links == ["https://duban.example.org/tasks/ES-2026-0001/"], links  # only ours
    assert "@fgw-clerk" in fgw.body  # the unit's own clerks are still mentioned
    table = [line for line in fgw.body.splitlines() if line.startswith("| [ES-")]
    assert len(table) == 1  # one row, however many line ends and pipes the title holds
    cells = re.split(r"(?<!\\)\|", table[0])
    assert len(cells) == 7, cells  # five cells, no more
    assert not any(line.startswith("::") for line in fgw.body.splitlines())
    text = re.sub(r"<[^>]+>", "", html).replace("\u2060", "")
    assert "[点我](https://evil.example/x) @octocat #1" in text  # the title, as written
    assert "<img src=x onerror=alert(1)>" in text.replace("&lt;", "<").replace("&gt;", ">")


def test_the_issue_title_is_one_line_of_text(hostile: Path) -> None:
    ledger, statuses = loaded(hostile)
    (fgw,) = [r for r in remind.plan(ledger, statuses, AS_OF) if r.unit == "fgw"]
    assert "\n" not in fgw.title and "\r" not in fgw.title
    assert fgw.title.startswith("【催办】")


def test_the_step_summary_shows_the_title_as_text(hostile: Path) -> None:
    ledger, statuses = loaded(hostile)
    for markdown in (
        overdue_markdown(statuses, ledger, AS_OF, "zh"),
        status_markdown(statuses, ledger, AS_OF, "zh"),
    ):
        html = render(markdown)
        assert MARKUP.search(html) is None and "<a " not in html, html
        assert "<table>" in html and html.count("<tr>") == 2  # the header and one task
        assert not any(line.startswith("::") for line in markdown.splitlines())


def test_annotations_cannot_start_a_workflow_command(hostile: Path) -> None:
    ledger, statuses = loaded(hostile)
    out = overdue_github(statuses, ledger, AS_OF, "zh")
    lines = out.splitlines()
    assert lines and all(line.startswith("::warning file=") for line in lines), lines
    assert all(line.count("::") >= 2 for line in lines)
    assert len(lines) == 1 and "::error file=x.yaml::injected" in lines[0]  # inside, as text


@pytest.mark.parametrize("command", [["overdue"], ["status"], ["validate"]])
def test_plain_output_has_no_line_a_title_started(hostile: Path, command: list[str]) -> None:
    if command == ["validate"]:
        result = run_cli("validate", hostile)
    else:
        result = run_cli(*command, "--ledger", hostile, "--as-of", AS_OF.isoformat())
    assert "Traceback" not in result.output
    assert not any(line.lstrip().startswith("::") for line in result.stdout.splitlines())


def test_a_site_url_that_could_end_a_link_is_refused(hostile: Path) -> None:
    settings = hostile / "ledger.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "site_url: https://duban.example.org/",
        'site_url: "https://x.example/) [evil](https://evil.example"',
    )
    settings.write_text(text, encoding="utf-8")
    ledger, problems = load_ledger(hostile)
    assert ledger is None and any(p.field == "$.site_url" for p in problems), problems


def test_the_helpers() -> None:
    from duban.render.text import md_text, one_line, safe_url  # new in this change

    assert one_line("a\n::error::x\r\n\u2028b") == "a ::error::x b"
    assert md_text("@someone") == "\\@\u2060someone"
    assert md_text("ES-2026-0001 2026-10-31") == "ES-2026-0001 2026-10-31"
    assert md_text("- item").startswith("\\-") and md_text("1. item").startswith("1\\.")
    assert safe_url("https://a.example/b?c=1") == "https://a.example/b?c=1"
    for bad in ("javascript:alert(1)", 'https://a/"><x', "https://a/ b", "data:text/html,x"):
        assert safe_url(bad) == ""


def test_audit_text_has_no_line_a_title_or_subject_started(tmp_path: Path) -> None:
    from duban.audit.trail import audit_all
    from duban.render.audit import trail_text
    from support import GitRepo, audit_task

    repo = GitRepo(tmp_path / "repo", init=True)
    path = "ledger/tasks/2026/ES-2026-0001.yaml"
    repo.write(path, audit_task("ES-2026-0001", title="制定方案", deadline="2026-06-30"))
    repo.commit("新增任务", "督查室", "2026-03-02T01:00:00+00:00")
    hostile = json.dumps("改名\n::error file=x::injected\n::add-mask::x", ensure_ascii=False)
    repo.edit(path, "title: 制定方案", f"title: {hostile}")
    repo.commit("改标题", "督查室\n::warning::author", "2026-03-03T01:00:00+00:00")
    trail = audit_all(repo.path)[0]["ES-2026-0001"]
    text = trail_text(trail)
    assert "::error file=x::injected" in text  # shown, inside a line
    assert not any(line.lstrip().startswith("::") for line in text.splitlines()), text
