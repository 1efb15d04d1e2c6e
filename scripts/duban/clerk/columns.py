"""The columns of the 台账 workbook, shared by ``export`` (every column) and ``import`` (the
交办单 columns that make a new task). One list, so an exported sheet imports again."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the sheet: its Chinese header, and what it holds."""

    header: str
    """The header cell, as offices write it."""
    key: str
    """What it holds: a task field name (``title``, ``owner.unit``) or a computed value."""
    width: int
    """The column width in Excel units (characters)."""


#: The 台账 sheet of ``duban export``, in order. The last three are read back by ``import``
#: (``EXTRA_COLUMNS`` there), so an exported internal or urgent task imports as one.
LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("序号", "row", 6),
    Column("任务编号", "id", 15),
    Column("督办事项", "title", 40),
    Column("交办单位", "assigned_by", 14),
    Column("责任单位", "owner.unit", 16),
    Column("协办单位", "owner.co_units", 20),
    Column("第一责任人", "owner.lead", 14),
    Column("工作标准", "standard", 36),
    Column("收到日期", "received", 12),
    Column("完成时限", "deadline", 12),
    Column("状态", "light", 10),
    Column("下一事项", "next", 20),
    Column("应于", "next_due", 12),
    Column("逾期工作日", "days_late", 10),
    Column("最近办理情况", "latest", 36),
    Column("交办来源", "source", 20),
    Column("紧急程度", "priority", 8),
    Column("公开范围", "visibility", 8),
)

#: The columns ``duban import`` reads from a 交办单 sheet (extra columns are ignored).
#: ``任务编号`` may be empty (the next free id of the year is taken).
IMPORT_COLUMNS: tuple[str, ...] = (
    "任务编号",
    "督办事项",
    "交办单位",
    "责任单位",
    "协办单位",
    "第一责任人",
    "工作标准",
    "收到日期",
    "完成时限",
)
