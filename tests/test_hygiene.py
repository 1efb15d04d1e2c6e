"""Text hygiene: a bidirectional control character in any text field of any ledger file is a
problem at that file, line and field (``text-bidi-control``), in Chinese with how to fix it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from duban.check.change import check_change
from duban.check.hygiene import BIDI_CONTROLS
from duban.check.pipeline import load_task_text
from duban.ledger import load_ledger
from support import ev, make_ledger, run_cli, task_yaml

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Trojan Source"


def write(ledger: Path, rel: str, text: str) -> None:
    (ledger / rel).parent.mkdir(parents=True, exist_ok=True)
    (ledger / rel).write_text(text, encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def bidi(problems: list) -> list:  # type: ignore[type-arg]
    return [p for p in problems if p.code == "text-bidi-control"]


TASK = "tasks/2026/ES-2026-9001.yaml"


def a_task(task_id: str = "ES-2026-9001", **fields: object) -> str:
    events = [ev("2026-09-30", "reported-to-leader", "fgw", "已报告")]
    return task_yaml(task_id, received="2026-09-30", events=events, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS))
def test_every_bidi_control_in_a_title_is_refused(tmp_path: Path, char: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    write(ledger, TASK, a_task(title=f"推进工作{char}方案"))
    loaded, problems = load_ledger(ledger)
    found = bidi(problems)
    assert len(found) == 1, problems
    assert found[0].field == "$.title" and found[0].where.path.endswith("ES-2026-9001.yaml")
    assert f"U+{ord(char):04X}" in found[0].message("zh") and "请删除" in found[0].message("zh")
    assert loaded is not None and loaded.tasks == ()  # the task is not taken as valid


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"standard": f"按{RLO}要求完成"}, "$.standard"),
        ({"lead": f"主要{RLO}负责同志"}, "$.owner.lead"),
        ({"description": "说明\u2066内容\u2069"}, "$.description"),
        ({"milestones": [("节点\u200f一", "2026-11-30")]}, "$.milestones[0].title"),
    ],
)
def test_bidi_controls_in_other_task_fields(tmp_path: Path, fields: dict, field: str) -> None:  # type: ignore[type-arg]
    ledger = make_ledger(tmp_path / "ledger")
    text = a_task(**fields)
    write(ledger, TASK, text)
    _, problems = load_ledger(ledger)
    found = bidi(problems)
    assert [p.field for p in found] == [field], problems
    char = next(c for c in text if c in BIDI_CONTROLS)
    assert found[0].where.line == line_of(text, char)


def test_a_note_of_an_event_at_its_line(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    events = [
        ev("2026-09-30", "reported-to-leader", "fgw"),
        ev("2026-10-09", "deployed", "fgw", f"已部署{RLO}txt.exe"),
    ]
    text = task_yaml(received="2026-09-30", events=events)
    write(ledger, TASK, text)
    _, problems = load_ledger(ledger)
    (found,) = bidi(problems)
    assert found.field == "$.events[1].note"
    assert found.where.line == line_of(text, RLO)


def test_check_change_reads_task_blobs_through_the_same_check() -> None:
    raw = a_task(title=f"标题{RLO}").encode()
    task, problems = load_task_text(
        raw, "ledger/tasks/2026/ES-2026-9001.yaml", "ES", ["zfb", "fgw", "czj"], {}
    )
    assert task is None and [p.code for p in problems] == ["text-bidi-control"]


def test_validate_exits_1_naming_file_line_and_field(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    text = a_task(title=f"推进{RLO}工作")
    write(ledger, TASK, text)
    result = run_cli("validate", ledger)
    assert result.exit_code == 1, result.output
    line = line_of(text, RLO)
    assert f"ES-2026-9001.yaml:{line}" in result.output
    assert "text-bidi-control" in result.output and "$.title" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", 'https://a.example/"><svg onload=x>', "ftp://a"],
)
def test_an_address_the_site_would_not_link_is_refused(tmp_path: Path, url: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    settings = ledger / "ledger.yaml"
    text = settings.read_text(encoding="utf-8") + f"repo_url: {json.dumps(url)}\n"
    settings.write_text(text, encoding="utf-8")
    _, problems = load_ledger(ledger)
    found = [p for p in problems if p.code == "url-unsafe"]
    assert [p.field for p in found] == ["$.repo_url"], problems
    assert found[0].where.line == line_of(text, "repo_url")
    assert "https://" in found[0].message("zh")


def test_a_plain_address_passes(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    settings = ledger / "ledger.yaml"
    text = settings.read_text(encoding="utf-8") + "repo_url: https://git.example.gov.cn/a/b\n"
    settings.write_text(text, encoding="utf-8")
    _, problems = load_ledger(ledger)
    assert problems == []


def test_clean_text_passes(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    write(ledger, TASK, a_task(title="推进（重点）工作：“三年行动”"))
    loaded, problems = load_ledger(ledger)
    assert bidi(problems) == [] and loaded is not None and len(loaded.tasks) == 1


def test_a_control_written_as_an_escape_is_found_too() -> None:
    """The whole-file pre-scan passes over a file with no control character in its source; a
    double-quoted escape (``"\\u202e"``) puts one in the value without one in the source."""
    from duban.check.hygiene import text_problems
    from duban.load.yamlload import load_text

    escaped, _ = load_text(b'title: "abc\\u202Edef"\n', "x.yaml")
    plain, _ = load_text(b"title: abcdef\n", "x.yaml")
    assert escaped is not None and plain is not None
    assert [p.code for p in text_problems(escaped)] == ["text-bidi-control"]
    assert text_problems(plain) == []


# --- control, invisible and format characters (duban.load.characters) -------------------------

UNITS = ["zfb", "fgw", "czj"]

#: One character of each refused class: (character, code, how the message names it).
REFUSED = [
    ("\x00", "text-control-character", "U+0000 NULL"),
    ("\x01", "text-control-character", "U+0001 START-OF-HEADING"),
    ("\x07", "text-control-character", "U+0007 BELL"),
    ("\x08", "text-control-character", "U+0008 BACKSPACE"),
    ("\x0b", "text-control-character", "U+000B LINE-TABULATION"),
    ("\x0c", "text-control-character", "U+000C FORM-FEED"),
    ("\r", "text-control-character", "U+000D CARRIAGE-RETURN"),
    ("\x1b", "text-control-character", "U+001B ESCAPE"),
    ("\x1f", "text-control-character", "U+001F UNIT-SEPARATOR"),
    ("\x7f", "text-control-character", "U+007F DELETE"),
    ("\x80", "text-control-character", "U+0080"),
    ("\x85", "text-control-character", "U+0085 NEXT-LINE"),
    ("\x9b", "text-control-character", "U+009B CONTROL-SEQUENCE-INTRODUCER"),
    ("\x9f", "text-control-character", "U+009F"),
    ("\u00ad", "text-invisible-character", "U+00AD SOFT HYPHEN"),
    ("\u034f", "text-invisible-character", "U+034F COMBINING GRAPHEME JOINER"),
    ("\u180e", "text-invisible-character", "U+180E MONGOLIAN VOWEL SEPARATOR"),
    ("\u200b", "text-invisible-character", "U+200B ZERO WIDTH SPACE"),
    ("\u200c", "text-invisible-character", "U+200C ZERO WIDTH NON-JOINER"),
    ("\u200d", "text-invisible-character", "U+200D ZERO WIDTH JOINER"),
    ("\u2028", "text-invisible-character", "U+2028 LINE SEPARATOR"),
    ("\u2029", "text-invisible-character", "U+2029 PARAGRAPH SEPARATOR"),
    ("\u2060", "text-invisible-character", "U+2060 WORD JOINER"),
    ("\u2062", "text-invisible-character", "U+2062 INVISIBLE TIMES"),
    ("\u206f", "text-invisible-character", "U+206F NOMINAL DIGIT SHAPES"),
    ("\u3164", "text-invisible-character", "U+3164 HANGUL FILLER"),
    ("\ufeff", "text-invisible-character", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\uffa0", "text-invisible-character", "U+FFA0 HALFWIDTH HANGUL FILLER"),
    ("\ufff9", "text-invisible-character", "U+FFF9 INTERLINEAR ANNOTATION ANCHOR"),
    ("\U000e0041", "text-invisible-character", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    ("\u202e", "text-bidi-control", "U+202E RIGHT-TO-LEFT OVERRIDE"),
]


def escape(char: str) -> str:
    """``char`` as a YAML double-quoted escape."""
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code <= 0xFF
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else (f"\\U{code:08x}")
    )


def quoted_title(text: str, title: str) -> str:
    """The task ``text`` with its title line replaced by ``title: "<title>"`` (escapes kept)."""
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = f'title: "{title}"\n'
    return "".join(lines)


def safe_output(output: str) -> None:
    """No control character but the line feed, and no refused character at all, printed."""
    from duban.load.characters import REFUSED as PATTERN

    assert "\x1b" not in output
    leaked = [f"U+{ord(c):04X}" for c in output if c != "\n" and PATTERN.match(c)]
    assert leaked == [], leaked
    assert all(b >= 0x20 or b == 0x0A for b in output.encode("utf-8")), output


@pytest.mark.parametrize("char, code, name", REFUSED, ids=[n for _, _, n in REFUSED])
def test_every_class_written_as_an_escape_is_refused(char: str, code: str, name: str) -> None:
    text = quoted_title(a_task(), f"推进{escape(char)}工作")
    task, problems = load_task_text(text.encode(), "ledger/" + TASK, "ES", UNITS, {})
    assert task is None
    assert [(p.code, p.field) for p in problems] == [(code, "$.title")], problems
    (found,) = problems
    assert found.where.line == line_of(text, "title:") and found.where.col == 1
    zh = found.message("zh")
    assert name in zh and "第 3 个字符" in zh and "请删除" in zh and "转义" in zh
    assert name in found.message("en")
    safe_output(zh + found.message("en"))


#: Written raw, the line and paragraph separators end a line for libyaml (a YAML 1.1 reader):
#: in a plain value they break the file (``yaml-syntax``), so they are tested as escapes only.
RAW_READABLE = [
    c for c, code, _ in REFUSED if code != "text-control-character" and c not in "\u2028\u2029"
]


@pytest.mark.parametrize("char", RAW_READABLE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_invisible_character_written_raw_is_refused(tmp_path: Path, char: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    text = a_task(title=f"推进{char}工作")
    write(ledger, TASK, text)
    loaded, problems = load_ledger(ledger)
    assert loaded is not None and loaded.tasks == ()
    assert [p.field for p in problems if p.severity == "error"] == ["$.title"], problems
    assert problems[0].code.startswith("text-")


RAW_CONTROLS = [c for c, code, _ in REFUSED if code == "text-control-character" and c != "\r"]


@pytest.mark.parametrize("char", RAW_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_written_raw_is_refused_by_the_reader(char: str) -> None:
    """The YAML reader refuses these raw; the message names the character, its line, column
    and field, and never holds it (a raw NEL is a line break to libyaml: refused or not, the
    message never holds it)."""
    text = "id: ES-2026-9001\n" + f"title: 推进工作{char}方案\nlead: 张\n"
    task, problems = load_task_text(text.encode(), "ledger/" + TASK, "ES", UNITS, {})
    assert task is None and problems
    safe_output("".join(p.message(lang) + p.field for p in problems for lang in ("zh", "en")))
    if char == "\x85":
        return
    (found,) = problems
    assert found.code == "yaml-control-character"
    assert (found.where.line, found.where.col, found.field) == (2, 12, "$.title")
    assert f"U+{ord(char):04X}" in found.message("zh") and "请删除" in found.message("zh")
    assert "第 2 行第 12 列" in found.message("zh")


def test_a_key_holding_a_control_is_reported_without_printing_it() -> None:
    text = a_task() + 'x\\e[2J: "a"\n'.replace("x\\e[2J", '"x\\e[2J"')
    task, problems = load_task_text(text.encode(), "ledger/" + TASK, "ES", UNITS, {})
    assert task is None
    (found,) = problems
    assert found.code == "text-control-character" and found.field == "$.x\\u001b[2J"
    assert "键名" in found.message("zh") and "U+001B ESCAPE" in found.message("zh")
    safe_output(found.message("zh") + found.field)


@pytest.mark.parametrize(
    "title",
    [
        "推进（重点）工作：“三年行动”，〇一号；完成！",
        "表情😀、❤️与👍🏽",
        "家庭👨\u200d👩\u200d👧，程序员👩🏽\u200d💻，彩虹旗🏳️\u200d🌈",
        "苏格兰\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f旗",
        "扩展B区𠀀𪚥，私用区\ue000，异体字葛\U000e0100",
        "表格\t对齐",
        "蒙古文\u1828\u180e\u1820",
        "全角空格\u3000与不换行空格\u00a0",
    ],
)
def test_legitimate_text_stays_valid(title: str) -> None:
    text = quoted_title(a_task(), title.replace("\t", "\\t"))
    task, problems = load_task_text(text.encode(), "ledger/" + TASK, "ES", UNITS, {})
    assert problems == [] and task is not None and task.title == title


def test_a_joiner_or_a_tag_out_of_its_emoji_sequence_is_refused() -> None:
    from duban.load.characters import first_refused

    assert first_refused("👩\u200d💻") is None
    assert first_refused("a\u200d💻") == (1, "\u200d")
    assert first_refused("👩\u200db") == (1, "\u200d")
    assert first_refused("👩\u200d") == (1, "\u200d")
    tags = "\U000e0067\U000e0062\U000e007f"
    assert first_refused("\U0001f3f4" + tags) is None
    assert first_refused("x" + tags) == (1, "\U000e0067")
    assert first_refused("\U0001f3f4\U000e0067\U000e0062") == (1, "\U000e0067")  # no cancel tag
    assert first_refused("a\u180e") == (1, "\u180e")


def test_every_format_character_of_this_python_is_refused() -> None:
    """The table of :mod:`duban.load.characters` is written out (no scan at import time):
    every format (Cf), control (Cc) and surrogate (Cs) character Python knows is in it."""
    import unicodedata

    from duban.load.characters import REFUSED as PATTERN

    missing = [
        f"U+{cp:04X}"
        for cp in range(0x110000)
        if unicodedata.category(chr(cp)) in ("Cf", "Cc", "Cs")
        and chr(cp) not in "\t\n"
        and not PATTERN.match(chr(cp))
    ]
    assert missing == []


#: (file, the line as the fixture has it, the same line with a refused character, field).
OTHER_FILES = [
    ("ledger.yaml", "name: 测试州人民政府督办台账", 'name: "测试州\\e[31m督办台账"', "$.name"),
    ("ledger.yaml", "notice: 测试用虚构数据。", "notice: 测试用\u200b虚构数据。", "$.notice"),
    ("units.yaml", "name: 测试州财政局", 'name: "测试州\\x00财政局"', "$.units[2].name"),
    ("units.yaml", "name: 测试州财政局", "name: 测试州\ufeff财政局", "$.units[2].name"),
    ("rules.yaml", "title: 任务分解落实", 'title: "任务\\x7f分解落实"', "$.rules[0].title"),
    ("calendar/2026.yaml", "name: 元旦", 'name: "元\\u2060旦"', "$.holidays[0].name"),
    ("calendar/2026.yaml", "name: 元旦", 'name: "元\\x9b旦"', "$.holidays[0].name"),
    ("ledger.yaml", "name: 测试州人民政府督办台账", f"name: 测试州{RLO}督办台账", "$.name"),
    ("ledger.yaml", "notice: 测试用虚构数据。", "notice: 测试用\u2067虚构\u2069数据。", "$.notice"),
    ("units.yaml", "name: 测试州财政局", "name: 测试州\u202b财政局", "$.units[2].name"),
    ("rules.yaml", "title: 任务分解落实", f"title: 任务{RLO}分解落实", "$.rules[0].title"),
    ("calendar/2026.yaml", "name: 元旦", "name: 元\u061c旦", "$.holidays[0].name"),
]


@pytest.mark.parametrize("rel, old, new, field", OTHER_FILES)
def test_every_ledger_file_is_checked(
    tmp_path: Path, rel: str, old: str, new: str, field: str
) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    text = (ledger / rel).read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    write(ledger, rel, text)
    _, problems = load_ledger(ledger)
    found = [p for p in problems if p.code.startswith("text-")]
    assert [p.field for p in found] == [field], problems
    assert found[0].where.path.endswith(rel) and found[0].where.line == line_of(text, new)
    result = run_cli("validate", ledger)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{rel}:{line_of(text, new)}:" in result.output and field in result.output
    safe_output(result.output)


POSTS = """\
posts:
  - code: deputy-a
    title: 副州长（分管发展改革）
    duties: [joint-meeting, annual-report, field-research]
    units: [fgw, czj]
