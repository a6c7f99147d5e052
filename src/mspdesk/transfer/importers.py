"""Importing referrals from a CSV or JSON file, in two steps.

`plan_import` reads and checks the file against the desk and saves nothing (the
TUI preview and `--dry-run` show it); `apply_import` saves the plan's new rows
and writes the rejects file. Every row ends in exactly one outcome:

- added: valid and new; keeps its programme reference, or gets the next one for
  the year it was received;
- duplicate: same programme reference, or same organisation and parent body
  (ignoring case and spacing), as a record on the desk or an earlier added row
  of the file. Reported with that record's id; the record is NOT changed;
- rejected: with every problem of the row (field and reason). Rejected rows go
  verbatim to a rejects file.

Importing the same file again adds nothing: its rows are then duplicates.
Text is stored exactly as given: markup-like "[bold]" and terminal escape
sequences are data (the TUI and CLI show them as plain text). Only NUL is refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from mspdesk.desk import Desk
from mspdesk.desk.referrals import duplicate_key
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.referral import REFERENCE, Referral, reference_for
from mspdesk.transfer.readers import Record, SourceTable, read_table
from mspdesk.transfer.rejects import default_rejects_path, write_rejects
from mspdesk.transfer.values import ROW, Problem, RowParser

BATCH_SIZE = 500
"""Rows saved per journal event: 10,000 rows are 20 fsyncs, not 10,000."""
PROGRESS_EVERY = 100
_PLACEHOLDER_REFERENCE = "R-0000-0000"

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all); from the thread doing the work."""


class Outcome(StrEnum):
    ADDED = "added"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
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
    """Added: the row's programme reference. Duplicate: the id of the record it matches."""
    matched_on: str = ""
    """Duplicate: "programme reference" or "organisation and parent body"."""
    duplicate_of_row: int | None = None
    """Duplicate of a row earlier in this file (not yet on the desk when planned)."""
    problems: tuple[Problem, ...] = ()
    """Rejected: every problem of the row."""

    @property
    def reason(self) -> str:
        """One line: why the row is a duplicate or rejected ("" when added)."""
        if self.outcome is Outcome.REJECTED:
            return "; ".join(str(problem) for problem in self.problems)
        if self.outcome is Outcome.DUPLICATE:
            earlier = f" ({self._row_word} {self.duplicate_of_row} of this file)"
            return f"same {self.matched_on} as {self.reference}" + (
                earlier if self.duplicate_of_row else ""
            )
        return ""

    @property
    def _row_word(self) -> str:
        return self.where.split()[0]


@dataclass(frozen=True)
class _Checked:
    """One row parsed and validated, before it is compared with the desk."""

    record: Record
    organisation: str
    parent_body: str
    reference: str | None
    referral: Referral | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ImportPlan:
    """What importing a file would do. Nothing is saved until `apply_import`."""

    path: Path
    format: str
    """"csv" or "json"."""
    encoding: str
    """As a person names it: "UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16"."""
    delimiter: str | None
    columns: dict[str, str]
    """Referral field -> the file's header for it."""
    notes: tuple[str, ...]
    """Things about the file worth knowing (columns left out, rows above the header)."""
    rows: tuple[RowOutcome, ...]
    blank_rows: int
    """Empty rows, skipped and not counted as rows."""
    default_rejects_path: Path
    table: SourceTable = field(repr=False)
    checked: tuple[_Checked, ...] = field(repr=False)
    additions: tuple[tuple[Referral, str], ...] = field(repr=False)
    """Each row to add as validated, and the programme reference it will have."""

    @functools.cached_property
    def to_add(self) -> tuple[Referral, ...]:
        """The referrals `apply_import` would save (if the desk does not change first), in the
        order of `added`: `to_add[i]` is the referral of row `added[i]`."""
        return tuple(_with_id(referral, ref) for referral, ref in self.additions)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def added(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome is Outcome.ADDED]

    @property
    def duplicates(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome is Outcome.DUPLICATE]

    @property
    def rejected(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome is Outcome.REJECTED]


@dataclass(frozen=True)
class ImportResult:
    """What `apply_import` did."""

    plan: ImportPlan
    """The plan as applied: re-checked against the desk just before saving."""
    added_ids: tuple[str, ...]
    rejects_path: Path | None
    """Where the rejected rows were written (None when there were none)."""
    batches: int
    """Journal events written."""


class ImportInterrupted(UserError):
    """Saving stopped part-way (e.g. the disk filled); earlier batches are saved."""

    def __init__(self, saved: int, total: int, cause: UserError) -> None:
        self.saved = saved
        self.total = total
        super().__init__(
            f"import stopped after saving {saved} of {total} new referrals: {cause}; "
            "importing the same file again adds only the rest"
        )


def plan_import(path: Path, desk: Desk, *, progress: Progress | None = None) -> ImportPlan:
    """Read `path` (CSV or JSON) and check every row against the desk; saves nothing.

    Raises `UnreadableFile` (exit code 2) if the file cannot be read at all.
    """
    table = read_table(path)
    total = len(table.records)
    parser = RowParser(table.columns)
    checked = []
    for done, record in enumerate(table.records, start=1):
        checked.append(_check(record, parser, desk))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    if progress is not None and total == 0:
        progress(0, 0)
    rows, additions = _decide(checked, desk)
    return ImportPlan(
        path=path,
        format=table.format,
        encoding=table.encoding_label,
        delimiter=table.delimiter if table.format == "csv" else None,
        columns=dict(table.columns.headers),
        notes=tuple(_notes_on(table)),
        rows=tuple(rows),
        blank_rows=table.blank_rows,
        default_rejects_path=default_rejects_path(table),
        table=table,
        checked=tuple(checked),
        additions=tuple(additions),
    )


