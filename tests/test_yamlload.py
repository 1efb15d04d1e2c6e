"""The strict loader against golden folders of valid and invalid files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from duban.load.yamlload import MAX_BYTES, load_file, load_text

GOLDEN = Path(__file__).parent / "golden" / "load"
EXPECTED = json.loads((GOLDEN / "invalid" / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted((GOLDEN / "valid").glob("*.yaml")), ids=lambda p: p.name)
def test_valid_files_load(path: Path) -> None:
    doc, problems = load_file(path)
    assert problems == []
    assert doc is not None and isinstance(doc.data, dict)


def test_every_invalid_file_has_an_expectation() -> None:
    names = {p.name for p in (GOLDEN / "invalid").glob("*.yaml")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e != "anchors"))
def test_invalid_files_report_exact_position(name: str) -> None:
    doc, problems = load_file(GOLDEN / "invalid" / name, display=name)
    assert doc is None
    got = [[p.code, p.where.line, p.where.col] for p in problems]
    assert got == EXPECTED[name]
    assert all(p.where.path == name for p in problems)
    assert all(p.zh and p.en and p.zh != p.en for p in problems)


def test_billion_laughs_is_refused_naming_every_anchor() -> None:
    """Found on the event stream: nothing is ever expanded (a billion-node document would
    not fit in memory, so reaching the assertions at all shows it)."""
    path = GOLDEN / "invalid" / "billion-laughs.yaml"
    doc, problems = load_file(path)
    assert doc is None
    anchors = [(p.where.line, p.where.col) for p in problems if p.code == "yaml-anchor"]
    assert anchors == [(line, 4) for line in range(1, 10)]
    assert (2, 8) in [(p.where.line, p.where.col) for p in problems if p.code == "yaml-alias"]


def test_core_schema_keeps_dates_and_norway_as_text() -> None:
    doc, _ = load_file(GOLDEN / "valid" / "strings-stay-strings.yaml")
    assert doc is not None
    assert doc.data["country"] == "no"
    assert doc.data["switch"] == "on"
    assert doc.data["received"] == "2026-03-02"
    assert doc.data["version"] == "1.10"


def test_yaml_12_scalars() -> None:
    doc, _ = load_text("a: true\nb: 12\nc: ~\nd: 1.5\ne: '12'\nf: 0x1F\n", "x.yaml")
    assert doc is not None
    assert doc.data == {"a": True, "b": 12, "c": None, "d": 1.5, "e": "12", "f": 31}


def test_crlf_and_bom_positions() -> None:
    doc, problems = load_text("\ufeffa: 1\r\nb:\r\n  c: x\r\n", "x.yaml")
    assert problems == [] and doc is not None
    assert (doc.loc("b", "c").line, doc.loc("b", "c").col) == (3, 3)


def test_positions_of_fields_and_items() -> None:
    text = "id: X\nevents:\n  - {date: 2026-01-05, type: decomposed}\n  - date: 2026-01-06\n"
    doc, _ = load_text(text, "t.yaml")
    assert doc is not None
    assert str(doc.loc("events", 0, "type")) == "t.yaml:3:24"
    assert str(doc.loc("events", 1, "date")) == "t.yaml:4:5"
    assert str(doc.loc("events", 1, "note")) == "t.yaml:4:5"  # falls back to the item
    assert str(doc.loc("missing")) == "t.yaml:1:1"


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_BYTES + b"\n")
    doc, problems = load_file(path)
    assert doc is None and [p.code for p in problems] == ["file-too-large"]


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "u16.yaml"
    path.write_bytes("id: 任务\n".encode("utf-16"))
    _, problems = load_file(path)
    assert [p.code for p in problems] == ["encoding"] and "UTF-16" in problems[0].zh


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    doc, problems = load_file(tmp_path / "nope.yaml")
    assert doc is None and [p.code for p in problems] == ["file-unreadable"]


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # after `key: `
        "&x\na: 1\n",  # at the start of the file
        "a:\n- &x 1\n- *x\n",  # after `- `
        "- - &x 1\n  - *x\n",
        "&x a: 1\n*x : 2\n",  # block keys
        "? &x a\n: 1\n",  # complex key
        "a: [1,&x 2,*x]\n",  # flow sequence, no spaces
        'a: {"k":&x 1, "j":*x}\n',  # flow mapping after a JSON-like key
        "a: &y 1\nb: {?*y : 1}\n",  # flow key indicator
        "a: !!str &x b\nc: *x\n",  # after a tag
        "a: 1\r\n&x b: 2\r\n",  # CRLF
    ],
)
def test_anchors_and_aliases_are_refused_wherever_they_start(text: str) -> None:
    doc, problems = load_text(text, "x.yaml")
    assert doc is None and {p.code for p in problems} <= {"yaml-anchor", "yaml-alias"}
    assert problems


def test_ampersand_and_star_in_text_are_fine() -> None:
    doc, problems = load_text("# R&D *note*\na: R&D\nb: a*b\nc: '*x'\n", "x.yaml")
    assert problems == [] and doc is not None
    assert doc.data == {"a": "R&D", "b": "a*b", "c": "*x"}


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ('title: "甲\x85乙"\n', 1, 10),
        ("id: ES-2026-0001\ntitle: 甲\x85乙\n", 2, 9),
        ("id: ES-2026-0001  # 注\x85释\n", 1, 22),
    ],
)
def test_a_raw_next_line_is_refused_not_folded(text: str, line: int, col: int) -> None:
    """U+0085 is a line break to YAML 1.1: read as it is, a title would silently lose it
    (folded into a space); it is a control character at its line and column instead."""
    from duban.load.yamlload import load_text

    doc, problems = load_text(text, "t.yaml")
    assert doc is None
    assert [(p.code, p.where.line, p.where.col) for p in problems] == [
        ("yaml-control-character", line, col)
    ]
    assert "U+0085" in problems[0].message("zh") and "\x85" not in problems[0].message("zh")
