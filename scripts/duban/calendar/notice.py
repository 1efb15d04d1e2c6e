"""Reading the State Council's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知), as
copied from a web page, into the year's arrangement, with every cross-check a clerk would make.

The text may be in simplified or traditional characters, with full- or half-width punctuation
and digits, stray spaces and line breaks, with or without its title line or 文号. It is first
normalised (:func:`normalise`: NFKC, a small table of the traditional characters these notices
use, whitespace dropped, the pinyin some sites insert after characters dropped), keeping for
each character where it was, so every problem points at the line of the sentence it is about.

Three kinds of later notice amend the yearly one, in the order the texts are given:
调整 (国务院办公厅关于调整2019年劳动节假期安排的通知), 延长 (国务院办公厅关于延长2020年春节假期的
通知) and a one-off day (国务院关于……纪念日调休放假的通知).

Checks (each an error unless said): every sentence of a holiday is read completely or refused
(never guessed); 共N天 and 放假N天 equal the days given; a weekday or lunar date in parentheses
matches its date; make-up working days are Saturdays or Sundays; each statutory day of
《全国年节及纪念日放假办法》 (:mod:`duban.calendar.statutory`) is off, in its own holiday too;
every statutory holiday has its item; items are numbered 一、二、… in order; more than six
working days in a row next to a holiday is a warning.

:func:`parse_notices` is pure (texts in, an immutable :class:`NoticeCalendar` out);
:func:`calendar_yaml` writes it in the ledger's format (``ledger/calendar/YYYY.yaml``).
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from duban.calendar.statutory import (
    FESTIVALS,
    FIRST_STATUTORY_YEAR,
    LAST_STATUTORY_YEAR,
    festivals,
    lunar_of,
    statutory_days,
)
from duban.problems import Problem, Severity
from duban.source import Location
from duban.text import Text

MAX_CHARS = 100_000
"""The longest notice text read; a notice is about a thousand characters, a web page ten."""

MAX_WORKING_RUN = 6
"""More working days in a row next to a holiday than this is a warning (the 2024 revision's
"generally no more than six")."""

_DAY = timedelta(days=1)

Kind = Literal["yearly", "adjust", "extend", "special"]

# The traditional characters of these notices (titles, holiday sentences, the 文号, the
# usual preamble and closing), mapped to the simplified ones; others are kept as they are.
_TRADITIONAL = dict(
    zip(
        "國務辦廳關於節慶勞動調補週體與個區廣華開長間門處實時書發電號準連農曆臘當際較錯帶"
        "單結勵衛規報確眾過參舉紀勝戰爭為現將經屬機構轄產會議議並應資職護學這說對從後條員"
        "們總統閏歲數歷軍",
        "国务办厅关于节庆劳动调补周体与个区广华开长间门处实时书发电号准连农历腊当际较错带"
        "单结励卫规报确众过参举纪胜战争为现将经属机构辖产会议议并应资职护学这说对从后条员"
        "们总统闰岁数历军",
        strict=True,
    )
)
_TRADITIONAL["於"] = "于"
_TRADITIONAL["曆"] = "历"

_PINYIN = re.compile(r"\([a-zà-ǜ]{1,8}\)")
"""``務(wù)``: the pinyin some pages insert after a character; never part of a notice."""

_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_ZH = "一二三四五六日"
_LUNAR_MONTHS = {
    "正": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "十": 10, "冬": 11, "十一": 11, "腊": 12, "十二": 12,
}  # fmt: skip

_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]{0,40})\))?")
_TITLE_YEARLY = re.compile(r"国务院办公厅关于(\d{4})年部分节假日安排的通知")
_TITLE_ADJUST = re.compile(r"国务院办公厅关于调整(\d{4})年([^\d,。:()]{2,12}?)假期安排的通知")
_TITLE_EXTEND = re.compile(r"国务院办公厅关于延长(\d{4})年([^\d,。:()]{2,12}?)假期的通知")
_TITLE_SPECIAL = re.compile(r"国务院关于([^,。:()]{2,60}?)调休放假的通知")
_INTRO_YEAR = re.compile(r"现将(\d{4})年[^。]{0,60}?放假调休日期的具体安排通知如下")
_NOTICE_NO = re.compile(r"(国办发明电|国发明电|国办发|国发)[〔\[(【](\d{4})[〕\])】](\d{1,4})号")
_ITEM = re.compile(
    r"([一二三四五六七八九十]{1,3})、([^\d,;:。()、]{2,8}(?:、[^\d,;:。()、]{2,8}){0,2}):"
)
_BODY_START = re.compile(r"如下[^。:]{0,8}[:。]")
_SIGNATURE = re.compile(r"(?:国务院办公厅|国务院)\d{4}年\d{1,2}月\d{1,2}日")
_LUNAR = re.compile(
    r"(?:农历)?(?:(除夕)|(闰)?(正|冬|腊|十[一二]?|[一二三四五六七八九])月"
    r"(初[一二三四五六七八九十]|十[一二三四五六七八九]|二十[一二三四五六七八九]?|"
    r"廿[一二三四五六七八九]|三十))"
)
_RANGE_SEP = "(?:至|~|-|—|–|－)"
_OFF_WORDS = "(?:放假调休|调休放假|放假|休假)"


# -- normalising ---------------------------------------------------------------------------


def normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """The text as the parser reads it, and for each of its characters the index in ``text``
    it came from: NFKC (full-width digits and punctuation become ASCII), traditional
    characters of :data:`_TRADITIONAL` made simplified, whitespace and invisible characters
    dropped, inserted pinyin dropped."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        if c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Zs"):
            continue
        for ch in unicodedata.normalize("NFKC", c):
            if ch.isspace():
                continue
            chars.append(_TRADITIONAL.get(ch, ch))
            origin.append(i)
    joined = "".join(chars)
    if "(" in joined:
        keep = bytearray(b"\x01" * len(joined))
        for m in _PINYIN.finditer(joined):
            keep[m.start() : m.end()] = b"\x00" * (m.end() - m.start())
        chars = [c for c, k in zip(chars, keep, strict=True) if k]
        origin = [o for o, k in zip(origin, keep, strict=True) if k]
        joined = "".join(chars)
    return joined, tuple(origin)


