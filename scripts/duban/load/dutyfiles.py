"""Where the records of the recurring duties are and what every one of them starts with:
the year folders and post files of ``meetings/`` and ``research/`` (bounded, misplaced files
named), and the head of a record file (its post and year matching its place; days within
the year), for :mod:`duban.load.duties`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from duban.load.layout import Layout
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


def field_problem(
    code: str, doc: Document, keys: tuple[str | int, ...], zh: str, en: str
) -> Problem:
    field = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)
    return Problem(code, doc.loc(*keys), Text(zh, en), field=field)


def record_files(layout: Layout, kind: str) -> tuple[list[tuple[Path, int]], list[Problem]]:
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


def file_header(
    doc: Document, path: Path, year: int, posts: Mapping[str, Post], duty: str
) -> list[Problem]:
    """The post and year against the file's name and folder; the post owing ``duty``."""
    data = doc.data
    problems: list[Problem] = []
    code = path.stem
    if data["post"] != code:
        problems.append(
            field_problem(
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
            field_problem(
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
            field_problem(
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
            field_problem(
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


def day_in_year(
    doc: Document, keys: tuple[str | int, ...], year: int, problems: list[Problem]
) -> date:
    """A schema-checked date; a problem when it is not in ``year``."""
    value = date.fromisoformat(value_at(doc.data, keys))
    if value.year != year:
        problems.append(
            field_problem(
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


def value_at(data: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        data = data[key]
    return data


__all__ = [
    "MAX_FILES",
    "MEETINGS",
    "POSTS_FILE",
    "POST_FILE",
    "RESEARCH",
    "YEAR",
    "Post",
    "day_in_year",
    "field_problem",
    "file_header",
    "record_files",
    "value_at",
]
