"""``duban calendar parse``: the holiday notice's text into ``ledger/calendar/YYYY.yaml``.

The notices in ``tests/golden/notices/`` are written for these tests in the notices' own
format from the published dates (2026 simplified with full-width punctuation; 2025 and 2015
in traditional characters, the 2015 one-off notice with the pinyin some sites insert; 2024
with half-width punctuation; 2023 broken over lines, without title line or 文号 but with a
news agency's dateline; 2019 with full-width digits; 2019 and 2020 with the notices that
amended them). The results are compared with the ledger's own calendar files and, day by
day, with the independent ``chinesecalendar`` package.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from duban.calendar.notice import (
    MAX_CHARS,
    NoticeCalendar,
    calendar_yaml,
    normalise,
    parse_notices,
)
from duban.calendar.statutory import festivals, statutory_days
from duban.load.calendar import load_calendar, read_calendar_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import GOLDEN, ROOT, need_module, run_cli

NOTICES = GOLDEN / "notices"
LEDGER_CALENDAR = ROOT / "ledger" / "calendar"

#: The notices of each year, in the order they amend each other.
YEARS: dict[int, tuple[str, ...]] = {
    2015: ("2015.txt", "2015-anniversary.txt"),
    2019: ("2019.txt", "2019-labour-day.txt"),
    2020: ("2020.txt", "2020-extension.txt"),
    2023: ("2023.txt",),
    2024: ("2024.txt",),
    2025: ("2025.txt",),
    2026: ("2026.txt",),
}


def texts(*names: str) -> list[tuple[str, str]]:
    return [(name, (NOTICES / name).read_text(encoding="utf-8")) for name in names]


def parse_year(year: int) -> NoticeCalendar:
    return parse_notices(texts(*YEARS[year]))


def errors(result: NoticeCalendar) -> list[str]:
    return [p.code for p in result.problems if p.severity == "error"]


def working_days(folder: Path, year: int) -> dict[date, bool]:
    calendar, problems = load_calendar(folder)
    assert problems == []
    day, out = date(year, 1, 1), {}
    while day.year == year:
        out[day] = calendar.is_working_day(day)
        day += timedelta(days=1)
    return out


# -- reproducing the ledger ----------------------------------------------------------------


def test_2026_reproduces_the_ledger_file_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "2026.yaml"
    result = run_cli("calendar", "parse", NOTICES / "2026.txt", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == (LEDGER_CALENDAR / "2026.yaml").read_bytes()
    assert "已写入" in result.stderr


def test_2025_in_traditional_characters_reproduces_the_ledger_file() -> None:
    result = parse_year(2025)
    assert result.problems == ()
    assert calendar_yaml(result) == (LEDGER_CALENDAR / "2025.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", sorted(YEARS))
def test_every_year_agrees_with_the_ledger_and_chinesecalendar(tmp_path: Path, year: int) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    args = [str(NOTICES / name) for name in YEARS[year]]
    result = run_cli("calendar", "parse", *args, "--out", folder / f"{year}.yaml")
    assert result.exit_code == 0, result.stderr
    loaded, problems = read_calendar_file(folder / f"{year}.yaml")
    assert problems == [] and loaded is not None and loaded.year == year
    ours = working_days(folder, year)
    ledger_only = tmp_path / "ledger"
    ledger_only.mkdir()
    (ledger_only / f"{year}.yaml").write_bytes((LEDGER_CALENDAR / f"{year}.yaml").read_bytes())
    assert ours == working_days(ledger_only, year)
    chinese_calendar = need_module("chinese_calendar")
    theirs = {d: chinese_calendar.is_workday(d) for d in ours}
    assert [d for d in ours if ours[d] != theirs[d]] == []


def test_the_title_and_number_of_each_notice_are_kept() -> None:
    result = parse_year(2020)
    assert result.notice == "国务院办公厅关于2020年部分节假日安排的通知"
    assert result.notice_no == "国办发明电〔2019〕16号"
    extension = result.holidays[-1]
    assert extension.name == "春节（延长假期）"
    assert extension.notice == "国务院办公厅关于延长2020年春节假期的通知"
    assert extension.notice_no == "国办发明电〔2020〕1号"
    assert extension.days_off == (date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2))
    assert "原定2月1日（星期六）上班随之取消" in extension.note
    assert date(2020, 2, 1) not in result.workdays()  # the later notice wins
    special = parse_year(2015).holidays[-1]
    assert special.name == "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"
    assert special.notice_no == "国发明电〔2015〕1号"
    assert special.workdays == (date(2015, 9, 6),)


def test_known_long_stretches_of_work_are_warnings_at_their_holiday() -> None:
    result = parse_year(2023)
    runs = [p for p in result.problems if p.code == "notice-long-working-run"]
    assert [p.severity for p in runs] == ["warning", "warning"]
    assert "春节后连续上班7天（1月28日至2月3日）" in runs[0].zh
    assert runs[0].where.line == 9  # the line of 二、春节 in 2023.txt
    assert result.ok  # warnings do not stop the file being written
    assert [p.code for p in parse_year(2026).problems] == []


def test_a_missing_title_and_number_are_warnings() -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8").split("\n", 2)[2]
    result = parse_notices([("n.txt", text)])
    assert result.ok
    assert result.notice == "国务院办公厅关于2026年部分节假日安排的通知"
    assert {p.code for p in result.problems} == {"notice-title-missing", "notice-no-number"}
    assert "notice_no" not in calendar_yaml(result)


def test_a_copy_without_the_closing_words_ends_at_the_signature() -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    start = text.index("鼓励单位")
    bare = text[:start] + text[text.index("国务院办公厅\n2025年") :]
    result = parse_notices([("n.txt", bare)])
    assert result.problems == () and result.ok
    assert calendar_yaml(result) == (LEDGER_CALENDAR / "2026.yaml").read_text(encoding="utf-8")


# -- refusing what cannot be read with certainty -------------------------------------------

SEVEN = (
    "七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。"
    "9月20日（周日）、10月10日（周六）上班。"
)


def altered(old: str, new: str) -> str:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        (SEVEN, "", "notice-missing-holiday", "国庆节"),
        ("共7天", "共8天", "notice-unreadable", "写的是共8天，但10月1日至10月7日是7天"),
        ("10月1日（周四）", "10月1日（周五）", "notice-unreadable", "10月1日是星期四"),
        ("农历腊月二十八", "农历腊月二十七", "notice-unreadable", "不是“农历腊月二十七”"),
        ("10月10日（周六）", "10月9日", "notice-workday-not-weekend", "10月9日"),
        (
            "9月25日（周五）至27日（周日）",
            "9月26日（周六）至28日（周一）",
            "notice-statutory-day",
            "9月25日",
        ),
        ("五、端午节", "六、端午节", "notice-item-order", "第五项"),
        ("1月4日（周日）上班", "1月4日（周日）上", "notice-unreadable", "1月4日（周日）上"),
        ("10月10日（周六）上班。", "10月10日（周六）", "notice-unreadable", "10月10日（周六）"),
        ("端午节：", "端五节：", "notice-unknown-holiday", "端五节"),
        ("2月28日", "2月30日", "notice-unreadable", "不是真实存在的日期"),
        ("放假调休，共3天。1月4日", "放假调休，共3天1月4日", "notice-unreadable", "共3天1月4日"),
    ],
)
def test_an_altered_notice_is_refused_naming_its_sentence(
    tmp_path: Path, old: str, new: str, code: str, words: str
) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(altered(old, new), encoding="utf-8")
    out = tmp_path / "2026.yaml"
    result = run_cli("calendar", "parse", notice, "--out", out)
    assert result.exit_code == 1, result.output
    assert not out.exists()
    assert code in result.stderr and words in result.stderr
    assert "未写入" in result.stderr and "Traceback" not in result.stderr


def test_a_truncated_notice_is_refused(tmp_path: Path) -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    cut = text[: text.index("六、中秋节")]
    result = parse_notices([("cut.txt", cut)])
    assert not result.ok
    assert {"notice-missing-holiday"} <= set(errors(result))
    assert any("中秋节" in p.zh for p in result.problems)
    assert any("国庆节" in p.zh for p in result.problems)


def test_the_problem_points_at_the_line_of_the_sentence() -> None:
    result = parse_notices([("n.txt", altered("共7天", "共8天"))])
    (problem,) = [p for p in result.problems if p.code == "notice-unreadable"]
    assert (problem.where.path, problem.where.line) == ("n.txt", 20)
    assert "“10月1日（周四）至7日（周三）放假调休，共8天”" in problem.zh


def test_amending_notices_must_follow_the_yearly_one() -> None:
    later_first = parse_notices(texts("2020-extension.txt", "2020.txt"))
    assert errors(later_first) == ["notice-not-yearly"]
    other_year = parse_notices(texts("2019.txt", "2020-extension.txt"))
    assert "notice-other-year" in errors(other_year)
    twice = parse_notices(texts("2026.txt", "2026.txt"))
    assert "notice-two-yearly" in errors(twice)


def test_an_extension_that_does_not_extend_is_refused() -> None:
    text = (NOTICES / "2020-extension.txt").read_text(encoding="utf-8")
    short = text.replace("至2月2日（农历正月初九，星期日）", "至1月29日")
    result = parse_notices([*texts("2020.txt"), ("ext.txt", short)])
    assert "notice-extension-short" in errors(result)


def test_an_adjustment_that_drops_days_is_refused() -> None:
    text = (NOTICES / "2019-labour-day.txt").read_text(encoding="utf-8")
    later = text.replace("2019年5月1日至4日放假调休，共4天", "2019年5月2日至4日放假调休，共3天")
    result = parse_notices([*texts("2019.txt"), ("adj.txt", later)])
    assert "notice-adjust-drops" in errors(result)


# -- reading any copy ----------------------------------------------------------------------


def test_normalising_traditional_full_width_and_pinyin() -> None:
    text, origin = normalise("國務(wù)院\n辦公廳：１０月　１日（週四）")
    assert text == "国务院办公厅:10月1日(周四)"
    assert (
        len(origin) == len(text)
        and origin[-1] == len("國務(wù)院\n辦公廳：１０月　１日（週四）") - 1
    )


def test_the_same_notice_in_any_form_gives_the_same_arrangement() -> None:
    original = parse_notices(texts("2026.txt"))
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    half = text.translate(str.maketrans("，：；（）", ",:;()"))
    wide = text.translate({c: c + 0xFEE0 for c in range(ord("0"), ord("9") + 1)})
    broken = "\n ".join(text[i : i + 7] for i in range(0, len(text), 7))
    for form in (half, wide, broken):
        again = parse_notices([("n.txt", form)])
        assert again.holidays and again.ok
        assert [(h.name, h.days_off, h.workdays) for h in again.holidays] == [
            (h.name, h.days_off, h.workdays) for h in original.holidays
        ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("9月20日（周日）、10月10日（周六）上班", "9月20日（周日），10月10日（周六）上班"),
        ("9月20日（周日）、10月10日（周六）上班", "9月20日（星期天）、10月10日（星期六）上班"),
        ("1月4日（周日）上班", "2026年1月4日(星期日)上班"),
        ("5月1日（周五）至5日（周二）", "5月1日（周五）～5月5日（周二）"),
    ],
)
def test_other_ways_of_writing_the_same_dates(old: str, new: str) -> None:
    result = parse_notices([("n.txt", altered(old, new))])
    assert result.problems == ()
    assert calendar_yaml(result) == (LEDGER_CALENDAR / "2026.yaml").read_text(encoding="utf-8")


def test_statutory_days_follow_the_revisions_of_the_rules() -> None:
    def spring(year: int) -> list[date]:
        return [d for name, d in statutory_days(year) if name == "春节"]

    assert spring(2013)[0] == date(2013, 2, 9)  # 2008–2013: 除夕, 初一, 初二
    assert spring(2014) == [date(2014, 1, 31), date(2014, 2, 1), date(2014, 2, 2)]
    assert spring(2025) == [date(2025, 1, 28) + timedelta(days=i) for i in range(4)]
    assert [d for n, d in statutory_days(2025) if n == "劳动节"] == [
        date(2025, 5, 1),
        date(2025, 5, 2),
    ]
    assert len([d for n, d in statutory_days(2007) if n == "劳动节"]) == 3
    assert "清明节" not in festivals(2007) and "清明节" in festivals(2008)
    assert statutory_days(1990) == ()


# -- the command ---------------------------------------------------------------------------


def test_parse_prints_to_stdout_without_out() -> None:
    result = run_cli("calendar", "parse", NOTICES / "2026.txt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (LEDGER_CALENDAR / "2026.yaml").read_text(encoding="utf-8")


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "2026.yaml"
    out.write_text("old\n", encoding="utf-8")
    refused = run_cli("calendar", "parse", NOTICES / "2026.txt", "--out", out)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "old\n"
    forced = run_cli("calendar", "parse", NOTICES / "2026.txt", "--out", out, "--force")
    assert forced.exit_code == 0
    assert out.read_bytes() == (LEDGER_CALENDAR / "2026.yaml").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["2026.yaml"]  # no temporary file left


def test_the_out_file_must_be_named_for_the_year(tmp_path: Path) -> None:
    out = tmp_path / "2027.yaml"
    result = run_cli("calendar", "parse", NOTICES / "2026.txt", "--out", out)
    assert result.exit_code == 1 and "notice-out-year" in result.stderr
    assert not out.exists()


def test_english_messages_and_unreadable_files(tmp_path: Path) -> None:
    notice = tmp_path / "n.txt"
    notice.write_text(altered("共7天", "共8天"), encoding="utf-8")
    english = run_cli("calendar", "parse", notice, "--lang", "en")
    assert english.exit_code == 1 and "nothing written" in english.stderr
    missing = run_cli("calendar", "parse", tmp_path / "absent.txt")
    assert missing.exit_code == 2 and "Traceback" not in missing.stderr
    folder = run_cli("calendar", "parse", tmp_path)
    assert folder.exit_code == 2 and "Traceback" not in folder.stderr
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81\x30")
    odd = run_cli("calendar", "parse", binary)
    assert odd.exit_code in (1, 2) and "Traceback" not in odd.stderr


def test_a_gb18030_copy_is_read_with_a_warning(tmp_path: Path) -> None:
    notice = tmp_path / "gbk.txt"
    notice.write_bytes((NOTICES / "2026.txt").read_text(encoding="utf-8").encode("gb18030"))
    result = run_cli("calendar", "parse", notice)
    assert result.exit_code == 0, result.stderr
    assert "notice-encoding" in result.stderr
    assert result.stdout == (LEDGER_CALENDAR / "2026.yaml").read_text(encoding="utf-8")


# -- hostile input -------------------------------------------------------------------------

NOTICE_WORDS = st.sampled_from(
    [
        "国务院办公厅关于2026年部分节假日安排的通知",
        "国务院办公厅关于延长2026年春节假期的通知",
        "现将2026年元旦安排通知如下。",
        "一、",
        "七、国庆节：",
        "10月1日",
        "（周四）",
        "（农历腊月三十）",
        "至",
        "7日",
        "放假调休",
        "共7天",
        "，",
        "。",
        "、",
        "上班",
        "与周末连休",
        "延长2026年春节假期至",
        "2月31日",
        "9999年1月1日",
        "(",
        ")",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NOTICE_WORDS, max_size=40).map("".join), st.text(max_size=200))
def test_arbitrary_text_never_raises(words: str, noise: str) -> None:
    for text in (words, noise, words + noise):
        result = parse_notices([("a.txt", text), ("b.txt", noise + words)])
        if result.ok:
            calendar_yaml(result)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_damaged_notice_never_raises(data: st.DataObject) -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    damaged = text[:start] + data.draw(st.text(max_size=5)) + text[end:]
    result = parse_notices([("d.txt", damaged)])
    if result.ok:
        assert result.year == 2026
        calendar_yaml(result)


def test_a_huge_text_is_refused_quickly() -> None:
    result = parse_notices([("big.txt", "1月1日至" * (MAX_CHARS // 4 + 1))])
    assert errors(result) == ["notice-too-long"]
    near = parse_notices([("near.txt", "一、元旦：1月1日至" * (MAX_CHARS // 12))])
    assert not near.ok
