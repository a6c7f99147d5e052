"""Conflicts of interest: the roles a parent authority holds in a spin-out, and declared
conflicts with their mitigation and review date.

The Public Administration Select Committee worried about authorities that are at once the
spin-out's incubator, its commissioner and its regulator; a case records which roles the
authority holds and what was declared about them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from mspdesk.domain.choices import Choice

CONFLICT_ID = re.compile(r"^CI\d{2,}$")
REVIEW_WARN_DAYS = 14
"""A review date warns from this many days before it."""


class AuthorityRole(Choice):
    INCUBATOR = "incubator"
    COMMISSIONER = "commissioner"
    REGULATOR = "regulator"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self.value]


_ROLE_LABELS = {
    "incubator": "Incubator / supporter",
    "commissioner": "Commissioner / contractor",
    "regulator": "Regulator",
}


def _role(value: Any) -> Any:
    return AuthorityRole.parse(value) if isinstance(value, str) else value


Role = Annotated[AuthorityRole, BeforeValidator(_role)]


class ConflictEntry(BaseModel):
    """One declared conflict on a case."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    roles: tuple[Role, ...] = ()
    """The authority's roles that conflict here (e.g. commissioner and incubator)."""
    conflict: Annotated[str, Field(min_length=1, max_length=2000)]
    mitigation: Annotated[str, Field(max_length=2000)] = ""
    declared_on: date
    declared_by: str = ""
    review_on: date | None = None
    resolved_on: date | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CONFLICT_ID.match(value):
            raise ValueError("conflict id must look like CI01")
        return value

    @property
    def open(self) -> bool:
        return self.resolved_on is None


def next_conflict_id(entries: Iterable[ConflictEntry]) -> str:
    """A free id for a new entry on a case: CI01, CI02, ..."""
    taken = {entry.id for entry in entries}
    number = 1
    while f"CI{number:02d}" in taken:
        number += 1
    return f"CI{number:02d}"


def review_state(review_on: date | None, resolved: bool, today: date) -> str:
    """ "overdue", "soon" (within REVIEW_WARN_DAYS, inclusive), "ok", or "" (none/resolved)."""
    if resolved or review_on is None:
        return ""
    days = (review_on - today).days
    if days < 0:
        return "overdue"
    return "soon" if days <= REVIEW_WARN_DAYS else "ok"


def role_warnings(
    roles: Iterable[AuthorityRole], entries: Iterable[ConflictEntry], today: date
) -> list[str]:
    """What the case screen should flag about the authority's roles and the register."""
    held = set(roles)
    listed = list(entries)
    warnings: list[str] = []
    if len(held) >= 2 and not any(entry.open for entry in listed):
        names = " and ".join(role.label.lower() for role in AuthorityRole if role in held)
        warnings.append(f"The authority is {names}: declare the conflict and its mitigation.")
    for entry in listed:
        state = review_state(entry.review_on, not entry.open, today)
        if state == "overdue" and entry.review_on is not None:
            warnings.append(f"{entry.id} review was due {entry.review_on:%d %b %Y}.")
        elif state == "soon" and entry.review_on is not None:
            warnings.append(f"{entry.id} review due {entry.review_on:%d %b %Y}.")
        if entry.open and not entry.mitigation:
            warnings.append(f"{entry.id} has no mitigation recorded.")
    return warnings