# -- records -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holiday:
    """One holiday of the arrangement: its days off and make-up working days, as announced."""

    name: str
    days_off: tuple[date, ...]
    workdays: tuple[date, ...]
    where: Location
    notice: str = ""
    """The notice of this entry when it is not the yearly one (an amending notice)."""
    notice_no: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class NoticeCalendar:
    """A year's arrangement read from its notice(s), and every problem found on the way."""

    year: int | None
    notice: str
    notice_no: str
    holidays: tuple[Holiday, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed): the calendar file may be written."""
        return self.year is not None and not any(p.severity == "error" for p in self.problems)

    def days_off(self) -> dict[date, str]:
        """The effective days off, later entries winning (as the ledger's loader applies
        them)."""
        return {d: n for d, n in _marks(self.holidays).items() if n is not None}

    def workdays(self) -> tuple[date, ...]:
        """The effective make-up working days."""
        return tuple(sorted(d for d, n in _marks(self.holidays).items() if n is None))


def _marks(holidays: Sequence[Holiday]) -> dict[date, str | None]:
    marks: dict[date, str | None] = {}
    for h in holidays:
        for d in h.days_off:
            marks[d] = h.name
        for d in h.workdays:
            marks[d] = None
    return marks


# -- one text ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Date:
    day: date
    start: int  # index in the normalised text
    paren: str


@dataclass(slots=True)
class _Reader:
    """The state of reading one text: the normalised text, where each character came from,
    and the problems found."""

    path: str
    raw: str
    text: str
    origin: tuple[int, ...]
    year: int
    problems: list[Problem] = field(default_factory=list)

    def where(self, index: int) -> Location:
        if not self.origin:
            return Location(self.path, 1, 1)
        i = self.origin[min(max(index, 0), len(self.origin) - 1)]
        line = self.raw.count("\n", 0, i) + 1
        col = i - (self.raw.rfind("\n", 0, i) + 1) + 1
        return Location(self.path, line, col)

    def shown(self, start: int, end: int) -> str:
        """The sentence ``text[start:end]`` as the user wrote it, without line breaks."""
        if not self.origin or start >= end:
            return ""
        a, b = self.origin[start], self.origin[min(end, len(self.origin)) - 1] + 1
        words = "".join(self.raw[a:b].split())
        return words if len(words) <= 80 else words[:78] + "……"

    def add(self, code: str, index: int, zh: str, en: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(code, self.where(index), Text(zh, en), "", severity))


def _problem(code: str, where: Location, zh: str, en: str, severity: Severity = "error") -> Problem:
    return Problem(code, where, Text(zh, en), "", severity)


@dataclass(slots=True)
class _Item:
    """A holiday as read from the text (an item of the yearly notice, or a later notice)."""

    name: str
    start: int
    where: Location
    off: set[date] = field(default_factory=set)
    work: set[date] = field(default_factory=set)
    extend_to: date | None = None
    resume: date | None = None


@dataclass(frozen=True, slots=True)
class _Notice:
    kind: Kind
    year: int
    title: str
    notice_no: str
    name: str  # the holiday an amending notice is about
    items: tuple[_Item, ...]
    where: Location


def _fmt(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _fmt_full(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日（星期{_WEEKDAY_ZH[d.weekday()]}）"


def _split_outside_parens(text: str, seps: str) -> list[tuple[int, str]]:
    """``text`` split at the characters of ``seps`` outside parentheses, with offsets."""
    parts: list[tuple[int, str]] = []
    depth, begin = 0, 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(depth - 1, 0)
        elif c in seps and depth == 0:
            parts.append((begin, text[begin:i]))
            begin = i + 1
    parts.append((begin, text[begin:]))
    return [(b, s) for b, s in parts if s]


class _Unreadable(Exception):
    """A clause that cannot be read with certainty (caught within this module)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _check_paren(day: date, paren: str) -> None:
    """The weekday and lunar date written in parentheses after a date match it."""
    for part in re.split("[、,]", paren):
        if not part:
            continue
        week = re.fullmatch(r"(?:周|星期)([一二三四五六日天])", part)
        if week:
            if _WEEKDAYS[week.group(1)] != day.weekday():
                raise _Unreadable(
                    f"{_fmt(day)}是星期{_WEEKDAY_ZH[day.weekday()]}，不是“{part}”",
                    f"{day.isoformat()} is a {day:%A}, not '{part}'",
                )
            continue
        lunar = _LUNAR.fullmatch(part)
        if lunar and FIRST_STATUTORY_YEAR <= day.year <= LAST_STATUTORY_YEAR:
            month, mday, last = lunar_of(day)
            if lunar.group(1):
                right = last
            else:
                want_month = _LUNAR_MONTHS[lunar.group(3)] * (-1 if lunar.group(2) else 1)
                right = (month, mday) == (want_month, _lunar_day(lunar.group(4)))
            if not right:
                raise _Unreadable(
                    f"{_fmt(day)}不是“{part}”", f"{day.isoformat()} is not lunar '{part}'"
                )
            continue
        raise _Unreadable(
            f"括号中的“{part}”无法识别（应为星期或农历日期）",
            f"'{part}' in parentheses is neither a weekday nor a lunar date",
        )


