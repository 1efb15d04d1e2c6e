"""``duban fmt``: task files in the house style of the sample ledger, content unchanged.

A web form (Decap CMS) or a hand edit leaves a task file in another layout: the
``yaml-language-server`` line gone, ``co_units`` and events as block lists, keys in another
order, strings quoted or folded over lines. :func:`house_text` writes the same data back the
way the sample tasks are written:

- the first line ``# yaml-language-server: $schema=<path to schemas/task.schema.json>`` (an
  existing one is kept as it is; a ledger without ``schemas/`` beside it gets its site's
  address of the schema, :func:`schema_line`);
- the keys in the order of the task schema (an event: date, type, by, deadline, milestone,
  owner, co_units, note), unknown keys after them in their own order;
- ``owner`` a block, ``co_units`` a flow list, each milestone and event one flow mapping
  ``- {date: ..., type: ...}`` when it fits in :data:`WIDTH` columns (a Chinese character
  counts two), else a block mapping;
- every value plain unless YAML needs quotes (:func:`duban.clerk.yamltext.scalar`): dates
  plain, a multi-line note one double-quoted line;
- an optional field a form left empty (``note: ""``, ``deadline_rule: null``) left out, as
  ``validate`` and ``check-change`` read it anyway (:mod:`duban.load.emptyvalues`).

Nothing is written unless the new text loads to exactly the same data (types included;
optional fields left empty aside); a file that does not load, or holds a comment (``fmt``
would lose it), is reported and left as it is. Files are read bounded and never through a
link (:mod:`duban.load.reading`) and replaced atomically (a temporary file, then
``os.replace``), only if unchanged meanwhile.
"""

from __future__ import annotations

import functools
import math
import os
import unicodedata
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duban.audit.diff import FIELD_ORDER
from duban.clerk.yamltext import learn, quoted, scalar, write_atomically
from duban.load.emptyvalues import drop_empty
from duban.load.layout import Layout
from duban.load.reading import read_bounded
from duban.load.settings import load_config
from duban.load.yamlload import comment_lines, load_text
from duban.problems import Problem, UserError
from duban.render.text import safe_url
from duban.source import Location
from duban.text import Text

WIDTH = 120
"""The widest a one-line milestone or event may be, in display columns (a Chinese character
counts two), its ``  - `` included (a usual editor width; the sample ledger is written so)."""

SCHEMA_LINE = "# yaml-language-server: $schema="
"""How the first line of a task file starts (editors read the schema from it)."""

TASK_ORDER = FIELD_ORDER  # the audit trail lists a task's fields in this order too
OWNER_ORDER = ("unit", "lead", "co_units")
MILESTONE_ORDER = ("title", "due")
EVENT_ORDER = ("date", "type", "by", "deadline", "milestone", "owner", "co_units", "note")
_ITEM_ORDER = {"milestones": MILESTONE_ORDER, "events": EVENT_ORDER}

Scalar = str | int | float | bool | None


# -- the house style -------------------------------------------------------------------------


