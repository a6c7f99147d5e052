"""One row's cells turned into referral fields, with every problem of the row named.

Dates, money, counts and choices are parsed with the domain's forgiving parsers;
text is kept exactly as given. What the referral model itself checks (required
names, email and phone shapes, lengths) is left to it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from mspdesk.domain.choices import (
    Choice,
    LawfulBasis,
    ParentBodyKind,
    ProposedModel,
    ReferralStatus,
    Region,
    Route,
    Source,
    Stage,
)
from mspdesk.domain.parsing import parse_count, parse_date, parse_money
from mspdesk.domain.references import REFERENCE
from mspdesk.transfer.columns import ColumnMap, squash

ROW = "row"
"""The field name of a problem with the row as a whole (e.g. too many values)."""

CHOICES: dict[str, type[Choice]] = {
    "source": Source,
    "parent_body_kind": ParentBodyKind,
    "proposed_model": ProposedModel,
    "route": Route,
    "stage": Stage,
    "region": Region,
    "status": ReferralStatus,
    "contact.lawful_basis": LawfulBasis,
}
IMPORTABLE_STATUSES = frozenset({ReferralStatus.NEW, ReferralStatus.AWAITING})
"""Decisions (accepted, declined, ...) are made by triage, with a reason on record."""

PLACEHOLDERS = frozenset(
    {"n/a", "na", "none", "-", "--", "tbc", "tbd", "unknown", "not known", "?"}
)
"""What spreadsheets put in an optional cell that has no value; read as blank in fields that
are not free text (a 'TBC' contract value is no value, not an error)."""

_ALWAYS_PRESENT = ("organisation", "parent_body")
"""Passed on even when blank, so the model names them as empty."""
_PLACEHOLDER_ALLOWED = frozenset(
    {"staff_in_scope", "contract_value", "target_spin_out", "revisit_on", *CHOICES}
)
_PLACEHOLDER_BLANKS = frozenset({"contact.email", "contact.phone"})
"""Checked by the model, not parsed here: a placeholder there is blanked before it is checked."""


@dataclass(frozen=True)
class Problem:
    """Why one field of a row cannot be imported."""

    field: str
    """The referral field (contact fields dotted, e.g. contact.email), or "row"."""
    column: str
    """The file's own header for that field ("" for the row as a whole)."""
    reason: str

    def __str__(self) -> str:
        if not self.column or squash(self.column) == squash(self.field):
            return f"{self.field}: {self.reason}"
        return f"{self.field} (column {self.column!r}): {self.reason}"


@dataclass(slots=True)  # not frozen: made for every row, and frozen costs 3x to build
class RowFields:
    """What one row says, ready for the referral model."""

    fields: dict[str, Any]
    reference: str | None
    """The programme reference the row gives, if it gives a valid one."""
    problems: list[Problem]
    given: tuple[str, ...] = ()
    """The fields the row gives a value for (contact fields dotted): what a re-import may
    change on the referral already on the desk."""


_FIELD, _CONTACT, _SOURCE_REF, _ID = range(4)
"""Where a parsed value goes (worked out once per column, not once per cell)."""


class RowParser:
    """Turns the rows of one file into referral fields; set up once per file."""

    def __init__(self, columns: ColumnMap) -> None:
        self.columns = columns
        self._steps = [
            (
                name,
                index,
                columns.headers[name],
                _PARSERS.get(name, _text),
                *_place(name),
                name not in _PARSERS and name not in _PLACEHOLDER_BLANKS,
            )
            for name, index in columns.positions.items()
        ]
        self._kept = list(columns.kept.items())
        self._given: dict[tuple[str, ...], tuple[str, ...]] = {}
        """Each distinct `given` once: rows of one file mostly give the same fields."""

    def __call__(self, cells: list[Any]) -> RowFields:
        """The referral fields of one row, parsed; every unparseable value is a Problem."""
        fields: dict[str, Any] = {}
        contact: dict[str, Any] = {}
        problems: list[Problem] = []
        reference: str | None = None
        given: list[str] = []
        width = len(cells)
        if width > self.columns.width and any(
            _present(cell) for cell in cells[self.columns.width :]
        ):
            problems.append(Problem(ROW, "", _too_many(width, self.columns)))
        for name, index, header, parse, place, key, plain_text in self._steps:
            value = cells[index] if index < width else None
            if value is None or (isinstance(value, str) and not value.strip()):
                if name in _ALWAYS_PRESENT:
                    fields[name] = ""
                    given.append(name)
                elif name == "received":
                    problems.append(Problem(name, header, "a date is required"))
                continue
            if plain_text and type(value) is str and value.isascii() and "\x00" not in value:
                parsed = value  # most cells: text kept as it is (what _text would return)
            else:
                try:
                    parsed = _parse(name, value, parse)
                except ValueError as error:
                    problems.append(Problem(name, header, str(error)))
                    continue
                if parsed is None:
                    continue
            if place == _FIELD:
                fields[key] = parsed
            elif place == _CONTACT:
                contact[key] = parsed
            elif place == _SOURCE_REF and REFERENCE.match(parsed):
                # "Reference" holding R-2013-0042: the desk's own export coming back.
                reference = reference or parsed
                continue
            elif place == _SOURCE_REF:
                fields[key] = parsed
            else:
                reference = parsed
            given.append(name)
        if contact:
            fields["contact"] = contact
        extra: dict[str, str] = {}
        for header, index in self._kept:
            value = cells[index] if index < width else None
            if not _present(value):
                continue
            try:
                extra[header] = _source_text(value)
            except ValueError as error:
                problems.append(Problem(header, header, str(error)))
        if extra:
            fields["source_fields"] = extra
            given.append("source_fields")
        shared = tuple(given)
        return RowFields(fields, reference, problems, self._given.setdefault(shared, shared))


