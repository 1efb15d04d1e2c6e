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
from urllib.parse import quote, quote_plus

import pytest
from support import git
from support.site import (
    AUTHOR_MARKERS,
    CANARY_ID,
    CANARY_MARKERS,
    CLERK,
    OTHER_CLERK,
    Built,
    build,
    site_git,
    site_task,
)
from support.tasks import ev

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
    assert {"pagefind-entry.json", "sitemap.xml", "sitemap.xml.gz", "tasks.json"} <= names
    assert any(p.suffix == ".pf_fragment" for p in files)  # Pagefind's (gzip) search text
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
    """The scan can fail: public titles are found in Pagefind's index (gzip, segmented with
    zero-width spaces), and a marker hidden in a .gz file or a folded iCalendar line is found."""
    fragment = next((built_site.site / "pagefind" / "fragment").iterdir())
    assert fragment.read_bytes()[:2] == b"\x1f\x8b"
    assert scan(built_site.site / "pagefind", ("完善重点项目调度机制",)) != []
    (tmp_path / "x.xml.gz").write_bytes(gzip.compress(f"<loc>{CANARY_ID}</loc>".encode()))
    (tmp_path / "y.ics").write_bytes("SUMMARY:【】ES-20\r\n 26-0666 x\r\n".encode())
    assert len(scan(tmp_path, (CANARY_ID,))) == 2


#: An internal title with every character that HTML or Markdown escapes: the old redaction,
#: run on escaped text, never found such a title.
ESCAPED_TITLE = "绝密<b>&\"ESCCANARY'*_`#[链接](x)事项"
ESCAPED_ID = "ES-2026-0667"
#: An internal task later renamed to a public id: its id, title and commits are its past.
PAST_ID = "ES-2026-0777"
PAST_TITLE = "前身事项PASTCANARY"
PUBLISHED_ID = "ES-2026-0778"
PAST_MARKERS = (ESCAPED_ID, ESCAPED_TITLE, PAST_ID, PAST_TITLE, "PASTCOMMIT99", "PASTNOTE42")
#: A public task naming an internal one: left out of the site until reworded.
NAMING_ID = "ES-2026-0109"


def forms(markers: tuple[str, ...]) -> tuple[str, ...]:
    """Each marker raw, HTML-escaped and URL-encoded (a file may hold any of them)."""
    out: list[str] = []
    for m in markers:
        out += [m, html.escape(m), html.escape(m, quote=False), quote(m), quote_plus(m)]
    return tuple(dict.fromkeys(out))


@pytest.fixture(scope="module")
def past_site(site_repo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The site repository with more history: an internal task whose title needs escaping, an
    internal task renamed to a new id and made public, and a public task naming the canary."""
    base = tmp_path_factory.mktemp("past-site")
    git = site_git(site_repo_template).copy(base / "repo")
    folder = "ledger/tasks/2026"
    title = ESCAPED_TITLE.replace("'", "''")
    escaped = site_task(ESCAPED_ID, f"'{title}'", "fgw", "2026-12-01", [], "2027-03-31")
    git.write(f"{folder}/{ESCAPED_ID}.yaml", escaped.replace("public", "internal"))
    notes = [ev("2026-12-01", "reported-to-leader", "czj", "PASTNOTE42 内部阶段")]
    past = site_task(PAST_ID, PAST_TITLE, "czj", "2026-12-01", notes, "2027-03-31")
    git.write(
        f"{folder}/{PAST_ID}.yaml", past.replace("visibility: public", "visibility: internal")
    )
    git.commit(f"交办 {PAST_ID} PASTCOMMIT99", when="2026-12-14T10:00:00+08:00")
    (git.path / folder / f"{PAST_ID}.yaml").unlink()
    published = site_task(
        PUBLISHED_ID, "转为公开的专项工作", "czj", "2026-12-01", notes[:0], "2027-03-31"
    )
    git.write(f"{folder}/{PUBLISHED_ID}.yaml", published)
    naming = site_task(
        NAMING_ID,
        "提及内部事项的公开任务",
        "fgw",
        "2026-12-01",
        [ev("2026-12-01", "reported-to-leader", "fgw", f"'NAMINGNOTE 参照{title}'")],
        "2027-03-31",
        description=f"'与 {CANARY_ID.lower().replace('-', ' ')} 统筹'",
    )
    git.write(f"{folder}/{NAMING_ID}.yaml", naming)
    git.commit("事项转为公开", author=OTHER_CLERK, when="2026-12-15T10:00:00+08:00")
    return build(git.path, base / "out")


def test_new_canaries_are_in_the_history(past_site: Built) -> None:  # type: ignore[no-untyped-def]
    log = git(past_site.repo, "log", "--format=%s%n%an <%ae>", "--stat", "-M")
    assert "PASTCOMMIT99" in log and PAST_ID in log and OTHER_CLERK in log
    source = (past_site.repo / "ledger" / "tasks" / "2026" / f"{ESCAPED_ID}.yaml").read_text()
    assert "ESCCANARY" in source and "internal" in source


def test_naming_an_internal_task_is_refused_and_left_out(past_site: Built) -> None:  # type: ignore[no-untyped-def]
    """The public task whose description names the canary (as ``es 2026 0666``) and whose
    note names the escaped title is a validation error and has no page; nothing was
    rewritten."""
    refused = [p for p in past_site.problems if p.code == "names-internal-task"]
    assert sorted(p.field for p in refused) == ["$.description", "$.events[0].note"]
    assert past_site.result is not None
    assert not (past_site.site / "tasks" / NAMING_ID).exists()
    assert scan(past_site.site, ("NAMINGNOTE", NAMING_ID, "〔不公开事项〕")) == []


def test_no_file_of_the_site_has_the_new_canaries(past_site: Built) -> None:  # type: ignore[no-untyped-def]
    """Escaped internal titles, the internal past of a task made public (its old id, title,
    commit messages and notes of that time are in its events, which are public now: only
    the note is allowed), Git authors: in no form, in no file."""
    markers = forms((*CANARY_MARKERS, *PAST_MARKERS[:-1], *AUTHOR_MARKERS))
    assert scan(past_site.site, markers) == []
    assert scan(past_site.repo / ".duban-build", markers) == []
    page = (past_site.site / "tasks" / PUBLISHED_ID / "index.html").read_text("utf-8")
    assert "此前为内部事项" in page and "只增不改" in page and "转为公开事项" in page


def test_forms_are_searched(tmp_path: Path) -> None:
    """The scan finds a marker escaped or URL-encoded in a file."""
    (tmp_path / "a.html").write_text(f"<a href='/s?q={quote(ESCAPED_TITLE)}'>", "utf-8")
    (tmp_path / "b.txt").write_text(html.escape(html.escape(ESCAPED_TITLE)), "utf-8")
    found = scan(tmp_path, forms((ESCAPED_TITLE,)))
    assert {hit.split(":", 1)[0] for hit in found} == {"a.html", "b.txt"}


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
