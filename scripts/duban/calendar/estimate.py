"""Estimated days off for a year without a published arrangement
(ARCHITECTURE.md, "Counting deadlines").

When the State Council General Office has not yet published a year's arrangement
(国务院办公厅关于XXXX年部分节假日安排的通知), the days off are estimated from the statutory
holidays of 《全国年节及纪念日放假办法》 as revised in 2024 (国务院令第795号):

| holiday | days | date |
|---|---|---|
| 元旦 | 1 | 1 January |
| 春节 | 4 | 除夕 (the last day of the lunar year) and 正月初一 to 初三 |
| 清明节 | 1 | the day of the solar term 清明 |
| 劳动节 | 2 | 1–2 May |
| 端午节 | 1 | 五月初五 (lunar) |
| 中秋节 | 1 | 八月十五 (lunar) |
| 国庆节 | 3 | 1–3 October |

Article 6 of the 办法: a holiday for all citizens that falls on a Saturday or Sunday is made up
on a working day (补假); we give that day right after the holiday. Make-up working days on
weekends (调休上班) cannot be guessed and are never part of an estimate, so every result that
depends on an estimated year is *provisional*.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from duban.calendar.statutory import lunar_to_solar, qingming

_DAY = timedelta(days=1)


def statutory_holidays(year: int) -> list[tuple[str, list[date]]]:
    """The statutory holidays of ``year`` as ``(name, days)``, before any 补假.

    The Spring Festival holiday starts on 除夕, the day before 正月初一.
    """
    new_year = lunar_to_solar(year, 1, 1)
    return [
        ("元旦", [date(year, 1, 1)]),
        ("春节", [new_year - _DAY + i * _DAY for i in range(4)]),
        ("清明节", [qingming(year)]),
        ("劳动节", [date(year, 5, 1), date(year, 5, 2)]),
        ("端午节", [lunar_to_solar(year, 5, 5)]),
        ("中秋节", [lunar_to_solar(year, 8, 15)]),
        ("国庆节", [date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)]),
    ]


@cache
def estimate_days_off(year: int) -> dict[date, str]:
    """Estimated days off of ``year`` (statutory holidays plus 补假), date → name.

    Only dates inside ``year`` are returned. Weekends are not listed (they are off anyway)
    unless they are part of a holiday.
    """
    off: dict[date, str] = {}
    holidays = statutory_holidays(year)
    taken = {d for _, days in holidays for d in days}
    for name, days in holidays:
        for d in days:
            off[d] = name
    for name, days in holidays:
        owed = sum(1 for d in days if d.weekday() >= 5)
        d = max(days)
        while owed:
            d += _DAY
            if d.weekday() < 5 and d not in taken:
                off[d] = f"{name}（补假）"
                taken.add(d)
                owed -= 1
    return {d: n for d, n in sorted(off.items()) if d.year == year}
