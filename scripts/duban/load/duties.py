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
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from duban.load import schema
from duban.load.dutyfiles import MAX_FILES as MAX_FILES
from duban.load.dutyfiles import (
    MEETINGS,
    POSTS_FILE,
    RESEARCH,
    day_in_year,
    field_problem,
    file_header,
    record_files,
)
from duban.load.dutyfiles import Post as Post
from duban.load.layout import Layout
from duban.load.yamlload import load_file
from duban.problems import Problem
from duban.source import Document, Location
from duban.text import Text


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
        files, found = record_files(layout, kind)
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
                field_problem(
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
    return field_problem(
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


def _meeting_year(
    doc: Document, path: Path, year: int, posts: Mapping[str, Post], units: Collection[str]
) -> tuple[MeetingYear | None, list[Problem]]:
    data = doc.data
    problems = file_header(doc, path, year, posts, "joint-meeting")
    meetings: list[Meeting] = []
    seen: dict[date, int] = {}
    for i, item in enumerate(data["meetings"]):
        day = day_in_year(doc, ("meetings", i, "date"), year, problems)
        if day in seen:
            problems.append(
                field_problem(
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
        report_day = day_in_year(doc, ("report", "date"), year, problems)
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
    problems = file_header(doc, path, year, posts, "field-research")
    trips: list[tuple[int, Trip]] = []  # with the item's index in the file
    for i, item in enumerate(data["trips"]):
        start = day_in_year(doc, ("trips", i, "from"), year, problems)
        end = day_in_year(doc, ("trips", i, "to"), year, problems)
        length = (end - start).days + 1
        if length < 1:
            problems.append(
                field_problem(
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
                field_problem(
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
                field_problem(
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
