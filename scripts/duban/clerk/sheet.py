"""A sheet (.xlsx or .csv) read as rows of values, bounded: what ``duban import`` reads.

Values only, never formulas, at most :data:`MAX_ROWS` rows of :data:`MAX_COLS` columns, from
a file of at most :data:`MAX_FILE_BYTES` whose parts unpack to at most :data:`MAX_UNZIPPED`
(a zip bomb is refused before it is opened); every problem at the row (and column) a clerk
sees. What the rows mean is :mod:`duban.clerk.importing`.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duban.clerk.columns import IMPORT_COLUMNS
from duban.problems import Problem
from duban.source import Location
from duban.text import Text

MAX_ROWS = 5000
"""Rows of tasks one sheet may hold (the header not counted)."""
MAX_CELL = 4000
"""Characters one cell may hold (the longest task field, ``description``, is 4000)."""
MAX_COLS = 100
"""Columns read: the header must be within them."""
MAX_FILE_BYTES = 20 * 1024 * 1024
"""The sheet file on disk."""
MAX_UNZIPPED = 200 * 1024 * 1024
"""What the parts of an .xlsx may unpack to, together."""
HEADER_SEARCH = 20
"""The header row is looked for in the first rows only."""

REQUIRED = ("督办事项", "责任单位", "工作标准", "完成时限")
"""The columns a 交办单 must have; the other :data:`IMPORT_COLUMNS` are optional."""

#: Optional columns beyond :data:`IMPORT_COLUMNS` that fill a field when present.
EXTRA_COLUMNS = ("交办来源", "紧急程度", "公开范围")


@dataclass(frozen=True, slots=True)
class Sheet:
    """The rows of a sheet: each row's number as the clerk sees it and its cells (text,
    numbers, dates, ``None``), with the problems of reading it."""

    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    problems: tuple[Problem, ...]


def cell_problem(display: str, row: int, column: str | None, text: Text, code: str) -> Problem:
    """A problem at ``row`` (and ``column``, kept as the problem's field) of the sheet."""
    return Problem(code, Location(display, row), text, field=column or "")


def where(problem: Problem, lang: str) -> str:
    """``FILE:第 N 行，“名称”列：message`` (``FILE:row N, column 名称: message``)."""
    loc, column, message = problem.where, problem.field, problem.message(lang)
    if lang == "en":
        at = f"{loc.path}:row {loc.line}" if loc.line else loc.path
        return f"{at}, column {column}: {message}" if column else f"{at}: {message}"
    at = f"{loc.path}:第 {loc.line} 行" if loc.line else loc.path
    return f"{at}，“{column}”列：{message}" if column else f"{at}：{message}"


# -- reading ---------------------------------------------------------------------------------


def _file_problem(display: str, zh: str, en: str, code: str = "sheet-unreadable") -> Sheet:
    return Sheet((), (Problem(code, Location(display), Text(zh, en)),))


def read_sheet(path: Path, display: str, encoding: str | None = None) -> Sheet:
    """The rows of ``path`` (.xlsx, or .csv in UTF-8 with or without BOM, or GB18030)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _file_problem(
            display, f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}"
        )
    if not path.is_file():
        return _file_problem(display, "不是普通文件", "not a regular file")
    if size > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        return _file_problem(
            display, f"文件过大（超过 {mb} MB）", f"the file is too large (over {mb} MB)"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path.read_bytes(), display, encoding)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, display)
    return _file_problem(
        display,
        "只能导入 .xlsx 或 .csv 文件（.xls 等旧格式请在 Excel 或 WPS 中另存为 .xlsx）",
        "only .xlsx and .csv files can be imported (save an .xls as .xlsx first)",
    )


def decode_csv(raw: bytes, encoding: str | None) -> str | None:
    """CSV bytes as text: ``encoding`` if given; else UTF-8 (a BOM is dropped), else GB18030
    (what Chinese Excel and WPS save as "CSV"); ``None`` when neither reads."""
    tries = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    for name in tries:
        try:
            return raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _read_csv(raw: bytes, display: str, encoding: str | None) -> Sheet:
    text = decode_csv(raw, encoding)
    if text is None:
        named = encoding or "UTF-8 / GB18030"
        return _file_problem(
            display,
            f"无法按 {named} 编码读取此 CSV 文件；请用 --encoding 指定编码，或另存为 UTF-8",
            f"cannot read this CSV as {named}; give --encoding, or save it as UTF-8",
        )
    rows: list[tuple[int, tuple[Any, ...]]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS + HEADER_SEARCH + 1:
                return _too_many(display, rows)
            rows.append((number, tuple(row[:MAX_COLS])))
    except csv.Error as exc:
        return _file_problem(display, f"CSV 格式错误：{exc}", f"malformed CSV: {exc}")
    return Sheet(tuple(rows), ())


def _too_many(display: str, rows: list[tuple[int, tuple[Any, ...]]]) -> Sheet:
    problem = Problem(
        "sheet-too-large",
        Location(display),
        Text(
            f"表格行数过多：一次最多导入 {MAX_ROWS} 行，请分成几个文件",
            f"too many rows: at most {MAX_ROWS} can be imported at once; split the sheet",
        ),
    )
    return Sheet(tuple(rows), (problem,))


def _zip_problem(path: Path, display: str) -> Sheet | None:
    """Refuse what is not a workbook, or would unpack to too much, before openpyxl opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return _file_problem(
            display,
            "不是有效的 .xlsx 文件（文件已损坏，或只是改了扩展名）；"
            "请在 Excel 或 WPS 中另存为 .xlsx",
            "not a valid .xlsx file (damaged, or only renamed); save it as .xlsx again",
        )
    if unpacked > MAX_UNZIPPED:
        mb = MAX_UNZIPPED // (1024 * 1024)
        return _file_problem(
            display,
            f"工作簿解压后超过 {mb} MB，不予读取",
            f"the workbook unpacks to more than {mb} MB and is not read",
            "sheet-too-large",
        )
    if "xl/workbook.xml" not in names:
        return _file_problem(
            display, "不是 Excel 工作簿（缺少 xl/workbook.xml）", "not an Excel workbook"
        )
    return None


def _read_xlsx(path: Path, display: str) -> Sheet:
    refused = _zip_problem(path, display)
    if refused is not None:
        return refused
    import openpyxl  # imported here: only ``import`` needs it, and it takes time to load

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=False)
            try:
                return _workbook_rows(book, display)
            finally:
                book.close()
    except Exception as exc:  # a hostile workbook may fail anywhere inside openpyxl
        return _file_problem(
            display,
            f"无法读取此工作簿：{type(exc).__name__}；请在 Excel 或 WPS 中另存为 .xlsx 后重试",
            f"cannot read this workbook: {type(exc).__name__}; save it as .xlsx again",
        )


