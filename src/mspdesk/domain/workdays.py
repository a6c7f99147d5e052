"""Working days in England: weekends and English bank holidays skipped.

Bank holidays are worked out from the standing rules (New Year's Day, Good Friday, Easter
Monday, the early May, spring and summer Mondays, Christmas and Boxing Day, with weekend
substitutes), plus the one-off changes proclaimed between 1999 and 2023 listed in
`_ONE_OFF_ADDED` / `_ONE_OFF_MOVED`. Any year can be computed, but a one-off proclaimed after
2023 is not known here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

_SATURDAY = 5

# Extra days proclaimed once (royal occasions, the millennium, a state funeral).
_ONE_OFF_ADDED: dict[int, tuple[date, ...]] = {
    1999: (date(1999, 12, 31),),
    2002: (date(2002, 6, 3),),
    2011: (date(2011, 4, 29),),
    2012: (date(2012, 6, 5),),
    2022: (date(2022, 6, 3), date(2022, 9, 19)),
    2023: (date(2023, 5, 8),),
}
# A standing bank holiday moved to another day that year: (usual date, date observed).
_ONE_OFF_MOVED: dict[int, tuple[tuple[date, date], ...]] = {
    2002: ((date(2002, 5, 27), date(2002, 6, 4)),),
    2012: ((date(2012, 5, 28), date(2012, 6, 4)),),
    2020: ((date(2020, 5, 4), date(2020, 5, 8)),),
    2022: ((date(2022, 5, 30), date(2022, 6, 2)),),
}


def easter_sunday(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _next_weekday(day: date, taken: set[date]) -> date:
    """`day`, or the first later weekday not already a holiday (weekend substitutes)."""
    while day.weekday() >= _SATURDAY or day in taken:
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=64)
def english_bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays in England (and Wales) in `year`, as observed."""
    easter = easter_sunday(year)
    days = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    # Order matters: Christmas takes its substitute before Boxing Day does.
    for fixed in (date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)):
        days.add(_next_weekday(fixed, days))
    for usual, observed in _ONE_OFF_MOVED.get(year, ()):
        days.discard(usual)
        days.add(observed)
    days.update(_ONE_OFF_ADDED.get(year, ()))
    return frozenset(days)


Holidays = Collection[date] | None
"""Days to skip besides weekends: None means English bank holidays; `()` means none."""


def is_working_day(day: date, holidays: Holidays = None) -> bool:
    """True for Monday to Friday unless `day` is a holiday."""
    if day.weekday() >= _SATURDAY:
        return False
    if holidays is None:
        return day not in english_bank_holidays(day.year)
    return day not in holidays


def working_days_between(start: date, end: date, holidays: Holidays = None) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    Received on a Friday, the following Monday is 1 working day later.
    """
    if end < start:
        return -working_days_between(end, start, holidays)
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5
    # The leftover days after whole weeks: walk them (at most six).
    for offset in range(1, extra + 1):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < _SATURDAY:
            count += 1
    if holidays is None:
        holidays = [
            day for year in range(start.year, end.year + 1) for day in english_bank_holidays(year)
        ]
    return count - sum(
        1 for day in set(holidays) if start < day <= end and day.weekday() < _SATURDAY
    )


def add_working_days(start: date, days: int, holidays: Holidays = None) -> date:
    """The date `days` working days after `start` (`start` itself never counts)."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day