def columns(text: str) -> int:
    """Display width: wide and full-width characters (Chinese, full-width punctuation) two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _value(value: Scalar) -> str:
    """One scalar as YAML the strict loader reads back as the same value and type."""
    if isinstance(value, str):
        return scalar(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    return str(value)


def _key(key: str) -> str:
    written = scalar(key)
    return written if written == key and ":" not in key else quoted(key)


def _ordered(mapping: dict[str, Any], order: Sequence[str]) -> list[str]:
    return [k for k in order if k in mapping] + [k for k in mapping if k not in order]


def _flow_list(items: list[Any]) -> str | None:
    if not all(_is_scalar(v) for v in items):
        return None
    return "[" + ", ".join(_value(v) for v in items) + "]"


def _flow_map(mapping: dict[str, Any], order: Sequence[str]) -> str | None:
    """``{k: v, ...}`` when every value is a scalar or a list of scalars, else None."""
    parts = []
    for key in _ordered(mapping, order):
        value = mapping[key]
        written = _value(value) if _is_scalar(value) else None
        if isinstance(value, list):
            written = _flow_list(value)
        if written is None:
            return None
        parts.append(f"{_key(key)}: {written}")
    return "{" + ", ".join(parts) + "}"


def _block_map(mapping: dict[str, Any], order: Sequence[str], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for key in _ordered(mapping, order):
        value, head = mapping[key], f"{pad}{_key(key)}:"
        if _is_scalar(value):
            lines.append(f"{head} {_value(value)}")
        elif isinstance(value, list) and (flow := _flow_list(value)) is not None:
            lines.append(f"{head} {flow}")
        elif isinstance(value, list):
            lines += [head, *_block_seq(value, _ITEM_ORDER.get(key, ()), indent + 2)]
        elif not value:
            lines.append(f"{head} {{}}")
        else:
            lines += [head, *_block_map(value, OWNER_ORDER if key == "owner" else (), indent + 2)]
    return lines


def _block_seq(items: list[Any], order: Sequence[str], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for item in items:
        if _is_scalar(item):
            lines.append(f"{pad}- {_value(item)}")
        elif isinstance(item, list):
            flow = _flow_list(item)
            lines += [f"{pad}- {flow}"] if flow is not None else [f"{pad}-"]
            lines += [] if flow is not None else _block_seq(item, (), indent + 2)
        elif not item:
            lines.append(f"{pad}- {{}}")
        else:
            one = _flow_map(item, order)
            if one is not None and columns(f"{pad}- {one}") <= WIDTH:
                lines.append(f"{pad}- {one}")
            else:
                inner = _block_map(item, order, indent + 2)
                lines += [f"{pad}- {inner[0][indent + 2 :]}", *inner[1:]]
    return lines


def schema_line(path: Path) -> str:
    """The ``yaml-language-server`` line of a task file at ``path`` that has none: the
    relative path from its folder to ``schemas/task.schema.json`` beside the ledger (the
    parent of ``tasks/``) where that file is, as in this repository; else the schema as the
    ledger's site publishes it (``<site_url>schemas/task.schema.json``, for a ledger
    repository of its own); else the relative path all the same."""
    folder = path.absolute().parent
    for above in (folder, *folder.parents):
        if above.name == "tasks":
            schema = above.parent.parent / "schemas" / "task.schema.json"
            relative = SCHEMA_LINE + Path(os.path.relpath(schema, folder)).as_posix()
            if schema.is_file():
                return relative
            published = _published(above.parent)
            return SCHEMA_LINE + published if published else relative
    return SCHEMA_LINE + "../../../schemas/task.schema.json"


@functools.lru_cache(maxsize=16)
def _published(ledger: Path) -> str:
    """``<site_url>schemas/task.schema.json`` of the ledger folder ``ledger`` ("" when its
    ``ledger.yaml`` does not load or has no usable ``site_url``; the site publishes the
    schemas there, :mod:`duban.web.schemas`)."""
    config, _ = load_config(Layout(ledger))
    url = safe_url(config.site_url.strip()) if config is not None else ""
    parts = urllib.parse.urlsplit(url)
    if not url or not parts.hostname or parts.username is not None:
        return ""
    folder = parts.path if parts.path.endswith("/") else parts.path + "/"
    where = f"{folder}schemas/task.schema.json"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, where, "", ""))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def house_text(data: dict[str, Any], first_line: str) -> str:
    """The task ``data`` in the house style, after ``first_line`` (the schema line)."""
    learn(_strings(data))  # a few large reads instead of one per value
    return "\n".join([first_line, *_block_map(data, TASK_ORDER, 0)]) + "\n"


# -- one file --------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down (``1``, ``1.0`` and ``true`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _problem(code: str, where: Location, zh: str, en: str) -> Problem:
    return Problem(code, where, Text(zh, en))


@dataclass(frozen=True, slots=True)
class Formatted:
    """One file through ``fmt``: its path as shown, the house-style text (None when the file
    cannot be formatted), whether that differs from the file, and what stopped it."""

    path: Path
    display: str
    text: str | None
    changed: bool
    problems: tuple[Problem, ...] = ()
    raw: bytes = field(default=b"", repr=False)
    """The bytes read: the file is replaced only if it still holds them."""


def format_text(raw: bytes, display: str, path: Path) -> Formatted:
    """``raw`` (the bytes of task file ``path``) in the house style, or why not."""
    doc, problems = load_text(raw, display)
    if doc is None:
        return Formatted(path, display, None, False, tuple(problems))
    text = raw.decode("utf-8").removeprefix("\ufeff")  # load_text decoded it already
    first = text.split("\n", 1)[0].rstrip("\r")
    keep_first = first.startswith(SCHEMA_LINE) and len(first) > len(SCHEMA_LINE)
    comments = [n for n in comment_lines(text) if not (n == 1 and keep_first)]
    if comments:
        line = comments[0]
        return Formatted(
            path,
            display,
            None,
            False,
            (
                _problem(
                    "fmt-comment",
                    Location(display, line, 1),
                    f"第 {line} 行有注释（# 之后的文字）；fmt 不删除注释，未整理这个文件。"
                    "请把要说明的内容写进 note 或 description，删去注释后再运行 duban fmt"
                    "（网页表单保存时也会删去注释）",
                    f"line {line} holds a comment (after #); fmt does not drop comments and "
                    "left this file as it is: put what it says into a note or the "
                    "description, remove the comment and run duban fmt again",
                ),
            ),
        )
    content = drop_empty(doc)
    new = house_text(content.data, first if keep_first else schema_line(path))
    again, _ = load_text(new, display)
    if again is None or not _same(again.data, content.data):
        return Formatted(
            path,
            display,
            None,
            False,
            (
                _problem(
                    "fmt-roundtrip",
                    Location(display, 1, 1),
                    "整理后的文件读回的内容与原文件不一致，未改动这个文件（请报告此问题）",
                    "the formatted file reads back different from the original; the file "
                    "was left as it is (please report this)",
                ),
            ),
        )
    return Formatted(path, display, new, new.encode("utf-8") != raw, raw=raw)


def format_file(path: Path, display: str | None = None) -> Formatted:
    """The task file ``path`` (read bounded, never through a link) in the house style."""
    shown = display if display is not None else str(path)
    raw, problem = read_bounded(path, shown)
    if raw is None:
        return Formatted(path, shown, None, False, (problem,) if problem is not None else ())
    return format_text(raw, shown, path)


def replace_unchanged(path: Path, old: bytes, new: str, display: str) -> Problem | None:
    """Write ``new`` over ``path`` atomically (a temporary file in the same folder, then
    ``os.replace``, the file's permissions kept), unless the file changed since it was read
    as ``old``; a failure leaves the file as it was."""
    again, problem = read_bounded(path, display)
    if again != old:
        return problem or _problem(
            "fmt-file-changed",
            Location(display, 1, 1),
            "文件在整理过程中被修改，未写入；请重新运行 duban fmt",
            "the file changed while it was formatted; nothing written, run duban fmt again",
        )
    write_atomically(path, new.encode("utf-8"))
    return None


# -- many files ------------------------------------------------------------------------------


def task_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files ``paths`` name: a file itself (a link too, which reading then refuses), a
    folder every ``*.yaml`` below it (links not followed), a ledger folder (one holding
    ``tasks/``) the files of its ``tasks/``. A path that does not exist is a user error."""
    for given in paths:
        if given.is_symlink() or given.is_file() or (given.exists() and not given.is_dir()):
            yield given
            continue
        if not given.is_dir():
            raise UserError(Text(f"找不到文件或目录：{given}", f"no such file or folder: {given}"))
        top = given / "tasks" if (given / "tasks").is_dir() else given
        found = []
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [Path(folder) / f for f in files if f.endswith(".yaml")]
        yield from sorted(found)


def format_files(paths: Iterable[Path], *, check: bool = False) -> list[Formatted]:
    """Every task file of ``paths`` in the house style; written over unless ``check`` (then
    nothing is written). A file with problems is never written."""
    results = []
    for path in task_files(paths):
        result = format_file(path)
        if result.changed and result.text is not None and not check:
            refused = replace_unchanged(path, result.raw, result.text, result.display)
            if refused is not None:
                result = Formatted(path, result.display, None, False, (refused,))
        results.append(result)
    return results


def summary(results: Sequence[Formatted], check: bool) -> Text:
    """``已整理 2 个文件，39 个文件格式已统一，1 个文件无法整理``."""
    changed = sum(1 for r in results if r.changed)
    failed = sum(1 for r in results if r.problems)
    kept = len(results) - changed - failed
    done_zh, done_en = ("需要整理", "would be reformatted") if check else ("已整理", "reformatted")
    zh = f"{done_zh} {changed} 个文件，{kept} 个文件格式已统一"
    en = f"{changed} file(s) {done_en}, {kept} unchanged"
    if failed:
        zh, en = f"{zh}，{failed} 个文件无法整理", f"{en}, {failed} could not be formatted"
    return Text(zh, en)


__all__ = [
    "EVENT_ORDER",
    "TASK_ORDER",
    "WIDTH",
    "Formatted",
    "columns",
    "format_file",
    "format_files",
    "format_text",
    "house_text",
    "replace_unchanged",
    "schema_line",
    "summary",
    "task_files",
]
