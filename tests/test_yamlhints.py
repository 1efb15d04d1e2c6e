"""``load/yamlhints.py``: the mistake behind a libyaml error, found on the raw lines, and the
value a `` #`` cut short. Pure functions: fed text and libyaml's own marks."""

from __future__ import annotations

import pytest
import yaml
from duban.load.valuehints import comment_cut, glued
from duban.load.yamlhints import diagnose
from duban.load.yamlload import load_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EVENTS = "events:\n  - {date: 2026-03-03, type: decomposed, by: zfb}\n"


def marks(text: str) -> tuple[int, int | None, str]:
    """libyaml's problem line, context line (0-based) and problem for ``text``."""
    try:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        assert exc.problem_mark is not None
        context = exc.context_mark.line if exc.context_mark else None
        return exc.problem_mark.line, context, exc.problem or ""
    raise AssertionError("libyaml accepted it")


@pytest.mark.parametrize(
    ("text", "code", "line", "col"),
    [
        ("id: x\ntitle：标题\nowner: y\n", "yaml-fullwidth-colon", 2, 6),
        ("id: x\ntitle:标题\nowner: y\n", "yaml-no-space-after-colon", 2, 7),
        ("id: x\ntitle:\u3000标题\nowner: y\n", "yaml-fullwidth-space", 2, 7),
        ("owner:\n  unit: a\n\u3000\u3000lead: b\n  co_units: []\n", "yaml-fullwidth-space", 3, 1),
        (
            EVENTS + "  - {date: 2026-03-05，type: deployed, by: fgw}\n",
            "yaml-fullwidth-comma",
            3,
            22,
        ),
        (EVENTS + "  - ｛date: 2026-03-05, by: fgw｝\n", "yaml-fullwidth-bracket", 3, 5),
        (EVENTS + "  - {date: 2026-03-05, note: 会议: 部署}\n", "yaml-colon-in-value", 3, 32),
        (EVENTS + "  - {date: 2026-03-05, note: 落实 #3}\nx: 1\n", "yaml-comment-in-flow", 3, 33),
        ("standard: 形成方案: 印发\nx: 1\n", "yaml-colon-in-value", 1, 15),
        ("owner:\n  unit: a\n   lead: b\n", "yaml-indent", 3, 4),
        ("owner:\n  unit: a\n lead: b\n", "yaml-indent", 3, 2),
        (EVENTS + "   - {date: 2026-03-05}\n", "yaml-indent", 3, 4),
    ],
)
def test_diagnose(text: str, code: str, line: int, col: int) -> None:
    hint = diagnose(text, *marks(text))
    assert hint is not None and (hint.code, hint.line, hint.col) == (code, line, col)
    assert "第" in hint.text.zh and hint.text.en


def test_through_the_loader() -> None:
    """The loader reports the hint at the mistake's line, not libyaml's next line."""
    doc, problems = load_text("id: x\ntitle：标题\nowner: y\n", "t.yaml")
    assert doc is None
    assert [(p.code, p.where.line, p.where.col) for p in problems] == [
        ("yaml-fullwidth-colon", 2, 6)
    ]
    assert "中文冒号“：”" in problems[0].zh and "应写成：title: 标题" in problems[0].zh


def test_the_fix_shown_quotes_the_note() -> None:
    text = EVENTS + '  - {date: 2026-03-05, note: 按"规定": 执行}\n'
    hint = diagnose(text, *marks(text))
    assert hint is not None and 'note: "按\\"规定\\": 执行"' in hint.text.zh


def test_unknown_mistakes_are_left_to_libyaml() -> None:
    text = "id: x\ntitle: [未闭合\nowner: x\n"
    assert diagnose(text, *marks(text)) is None
    _, problems = load_text(text, "t.yaml")
    assert [p.code for p in problems] == ["yaml-syntax"]


def test_valid_lines_above_are_not_blamed() -> None:
    """Full-width commas and brackets inside a value are text, not mistakes."""
    text = (
        "events:\n  - {date: 2026-03-03, note: 已召开会议，部署工作（第一批）}\n"
        "  - {date: 2026-03-05, note: 会议: 部署}\n"
    )
    hint = diagnose(text, *marks(text))
    assert hint is not None and (hint.code, hint.line) == ("yaml-colon-in-value", 3)


@pytest.mark.parametrize(
    ("line", "end", "col"),
    [
        ("title: 关于 #3 号文件", 9, 10),
        ("lead: # 主要负责同志", 5, 6),
        ("title: 关于\t#3", 9, 10),
        ("received: 2026-03-02  # 收文日期", 20, -1),  # set off as comments are
        ("received: 2026-03-02  #收文", 20, 22),
        ("title: 关于#3", 11, -1),
    ],
)
def test_comment_cut(line: str, end: int, col: int) -> None:
    assert comment_cut(line, end) == col


def test_glued() -> None:
    found = glued("date:2026-03-05")
    assert found is not None and found[0] == "yaml-no-space-after-colon"
    found = glued("title：完成调研")
    assert found is not None and found[0] == "yaml-fullwidth-colon"
    assert glued("完成调研") is None and glued("http") is None and glued("note:") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.text(alphabet=" -:：，,{}｛｝【】#\u3000\tab12'\"\n", max_size=30), max_size=12),
    st.integers(-3, 20),
    st.one_of(st.none(), st.integers(-3, 20)),
    st.sampled_from(["", "mapping values are not allowed in this context", "expected key"]),
)
def test_diagnose_never_raises(
    lines: list[str], problem: int, context: int | None, why: str
) -> None:
    text = "\n".join(lines)
    hint = diagnose(text, problem, context, why)
    if hint is not None:
        assert 1 <= hint.line <= len(text.splitlines()) and hint.col >= 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab: -#：，{}\u3000\n'\"[]", max_size=80))
def test_the_loader_never_raises_on_keyboard_mistakes(text: str) -> None:
    doc, problems = load_text(text, "t.yaml", comments=True)
    assert doc is not None or problems