"""

MEETINGS = """\
post: deputy-a
year: 2026
visibility: public
meetings:
  - {date: 2026-03-20, units: [fgw, czj], topic: "一季度\\e]0;x\\a项目调度", minutes: 纪要1号}
"""

RESEARCH = """\
post: deputy-a
year: 2026
visibility: public
trips:
  - {start: 2026-04-01, end: 2026-04-02, days: 2, place: 示例县\u200b, topic: 调研}
"""


def test_duty_records_refuse_them_and_are_left_out(tmp_path: Path) -> None:
    from duban.ledger import ledger_duties

    ledger = make_ledger(tmp_path / "ledger")
    posts = POSTS.replace("title: 副州长（分管发展改革）", 'title: "副州长\\x08（分管发展改革）"')
    assert posts != POSTS
    write(ledger, "posts.yaml", posts)
    write(ledger, "meetings/2026/deputy-a.yaml", MEETINGS)
    write(ledger, "research/2026/deputy-a.yaml", RESEARCH)
    loaded, problems = load_ledger(ledger)
    found = {(Path(p.where.path).name, p.code, p.field) for p in problems if "text-" in p.code}
    assert found == {
        ("posts.yaml", "text-control-character", "$.posts[0].title"),
        ("deputy-a.yaml", "text-control-character", "$.meetings[0].topic"),
        ("deputy-a.yaml", "text-invisible-character", "$.trips[0].place"),
    }, problems
    assert loaded is not None
    duties, _ = ledger_duties(ledger, loaded.units, loaded.tasks)
    assert duties.meetings == () and duties.research == ()
    result = run_cli("validate", ledger, "--format", "github")
    assert result.exit_code == 1
    safe_output(result.output)


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports_never_print_the_character_they_report(tmp_path: Path, fmt: str, lang: str) -> None:
    ledger = make_ledger(tmp_path / "ledger")
    events = [ev("2026-09-30", "reported-to-leader", "fgw", "已报告")]
    text = task_yaml(received="2026-09-30", events=events)
    text = quoted_title(text, "标题\\e[31m红\\r覆盖\\x9b2J\\u200b")
    text += '"键\\e[1m": "值\\x07"\n'
    write(ledger, TASK, text)
    write(ledger, "tasks/2026/ES-2026-9002.yaml", "id: ES-2026-9002\ntitle: 原始\x1b[31m\n")
    result = run_cli("validate", ledger, "--format", fmt, "--lang", lang)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    safe_output(result.output)
    assert "U+001B" in result.output and "ES-2026-9002.yaml" in result.output
    if fmt == "json":
        payload = json.loads(result.stdout)
        codes = {p["code"] for p in payload["problems"]}
        assert {"text-control-character", "yaml-control-character"} <= codes


def test_check_change_refuses_them_in_a_new_and_a_changed_task(tmp_path: Path) -> None:
    from support import GitRepo

    repo = GitRepo(tmp_path / "repo", author="测试", email="t@example.org")
    ledger = make_ledger(repo.path / "ledger")
    first = a_task()
    write(ledger, TASK, first)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "pr")
    write(ledger, TASK, first.replace("已报告", '"已报告\\e[8m隐藏"'))
    write(ledger, "tasks/2026/ES-2026-9002.yaml", a_task("ES-2026-9002", title="新\u200b任务"))
    write(ledger, "tasks/2026/ES-2026-9003.yaml", a_task("ES-2026-9003", title="新\x7f任务"))
    repo.commit("hostile")
    for fmt in ("text", "json", "github"):
        result = run_cli("check-change", "--repo", repo.path, "--base", "main", "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        safe_output(result.output)
        assert "text-control-character" in result.output
        assert "text-invisible-character" in result.output
        assert "yaml-control-character" in result.output


def test_check_change_refuses_them_in_the_other_ledger_files(tmp_path: Path) -> None:
    """A changed ``units.yaml``, ``rules.yaml``, calendar or duty record is read at the head
    of the change: escaped, raw-invisible and raw-control characters are refused there too,
    whoever makes the change (a maintainer of the assigning unit as well)."""
    from support import GitRepo

    repo = GitRepo(tmp_path / "repo", author="测试", email="t@example.org")
    ledger = make_ledger(repo.path / "ledger")
    write(ledger, "posts.yaml", POSTS)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "pr")
    for rel, old, new in [
        ("units.yaml", "name: 测试州财政局", 'name: "测试州\\e[31m财政局"'),
        ("rules.yaml", "title: 任务分解落实", "title: 任务\u200b分解落实"),
        ("calendar/2026.yaml", "name: 元旦", "name: 元\x1b旦"),
    ]:
        text = (ledger / rel).read_text(encoding="utf-8")
        write(ledger, rel, text.replace(old, new, 1))
    write(ledger, "meetings/2026/deputy-a.yaml", MEETINGS)
    (ledger / "notes.txt").write_bytes(b"not YAML: \x1b[31m is not read\n")
    repo.commit("hostile settings")
    for actor in ("zfb-clerk", None):
        problems = check_change(str(repo.path), "main", "HEAD", actor)
        found = {(Path(p.where.path).name, p.code, p.field) for p in problems}
        assert {
            ("units.yaml", "text-control-character", "$.units[2].name"),
            ("rules.yaml", "text-invisible-character", "$.rules[0].title"),
            ("2026.yaml", "yaml-control-character", "$.holidays[0].name"),
            ("deputy-a.yaml", "text-control-character", "$.meetings[0].topic"),
        } <= found, problems
        assert not any(p.where.path.endswith("notes.txt") for p in problems)
    result = run_cli("check-change", "--repo", repo.path, "--base", "main", "--format", "github")
    assert result.exit_code == 1 and "Traceback" not in result.output
    safe_output(result.output)
