"""``duban export``: the 台账 as a workbook (xlsx, openpyxl) or a CSV file.

One row per task with the columns of :data:`duban.clerk.columns.LEDGER_COLUMNS`, from the
status stage as ``duban status`` computes it (light, deadline after extensions, next item,
its due date, working days overdue); units by their names, as offices read them (``import``
accepts them). The xlsx has the header in row 1 (frozen, with filters), real dates
(``yyyy-mm-dd``) and a second sheet 逾期事项 with the overdue items of ``duban overdue``.
Internal tasks only when asked for. Text that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is stored as text: an explicit
string cell with Excel's quote prefix in xlsx, a leading ``'`` in CSV. Files are written
beside the target and moved over it (``os.replace``).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from duban.clerk.columns import LEDGER_COLUMNS
from duban.model import EVENT_LABELS, PRIORITY_LABELS, VISIBILITY_LABELS, Ledger, Task
from duban.render.status import OVERDUE_HEADER, light_label, next_item
from duban.status.records import TaskStatus
from duban.status.select import ledger_status, overdue_items
from duban.text import label

if TYPE_CHECKING:  # openpyxl is imported when a workbook is made, not at every start
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

FORMATS = ("xlsx", "csv")
LEDGER_SHEET = "台账"
OVERDUE_SHEET = "逾期事项"
DATE_FORMAT = "yyyy-mm-dd"

Cell = str | int | date | None

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_statuses(
    ledger: Ledger, as_of: date, unit: str | None = None, internal: bool = False
) -> list[TaskStatus]:
    """The tasks to export as of ``as_of``: as ``duban status`` selects them (``unit``: those
    it owns or co-handles), internal ones only when ``internal``."""
    statuses = ledger_status(ledger, as_of, unit)
    return [s for s in statuses if internal or s.task.public]


def _names(ledger: Ledger, codes: Sequence[str]) -> str:
    return "、".join(_name(ledger, c) for c in codes)


def _name(ledger: Ledger, code: str) -> str:
    unit = ledger.units.get(code)
    return unit.name if unit else code


def latest(task: Task, ledger: Ledger, as_of: date) -> str:
    """最近办理情况: the last event up to ``as_of`` — date, what, who, and its note."""
    events = [e for e in task.events if e.date <= as_of]
    if not events:
        return ""
    e = events[-1]
    what = label(EVENT_LABELS, e.type)
    text = f"{e.date.isoformat()} {what}（{_name(ledger, e.by)}）"
    return f"{text}：{e.note}" if e.note else text


def ledger_rows(statuses: Sequence[TaskStatus], ledger: Ledger) -> list[list[Cell]]:
    """One row per task, in the order of :data:`LEDGER_COLUMNS`."""
    rows: list[list[Cell]] = []
    for number, s in enumerate(statuses, start=1):
        task, owner = s.task, s.owner
        nxt = next_item(s) if s.live else None
        values: dict[str, Cell] = {
            "row": number,
            "id": task.id,
            "title": task.title,
            "assigned_by": _name(ledger, task.assigned_by),
            "owner.unit": _name(ledger, owner.unit),
            "owner.co_units": _names(ledger, owner.co_units),
            "owner.lead": owner.lead,
            "standard": task.standard,
            "received": task.received,
            "deadline": s.deadline,
            "light": light_label(s.light, "zh"),
            "next": nxt.title("zh") if nxt else "",
            "next_due": nxt.due if nxt else None,
            "days_late": s.days_overdue,
            "latest": latest(task, ledger, s.as_of),
            "source": task.source,
            "priority": label(PRIORITY_LABELS, task.priority),
            "visibility": label(VISIBILITY_LABELS, task.visibility),
        }
        rows.append([values[c.key] for c in LEDGER_COLUMNS])
    return rows


OVERDUE_HEADERS: tuple[str, ...] = tuple(t.zh for t in OVERDUE_HEADER)
"""The columns of 逾期事项, as ``duban overdue`` prints them."""


def overdue_rows(statuses: Sequence[TaskStatus], ledger: Ledger) -> list[list[Cell]]:
    """One row per overdue item (``duban overdue``), columns :data:`OVERDUE_HEADERS`."""
    return [
        [
            s.task.id,
            s.task.title,
            _name(ledger, o.unit),
            o.title("zh"),
            o.measure,
            o.due,
            o.days_late,
            "已说明" if o.explained else "未说明",
        ]
        for s, o in overdue_items(statuses)
    ]


def _fill_sheet(
    sheet: Worksheet, headers: Sequence[str], widths: Sequence[int], rows: list[list[Cell]]
) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters
                cell.data_type = "s"  # never a formula, whatever it starts with
                if value.startswith(FORMULA_START):
                    cell.quotePrefix = True
            else:
                cell.value = value
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"


def workbook(statuses: Sequence[TaskStatus], ledger: Ledger) -> Workbook:
    """The 台账 sheet and the 逾期事项 sheet."""
    from openpyxl import Workbook

    book = Workbook()
    main = book.active
    assert main is not None
    main.title = LEDGER_SHEET
    headers = [c.header for c in LEDGER_COLUMNS]
    _fill_sheet(main, headers, [c.width for c in LEDGER_COLUMNS], ledger_rows(statuses, ledger))
    late = book.create_sheet(OVERDUE_SHEET)
    widths = (15, 40, 16, 20, 6, 12, 10, 10)
    _fill_sheet(late, OVERDUE_HEADERS, widths, overdue_rows(statuses, ledger))
    return book


def csv_text(statuses: Sequence[TaskStatus], ledger: Ledger) -> str:
    """The 台账 sheet as CSV (dates ``YYYY-MM-DD``); formula-like text gets a leading ``'``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in LEDGER_COLUMNS])
    for row in ledger_rows(statuses, ledger):
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def _mode(out: Path) -> int:
    """The mode of the file replaced, else what a new file gets (0666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(out).st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def _atomic(out: Path, write: Callable[[Path], object]) -> None:
    """Write ``out`` through a temporary file beside it, moved over it when complete."""
    if out.is_dir():
        raise IsADirectoryError(21, "is a folder", str(out))
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or ".")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _mode(out))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(
    ledger: Ledger,
    out: Path,
    fmt: str,
    as_of: date,
    unit: str | None = None,
    internal: bool = False,
) -> int:
    """Write the 台账 of ``ledger`` as of ``as_of`` to ``out`` (``xlsx`` or ``csv``); the
    number of tasks written."""
    statuses = export_statuses(ledger, as_of, unit, internal)
    if fmt == "csv":
        data = csv_text(statuses, ledger).encode("utf-8-sig")  # the BOM: Excel reads UTF-8
        _atomic(out, lambda tmp: tmp.write_bytes(data))
    else:
        book = workbook(statuses, ledger)
        _atomic(out, lambda tmp: book.save(tmp))
    return len(statuses)


__all__ = ["FORMATS", "LEDGER_SHEET", "OVERDUE_SHEET", "export", "export_statuses", "workbook"]
