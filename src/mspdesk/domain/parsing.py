"""Forgiving parsing of what people type and what spreadsheets export.

Dates in ISO (2013-02-28) or UK (28/02/2013, 28-02-2013, 28.02.13) form;
money like "£1,200,000", "1.2m", "250k", "GBP 40000". Errors say what was
expected, so importers and forms can show them against the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_MONEY = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|m|bn|thousand|million|billion)?$")
_SCALE = {
    None: 1,
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}


FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Dates outside these years are typing mistakes here, and would overflow date arithmetic
(working days, re-planning) further on, so they are refused as bad input."""


def parse_date(text: str) -> date:
    """A date from ISO or UK day-first text; ValueError says what was expected."""
    value = text.strip()
    if not value:
        raise ValueError("a date is required")
    try:
        day = (
            date.fromisoformat(value[:10])
            if len(value) >= 10 and value[4] == "-"
            else _parse_uk(value)
        )
    except ValueError:
        try:
            day = datetime.fromisoformat(value).date()
        except ValueError:
            raise ValueError(f"{text!r} is not a date (use 2013-02-28 or 28/02/2013)") from None
    check_year(day)
    return day


def check_year(day: date) -> date:
    """`day` if its year is between 1900 and 2100; ValueError otherwise."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            f"{day.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR}; check the year"
        )
    return day


_ISO_DAY = re.compile(r"^(\d{4,})-\d{2}-\d{2}")


def dates_out_of_range(value: object, where: str = "") -> list[tuple[str, str]]:
    """(field path, problem) for every ISO date text anywhere in `value` (a JSON-shaped
    document) whose year is outside 1900-2100."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += dates_out_of_range(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            found += dates_out_of_range(item, f"{where}[{number}]")
    elif isinstance(value, str) and (match := _ISO_DAY.match(value)):
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            found.append((where, f"{value[:10]} is outside the years {FIRST_YEAR}-{LAST_YEAR}"))
    return found


def _parse_uk(value: str) -> date:
    match = _UK_DATE.match(value)
    if not match:
        raise ValueError(value)
    day, month, year = (int(part) for part in match.groups())
    if year < 100:
        year += 2000
    return date(year, month, day)


def parse_money(text: str) -> int:
    """Whole pounds from text like '£1,200,000', '1.2m' or '250k'."""
    value = text.strip().casefold().replace(",", "").replace("£", "").replace("gbp", "")
    value = (
        value.replace(" ", "")
        if not value.endswith(("thousand", "million", "billion"))
        else value.strip()
    )
    match = _MONEY.match(value.strip())
    if not match:
        raise ValueError(f"{text!r} is not an amount of money (e.g. £1,200,000 or 1.2m)")
    try:
        amount = Decimal(match.group(1)) * _SCALE[match.group(2)]
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount of money") from None
    return int(amount.to_integral_value())


def parse_count(text: str) -> int:
    """A whole number of people, allowing '1,200' and '~40'."""
    value = text.strip().replace(",", "").lstrip("~").strip()
    if not value.isdigit():
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


def parse_percent(text: str) -> float:
    """A share in percent, 0-100, from '60', '60%' or '33.5 %'."""
    value = text.strip().rstrip("%").strip()
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a percentage (e.g. 60 or 60%)") from None
    if not 0 <= number <= 100:
        raise ValueError(f"{text!r} is not between 0% and 100%")
    return number
