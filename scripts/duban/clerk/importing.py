"""A 交办单 sheet (.xlsx or .csv) as new task files, all or nothing.

The sheet is read as data only (:mod:`duban.clerk.sheet`): values, never formulas (a cell
starting with ``=`` is refused, never evaluated), at most ``MAX_ROWS`` rows and ``MAX_CELL``
characters a cell, from a workbook of bounded size (a zip bomb is refused before it is
opened). The header row is the first row holding the required column names of
:data:`~duban.clerk.columns.IMPORT_COLUMNS`; other columns are ignored. Each row becomes a
:class:`~duban.clerk.newtask.Draft`, its task file is checked as ``validate`` would, and a
problem is reported at the row number and column a clerk sees. Files are written only when
no row has an error, as a set (:func:`~duban.clerk.newtask.write_all`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from duban.calendar.clock import today
from duban.clerk import newtask
from duban.clerk.columns import IMPORT_COLUMNS
from duban.clerk.sheet import (
    HEADER_SEARCH,
    MAX_CELL,
    REQUIRED,
    Sheet,
    cell_problem,
    header_row,
)
from duban.load.layout import Layout
from duban.model import Ledger
from duban.problems import Problem
from duban.source import Location
from duban.text import Text

_FIELD_COLUMN = {
    "$.id": "任务编号",
    "$.title": "督办事项",
    "$.assigned_by": "交办单位",
    "$.owner.unit": "责任单位",
    "$.owner.co_units": "协办单位",
    "$.owner.lead": "第一责任人",
    "$.standard": "工作标准",
    "$.received": "收到日期",
    "$.deadline": "完成时限",
    "$.source": "交办来源",
    "$.priority": "紧急程度",
    "$.visibility": "公开范围",
}
"""The column of each task field, to point a task file's problem back at the sheet."""

_PRIORITY_WORDS = {"一般": "normal", "重要": "important", "紧急": "urgent"}
_VISIBILITY_WORDS = {"公开": "public", "内部": "internal", "不公开": "internal"}

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\Z")


@dataclass(frozen=True, slots=True)
class Planned:
    """What an import would write: each file and its text; the problems found."""

    files: tuple[tuple[Path, str], ...]
    problems: tuple[Problem, ...]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_date(value: Any) -> str | None:
    """A date cell: a real Excel date, or text ``2026-03-05``, ``2026/3/5``, ``2026年3月5日``
    → ``2026-03-05``; ``None`` when it is not a real date."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if match is None:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


class _Row:
    """One row being read: its cells by column name, and the problems found."""

    def __init__(self, display: str, number: int, cells: Mapping[str, Any]) -> None:
        self.display = display
        self.number = number
        self.cells = cells
        self.problems: list[Problem] = []

    def problem(self, column: str | None, zh: str, en: str, code: str = "import-cell") -> None:
        self.problems.append(cell_problem(self.display, self.number, column, Text(zh, en), code))

    def raw(self, column: str) -> Any:
        return self.cells.get(column)

    def text(self, column: str) -> str:
        return _text(self.cells.get(column))

    def date(self, column: str) -> str:
        value = self.raw(column)
        if value in (None, ""):
            return ""
        found = read_date(value)
        if found is None:
            self.problem(
                column,
                f"“{_text(value)}” 不是日期：请写成 2026-03-05、2026/3/5 或 2026年3月5日，"
                "或使用 Excel 日期格式",
                f"'{_text(value)}' is not a date: write 2026-03-05, 2026/3/5 or 2026年3月5日, "
                "or use an Excel date",
                "import-date",
            )
            return _text(value)
        return found


def _cells_ok(row: _Row) -> bool:
    """Refuse formulas and over-long cells, each at its column."""
    ok = True
    for column, value in row.cells.items():
        if value is not None and not isinstance(value, str | int | float | date):
            row.problem(
                column,
                "单元格是公式或特殊内容：请改为数值（复制后“选择性粘贴—值”）",
                "the cell holds a formula or special content: paste it as values",
                "import-formula",
            )
            ok = False
        elif isinstance(value, str) and value.lstrip().startswith("="):
            row.problem(
                column,
                "单元格以 “=” 开头（公式）：导入只接受数值，公式不会被计算；"
                "请改为数值（复制后“选择性粘贴—值”）",
                "the cell starts with '=' (a formula): only values are imported, never "
                "computed; paste it as values",
                "import-formula",
            )
            ok = False
        elif isinstance(value, str) and len(value) > MAX_CELL:
            row.problem(
                column,
                f"单元格内容过长（{len(value)} 字，最多 {MAX_CELL} 字）",
                f"the cell is too long ({len(value)} characters, at most {MAX_CELL})",
                "import-too-long",
            )
            ok = False
    return ok


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a row without such a column gets."""

    priority: str = "normal"
    visibility: str = "public"