def _lunar_day(name: str) -> int:
    if name.startswith("初"):
        return _NUMERALS[name[1]]
    if name.startswith("廿"):
        return 20 + _NUMERALS[name[1]]
    if name == "三十":
        return 30
    if name.startswith("二十"):
        return 20 + (_NUMERALS[name[2]] if len(name) > 2 else 0)
    return 10 + _NUMERALS[name[1]]  # 十一 … 十九


class _Sentence:
    """The dates of one sentence, read in order: a date without a year takes the year of the
    date before it in the sentence (else the notice's year), one without a month its
    month."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.last: date | None = None

    def dates(self, clause: str, offset: int) -> tuple[str, list[_Date]]:
        """The clause with each date replaced by ``D``, and the dates."""
        found: list[_Date] = []
        pieces: list[str] = []
        pos = 0
        for m in _DATE.finditer(clause):
            y, mo, d, paren = m.group(1), m.group(2), m.group(3), m.group(4) or ""
            year = int(y) if y else (self.last.year if self.last else self.year)
            if mo:
                month = int(mo)
            elif self.last is not None:
                month = self.last.month
            else:
                raise _Unreadable(f"“{m.group(0)}”没有写月份", f"'{m.group(0)}' has no month")
            try:
                day = date(year, month, int(d))
            except ValueError:
                raise _Unreadable(
                    f"{year}年{month}月{d}日不是真实存在的日期",
                    f"{year}-{month}-{d} is not a real date",
                ) from None
            if abs(day.year - self.year) > 1:
                raise _Unreadable(
                    f"{_fmt_full(day)}不在{self.year}年的安排范围内",
                    f"{day.isoformat()} is not part of {self.year}",
                )
            if paren:
                _check_paren(day, paren)
            self.last = day
            found.append(_Date(day, offset + m.start(), paren))
            pieces.append(clause[pos : m.start()] + "D")
            pos = m.end()
        pieces.append(clause[pos:])
        return "".join(pieces), found


def _span(a: date, b: date) -> list[date]:
    if b < a:
        raise _Unreadable(
            f"{_fmt(a)}至{_fmt(b)}：结束日早于开始日",
            f"{a.isoformat()} to {b.isoformat()} ends before it starts",
        )
    if (b - a).days > 40:
        raise _Unreadable(
            f"{_fmt(a)}至{_fmt(b)}长达{(b - a).days + 1}天，不像一个假期",
            f"{a.isoformat()} to {b.isoformat()} is too long for a holiday",
        )
    return [a + i * _DAY for i in range((b - a).days + 1)]


def _with_weekend(d: date) -> list[date]:
    """``d`` and the weekend next to it (与周末连休): Saturday and Sunday after a Friday,
    before a Monday."""
    if d.weekday() == 4:
        return [d, d + _DAY, d + 2 * _DAY]
    if d.weekday() == 0:
        return [d - 2 * _DAY, d - _DAY, d]
    raise _Unreadable(
        f"{_fmt(d)}是星期{_WEEKDAY_ZH[d.weekday()]}，不与周末相连，“与周末连休”无法确定",
        f"{d.isoformat()} is not next to a weekend",
    )


_COUNT = re.compile(r"(?:共|放假)?(\d{1,3})天")


def _read_clauses(
    reader: _Reader, item: _Item, sentence: str, offset: int, *, strict: bool
) -> bool:
    """Read one sentence into ``item``; True when it said anything about days (a date, or
    a count). ``strict``: a clause without a date that is not understood is an error (in an
    item of the yearly notice); otherwise it is skipped (the prose of a later notice)."""
    dates = _Sentence(reader.year)
    last_off: list[date] | None = None
    said = False
    clauses = _split_outside_parens(sentence, ",;:")
    k = 0
    while k < len(clauses):
        begin, clause = clauses[k]
        k += 1
        clause = clause.removeprefix("其中")
        skeleton, found = dates.dates(clause, offset + begin)
        days = [f.day for f in found]
        # "9月20日(周日),10月10日(周六)上班": a list split by a comma instead of 、
        while re.fullmatch("D(?:、D)*", skeleton) and k < len(clauses):
            more_skeleton, more = dates.dates(clauses[k][1], offset + clauses[k][0])
            if not re.fullmatch(r"D(?:、D)*(?:上班|补休|调休)", more_skeleton):
                break
            skeleton, days, k = "D、" + more_skeleton, days + [f.day for f in more], k + 1
        if found or _COUNT.fullmatch(skeleton) or skeleton in ("与周末连休", "不调休"):
            said = True
        if m := re.fullmatch(f"D{_RANGE_SEP}D{_OFF_WORDS}?(?:共(\\d{{1,3}})天)?", skeleton):
            last_off = _span(days[0], days[1])
            item.off.update(last_off)
            if m.group(1):
                _count(last_off, int(m.group(1)))
        elif m := re.fullmatch(r"D(?:全国)?放假(?:(\d{1,3})天)?", skeleton):
            last_off = days
            item.off.update(days)
            if m.group(1):
                _count(days, int(m.group(1)))
        elif re.fullmatch(r"D(?:放假)?,?与周末连休", skeleton):
            last_off = _with_weekend(days[0])
            item.off.update(last_off)
        elif skeleton == "与周末连休" and last_off and len(last_off) == 1:
            last_off = _with_weekend(last_off[0])
            item.off.update(last_off)
        elif m := _COUNT.fullmatch(skeleton):
            if last_off is None:
                raise _Unreadable("“共N天”之前没有放假日期", "a day count without dates before it")
            _count(last_off, int(m.group(1)))
        elif skeleton == "不调休":
            pass
        elif re.fullmatch(r"D(?:、D)*上班", skeleton):
            item.work.update(days)
        elif re.fullmatch(r"D(?:、D)*(?:补休|调休)", skeleton):
            item.off.update(days)
            last_off = days
        elif re.fullmatch(r"D起正常上班", skeleton):
            item.resume = days[0]
        elif (m := re.fullmatch(r"延长(?:\d{4}年)?([^\d]{2,12}?)假期至D", skeleton)) and days:
            if m.group(1) != item.name:
                raise _Unreadable(
                    f"延长的是“{m.group(1)}”，但通知标题说的是“{item.name}”",
                    f"extends '{m.group(1)}' but the title is about '{item.name}'",
                )
            item.extend_to = days[0]
        elif found or strict:
            raise _Unreadable(
                "这句话无法确定地读出放假安排", "this sentence cannot be read with certainty"
            )
    return said


def _count(days: list[date], n: int) -> None:
    if len(days) != n:
        first, last = days[0], days[-1]
        span = _fmt(first) if first == last else f"{_fmt(first)}至{_fmt(last)}"
        raise _Unreadable(
            f"写的是共{n}天，但{span}是{len(days)}天",
            f"says {n} day(s), but {first.isoformat()} to {last.isoformat()} is {len(days)}",
        )


def _sentences(text: str, start: int, end: int) -> list[tuple[int, str]]:
    return [(start + b, s) for b, s in _split_outside_parens(text[start:end], "。.")]


def _read_sentence(
    reader: _Reader, item: _Item, begin: int, sentence: str, label: str, *, strict: bool
) -> bool | None:
    """One sentence into ``item``; None when it was refused (the problem is recorded)."""
    try:
        return _read_clauses(reader, item, sentence, begin, strict=strict)
    except _Unreadable as exc:
        shown = reader.shown(begin, begin + len(sentence))
        reader.add(
            "notice-unreadable",
            begin,
            f"{label}“{shown}”：{exc.zh}；请对照通知原文改正这句（不会猜测）",
            f"{label}'{shown}': {exc.en}; correct it from the notice's own text (no guessing)",
        )
        return None


def _title(text: str) -> tuple[Kind, int | None, str, str, int] | None:
    """The kind, year, title and holiday of the first notice title in ``text``, and where."""
    best: tuple[Kind, int | None, str, str, int] | None = None
    for kind, pattern in (
        ("yearly", _TITLE_YEARLY),
        ("adjust", _TITLE_ADJUST),
        ("extend", _TITLE_EXTEND),
        ("special", _TITLE_SPECIAL),
    ):
        m = pattern.search(text)
        if m and (best is None or m.start() < best[4]):
            if kind == "special":
                best = ("special", None, m.group(0), m.group(1), m.start())
            elif kind == "yearly":
                best = ("yearly", int(m.group(1)), m.group(0), "", m.start())
            else:
                best = (kind, int(m.group(1)), m.group(0), m.group(2), m.start())  # type: ignore[assignment]
    return best


def parse_notice(text: str, path: str) -> tuple[_Notice | None, list[Problem]]:
    """One notice's text (``path``: how messages name it): what kind of notice it is, its
    year, title and 文号, and its holidays as read; or None and the problems."""
    if len(text) > MAX_CHARS:
        return None, [
            _problem(
                "notice-too-long",
                Location(path, 1, 1),
                f"文本长达{len(text)}个字符，上限{MAX_CHARS}；请只复制通知正文",
                f"the text has {len(text)} characters, the limit is {MAX_CHARS}: copy only "
                "the notice",
            )
        ]
    norm, origin = normalise(text)
    title = _title(norm)
    intro = _INTRO_YEAR.search(norm)
    reader = _Reader(path, text, norm, origin, 0)
    if title is None and intro is None:
        reader.add(
            "notice-no-title",
            0,
            "找不到通知标题（如“国务院办公厅关于2027年部分节假日安排的通知”），"
            "也找不到“现将YYYY年……具体安排通知如下”；请把通知标题一并复制进来",
            "no notice title found (国务院办公厅关于YYYY年部分节假日安排的通知) and no "
            "introduction naming the year: copy the title too",
        )
        return None, reader.problems
    if title is None:
        assert intro is not None
        year: int | None = int(intro.group(1))
        kind: Kind = "yearly"
        title_text = f"国务院办公厅关于{year}年部分节假日安排的通知"
        name = ""
        reader.add(
            "notice-title-missing",
            intro.start(),
            f"没有复制通知标题，已按惯例写为“{title_text}”；请核对",
            f"the title was not copied; written as '{title_text}': check it",
            "warning",
        )
    else:
        kind, found_year, title_text, name, _ = title
        year = found_year if found_year is not None else _first_year(norm, title[4])
        if kind == "yearly" and intro and int(intro.group(1)) != year:
            reader.add(
                "notice-year-mismatch",
                intro.start(),
                f"标题是{year}年的通知，正文却写“现将{intro.group(1)}年”；请核对",
                f"the title is for {year} but the text says {intro.group(1)}",
            )
            return None, reader.problems
    if year is None or not FIRST_STATUTORY_YEAR <= year <= LAST_STATUTORY_YEAR:
        reader.add(
            "notice-no-year",
            0,
            f"无法确定通知是哪一年的（须在{FIRST_STATUTORY_YEAR}至{LAST_STATUTORY_YEAR}年之间）",
            "cannot tell which year the notice is for",
        )
        return None, reader.problems
    reader.year = year
    notice_no = ""
    if m := _NOTICE_NO.search(norm):
        notice_no = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    else:
        reader.add(
            "notice-no-number",
            0,
            "没有找到通知的文号（如“国办发明电〔2025〕7号”），日历文件将不写 notice_no；"
            "请从原文补上",
            "no 文号 found (e.g. 国办发明电〔2025〕7号): notice_no is left out; add it from "
            "the original",
            "warning",
        )
    items = _yearly_items(reader) if kind == "yearly" else _later_items(reader, kind, name)
    if items is None:
        return None, reader.problems
    notice = _Notice(kind, year, title_text, notice_no, name, tuple(items), reader.where(0))
    return notice, reader.problems


def _first_year(norm: str, after: int) -> int | None:
    m = re.search(r"(\d{4})年\d{1,2}月\d{1,2}日", norm[after:])
    return int(m.group(1)) if m else None


def _yearly_items(reader: _Reader) -> list[_Item] | None:
    norm = reader.text
    marks = []
    for m in _ITEM.finditer(norm):
        before = norm[m.start() - 1] if m.start() else ""
        if before and "\u4e00" <= before <= "\u9fff":
            continue
        marks.append(m)
    if not marks:
        reader.add(
            "notice-no-items",
            0,
            "找不到“一、元旦：……”这样的各节日条目；请复制通知全文",
            "no holiday items ('一、元旦：…') found: copy the whole notice",
        )
        return None
    items: list[_Item] = []
    known = set(FESTIVALS)
    for n, m in enumerate(marks):
        number = _numeral(m.group(1))
        label = f"第{m.group(1)}项“{m.group(2)}”"
        if number != n + 1:
            reader.add(
                "notice-item-order",
                m.start(),
                f"{label}的序号不对：应为第{_zh_numeral(n + 1)}项；通知是否缺了一项？",
                f"item {m.group(1)} should be item {n + 1}: is an item missing?",
            )
        names = m.group(2).split("、")
        unknown = [x for x in names if x not in known]
        if unknown:
            reader.add(
                "notice-unknown-holiday",
                m.start(),
                f"{label}：“{'、'.join(unknown)}”不是通知中的节日名称"
                f"（{'、'.join(FESTIVALS)}）；请核对原文",
                f"item '{m.group(2)}': not a holiday name of the notice",
            )
            continue
        item = _Item(m.group(2), m.start(), reader.where(m.start()))
        end = marks[n + 1].start() if n + 1 < len(marks) else len(norm)
        last = n + 1 == len(marks)
        for begin, sentence in _sentences(norm, m.end(), end):
            if sentence.startswith("鼓励"):
                continue  # advice, not an arrangement
            if last and (not _DATE.search(sentence) or _SIGNATURE.match(sentence)):
                break  # the end of the items: the closing words and the signature
            _read_sentence(reader, item, begin, sentence, f"{label}中的", strict=True)
        if not item.off:
            reader.add(
                "notice-item-empty",
                m.start(),
                f"{label}中没有读到任何放假日期；请对照原文",
                f"item '{m.group(2)}': no days off read",
            )
        items.append(item)
    return items


def _later_items(reader: _Reader, kind: Kind, name: str) -> list[_Item] | None:
    norm = reader.text
    start = _BODY_START.search(norm)
    begin = start.end() if start else 0
    sign = _SIGNATURE.search(norm, begin)
    end = sign.start() if sign else len(norm)
    item = _Item(name, begin, reader.where(begin))
    said = False
    for b, sentence in _sentences(norm, begin, end):
        if numbered := re.match("[一二三四五六七八九十]{1,3}、", sentence):
            b, sentence = b + numbered.end(), sentence[numbered.end() :]
        if sentence.startswith("鼓励"):
            continue
        result = _read_sentence(reader, item, b, sentence, "", strict=False)
        said = said or bool(result)
    if kind == "extend":
        if item.extend_to is None:
            reader.add(
                "notice-no-extension",
                begin,
                f"延长假期的通知中没有读到“延长……{name}假期至M月D日”",
                f"no 'extended to' sentence found in the extension notice of {name}",
            )
            return None
    elif not item.off:
        reader.add(
            "notice-item-empty",
            begin,
            "通知中没有读到任何放假日期；请复制通知全文",
            "no days off read from the notice: copy the whole notice",
        )
        return None
    return [item]


def _numeral(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _NUMERALS.get(tens, 0) * 10 + (_NUMERALS.get(ones, 0) if ones else 0)
    return _NUMERALS.get(text, 0) if len(text) == 1 else 0


def _zh_numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n <= 9:
        return digits[n - 1]
    return "十" + (digits[n - 11] if n > 10 else "")


# -- the year from all its notices ---------------------------------------------------------


def parse_notices(texts: Sequence[tuple[str, str]]) -> NoticeCalendar:
    """The year's arrangement from its notices ``(path, text)``, in order: the yearly notice
    first, then the notices amending it. Never raises; every problem is in the result."""
    problems: list[Problem] = []
    notices: list[_Notice] = []
    for path, text in texts:
        notice, found = parse_notice(text, path)
        problems += found
        if notice is not None:
            notices.append(notice)
    if len(notices) != len(texts) or not notices:
        return NoticeCalendar(None, "", "", (), tuple(problems))
    first = notices[0]
    if first.kind != "yearly":
        problems.append(
            _problem(
                "notice-not-yearly",
                first.where,
                f"第一个文件是“{first.title}”；请先给出当年的“国务院办公厅关于YYYY年"
                "部分节假日安排的通知”，再给出调整或延长的通知",
                "the first text must be the yearly notice, amending notices after it",
            )
        )
        return NoticeCalendar(None, "", "", (), tuple(problems))
    holidays: list[Holiday] = [_holiday(item) for item in first.items]
    for notice in notices[1:]:
        if notice.kind == "yearly" or notice.year != first.year:
            problems.append(
                _problem(
                    "notice-other-year" if notice.year != first.year else "notice-two-yearly",
                    notice.where,
                    f"“{notice.title}”不能修改{first.year}年的安排（每年只有一份年度通知，"
                    "其后的文件只能是同一年的调整或延长通知）",
                    f"'{notice.title}' cannot amend the arrangement of {first.year}",
                )
            )
            continue
        _amend(holidays, notice, problems)
    year = first.year
    problems += _cross_checks(year, first, holidays)
    return NoticeCalendar(year, first.title, first.notice_no, tuple(holidays), tuple(problems))


def _holiday(item: _Item, notice: _Notice | None = None, name: str = "") -> Holiday:
    return Holiday(
        name=name or item.name,
        days_off=tuple(_filled(sorted(item.off))),
        workdays=tuple(sorted(item.work)),
        where=item.where,
        notice=notice.title if notice else "",
        notice_no=notice.notice_no if notice else "",
    )


def _amend(holidays: list[Holiday], notice: _Notice, problems: list[Problem]) -> None:
    """Apply a later notice to the holidays read so far."""
    item = notice.items[0]
    if notice.kind == "special":
        holidays.append(_holiday(item, notice))
        return
    index = next((i for i, h in enumerate(holidays) if item.name in h.name.split("、")), None)
    if index is None:
        problems.append(
            _problem(
                "notice-amends-nothing",
                notice.where,
                f"“{notice.title}”要修改的“{item.name}”在年度通知中没有",
                f"'{notice.title}' amends '{item.name}', which the yearly notice does not have",
            )
        )
        return
    original = holidays[index]
    if notice.kind == "adjust":
        dropped = (set(original.days_off) - item.off) | (set(original.workdays) - item.work)
        if dropped:
            shown = "、".join(_fmt(d) for d in sorted(dropped))
            problems.append(
                _problem(
                    "notice-adjust-drops",
                    notice.where,
                    f"调整通知不再包括原安排中的{shown}；日历文件只能追加、不能撤销原安排，"
                    "请手工改写这一年的日历文件",
                    f"the adjustment drops {shown} of the original arrangement, which a "
                    "calendar file cannot express: edit the file by hand",
                )
            )
            return
        new_name = f"{item.name}（调整）"
        holidays[index] = _replace_note(original, f"后由《{notice.title}》调整，见“{new_name}”")
        holidays.append(_holiday(item, notice, new_name))
        return
    assert item.extend_to is not None  # an extension
    end = max(original.days_off)
    if item.extend_to <= end:
        problems.append(
            _problem(
                "notice-extension-short",
                notice.where,
                f"延长至{_fmt(item.extend_to)}，但原假期已到{_fmt(end)}",
                f"extended to {item.extend_to.isoformat()}, but it already ran to "
                f"{end.isoformat()}",
            )
        )
        return
    if item.resume is not None and item.resume != item.extend_to + _DAY:
        problems.append(
            _problem(
                "notice-extension-resume",
                notice.where,
                f"延长至{_fmt(item.extend_to)}，却写{_fmt(item.resume)}起上班；请核对",
                f"extended to {item.extend_to.isoformat()} but work resumes on "
                f"{item.resume.isoformat()}",
            )
        )
        return
    days = _span(end + _DAY, item.extend_to)
    cancelled = [d for d in original.workdays if d in days]
    note = f"{item.name}假期延长至{_fmt(item.extend_to)}，{_fmt(item.extend_to + _DAY)}起正常上班"
    if cancelled:
        note += "；原定" + "、".join(_fmt_full(d)[5:] for d in cancelled) + "上班随之取消"
    extension = _Item(item.name, item.start, item.where, off=set(days))
    holidays.append(
        Holiday(
            f"{item.name}（延长假期）",
            tuple(sorted(extension.off)),
            (),
            item.where,
            notice.title,
            notice.notice_no,
            note,
        )
    )


def _replace_note(h: Holiday, note: str) -> Holiday:
    return Holiday(h.name, h.days_off, h.workdays, h.where, h.notice, h.notice_no, note)


def _cross_checks(year: int, first: _Notice, holidays: list[Holiday]) -> list[Problem]:
    problems: list[Problem] = []
    for h in holidays:
        weekdays = [d for d in h.workdays if d.weekday() < 5]
        for d in weekdays:
            problems.append(
                _problem(
                    "notice-workday-not-weekend",
                    h.where,
                    f"{h.name}：调休上班日{_fmt_full(d)}不是周六或周日；请核对原文",
                    f"{h.name}: the make-up working day {d.isoformat()} is not a weekend day",
                )
            )
        both = sorted(set(h.days_off) & set(h.workdays))
        if both:
            problems.append(
                _problem(
                    "notice-off-and-working",
                    h.where,
                    f"{h.name}：{'、'.join(_fmt(d) for d in both)}既是放假日又是上班日",
                    f"{h.name}: {', '.join(d.isoformat() for d in both)} both off and working",
                )
            )
    named = {n for item in first.items for n in item.name.split("、")}
    statutory = statutory_days(year)
    for festival in festivals(year):
        if festival not in named:
            problems.append(
                _problem(
                    "notice-missing-holiday",
                    first.where,
                    f"通知中没有“{festival}”的安排；通知是否复制完整？",
                    f"the notice has no item for {festival}: is the text complete?",
                )
            )
    for item in first.items:
        for festival, day in statutory:
            if festival in item.name.split("、") and day not in item.off:
                problems.append(
                    _problem(
                        "notice-statutory-day",
                        _item_where(holidays, item.name, first.where),
                        f"{item.name}：按《全国年节及纪念日放假办法》，{_fmt_full(day)}"
                        f"（{festival}）应当放假，但这一项没有包括它；请核对原文",
                        f"{item.name}: {day.isoformat()} ({festival}) is a statutory day "
                        "off, but the item does not include it",
                    )
                )
    off = {d for d, n in _marks(holidays).items() if n is not None}
    for festival, day in statutory:
        if festival in named and day not in off:
            problems.append(
                _problem(
                    "notice-statutory-day",
                    first.where,
                    f"按《全国年节及纪念日放假办法》，{_fmt_full(day)}（{festival}）应当放假，"
                    "但合并各通知后它不是放假日",
                    f"{day.isoformat()} ({festival}) is a statutory day off, but is not off",
                )
            )
    problems += _working_runs(holidays)
    return problems


def _item_where(holidays: list[Holiday], name: str, default: Location) -> Location:
    return next((h.where for h in holidays if h.name == name), default)


def _working_runs(holidays: list[Holiday]) -> list[Problem]:
    """Warnings for more than :data:`MAX_WORKING_RUN` working days in a row before or after a
    holiday's break."""
    marks = _marks(holidays)

    def working(d: date) -> bool:
        mark = marks.get(d, "")
        return mark is None or (mark == "" and d.weekday() < 5)

    problems: list[Problem] = []
    for h in holidays:
        if not h.days_off:
            continue
        first, last = min(h.days_off), max(h.days_off)
        while not working(first - _DAY) and (last - first).days < 60:
            first -= _DAY
        while not working(last + _DAY) and (last - first).days < 60:
            last += _DAY
        for step, edge in ((-_DAY, first), (_DAY, last)):
            run, d = 0, edge + step
            while working(d) and run <= 30:
                run, d = run + 1, d + step
            if run > MAX_WORKING_RUN:
                side = "before" if step < timedelta(0) else "after"
                a, b = sorted((edge + step, d - step))
                problems.append(
                    _problem(
                        "notice-long-working-run",
                        h.where,
                        f"{h.name}{'前' if step < timedelta(0) else '后'}连续上班{run}天"
                        f"（{_fmt(a)}至{_fmt(b)}），超过{MAX_WORKING_RUN}天；请核对调休上班日",
                        f"{run} working days in a row {side} {h.name} "
                        f"({a.isoformat()} to {b.isoformat()})",
                        "warning",
                    )
                )
    return problems