def _workbook_rows(book: Any, display: str) -> Sheet:
    """The rows of the sheet named 交办单, else of the first sheet with a header row."""
    sheets = sorted(book.worksheets, key=lambda ws: ws.title != "交办单")
    first: Sheet | None = None
    for ws in sheets:
        sheet = _worksheet_rows(ws, display)
        if header_row(sheet) is not None:
            return sheet
        first = first or sheet
    return first or Sheet((), ())


def _worksheet_rows(ws: Any, display: str) -> Sheet:
    rows: list[tuple[int, tuple[Any, ...]]] = []
    limit = MAX_ROWS + HEADER_SEARCH + 1
    cells = ws.iter_rows(min_row=1, max_row=limit + 1, max_col=MAX_COLS, values_only=True)
    for number, row in enumerate(cells, start=1):
        if number > limit:
            if any(v not in (None, "") for v in row):
                return _too_many(display, rows)
            break
        rows.append((number, tuple(row)))
    return Sheet(tuple(rows), ())


# -- rows to drafts --------------------------------------------------------------------------


def header_row(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The header row (its index in ``sheet.rows``) and each known column's position."""
    for index, (_number, row) in enumerate(sheet.rows[:HEADER_SEARCH]):
        names = [str(v).strip() if isinstance(v, str) else "" for v in row]
        if all(name in names for name in REQUIRED):
            wanted = (*IMPORT_COLUMNS, *EXTRA_COLUMNS)
            return index, {name: names.index(name) for name in wanted if name in names}
    return None
