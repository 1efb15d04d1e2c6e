"""A task made public shows no internal past (issue 12, item 7).

Its public trail starts at the first version in which it was public: the versions before are
one line, 此前为内部事项, without dates, values or commit messages; the first public version
is 转为公开事项 without the field changes that would compare it with the internal version;
the trail says that earlier events are kept (events are append-only). A task renamed from an
internal id shows nothing of that id. Built on a real Git repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from duban.audit.trail import audit_all
from duban.git import tasks_prefix
from duban.ledger import load_ledger
from duban.web.public import HIDDEN_SUBJECT, INTERNAL_PAST, WITHHELD, public_trails, published
from duban.web.trail import KEPT_EVENTS, trail_tables
from support import GitRepo, make_ledger
from support.tasks import ev, task_yaml

OLD_ID = "ES-2026-9010"
NEW_ID = "ES-2026-9011"
OLD_TITLE = "内部前身事项PASTTITLE"
#: Strings of the internal past: none may appear in any public trail.
PAST = (
    OLD_ID,
    OLD_TITLE,
    "PASTSUBJECT1",
    "PASTSUBJECT2",
    "PASTNOTE3",
    "2026-10-12 10:00",
    "2026-10-13 10:00",
)


def task(tid: str, title: str, visibility: str, events: list[str], **more: object) -> str:
    return task_yaml(tid, title=title, visibility=visibility, events=events, **more)  # type: ignore[arg-type]


EVENTS = [
    ev("2026-09-30", "reported-to-leader", "fgw"),
    ev("2026-10-09", "decomposed", "fgw", "PASTNOTE3 分解落实"),
]


PUBLIC_EVENTS = [EVENTS[0], ev("2026-10-09", "decomposed", "fgw", "公开事项的分解")]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """internal task created, changed, then renamed to a new id and made public in one
    commit; a public task touched by an internal-era commit; a later public change."""
    git = GitRepo(tmp_path / "repo")
    ledger = make_ledger(git.path / "ledger")
    (ledger / "tasks" / "2026").mkdir(parents=True, exist_ok=True)
    git.commit("建立台账", when="2026-10-01T10:00:00+08:00")
    old = f"ledger/tasks/2026/{OLD_ID}.yaml"
    other = "ledger/tasks/2026/ES-2026-9001.yaml"
    git.write(old, task(OLD_ID, OLD_TITLE, "internal", EVENTS[:1]))
    git.write(other, task("ES-2026-9001", "一项一直公开的事项", "public", EVENTS[:1]))
    git.commit(f"交办 {OLD_ID} PASTSUBJECT1", when="2026-10-12T10:00:00+08:00")
    git.write(old, task(OLD_ID, OLD_TITLE, "internal", EVENTS))
    git.write(other, task("ES-2026-9001", "一项一直公开的事项", "public", PUBLIC_EVENTS))
    git.commit("登记 PASTSUBJECT2", when="2026-10-13T10:00:00+08:00")
    (git.path / old).unlink()
    published = task(NEW_ID, "转为公开后的事项名称", "public", EVENTS)
    git.write(f"ledger/tasks/2026/{NEW_ID}.yaml", published)
    git.commit("事项转为公开", when="2026-10-20T10:00:00+08:00")
    more = [*EVENTS, ev("2026-10-21", "deployed", "fgw", "公开后的部署")]
    git.write(
        f"ledger/tasks/2026/{NEW_ID}.yaml", task(NEW_ID, "转为公开后的事项名称", "public", more)
    )
    git.commit("登记部署情况", when="2026-10-21T10:00:00+08:00")
    return git.path


def tables(repo: Path) -> dict[str, str]:
    ledger, _ = load_ledger(repo / "ledger")
    assert ledger is not None
    shown = published(ledger)
    made, problems = trail_tables(repo, tasks_prefix(repo, repo / "ledger") or "", lambda: shown)
    assert [p for p in problems if p.severity == "error"] == []
    return made


def test_the_history_really_holds_the_internal_past(repo: Path) -> None:
    trails, _ = audit_all(repo, None, "ledger/tasks/")
    text = repr(trails[NEW_ID])
    assert OLD_ID in text and "PASTSUBJECT1" in text and "internal" in text


def test_trail_starts_at_the_first_public_version(repo: Path) -> None:
    html = tables(repo)[NEW_ID]
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    assert len(rows) == 3, rows
    assert INTERNAL_PAST in rows[0] and "duban-date" not in rows[0]
    assert "转为公开事项" in rows[1] and "事项转为公开" in rows[1] and "2026-10-20" in rows[1]
    assert "公开范围" not in rows[1] and "内部" not in rows[1]  # no values of the past
    assert "公开后的部署" in rows[2]
    assert KEPT_EVENTS.strip() in html and "只增不改" in html
    assert [m for m in PAST if m in html] == []


def test_no_public_trail_shows_the_internal_past(repo: Path) -> None:
    """Commits of the internal era are hidden in the other tasks' trails too."""
    made = tables(repo)
    assert set(made) == {"ES-2026-9001", NEW_ID}
    for html in made.values():
        assert [m for m in PAST[:4] if m in html] == []
    assert "公开事项的分解" in made["ES-2026-9001"]
    assert HIDDEN_SUBJECT in made["ES-2026-9001"]


