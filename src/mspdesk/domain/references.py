"""Record ids that two desks working offline can never both make.

A desk that syncs has a desk code: two or three letters claimed once on the shared remote
(`mspdesk sync init`). Its new ids carry the code, `C-KM-0001`, `R-2026-KM-0001`, and each
desk numbers only its own series, so no two desks issue the same id. A desk that never
synced has no code and keeps the short forms (`C-0001`, `R-2026-0001`); ids already issued
are never renamed, so both forms are valid everywhere.

The letters leave out I, O and Q (read as 1, 0 and O next to the digits of a reference):
an adviser reads a reference down the phone letter by letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

CODE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
CODE_PATTERN = "[A-HJ-NPR-Z]{2,3}"
DESK_CODE = re.compile(rf"^{CODE_PATTERN}$")
"""A desk code: two letters (529 of them), three once every two-letter one is taken."""


def is_desk_code(text: str) -> bool:
    """Whether `text` is a well-formed desk code (upper case, from `CODE_LETTERS`)."""
    return bool(DESK_CODE.match(text))


@dataclass(frozen=True)
class Series:
    """One kind of numbered id: a prefix, then the desk code if any, then the number."""

    prefix: str
    width: int
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = rf"^{self.prefix}-(?:(?P<code>{CODE_PATTERN})-)?(?P<number>\d{{{self.width},}})$"
        object.__setattr__(self, "pattern", re.compile(regex))

    def make(self, number: int, code: str | None = None) -> str:
        """The `number`th id of the desk with `code` (None: a desk that never synced)."""
        middle = f"{code}-" if code else ""
        return f"{self.prefix}-{middle}{number:0{self.width}d}"

    def matches(self, key: str) -> bool:
        """Whether `key` is an id of this series, in either form."""
        return bool(self.pattern.match(key))

    def number(self, key: str, code: str | None) -> int | None:
        """The number of `key` if it is in the series of the desk with `code`, else None."""
        found = self.pattern.match(key)
        if found is None or found.group("code") != code:
            return None
        return int(found.group("number"))

    def highest(self, keys: Iterable[str], code: str | None) -> int:
        """The highest number the desk with `code` has issued among `keys` (0 if none)."""
        start = f"{self.prefix}-"  # a cheap test first: most keys are of other series
        numbers = (self.number(key, code) for key in keys if key.startswith(start))
        return max((n for n in numbers if n is not None), default=0)

    def next(self, keys: Iterable[str], code: str | None) -> str:
        """The next id the desk with `code` issues, after every one of its own in `keys`."""
        return self.make(self.highest(keys, code) + 1, code)


CASES = Series("C", 4)
NOTES = Series("N", 5)
ATTACHMENTS = Series("F", 5)
PROVIDERS = Series("SP", 3)
PACKAGES = Series("PK", 4)
TOMBSTONES = Series("E", 5)
SUBJECT_ACCESS = Series("S", 5)

REFERENCE = re.compile(rf"^R-(?P<year>\d{{4}})-(?:(?P<code>{CODE_PATTERN})-)?(?P<number>\d{{4,}})$")
"""A programme reference: `R-2026-0042`, or `R-2026-KM-0042` from a desk with code KM."""


def reference_for(year: int, number: int, code: str | None = None) -> str:
    """The programme reference for the desk's `number`th referral received in `year`."""
    middle = f"{code}-" if code else ""
    return f"R-{year:04d}-{middle}{number:04d}"


def reference_number(key: str, code: str | None) -> tuple[int, int] | None:
    """(year, number) of `key` if it is a reference of the desk with `code`, else None."""
    found = REFERENCE.match(key)
    if found is None or found.group("code") != code:
        return None
    return int(found.group("year")), int(found.group("number"))


def desk_code_of(key: str) -> str | None:
    """The desk code inside an id (`C-KM-0001` -> "KM"), None for the short form."""
    parts = key.split("/", 1)[0].split("-")
    candidates = [part for part in parts[1:-1] if DESK_CODE.match(part)]
    return candidates[-1] if candidates else None
