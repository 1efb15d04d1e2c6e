"""Reading the measures' recurring duties: the leaders' posts (``posts.yaml``), their joint
meetings and written reports (``meetings/YYYY/<post>.yaml``, measure 十) and their field
research (``research/YYYY/<post>.yaml``, measure 十六) into immutable records.

Posts, never people: a post has a stable code (``deputy-industry``), which is the file name
of its records, a title (副州长（分管工业）) and the duties it owes (rule ids of
``rules.yaml``: ``joint-meeting``, ``annual-report``, ``field-research``). Every file is read
by the strict loader (bounded, regular files only, never through a link), checked against its
schema, then against the rules no schema can say: the post and year match the file's place,
dates fall within the year, a trip ends on or after it starts and counts no more days than it
lasts (calendar days, both ends included), no two meetings on one day, no two trips
overlapping, units known, the post owing the duty. Each problem names the file, line and
field. A folder entry that is not a regular file is reported by the ledger's scan
(:meth:`~duban.load.layout.Layout.scan`), never opened here. The files are optional: a ledger
without ``posts.yaml`` has no duties.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from duban.load import schema
from duban.load.layout import Layout
from duban.load.yamlload import load_file
from duban.problems import Problem
from duban.source import Document, Location
from duban.text import Text

POSTS_FILE = "posts.yaml"
MEETINGS, RESEARCH = "meetings", "research"
MAX_FILES = 200
"""At most this many record files are read per kind (one per post per year: a few dozen)."""

YEAR = re.compile(r"[0-9]{4}\Z")
POST_FILE = re.compile(r"([a-z][a-z0-9-]{0,39})\.yaml\Z")


@dataclass(frozen=True, slots=True)
class Post:
    """One leader post of ``posts.yaml``."""

    code: str
    title: str
    duties: tuple[str, ...]
    """Rule ids: ``joint-meeting``, ``annual-report``, ``field-research``."""
    units: tuple[str, ...] = ()
    """The units under this post (分管部门), expected at its joint meetings."""
    where: Location = Location(POSTS_FILE)


@dataclass(frozen=True, slots=True)
class Meeting:
    """One joint meeting of the departments under a post (measure 十)."""

    date: date
    units: tuple[str, ...]
    topic: str
    minutes: str
    where: Location

    @property
    def quarter(self) -> int:
        return (self.date.month - 1) // 3 + 1


@dataclass(frozen=True, slots=True)
class Report:
    """A year-end written report (书面述职) to the prefect."""

    date: date
    reference: str
    where: Location


@dataclass(frozen=True, slots=True)
class MeetingYear:
    """``meetings/YYYY/<post>.yaml``: one post's meetings and report of one year."""

    post: str
    year: int
    public: bool
    meetings: tuple[Meeting, ...]
    report: Report | None
    where: Location


@dataclass(frozen=True, slots=True)
class Trip:
    """One field research trip; ``days`` are calendar days counted (at most the trip's)."""

    start: date
    end: date
    place: str
    topic: str
    days: int
    where: Location


@dataclass(frozen=True, slots=True)
class ResearchYear:
    """``research/YYYY/<post>.yaml``: one post's research trips of one year."""

    post: str
    year: int
    public: bool
    trips: tuple[Trip, ...]
    where: Location


@dataclass(frozen=True, slots=True)
class Duties:
    """Every post and every record of the recurring duties."""

    posts: tuple[Post, ...] = ()
    meetings: tuple[MeetingYear, ...] = ()
    research: tuple[ResearchYear, ...] = ()

    def post(self, code: str) -> Post | None:
        return next((p for p in self.posts if p.code == code), None)


NO_DUTIES = Duties()


