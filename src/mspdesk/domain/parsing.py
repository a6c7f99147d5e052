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


def parse_date(text: str) -> date:
    """A date from ISO or UK day-first text; ValueError says what was expected."""
    value = text.strip()
    if not value:
        raise ValueError("a date is required")
    try:
        return (
            date.fromisoformat(value[:10])
            if len(value) >= 10 and value[4] == "-"
            else _parse_uk(value)
        )
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date (use 2013-02-28 or 28/02/2013)") from None


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