def _unit(ledger: Ledger, row: _Row, column: str, given: str) -> str:
    code = newtask.resolve_unit(ledger.units, given)
    if code is None:
        found = newtask.unknown_unit(given, ledger.units, Location(row.display), column)
        row.problem(column, found.zh, found.en, "unknown-unit")
        return given
    return code


def _choice(row: _Row, column: str, words: Mapping[str, str], default: str) -> str:
    given = row.text(column)
    if not given:
        return default
    if given in words.values():
        return given
    if given in words:
        return words[given]
    listing = "、".join(words)
    row.problem(
        column,
        f"“{given}” 不是可用的取值（可用：{listing}）",
        f"'{given}' is not a known value (known: {', '.join(words.values())})",
    )
    return given


def _assigner(ledger: Ledger, row: _Row) -> str:
    given = row.text("交办单位")
    if given:
        return _unit(ledger, row, "交办单位", given)
    assigning = newtask.assigning_units(ledger.units)
    if len(assigning) == 1:
        return assigning[0]
    row.problem(
        "交办单位",
        f"units.yaml 中的交办单位不止一个（{'、'.join(assigning)}），请填写交办单位",
        f"units.yaml has several assigning units ({', '.join(assigning)}): fill in 交办单位",
    )
    return ""


def row_draft(ledger: Ledger, row: _Row, defaults: Defaults, day: date) -> newtask.Draft:
    """The task a row describes (problems of its cells are kept on ``row``)."""
    owner = _unit(ledger, row, "责任单位", row.text("责任单位")) if row.text("责任单位") else ""
    co = [_unit(ledger, row, "协办单位", c) for c in newtask.split_codes(row.text("协办单位"))]
    received = row.date("收到日期") or day.isoformat()
    source = row.text("交办来源")
    priorities: dict[str, str] = dict(_PRIORITY_WORDS)
    return newtask.Draft(
        title=row.text("督办事项"),
        unit=owner,
        lead=row.text("第一责任人") or newtask.DEFAULT_LEAD,
        received=received,
        assigned_by=_assigner(ledger, row),
        standard=row.text("工作标准"),
        priority=_choice(row, "紧急程度", priorities, defaults.priority),
        visibility=_choice(row, "公开范围", _VISIBILITY_WORDS, defaults.visibility),
        co_units=tuple(co),
        deadline=row.date("完成时限"),
        source=source or None,
    )


def _rows(sheet: Sheet, display: str) -> Iterator[_Row] | Problem:
    found = header_row(sheet)
    if found is None:
        return Problem(
            "import-no-header",
            Location(display),
            Text(
                "找不到表头行：交办单的前 "
                f"{HEADER_SEARCH} 行中须有一行写明列名 {'、'.join(REQUIRED)}"
                f"（可选列：{'、'.join(c for c in IMPORT_COLUMNS if c not in REQUIRED)}）",
                f"no header row: one of the first {HEADER_SEARCH} rows must name the columns "
                f"{', '.join(REQUIRED)}",
            ),
        )
    index, columns = found

    def rows() -> Iterator[_Row]:
        for number, cells in sheet.rows[index + 1 :]:
            named = {n: cells[i] for n, i in columns.items() if i < len(cells)}
            if any(_text(v) for v in named.values()):
                yield _Row(display, number, named)

    return rows()