def _place(name: str) -> tuple[int, str]:
    """Where a column's parsed value goes, and under which key."""
    if name == "id":
        return _ID, name
    if name == "source_ref":
        return _SOURCE_REF, name
    if name.startswith("contact."):
        return _CONTACT, name[len("contact.") :]
    return _FIELD, name


def _too_many(count: int, columns: ColumnMap) -> str:
    return (
        f"has {count} values but the header has {columns.width} columns "
        "(a value containing the separator must be in double quotes)"
    )


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _parse(name: str, value: Any, parse: Callable[[Any], Any]) -> Any:
    """The value (present: not blank) of a field, or None to leave it at its default."""
    if name in _PLACEHOLDER_BLANKS and _is_placeholder(value):
        return None
    try:
        return parse(value)
    except ValueError:
        if name in _PLACEHOLDER_ALLOWED and _is_placeholder(value):
            return None
        raise


def _is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().casefold() in PLACEHOLDERS


def _text(value: Any) -> str:
    if type(value) is str and "\x00" not in value and (value.isascii() or _encodable(value)):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected text, not {_kind(value)}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number 12345 is the text "12345", not "12345.0"
    text = str(value)
    if "\x00" in text:
        # Never meaningful in a name or note, and truncates text in C-based tools.
        raise ValueError("contains a NUL character (\\x00)")
    if not _encodable(text):
        raise ValueError("contains a lone surrogate (half of a character), which is not text")
    return text


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _source_text(value: Any) -> str:
    """A value of a column the desk has no field for, as text to keep."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return _text(json.dumps(value, ensure_ascii=False))
    return _text(value)


def _reference(value: Any) -> str:
    text = _text(value).strip()
    if not REFERENCE.match(text):
        raise ValueError(
            f"{text!r} is not a programme reference (use the form R-2013-0042, "
            "or leave it blank to have one given)"
        )
    return text


def _date(value: Any) -> date:
    if isinstance(value, datetime):  # a spreadsheet date cell
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date like 2013-02-28 or 28/02/2013, not {_kind(value)}")
    return _cached_date(value)


_cached_date = functools.lru_cache(maxsize=4096)(parse_date)
"""Files repeat the same few hundred dates; parsing each once halves the time per row."""


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return parse_count(value)
    raise ValueError(f"expected a whole number, not {_kind(value)}")


def _money(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return round(value)
    if isinstance(value, str):
        pounds = value.strip().lstrip("£").replace(",", "")
        if pounds.isascii() and pounds.isdigit():
            return int(pounds)  # "£1,200,000", as parse_money reads it, a regex and a Decimal less
        return parse_money(value)
    raise ValueError(f"expected an amount of money like £1,200,000, not {_kind(value)}")


@functools.lru_cache(maxsize=4096)
def _member(kind: type[Choice], text: str) -> Choice:
    # Choice.parse scans every member; real files repeat a few values thousands of times.
    return kind.parse(text)


def _choice(name: str) -> Callable[[Any], Choice]:
    kind = CHOICES[name]

    def parse(value: Any) -> Choice:
        if not isinstance(value, str):
            raise ValueError(f"expected one of: {', '.join(m.value for m in kind)}")
        member = _member(kind, value)
        if name == "status" and member not in IMPORTABLE_STATUSES:
            raise ValueError(
                f"{value!r} cannot be imported: only new or awaiting referrals can be; "
                "decisions are recorded through triage"
            )
        return member

    return parse


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", list: "a list", dict: "an object"}.get(type(value), "a number")


def _source_ref(value: Any) -> str:
    return _text(value).strip()


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "id": _reference,
    "source_ref": _source_ref,
    "received": _date,
    "target_spin_out": _date,
    "revisit_on": _date,
    "staff_in_scope": _count,
    "contract_value": _money,
    **{name: _choice(name) for name in CHOICES},
}