def test_made_public_in_place(tmp_path: Path) -> None:
    """The same file, only ``visibility`` changed: the first public row has no values and
    the earlier ones are one line; a public task changed later keeps its old values."""
    git = GitRepo(tmp_path / "repo")
    ledger = make_ledger(git.path / "ledger")
    (ledger / "tasks" / "2026").mkdir(parents=True, exist_ok=True)
    rel = "ledger/tasks/2026/ES-2026-9020.yaml"
    git.write(rel, task("ES-2026-9020", "某项工作", "internal", EVENTS[:1], deadline="2026-11-30"))
    git.commit("PASTSUBJECT1")
    git.write(rel, task("ES-2026-9020", "某项工作", "public", EVENTS[:1], deadline="2026-11-30"))
    git.commit("公开")
    git.write(rel, task("ES-2026-9020", "某项工作", "public", EVENTS[:1], deadline="2026-12-31"))
    git.commit("延长时限")
    html = tables(git.path)["ES-2026-9020"]
    assert html.count(INTERNAL_PAST) == 1 and "PASTSUBJECT1" not in html
    assert "2026-11-30 → 2026-12-31" in html  # public versions keep their values
    assert "公开范围" not in html


def test_always_public_task_has_no_internal_line(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    ledger = make_ledger(git.path / "ledger")
    (ledger / "tasks" / "2026").mkdir(parents=True, exist_ok=True)
    rel = "ledger/tasks/2026/ES-2026-9030.yaml"
    git.write(rel, task("ES-2026-9030", "某项工作", "public", EVENTS[:1]))
    git.commit("交办")
    git.write(rel, task("ES-2026-9030", "某项工作", "public", EVENTS))
    git.commit("登记分解 ES-2026-9031 的情况")  # names an internal task: hidden
    git.write("ledger/tasks/2026/ES-2026-9031.yaml", task("ES-2026-9031", "另一项", "internal", []))
    git.commit("交办内部事项")
    html = tables(git.path)["ES-2026-9030"]
    assert INTERNAL_PAST not in html and KEPT_EVENTS.strip() not in html
    assert "新建任务" in html and "交办" in html
    assert HIDDEN_SUBJECT in html and "ES-2026-9031" not in html


def test_old_values_naming_an_internal_task_are_withheld(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    ledger = make_ledger(git.path / "ledger")
    (ledger / "tasks" / "2026").mkdir(parents=True, exist_ok=True)
    git.write(
        "ledger/tasks/2026/ES-2026-9041.yaml", task("ES-2026-9041", "内部的事", "internal", [])
    )
    rel = "ledger/tasks/2026/ES-2026-9040.yaml"
    git.write(rel, task("ES-2026-9040", "某项工作", "public", [], standard="'参照 ES-2026-9041'"))
    git.commit("交办")
    git.write(rel, task("ES-2026-9040", "某项工作", "public", [], standard="按要求完成"))
    git.commit("改正工作标准")
    loaded, _ = load_ledger(git.path / "ledger")
    assert loaded is not None
    trails, _ = audit_all(git.path, None, "ledger/tasks/")
    shown = public_trails(published(loaded), trails)["ES-2026-9040"]
    (field,) = shown.changes[-1].fields
    assert field.field == "$.standard" and field.old == WITHHELD and field.new == WITHHELD
