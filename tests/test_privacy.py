"""去标识化: ``validate`` refuses personal data in the text of public tasks (issue 12, item 8).

Each kind (mobile number, resident ID number, e-mail address) in each text field of a public
task is a ``personal-data`` problem at that field's line; masked values and internal tasks
are accepted. The public trail naming units instead of Git authors is in test_site_leak.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from duban.check.privacy import findings, id_checksum_ok
from duban.ledger import load_ledger
from support import make_ledger
from support.tasks import ev, task_yaml

MOBILE = "13812345678"
RESIDENT_ID = "11010519491231002X"  # the check digit of the GB 11643 example
EMAIL = "zhang.san@example.com"


def validate(tmp_path: Path, text: str) -> tuple[list[tuple[int, str, str]], str]:
    """(line, code, field) of every problem of one task file, and the file as written."""
    ledger = make_ledger(tmp_path / "ledger")
    path = ledger / "tasks" / "2026" / "ES-2026-9001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    _, problems = load_ledger(ledger)
    return [(p.where.line, p.code, p.field) for p in problems], text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def public_task(value: str, where: str, visibility: str = "public") -> str:
    """A valid task with ``value`` written in the text field ``where``."""
    fields: dict[str, object] = {"visibility": visibility}
    if where in ("title", "standard", "description", "lead"):
        fields[where] = f"联系人 {value} 负责"
    if where == "milestone":
        fields["milestones"] = [(f"对接 {value} 完成调研", "2026-11-30")]
    events = [
        ev("2026-09-30", "reported-to-leader", "fgw"),
        ev("2026-10-09", "decomposed", "fgw", f"已告知 {value}" if where == "note" else ""),
    ]
    text = task_yaml(events=events, **fields)  # type: ignore[arg-type]
    if where == "source":
        text = text.replace("standard:", f"source: 来信人 {value} 反映\nstandard:", 1)
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


@pytest.mark.parametrize("value", [MOBILE, RESIDENT_ID, EMAIL], ids=["mobile", "id", "email"])
@pytest.mark.parametrize("where", sorted(FIELDS))
def test_each_kind_is_refused_in_each_field(tmp_path: Path, value: str, where: str) -> None:
    found, text = validate(tmp_path, public_task(value, where))
    assert found == [(line_of(text, value), "personal-data", FIELDS[where])]


@pytest.mark.parametrize(
    ("value", "kind"),
    [(MOBILE, "手机号码"), (RESIDENT_ID, "身份证号码"), (EMAIL, "电子邮箱地址")],
)
def test_message_names_kind_and_field_without_the_value(
    tmp_path: Path, value: str, kind: str
) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    path = ledger / "tasks" / "2026" / "ES-2026-9001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = public_task(value, "description")
    path.write_text(text, encoding="utf-8")
    _, problems = load_ledger(ledger)
    (problem,) = problems
    assert kind in problem.zh and "$.description" in problem.zh and "（说明）" in problem.zh
    assert "删除" in problem.zh and "打码" in problem.zh and "第 5 个字符" in problem.zh
    assert value not in problem.zh and value not in problem.en
    assert problem.where.line == line_of(text, "description:") and problem.severity == "error"


@pytest.mark.parametrize(
    "value",
    [
        "138****1234",  # masked
        "1381234567",  # ten digits
        "213812345678",  # inside a longer run of digits
        "12812345678",  # not a mobile prefix
        "110105194912310021",  # 18 digits with a wrong check digit
        "张三（州发改委）",
        "z***@example.com",  # masked
        "0718-8888888",  # an office landline
    ],
)
def test_masked_and_harmless_values_are_accepted(tmp_path: Path, value: str) -> None:
    found, _ = validate(tmp_path, public_task(value, "description"))
    assert found == []


@pytest.mark.parametrize("where", sorted(FIELDS))
def test_internal_tasks_are_not_checked(tmp_path: Path, where: str) -> None:
    found, _ = validate(tmp_path, public_task(MOBILE, where, visibility="internal"))
    assert found == []


def test_every_finding_in_a_field_is_reported(tmp_path: Path) -> None:
    found, _ = validate(tmp_path, public_task(f"{MOBILE}、{EMAIL}", "description"))
    assert [code for _, code, _ in found] == ["personal-data", "personal-data"]


@pytest.mark.parametrize(
    "text",
    [
        "电话 138-1234-5678",
        "电话 138 1234 5678",
        "电话 +8613812345678",
        "电话 １３８１２３４５６７８",  # full-width digits
        "邮箱 zhang＠example.com",  # full-width at sign
        "身份证 11010519491231002x",
    ],
)
def test_written_differently_still_found(text: str) -> None:
    assert len(findings(text)) == 1


def test_resident_id_checksum() -> None:
    assert id_checksum_ok(RESIDENT_ID)
    assert not id_checksum_ok("110105194912310021")
    (hit,) = findings(f"身份证号{RESIDENT_ID}")
    assert hit[0] == 4 and hit[1].zh == "身份证号码"


def test_check_change_refuses_it_too() -> None:
    """check-change runs the same per-file pipeline (the blob of a pull request)."""
    from duban.check.pipeline import load_task_text

    raw = public_task(MOBILE, "note").encode()
    task, problems = load_task_text(
        raw, "ledger/tasks/2026/ES-2026-9001.yaml", "ES", {"zfb", "fgw", "czj"}, {}
    )
    assert task is None and [p.code for p in problems] == ["personal-data"]