def load_duties(
    root: Path, units: Collection[str], documents: list[Document] | None = None
) -> tuple[Duties, list[Problem]]:
    """The duties of the ledger folder ``root`` and their problems; ``units`` are the known
    unit codes. Each document read is appended to ``documents`` when given (the ledger's
    hygiene and personal-data checks run over them)."""
    layout = Layout(root)
    docs: list[Document] = [] if documents is None else documents
    posts, problems = _load_posts(layout, units, docs)
    by_code = {p.code: p for p in posts}
    meetings: list[MeetingYear] = []
    research: list[ResearchYear] = []
    for kind in (MEETINGS, RESEARCH):
        files, found = _files(layout, kind)
        problems += found
        if files and not posts:
            problems.append(_no_posts(layout, files[0][0]))
            continue
        for path, year in files:
            doc, read = load_file(path, layout.display(path))
            problems += read
            if doc is None:
                continue
            docs.append(doc)
            checked = schema.check(doc, kind)
            if checked:
                problems += checked
                continue
            if kind == MEETINGS:
                record, found = _meeting_year(doc, path, year, by_code, units)
                meetings += [record] if record else []
            else:
                trips, found = _research_year(doc, path, year, by_code)
                research += [trips] if trips else []
            problems += found
    return Duties(tuple(posts), tuple(meetings), tuple(research)), problems


def _problem(code: str, doc: Document, keys: tuple[str | int, ...], zh: str, en: str) -> Problem:
    field = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)
    return Problem(code, doc.loc(*keys), Text(zh, en), field=field)


def _load_posts(
    layout: Layout, units: Collection[str], docs: list[Document]
) -> tuple[list[Post], list[Problem]]:
    path = layout.root / POSTS_FILE
    if path.is_symlink() or not (path.is_file() or path.is_dir()):
        return [], []  # missing: no duties; a link or a special file: reported by Layout.scan
    doc, problems = load_file(path, layout.display(path))
    if doc is None:
        return [], problems
    docs.append(doc)
    problems = schema.check(doc, "posts")
    if problems:
        return [], problems
    posts: list[Post] = []
    seen: set[str] = set()
    for i, item in enumerate(doc.data["posts"]):
        if item["code"] in seen:
            problems.append(
                _problem(
                    "post-duplicate",
                    doc,
                    ("posts", i, "code"),
                    f"职务代码 {item['code']} 重复：每个职务只写一次",
                    f"post code {item['code']} is given twice: list each post once",
                )
            )
            continue
        seen.add(item["code"])
        for j, unit in enumerate(item.get("units", [])):
            if unit not in units:
                problems.append(_unknown_unit(doc, ("posts", i, "units", j), unit))
        posts.append(
            Post(
                item["code"],
                item["title"],
                tuple(item["duties"]),
                tuple(item.get("units", [])),
                doc.loc("posts", i),
            )
        )
    return posts, problems


def _unknown_unit(doc: Document, keys: tuple[str | int, ...], unit: str) -> Problem:
    return _problem(
        "unknown-unit",
        doc,
        keys,
        f"单位代码 {unit} 不在单位名册 units.yaml 中：请改为名册中的代码，或先在名册中添加该单位",
        f"unit code {unit} is not in units.yaml: use a code of the roster or add the unit",
    )


def _no_posts(layout: Layout, path: Path) -> Problem:
    return Problem(
        "posts-missing",
        Location(layout.display(path)),
        Text(
            f"有领导履职记录，但缺少职务名册 {POSTS_FILE}（或其有错误）：请先在 {POSTS_FILE} "
            "中列出各职务及其代码",
            f"there are duty records but no valid {POSTS_FILE}: list the posts and their codes "
            "there first",
        ),
    )


def _files(layout: Layout, kind: str) -> tuple[list[tuple[Path, int]], list[Problem]]:
    """``kind/YYYY/<post>.yaml`` files, sorted, without following links (at most
    :data:`MAX_FILES`); the problems of misplaced entries."""
    top = layout.root / kind
    found: list[tuple[Path, int]] = []
    problems: list[Problem] = []
    for entry in _entries(top):
        path = Path(entry.path)
        if not entry.is_dir(follow_symlinks=False):
            if entry.is_file(follow_symlinks=False):
                problems.append(_misplaced(layout, path, kind))
            continue  # a link or a special file: reported by Layout.scan
        if not YEAR.fullmatch(entry.name):
            problems.append(_misplaced(layout, path, kind))
            continue
        for item in _entries(path):
            if not item.is_file(follow_symlinks=False):
                if item.is_dir(follow_symlinks=False):
                    problems.append(_misplaced(layout, Path(item.path), kind))
                continue
            if not POST_FILE.fullmatch(item.name):
                problems.append(_misplaced(layout, Path(item.path), kind))
            elif len(found) < MAX_FILES:
                found.append((Path(item.path), int(entry.name)))
            else:
                problems.append(_too_many(layout, top))
                return sorted(found), problems
    return sorted(found), problems


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []  # missing: no records; unreadable: Layout.scan cannot read it either


