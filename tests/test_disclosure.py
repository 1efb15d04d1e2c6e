"""Redaction by construction (issue 12, item 6): a public task whose text names an internal
task is a ``names-internal-task`` problem at that field's line; ``validate`` reports it and
the site leaves the task out, so that no public word is ever rewritten on its way out.

Internal task ids are recognised in any case, separator, width or with invisible characters
in between; titles on their letters and digits, from :data:`MIN_TITLE_CHARS` of them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from duban.check.disclosure import MIN_TITLE_CHARS, Matcher, Secret
from duban.ledger import load_ledger
from duban.status.select import ledger_status
from duban.web.public import public_view
from support import make_ledger, run_cli
from support.tasks import ev, task_yaml

INTERNAL_ID = "ES-2026-9002"
#: Characters that get escaped in HTML and Markdown: the old redaction, run on escaped text,
#: missed such titles.
INTERNAL_TITLE = "信访 <A&B> \"复查\" '专项' *整治* _行动_"


def q(text: str) -> str:
    """``text`` as a single-quoted YAML scalar."""
    return "'" + text.replace("'", "''") + "'"


def ledger_with(tmp_path: Path, public: str, internal_title: str = INTERNAL_TITLE) -> Path:
    """A ledger with the internal task and the public task ``public`` (ES-2026-9001)."""
    ledger = make_ledger(tmp_path / "ledger")
    folder = ledger / "tasks" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    internal = task_yaml(INTERNAL_ID, title=q(internal_title), visibility="internal")
    (folder / f"{INTERNAL_ID}.yaml").write_text(internal, encoding="utf-8")
    (folder / "ES-2026-9001.yaml").write_text(public, encoding="utf-8")
    return ledger


def public_task(value: str, where: str) -> str:
    """A valid public task with ``value`` in the text field ``where``."""
    fields: dict[str, object] = {}
    if where in ("title", "standard", "description", "lead"):
        fields[where] = q(f"参照 {value} 办理")
    if where == "milestone":
        fields["milestones"] = [(q(f"对接 {value} 完成"), "2026-11-30")]
    events = [
        ev("2026-09-30", "reported-to-leader", "fgw"),
        ev("2026-10-09", "decomposed", "fgw", q(f"与 {value} 统筹") if where == "note" else ""),
    ]
    text = task_yaml(events=events, **fields)  # type: ignore[arg-type]
    if where == "source":
        text = text.replace("standard:", f"source: {q(f'据 {value} 交办')}\nstandard:", 1)
    return text


FIELDS = {
    "title": "$.title",
    "standard": "$.standard",
    "description": "$.description",
    "source": "$.source",
    "lead": "$.owner.lead",
    "milestone": "$.milestones[0].title",
    "note": "$.events[1].note",
}

ID_FORMS = [
    "ES-2026-9002",
    "es-2026-9002",
    "ES20269002",
    "ES 2026 9002",
    "ES—2026—9002",
    "ＥＳ－２０２６－９００２",
    "E\u200bS-2026-9002",
]


def found(ledger: Path) -> list[tuple[int, str, str]]:
    _, problems = load_ledger(ledger)
    return [(p.where.line, p.code, p.field) for p in problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("where", sorted(FIELDS))
@pytest.mark.parametrize("value", [*ID_FORMS, INTERNAL_TITLE, "信访<A&B>“复查”专项整治行动"])
def test_naming_an_internal_task_is_refused_in_each_field(
    tmp_path: Path, value: str, where: str
) -> None:
    text = public_task(value, where)
    ledger = ledger_with(tmp_path, text)
    line = line_of(text, value.replace("'", "''"))
    # a zero-width space is refused as such first (duban.check.hygiene): refused either way
    code = "text-invisible-character" if "\u200b" in value else "names-internal-task"
    assert found(ledger) == [(line, code, FIELDS[where])]


def test_message_names_field_line_and_fix_not_the_title(tmp_path: Path) -> None:
    text = public_task(INTERNAL_TITLE, "note")
    ledger = ledger_with(tmp_path, text)
    _, problems = load_ledger(ledger)
    (problem,) = problems
    assert problem.severity == "error" and problem.where.path.endswith("ES-2026-9001.yaml")
    assert "$.events[1].note" in problem.zh and "（办理说明）" in problem.zh
    assert INTERNAL_ID in problem.zh and "标题" in problem.zh
    assert "改写" in problem.zh and "改为公开" in problem.zh
    assert "信访" not in problem.zh and "信访" not in problem.en
    result = run_cli("validate", ledger)
    assert result.exit_code == 1 and "names-internal-task" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "value",
    [
        "ES-2026-90021",  # a longer number
        "ES-2026-9003",  # another task
        "XES-2026-9002",  # part of a longer code
        "信访专项",  # a part of the title only
    ],
)
def test_near_misses_are_accepted(tmp_path: Path, value: str) -> None:
    assert found(ledger_with(tmp_path, public_task(value, "description"))) == []


def test_short_titles_are_not_matched(tmp_path: Path) -> None:
    """A title shorter than MIN_TITLE_CHARS letters and digits is a common phrase (安全生产):
    public notes may use it."""
    short = "安全生产"
    assert len(short) < MIN_TITLE_CHARS
    ledger = ledger_with(tmp_path, public_task(short, "description"), internal_title=short)
    assert found(ledger) == []


def test_internal_and_public_without_mention_are_fine(tmp_path: Path) -> None:
    internal_naming_itself = task_yaml(
        "ES-2026-9001", description=f"'{INTERNAL_ID}'", visibility="internal"
    )
    assert found(ledger_with(tmp_path, internal_naming_itself)) == []


def test_an_invalid_task_file_is_secret_too(tmp_path: Path) -> None:
    """A task file that does not load may be internal: its id and title count as secret."""
    text = public_task("ES-2026-9003", "description")
    ledger = ledger_with(tmp_path, text)
    third = ledger / "tasks" / "2026" / "ES-2026-9003.yaml"
    public_but_broken = task_yaml("ES-2026-9003", received="2026-02-30")
    third.write_text(public_but_broken, encoding="utf-8")
    assert [code for _, code, _ in found(ledger)] == ["schema-format"]  # nothing secret
    third.write_text(public_but_broken.replace("public", "internal"), encoding="utf-8")
    assert "names-internal-task" in [code for _, code, _ in found(ledger)]
    unparsable = "title: 完全无法解析的事项名称\nid: [\n"
    (ledger / "tasks" / "2026" / "ES-2026-9003.yaml").write_text(unparsable, encoding="utf-8")
    (ledger / "tasks" / "2026" / "ES-2026-9001.yaml").write_text(
        public_task("完全无法解析的事项名称", "standard"), encoding="utf-8"
    )
    assert "names-internal-task" in [code for _, code, _ in found(ledger)]


def test_the_site_leaves_the_task_out_and_rewrites_nothing(tmp_path: Path) -> None:
    """The public view keeps the other public tasks as written, and leaves out the task that
    names an internal one (nothing is search-and-replaced any more)."""
    ledger = ledger_with(tmp_path, public_task(INTERNAL_ID, "note"))
    folder = ledger / "tasks" / "2026"
    other = task_yaml("ES-2026-9004", description="'推进安全生产专项'")
    (folder / "ES-2026-9004.yaml").write_text(other, encoding="utf-8")
    loaded, _ = load_ledger(ledger)
    assert loaded is not None
    as_of = date(2026, 10, 30)
    view = public_view(loaded, ledger_status(loaded, as_of), as_of)
    assert [s.task.id for s in view.statuses] == ["ES-2026-9004"]
    assert not hasattr(view, "redact")
    page = tmp_path / "page.md"
    view.write(page, "ES-2026-9002 推进安全生产专项")
    assert page.read_text("utf-8") == "ES-2026-9002 推进安全生产专项"


def test_hostile_text_does_not_hang_the_matcher() -> None:
    """Long texts of id-like runs and many secrets: linear, no catastrophic backtracking."""
    secrets = tuple(Secret(f"ES-2026-{n:04d}", f"第{n}号内部专项工作事项", "") for n in range(3000))
    matcher = Matcher(secrets)
    text = ("ES-2026-" + "9" * 7 + " ") * 20000 + "-" * 100000 + "第2999号内部专项工作事项"
    hit = matcher.named(text)
    assert hit is not None and hit[0].id == "ES-2026-2999"


# -- check-change refuses such a change -------------------------------------------------------


@pytest.fixture
def gate_repo(tmp_path: Path) -> Path:
    """main: the internal task and a public task; branch ``pr`` checked out from it."""
    from support import GitRepo

    repo = GitRepo(tmp_path / "repo")
    ledger_with(tmp_path / "repo", task_yaml())
    repo.commit("base ledger")
    repo.git("checkout", "-q", "-b", "pr")
    return repo.path


def gate(repo: Path, message: str) -> list[tuple[str, str, int, str]]:
    from duban.check.change import check_change
    from support import GitRepo

    GitRepo(repo, init=False).commit(message)
    problems = check_change(str(repo), "main", "HEAD", None)
    return [(p.code, p.where.path, p.where.line, p.field) for p in problems]


PUBLIC = "ledger/tasks/2026/ES-2026-9001.yaml"
INTERNAL = f"ledger/tasks/2026/{INTERNAL_ID}.yaml"


def test_gate_refuses_public_text_naming_an_internal_task(gate_repo: Path) -> None:
    text = public_task("es 2026 9002", "note")
    (gate_repo / PUBLIC).write_text(text, encoding="utf-8")
    assert gate(gate_repo, "name it") == [
        ("names-internal-task", PUBLIC, line_of(text, "es 2026"), "$.events[1].note")
    ]


def test_gate_refuses_making_a_named_task_internal(gate_repo: Path) -> None:
    """The public text was harmless while the other task was public; the change that makes
    that task internal is refused (at the public text's line)."""
    from support import GitRepo

    other = "ledger/tasks/2026/ES-2026-9005.yaml"
    (gate_repo / other).write_text(task_yaml("ES-2026-9005", title="'某项专项整治工作'"), "utf-8")
    (gate_repo / PUBLIC).write_text(public_task("某项专项整治工作", "standard"), "utf-8")
    GitRepo(gate_repo, init=False).commit("both public")
    GitRepo(gate_repo, init=False).git("branch", "-f", "main", "HEAD")
    path = gate_repo / other
    path.write_text(path.read_text("utf-8").replace("public", "internal"), "utf-8")
    assert [(c, p, f) for c, p, _, f in gate(gate_repo, "make it internal")] == [
        ("names-internal-task", PUBLIC, "$.standard")
    ]


def test_gate_passes_unrelated_and_clean_changes(gate_repo: Path) -> None:
    text = public_task("信访专项", "note")  # only a part of the internal title
    (gate_repo / PUBLIC).write_text(text, encoding="utf-8")
    assert gate(gate_repo, "harmless") == []


def test_gate_refuses_naming_the_internal_past_of_a_task_made_public(gate_repo: Path) -> None:
    """Renamed from the internal id and made public (the gate refuses renaming a task file
    anyway): its text may not give the old id; its new id is fine."""
    old = gate_repo / INTERNAL
    new_id = "ES-2026-9006"
    text = old.read_text("utf-8").replace(INTERNAL_ID, new_id).replace("internal", "public")
    note = ev("2026-09-30", "decomposed", "fgw", f"原编号 {INTERNAL_ID.lower()}，现为 {new_id}")
    text = text.replace("events: []", f"events:\n  - {{{note}}}")
    old.unlink()
    (gate_repo / f"ledger/tasks/2026/{new_id}.yaml").write_text(text, encoding="utf-8")
    found = gate(gate_repo, "publish under a new id")
    assert ("names-internal-task", "$.events[0].note") in [(c, f) for c, _, _, f in found]
    assert "task-renamed" in [c for c, _, _, _ in found]


def test_gate_refuses_the_old_title_of_a_task_made_public_in_place(gate_repo: Path) -> None:
    events = [ev("2026-09-30", "reported-to-leader", "fgw", q(f"即{INTERNAL_TITLE}"))]
    text = task_yaml(INTERNAL_ID, title="'公开后的专项名称'", events=events)
    (gate_repo / INTERNAL).write_text(text, encoding="utf-8")
    found = gate(gate_repo, "publish in place")
    assert [(c, f) for c, _, _, f in found] == [("names-internal-task", "$.events[0].note")]
    from duban.check.change import check_change

    (problem,) = check_change(str(gate_repo), "main", "HEAD", None)
    assert "转为公开之前" in problem.zh and "信访" not in problem.zh
