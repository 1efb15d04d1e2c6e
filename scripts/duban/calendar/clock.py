"""Today in the ledger's time zone, and strict date parsing for the command line.

A deadline ends at 24:00 of its date in the ledger's time zone (Asia/Shanghai); "today" is
always today *there*, never the machine's local or UTC date (a CI runner at 00:30 UTC is
already at 08:30 in Beijing).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from duban.calendar.workdays import CalendarError
from duban.text import Text

DEFAULT_TZ = "Asia/Shanghai"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class DateError(CalendarError):
    """Text that is not a real ``YYYY-MM-DD`` date (or an unknown time zone)."""


def today(tz: str = DEFAULT_TZ, *, now: datetime | None = None) -> date:
    """Today's date in time zone ``tz`` (``now``, an aware datetime, is for tests)."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DateError(Text(f"未知的时区 “{tz}”", f"unknown time zone '{tz}'")) from exc
    moment = now if now is not None else datetime.now(zone)
    return moment.astimezone(zone).date()


def parse_date(text: str) -> date:
    """``"2026-03-02"`` → ``date(2026, 3, 2)``; anything else (2026-02-30, 2026/3/2...) →
    :class:`DateError` with a message in both languages."""
    value = text.strip() if isinstance(text, str) else ""
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
        raise DateError(
            Text(
                f"“{text}” 不是真实存在的日期（该月没有这一天）",
                f"'{text}' is not a real date (no such day in that month)",
            ),
        )
    raise DateError(
        Text(
            f"“{text}” 不是日期：应写成 YYYY-MM-DD，如 2026-03-02",
            f"'{text}' is not a date: write YYYY-MM-DD, e.g. 2026-03-02",
        ),
    )