def _misplaced(layout: Layout, path: Path, kind: str) -> Problem:
    return Problem(
        "duty-file-misplaced",
        Location(layout.display(path)),
        Text(
            f"{kind}/ 下只能有 {kind}/YYYY/<职务代码>.yaml（职务代码为小写字母、数字和连字符）："
            "此处不会被读取，请移动或改名",
            f"{kind}/ holds only {kind}/YYYY/<post-code>.yaml (lower-case letters, digits and "
            "hyphens): this is not read; move or rename it",
        ),
    )


def _too_many(layout: Layout, top: Path) -> Problem:
    return Problem(
        "duty-files-too-many",
        Location(layout.display(top)),
        Text(
            f"记录文件超过 {MAX_FILES} 个，其余未读取：每个职务每年只需一个文件",
            f"more than {MAX_FILES} record files; the rest are not read: one file per post "
            "per year is enough",
        ),
    )


def _header(
    doc: Document, path: Path, year: int, posts: Mapping[str, Post], duty: str
) -> list[Problem]:
    """The post and year against the file's name and folder; the post owing ``duty``."""
    data = doc.data
    problems: list[Problem] = []
    code = path.stem
    if data["post"] != code:
        problems.append(
            _problem(
                "post-file-mismatch",
                doc,
                ("post",),
                f"职务代码 {data['post']} 与文件名 {path.name} 不一致：请改为 {code}，或把文件改名",
                f"post {data['post']} does not match the file name {path.name}: write {code} "
                "or rename the file",
            )
        )
    if data["year"] != year:
        problems.append(
            _problem(
                "year-folder-mismatch",
                doc,
                ("year",),
                f"年度 {data['year']} 与所在目录 {year} 不一致：请改为 {year}，"
                "或把文件移到对应年度目录",
                f"year {data['year']} does not match the folder {year}: write {year} or move "
                "the file",
            )
        )
    post = posts.get(data["post"])
    if post is None:
        known = "、".join(posts) or "（无）"
        problems.append(
            _problem(
                "unknown-post",
                doc,
                ("post",),
                f"职务代码 {data['post']} 不在职务名册 {POSTS_FILE} 中（已有：{known}）："
                "请改为名册中的代码，或先在名册中添加该职务（只写职务，不写姓名）",
                f"post {data['post']} is not in {POSTS_FILE} (known: {', '.join(posts)}): use a "
                "listed code or add the post (a post, never a name)",
            )
        )
    elif duty not in post.duties:
        problems.append(
            _problem(
                "post-without-duty",
                doc,
                ("post",),
                f"职务 {post.title} 在 {POSTS_FILE} 中没有职责 {duty}：请在其 duties 中加上，"
                "或删除此文件",
                f"post {post.code} does not owe {duty} in {POSTS_FILE}: add it to its duties or "
                "remove this file",
            )
        )
    return problems


def _day(doc: Document, keys: tuple[str | int, ...], year: int, problems: list[Problem]) -> date:
    """A schema-checked date; a problem when it is not in ``year``."""
    value = date.fromisoformat(_get(doc.data, keys))
    if value.year != year:
        problems.append(
            _problem(
                "date-outside-year",
                doc,
                keys,
                f"日期 {value} 不在本文件的年度 {year} 内：请改正日期，"
                f"或记入 {value.year} 年的文件",
                f"date {value} is not in the file's year {year}: correct it or record it in "
                f"the file of {value.year}",
            )
        )
    return value


