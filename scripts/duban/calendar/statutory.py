"""The statutory days off of 《全国年节及纪念日放假办法》 in force in a given year, and the lunar
calendar facts a notice states in parentheses (农历腊月二十八, 农历除夕).

The 办法's second article (holidays for all citizens) changed three times since 1999:

| in force | 国务院令 | 春节 | 劳动节 | 清明节, 端午节, 中秋节 |
|---|---|---|---|---|
| 2000–2007 | 第270号 (1999) | 正月初一至初三 | 5月1日至3日 | — |
| 2008–2013 | 第513号 (2007) | 除夕、正月初一、初二 | 5月1日 | 1 day each |
| 2014–2024 | 第644号 (2013) | 正月初一至初三 | 5月1日 | 1 day each |
| 2025– | 第795号 (2024) | 除夕、正月初一至初三 | 5月1日、2日 | 1 day each |

元旦 (1月1日) and 国庆节 (10月1日至3日) are the same throughout. No file is read here.
"""

from __future__ import annotations

from datetime import date, timedelta

from lunar_python import Lunar, Solar

FIRST_STATUTORY_YEAR = 2000
"""The first year the 1999 revision was in force; earlier years are not known here."""

LAST_STATUTORY_YEAR = 2100
"""The last year the lunar calendar is computed for."""

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
"""The names the yearly notice gives the statutory holidays, in the notice's order."""

_DAY = timedelta(days=1)


def lunar_to_solar(lunar_year: int, month: int, day: int) -> date:
    """The day of the solar calendar of lunar ``month``/``day`` of ``lunar_year``."""
    s = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


def qingming(year: int) -> date:
    """The day of 清明 (a solar term) in ``year``."""
    s = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    return date(s.getYear(), s.getMonth(), s.getDay())


def statutory_days(year: int) -> tuple[tuple[str, date], ...]:
    """Every statutory day off of ``year`` as ``(festival, day)``, in the notice's order,
    before any 补假 or 调休; empty outside :data:`FIRST_STATUTORY_YEAR`–
    :data:`LAST_STATUTORY_YEAR`."""
    if not FIRST_STATUTORY_YEAR <= year <= LAST_STATUTORY_YEAR:
        return ()
    new_year = lunar_to_solar(year, 1, 1)
    if year < 2008:
        spring = [new_year + i * _DAY for i in range(3)]
        labour = [date(year, 5, d) for d in (1, 2, 3)]
    elif year < 2014:
        spring = [new_year - _DAY + i * _DAY for i in range(3)]
        labour = [date(year, 5, 1)]
    elif year < 2025:
        spring = [new_year + i * _DAY for i in range(3)]
        labour = [date(year, 5, 1)]
    else:
        spring = [new_year - _DAY + i * _DAY for i in range(4)]
        labour = [date(year, 5, 1), date(year, 5, 2)]
    days: list[tuple[str, date]] = [("元旦", date(year, 1, 1))]
    days += [("春节", d) for d in spring]
    if year >= 2008:
        days.append(("清明节", qingming(year)))
    days += [("劳动节", d) for d in labour]
    if year >= 2008:
        days.append(("端午节", lunar_to_solar(year, 5, 5)))
        days.append(("中秋节", lunar_to_solar(year, 8, 15)))
    days += [("国庆节", date(year, 10, d)) for d in (1, 2, 3)]
    return tuple(days)


def festivals(year: int) -> tuple[str, ...]:
    """The statutory holidays of ``year`` by name, in the notice's order."""
    names = {name for name, _ in statutory_days(year)}
    return tuple(n for n in FESTIVALS if n in names)


def lunar_of(day: date) -> tuple[int, int, bool]:
    """``(month, day, last_day_of_year)`` of ``day`` in the lunar calendar; a leap month is
    negative (lunar-python's convention). Only for days within the statutory years."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    after = Solar.fromYmd(*_ymd(day + _DAY)).getLunar()
    return lunar.getMonth(), lunar.getDay(), (after.getMonth(), after.getDay()) == (1, 1)


def _ymd(d: date) -> tuple[int, int, int]:
    return d.year, d.month, d.day