def plan(
    ledger: Ledger,
    sheet: Sheet,
    display: str,
    defaults: Defaults = Defaults(),
    day: date | None = None,
) -> Planned:
    """The task files the rows of ``sheet`` make, each checked as ``validate`` would, with
    every problem at its row and column; ids given are kept, empty ones take the next free
    numbers of their year in row order."""
    if sheet.problems:
        return Planned((), sheet.problems)
    rows = _rows(sheet, display)
    if isinstance(rows, Problem):
        return Planned((), (rows,))
    the_day = day or today(ledger.config.timezone)
    layout = Layout(ledger.root)
    prefix = ledger.config.id_prefix
    seen = newtask.ledger_ids(ledger)
    existing = set(seen)
    existing |= newtask.file_ids(layout.tasks)
    drafted: list[tuple[_Row, newtask.Draft | None, str]] = []
    for row in rows:
        draft = row_draft(ledger, row, defaults, the_day) if _cells_ok(row) else None
        drafted.append((row, draft, row.text("任务编号")))
    ids = _assign_ids(drafted, existing, prefix)
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for (row, draft, _given), new_id in zip(drafted, ids, strict=True):
        if draft is not None and new_id is not None:
            path = newtask.task_path(layout, new_id)
            text = newtask.task_text(draft, new_id)
            if not row.problems:
                _task_problems(ledger, row, text, path, seen)
            files.append((path, text))
        problems += row.problems
    if not drafted and not problems:
        problems.append(
            Problem(
                "import-empty",
                Location(display),
                Text("表头下没有任何任务行", "no task rows below the header"),
            )
        )
    return Planned(tuple(files), tuple(problems))


def _assign_ids(
    drafted: Sequence[tuple[_Row, newtask.Draft | None, str]],
    existing: set[str],
    prefix: str,
) -> list[str | None]:
    """Each row's id: as given (not used twice, not taken already), else the next free one
    of the year of its received date."""
    given_rows: dict[str, int] = {}
    for row, _draft, given in drafted:
        if not given:
            continue
        if given in existing:
            row.problem(
                "任务编号",
                f"任务编号 {given} 已被台账中的文件使用；请留空以自动编号",
                f"task id {given} is used by a file of the ledger already; leave it empty "
                "to number it automatically",
                "duplicate-id",
            )
        elif given in given_rows:
            row.problem(
                "任务编号",
                f"任务编号 {given} 与第 {given_rows[given]} 行重复",
                f"task id {given} is the same as in row {given_rows[given]}",
                "duplicate-id",
            )
        else:
            given_rows[given] = row.number
    taken = existing | set(given_rows)
    following: dict[int, int] = {}  # year → its next free number
    ids: list[str | None] = []
    for _row, draft, given in drafted:
        if given or draft is None or not re.match(r"\d{4}-", draft.received):
            ids.append(given or None)
            continue
        year = int(draft.received[:4])
        number = following.get(year) or newtask.next_free(prefix, year, taken)
        if number > newtask.MAX_NUMBER:
            raise newtask.numbers_exhausted(year)
        following[year] = number + 1
        ids.append(newtask.task_id(prefix, year, number))
    return ids


def _task_problems(
    ledger: Ledger, row: _Row, text: str, path: Path, seen: Mapping[str, Location]
) -> None:
    """The problems ``validate`` would report for the row's task file, at the row's columns."""
    for problem in newtask.errors(newtask.check_text(ledger, text, path, seen)):
        column = _FIELD_COLUMN.get(re.sub(r"\[\d+\]\Z", "", problem.field))
        row.problem(column, problem.zh, problem.en, problem.code)


def write(planned: Planned) -> Path | None:
    """Write every planned file, as a set (see :func:`~duban.clerk.newtask.write_all`);
    the path that was taken meanwhile, if any (then nothing is left written)."""
    return newtask.write_all(planned.files)