# -- the calendar file ---------------------------------------------------------------------

_PLAIN = re.compile(r"[\u4e00-\u9fff0-9（）、〔〕《》“”，；：·]+")


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when it is only Chinese text, else double-quoted."""
    if _PLAIN.fullmatch(value) and not value[0].isdigit():
        return value
    return json.dumps(value, ensure_ascii=False)


def _days(days: Sequence[date]) -> str:
    """Days as the ledger writes them: runs of three or more as ``FROM..TO``."""
    out: list[str] = []
    run: list[date] = []
    for d in sorted(days):
        if run and d - run[-1] == _DAY:
            run.append(d)
            continue
        out += _run(run)
        run = [d]
    out += _run(run)
    return "[" + ", ".join(out) + "]"


def _run(run: list[date]) -> list[str]:
    if len(run) >= 3:
        return [f"{run[0].isoformat()}..{run[-1].isoformat()}"]
    return [d.isoformat() for d in run]


def _filled(days: Sequence[date]) -> list[date]:
    """Days off with the weekend days between two of them filled in (6月20日放假，
    6月22日（星期一）补休: the Sunday between is part of the break)."""
    out = sorted(days)
    filled = list(out)
    for a, b in itertools.pairwise(out):
        gap = [a + i * _DAY for i in range(1, (b - a).days)]
        if gap and all(d.weekday() >= 5 for d in gap):
            filled += gap
    return sorted(set(filled))


def calendar_yaml(calendar: NoticeCalendar) -> str:
    """The calendar file ``ledger/calendar/YYYY.yaml`` of an arrangement without errors, laid
    out as the ledger's files are."""
    year = calendar.year
    lines = [
        "# yaml-language-server: $schema=../../schemas/calendar.schema.json",
        f"# {year} 年放假调休安排。days_off：放假日（含调休连休的日子）；",
        "# workdays：调休上班的周六、周日。“起..止”表示含首尾两天的日期范围。",
        "# 工作日计算只看落在周一至周五的放假日和落在周末的上班日。",
        f"year: {year}",
        f"notice: {_scalar(calendar.notice)}",
    ]
    if calendar.notice_no:
        lines.append(f"notice_no: {_scalar(calendar.notice_no)}")
    lines.append("holidays:")
    for h in calendar.holidays:
        lines.append(f"  - name: {_scalar(h.name)}")
        lines.append(f"    days_off: {_days(h.days_off)}")
        if h.workdays:
            lines.append(f"    workdays: {_days(h.workdays)}")
        if h.notice:
            lines.append(f"    notice: {_scalar(h.notice)}")
        if h.notice_no:
            lines.append(f"    notice_no: {_scalar(h.notice_no)}")
        if h.note:
            lines.append(f"    note: {_scalar(h.note)}")
    return "\n".join(lines) + "\n"