def _get(data: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        data = data[key]
    return data


def _meeting_year(
    doc: Document, path: Path, year: int, posts: Mapping[str, Post], units: Collection[str]
) -> tuple[MeetingYear | None, list[Problem]]:
    data = doc.data
    problems = _header(doc, path, year, posts, "joint-meeting")
    meetings: list[Meeting] = []
    seen: dict[date, int] = {}
    for i, item in enumerate(data["meetings"]):
        day = _day(doc, ("meetings", i, "date"), year, problems)
        if day in seen:
            problems.append(
                _problem(
                    "meeting-duplicate",
                    doc,
                    ("meetings", i, "date"),
                    f"{day} 的联席会议已记录（第 {seen[day] + 1} 条）：同一天只记一次，"
                    "请删除重复的一条",
                    f"a meeting on {day} is already recorded (item {seen[day] + 1}): remove "
                    "the duplicate",
                )
            )
            continue
        seen[day] = i
        for j, unit in enumerate(item["units"]):
            if unit not in units:
                problems.append(_unknown_unit(doc, ("meetings", i, "units", j), unit))
        meetings.append(
            Meeting(
                day,
                tuple(item["units"]),
                item["topic"],
                item.get("minutes", ""),
                doc.loc("meetings", i),
            )
        )
    report = None
    if "report" in data:
        report_day = _day(doc, ("report", "date"), year, problems)
        report = Report(report_day, data["report"].get("reference", ""), doc.loc("report"))
    if problems:
        return None, problems
    public = data.get("visibility") == "public"
    meetings.sort(key=lambda m: m.date)
    return MeetingYear(data["post"], year, public, tuple(meetings), report, doc.loc()), []


def _research_year(
    doc: Document, path: Path, year: int, posts: Mapping[str, Post]
) -> tuple[ResearchYear | None, list[Problem]]:
    data = doc.data
    problems = _header(doc, path, year, posts, "field-research")
    trips: list[tuple[int, Trip]] = []  # with the item's index in the file
    for i, item in enumerate(data["trips"]):
        start = _day(doc, ("trips", i, "from"), year, problems)
        end = _day(doc, ("trips", i, "to"), year, problems)
        length = (end - start).days + 1
        if length < 1:
            problems.append(
                _problem(
                    "trip-dates",
                    doc,
                    ("trips", i, "to"),
                    f"结束日期 {end} 早于开始日期 {start}：请改正",
                    f"the trip ends ({end}) before it starts ({start}): correct the dates",
                )
            )
            continue
        if item["days"] > length:
            problems.append(
                _problem(
                    "trip-days",
                    doc,
                    ("trips", i, "days"),
                    f"调研天数 {item['days']} 超过行程天数 {length}（{start} 至 {end}，含首尾，"
                    "按自然日计）：请改正天数或日期",
                    f"{item['days']} research days exceed the trip's {length} calendar days "
                    f"({start} to {end}, both included): correct the days or the dates",
                )
            )
            continue
        trip = Trip(start, end, item["place"], item["topic"], item["days"], doc.loc("trips", i))
        trips.append((i, trip))
    ordered = sorted(trips, key=lambda it: (it[1].start, it[1].end))
    for (_, before), (index, after) in itertools.pairwise(ordered):
        if after.start <= before.end:
            line = after.where.line
            problems.append(
                _problem(
                    "trip-overlap",
                    doc,
                    ("trips", index, "from"),
                    f"此行程（{after.start} 起）与第 {before.where.line} 行的行程（至 "
                    f"{before.end}）日期重叠，天数会重复计算：请合并或改正日期",
                    f"this trip (from {after.start}, line {line}) overlaps the trip of line "
                    f"{before.where.line} (to {before.end}); days would count twice: merge "
                    "them or correct the dates",
                )
            )
    if problems:
        return None, problems
    public = data.get("visibility") == "public"
    return ResearchYear(data["post"], year, public, tuple(t for _, t in ordered), doc.loc()), []
