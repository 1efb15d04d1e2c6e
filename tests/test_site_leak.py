"""Public means public only: an internal canary task never reaches any file of the site.

Every file of the built site is scanned — HTML, the search index, sitemap.xml and its .gz,
JSON, iCalendar, SVG, anything compressed — after undoing every encoding that could hide a
string (gzip, JSON \\u escapes, HTML entities, iCalendar line folding, the zero-width spaces
the search plugin puts between Chinese words).
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
from pathlib import Path

import pytest
from support import git
from support.site import (
    AUTHOR_MARKERS,
    CANARY_ID,
    CANARY_MARKERS,
    CLERK,
    OTHER_CLERK,
    build,
    site_git,
)

pytestmark = pytest.mark.slow  # the site is built (once per session, see conftest.built_site)

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)


def readable(path: Path) -> list[str]:
    """Every decoded form of a file worth searching."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    forms = [text, html.unescape(text)]
    if path.suffix == ".json" or text.lstrip().startswith(("{", "[")):
        with contextlib.suppress(ValueError):
            forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "")
    forms.append(unfolded.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n"))
    return [html.unescape(f).translate(ZERO_WIDTH) for f in forms]


def scan(site: Path, markers: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(site.rglob("*")):
        rel = str(path.relative_to(site))
        found += [f"{rel}: file name has {m}" for m in markers if m in rel]
        if not path.is_file():
            continue
        for form in readable(path):
            found += [f"{rel}: {m}" for m in markers if m in form]
    return sorted(set(found))


def test_canary_is_in_the_ledger_and_its_history(built_site) -> None:  # type: ignore[no-untyped-def]
    """The canary really is there to leak: in the ledger and in commit messages."""
    task = built_site.repo / "ledger" / "tasks" / "2026" / f"{CANARY_ID}.yaml"
    source = task.read_text("utf-8")
    assert all(m in source for m in CANARY_MARKERS[:5])
    log = git(built_site.repo, "log", "--format=%s")
    assert "CANARYCOMMIT88" in log and CANARY_ID in log


def test_no_file_of_the_site_mentions_the_canary(built_site) -> None:  # type: ignore[no-untyped-def]
    files = [p for p in built_site.site.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"search_index.json", "sitemap.xml", "sitemap.xml.gz", "tasks.json"} <= names
    assert any(p.suffix == ".ics" for p in files)
    assert scan(built_site.site, CANARY_MARKERS) == []


def test_authors_are_in_the_history(built_site) -> None:  # type: ignore[no-untyped-def]
    """The commit authors really are there to leak: persons' names and e-mail addresses."""
    log = git(built_site.repo, "log", "--format=%an <%ae>")
    assert CLERK in log and OTHER_CLERK in log and "clerk@example.gov.cn" in log


def test_no_file_of_the_site_names_a_person(built_site) -> None:  # type: ignore[no-untyped-def]
    """The public trail names units, never a Git author (name or e-mail)."""
    assert scan(built_site.site, AUTHOR_MARKERS) == []
    assert scan(built_site.repo / ".duban-build", AUTHOR_MARKERS) == []


def trail_rows(site: Path, task_id: str) -> list[str]:
    """The rows of the 变更记录 table of a task page."""
    page = (site / "tasks" / task_id / "index.html").read_text("utf-8")
    assert "<th>登记单位</th>" in page and "提交人" not in page
    table = page.split("<th>时间(北京)</th>", 1)[1].split("</tbody>", 1)[0]
    return table.split("<tr>")[1:]


def test_trail_names_the_units(built_site) -> None:  # type: ignore[no-untyped-def]
    """Creation and field changes belong to the assigning unit; added events to their ``by``."""
    rows = trail_rows(built_site.site, "ES-2026-0105")
    assert len(rows) == 2, rows
    assert "州政府办" in rows[0] and "新建任务" in rows[0]
    assert "州政府办" in rows[1]  # the last event added: closed, by zfb
    last = trail_rows(built_site.site, "ES-2026-0101")[-1]
    assert "州财政局" in last and "州政府办" not in last  # milestone reported by czj


def test_build_folder_has_no_canary_either(built_site) -> None:  # type: ignore[no-untyped-def]
    """The generated Markdown (which a different engine could build) is clean too."""
    assert scan(built_site.repo / ".duban-build", CANARY_MARKERS) == []


def test_scanner_finds_what_is_there(built_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The scan can fail: public titles are found in the search index (segmented by jieba,
    \\u-escaped), and a marker hidden in a .gz file or a folded iCalendar line is found."""
    index = built_site.site / "search" / "search_index.json"
    assert "\\u" in index.read_text("utf-8") or "\u200b" in index.read_text("utf-8")
    assert scan(built_site.site / "search", ("完善重点项目调度机制",)) != []
    (tmp_path / "x.xml.gz").write_bytes(gzip.compress(f"<loc>{CANARY_ID}</loc>".encode()))
    (tmp_path / "y.ics").write_bytes("SUMMARY:【】ES-20\r\n 26-0666 x\r\n".encode())
    assert len(scan(tmp_path, (CANARY_ID,))) == 2


def test_public_task_naming_the_canary_is_redacted(built_site) -> None:  # type: ignore[no-untyped-def]
    page = (built_site.site / "tasks" / "ES-2026-0108" / "index.html").read_text("utf-8")
    assert page.count("〔不公开事项〕") >= 2  # the two event notes that named it
    assert "完善重点项目调度机制" in page


def test_redaction_rules(built_site) -> None:  # type: ignore[no-untyped-def]
    """Ids are redacted as whole ids only; titles wherever they appear."""
    from datetime import date

    from duban.ledger import load_ledger
    from duban.status.select import ledger_status
    from duban.web.public import REDACTED, public_view

    ledger, _ = load_ledger(built_site.repo / "ledger")
    as_of = date(2026, 12, 23)
    view = public_view(ledger, ledger_status(ledger, as_of), as_of)
    assert CANARY_ID not in {s.task.id for s in view.statuses}
    assert view.redact(f"见{CANARY_ID}。") == f"见{REDACTED}。"
    assert view.redact(f"{CANARY_ID}1 ES-2026-0101") == f"{CANARY_ID}1 ES-2026-0101"
    assert view.redact("参照金丝雀绝密事项演练的做法") == f"参照{REDACTED}的做法"


def test_invalid_internal_task_and_paraphrasing_commits_stay_secret(
    tmp_path: Path, site_repo: Path
) -> None:
    """A task file that fails validation may be internal: its id and title stay secret. A
    commit that touched an unpublished task does not show its message, since it may name the
    matter in other words."""
    repo = site_repo  # a copy of support.site.make_repo
    folder = repo / "ledger" / "tasks" / "2026"
    broken = (folder / f"{CANARY_ID}.yaml").read_text("utf-8")
    broken = broken.replace("received: ", "received: 2026-02-30 #", 1)  # now invalid
    (folder / f"{CANARY_ID}.yaml").write_text(broken, "utf-8")
    public = sorted(p for p in folder.glob("*.yaml") if p.stem != CANARY_ID)[0]
    public.write_text(public.read_text("utf-8") + "\n", "utf-8")
    site_git(repo).commit("PARAPHRASE77 信访人复查意见", when="2026-12-22T18:00:00+08:00")
    site = tmp_path / "site"
    # The repository and mkdocs.yml are found from the ledger and the project folder.
    built = build(repo, site, repo=None, config_file=repo / "mkdocs.yml")
    result, problems = built.result, built.problems
    assert result is not None and any(p.code.startswith("schema") for p in problems)
    assert scan(site, (*CANARY_MARKERS, "PARAPHRASE77", "CANARYCOMMIT88")) == []
    page = (site / "tasks" / public.stem / "index.html").read_text("utf-8")
    assert "提交说明涉及不公开事项" in page