def apply_import(
    plan: ImportPlan,
    desk: Desk,
    *,
    rejects: Path | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Write the rejects file (if any row is rejected), then save the new rows in batches of
    `BATCH_SIZE`, one journal event each. Raises `RejectsNotWritten` (nothing saved) or
    `ImportInterrupted` (some batches saved; importing again adds the rest)."""
    # Re-check against the desk as it is now: it may have changed since the preview.
    rows, additions = _decide(list(plan.checked), desk)
    final = replace(plan, rows=tuple(rows), additions=tuple(additions))
    rejects_path = None
    rejected = [
        (c.record, r.reason)
        for c, r in zip(plan.checked, rows, strict=True)
        if r.outcome is Outcome.REJECTED
    ]
    if rejected:
        rejects_path = write_rejects(plan.table, rejected, rejects or plan.default_rejects_path)
    moment = desk.core.now()
    stamped = [
        referral.model_copy(update={"id": ref, "created_at": moment, "updated_at": moment})
        for referral, ref in additions
    ]
    parts = (len(stamped) + BATCH_SIZE - 1) // BATCH_SIZE
    saved = 0
    for part, start in enumerate(range(0, len(stamped), BATCH_SIZE), start=1):
        batch = stamped[start : start + BATCH_SIZE]
        label = f" (part {part} of {parts})" if parts > 1 else ""
        summary = f"Imported {len(batch)} referrals from {plan.path.name}{label}"
        try:
            desk.referrals.add_validated(batch, kind="referrals.imported", summary=summary)
        except UserError as error:
            raise ImportInterrupted(saved, len(stamped), error) from error
        saved += len(batch)
        if progress is not None:
            progress(saved, len(stamped))
    if progress is not None and not stamped:
        progress(0, 0)
    return ImportResult(final, tuple(r.id for r in stamped), rejects_path, parts)


# ---------------------------------------------------------------------------- checking


def _check(record: Record, parser: RowParser, desk: Desk) -> _Checked:
    columns = parser.columns
    parsed = parser(record.cells)
    problems = list(parsed.problems)
    if record.note:
        problems.insert(0, Problem(ROW, "", record.note))
    fields = parsed.fields
    referral = None
    if not problems or all(p.field != ROW for p in problems):
        try:
            referral = desk.referrals.draft(
                fields, reference=parsed.reference or _PLACEHOLDER_REFERENCE
            )
        except InvalidRecord as error:
            problems += [
                Problem(name, columns.headers.get(name, ""), why) for name, why in error.problems
            ]
    if problems:  # in the file's column order, whole-row problems first
        order = {name: index for index, name in enumerate(columns.positions)}
        problems.sort(key=lambda p: -1 if p.field == ROW else order.get(p.field, len(order)))
    return _Checked(
        record=record,
        organisation=_as_text(fields.get("organisation")),
        parent_body=_as_text(fields.get("parent_body")),
        reference=parsed.reference,
        referral=None if problems else referral,
        problems=tuple(problems),
    )


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _decide(
    checked: list[_Checked], desk: Desk
) -> tuple[list[RowOutcome], list[tuple[Referral, str]]]:
    """Each checked row's outcome against the desk as it is now, and what to add (each
    validated referral with the programme reference it gets)."""
    on_desk = desk.referrals.duplicate_index()
    highest = desk.referrals.highest_numbers()
    for year, number in _highest_numbers(c.reference for c in checked if c.reference).items():
        highest[year] = max(highest.get(year, 0), number)
    by_reference: dict[str, int] = {}
    by_name: dict[tuple[str, str], tuple[str, int]] = {}
    outcomes: list[RowOutcome] = []
    additions: list[tuple[Referral, str]] = []
    for item in checked:
        row = item.record.row
        where = f"{'item' if isinstance(item.record.raw, dict) else 'row'} {row}"
        shown = (row, where)
        names = (item.organisation, item.parent_body)
        referral = item.referral
        if referral is None:
            outcomes.append(RowOutcome(*shown, Outcome.REJECTED, *names, problems=item.problems))
            continue
        key = duplicate_key(referral.organisation, referral.parent_body)
        ref = item.reference
        match: tuple[str, str, int | None] | None = None
        if ref is not None and desk.referrals.exists(ref):
            match = (ref, "programme reference", None)
        elif ref is not None and ref in by_reference:
            match = (ref, "programme reference", by_reference[ref])
        elif key in on_desk:
            match = (on_desk[key], "organisation and parent body", None)
        elif key in by_name:
            earlier_id, earlier_row = by_name[key]
            match = (earlier_id, "organisation and parent body", earlier_row)
        if match is not None:
            of, on, earlier = match
            outcomes.append(RowOutcome(*shown, Outcome.DUPLICATE, *names, of, on, earlier))
            continue
        if ref is None:
            year = referral.received.year
            highest[year] = highest.get(year, 0) + 1
            ref = reference_for(year, highest[year])
        by_reference[ref] = row
        by_name[key] = (ref, row)
        additions.append((referral, ref))
        outcomes.append(RowOutcome(*shown, Outcome.ADDED, *names, reference=ref))
    return outcomes, additions


def _with_id(referral: Referral, ref: str) -> Referral:
    return referral if referral.id == ref else referral.model_copy(update={"id": ref})


def _highest_numbers(references: Iterable[str]) -> dict[int, int]:
    highest: dict[int, int] = {}
    for ref in references:
        match = REFERENCE.match(ref)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), number)
    return highest


def _notes_on(table: SourceTable) -> list[str]:
    notes = table.columns.notes()
    if table.skipped_above_header:
        notes.append(f"{table.skipped_above_header} line(s) above the header row were skipped")
    if table.records and "received" not in table.columns.positions:
        notes.append("no date-received column: rows are dated today, the day of the import")
    return notes
