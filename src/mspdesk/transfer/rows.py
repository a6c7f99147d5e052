"""One row of an import file: checked (parsed and validated), and what happens to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mspdesk.desk import Desk
from mspdesk.domain.errors import InvalidRecord
from mspdesk.transfer.columns import ColumnMap
from mspdesk.transfer.readers import Record, SourceTable
from mspdesk.transfer.values import ROW, Problem, RowParser

_PLACEHOLDER_REFERENCE = "R-0000-0000"


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    POSSIBLE_DUPLICATE = "possible duplicate"
    REJECTED = "rejected"


FieldChange = tuple[str, Any, Any]
"""(field, old value, new value); contact fields dotted (contact.email)."""


@dataclass(slots=True)  # not frozen: made for every row, and frozen costs 3x to build
class RowOutcome:
    """What happens (or happened) to one row of the file."""

    row: int
    """Row as a person counts it: CSV header is row 1, so data starts at row 2;
    for JSON, the object's position in the list from 1."""
    where: str
    """"row 7" or "item 3", for messages."""
    outcome: Outcome
    organisation: str
    """As the file gives it (untrusted text: show it as plain text, never as markup)."""
    parent_body: str
    reference: str | None = None
    """Added or possible duplicate: the programme reference it gets. Updated or unchanged:
    the referral it is."""
    matched_on: str = ""
    """Updated or unchanged: "source reference" or "programme reference"."""
    duplicate_of: str | None = None
    """Possible duplicate: the referral with the same organisation and parent body."""
    earlier_row: int | None = None
    """The row of this file that the match was made with (it was not on the desk yet)."""
    changes: tuple[FieldChange, ...] = ()
    """Updated: each field that changes, old -> new (empty when the row changes an earlier
    row of a big file, whose values a dry run does not keep)."""
    problems: tuple[Problem, ...] = ()
    """Rejected: every problem of the row."""
    source_ref: str = ""

    @property
    def reason(self) -> str:
        """One line on why: the problems of a rejected row, the match of the others."""
        earlier = f" ({self._row_word} {self.earlier_row} of this file)" if self.earlier_row else ""
        if self.outcome is Outcome.REJECTED:
            return "; ".join(str(problem) for problem in self.problems)
        if self.outcome is Outcome.POSSIBLE_DUPLICATE:
            return f"same organisation and parent body as {self.duplicate_of}{earlier}"
        if self.outcome is Outcome.UPDATED:
            changed = "; ".join(
                f"{name}: {_shown(old)} → {_shown(new)}" for name, old, new in self.changes
            )
            return f"same {self.matched_on} as {self.reference}{earlier}: {changed or 'changed'}"
        if self.outcome is Outcome.UNCHANGED:
            return f"same {self.matched_on} as {self.reference}{earlier}, nothing changed"
        return ""

    @property
    def _row_word(self) -> str:
        return self.where.split()[0]


def _shown(value: Any) -> str:
    return "(blank)" if value in (None, "", {}) else str(value)


Values = dict[str, Any]
"""A referral as the store keeps it (JSON-shaped, validated by the referral model)."""


@dataclass(slots=True)  # not frozen: made for every row, and frozen costs 3x to build
class Checked:
    """One row parsed and validated, before it is compared with the desk."""

    record: Record
    organisation: str
    parent_body: str
    reference: str | None
    source_ref: str
    values: Values | None
    """The referral the row makes, as stored (its id a placeholder, its timestamps unset);
    None when the row is rejected."""
    given: tuple[str, ...]
    problems: tuple[Problem, ...]


def read_checked(table: SourceTable, desk: Desk) -> Iterator[Checked]:
    parser = RowParser(table.columns)
    for record in table.rows():
        yield check(record, parser, desk)


def check(record: Record, parser: RowParser, desk: Desk) -> Checked:
    columns = parser.columns
    parsed = parser(record.cells)
    problems = list(parsed.problems)
    if record.note:
        problems.insert(0, Problem(ROW, "", record.note))
    fields = parsed.fields
    values = None
    if not problems or all(p.field != ROW for p in problems):
        try:
            values = desk.referrals.draft_record(fields, reference=_PLACEHOLDER_REFERENCE)
        except InvalidRecord as error:
            named = {p.field for p in problems}
            problems += [
                Problem(name, columns.headers.get(name, ""), why)
                for name, why in error.problems
                if name not in named  # "required" after "contains a NUL" says nothing more
            ]
    if problems:  # in the file's column order, whole-row problems first
        order = {name: index for index, name in enumerate(columns.positions)}
        problems.sort(key=lambda p: -1 if p.field == ROW else order.get(p.field, len(order)))
    return Checked(
        record=record,
        organisation=_as_text(fields.get("organisation")) or _cell(record, columns, "organisation"),
        parent_body=_as_text(fields.get("parent_body")) or _cell(record, columns, "parent_body"),
        reference=parsed.reference,
        source_ref=_as_text(fields.get("source_ref")).strip(),
        values=None if problems else values,
        given=parsed.given,
        problems=tuple(problems),
    )


def _cell(record: Record, columns: ColumnMap, name: str) -> str:
    """The cell as written, for naming a rejected row whose value could not be read."""
    index = columns.positions.get(name)
    if index is None or index >= len(record.cells) or record.cells[index] is None:
        return ""
    return str(record.cells[index]).strip()


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ""
