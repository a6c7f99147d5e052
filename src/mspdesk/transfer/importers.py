"""Importing referrals from a CSV, Excel or JSON file, in two steps.

`plan_import` reads and checks the file against the desk and saves nothing (the
TUI preview and `--dry-run` show it); `apply_import` saves it as ONE change (one
step in the history, one undo) and writes the rejects file. A row is matched with
the desk by these rules, in order:

1. same source and source reference (the Information Service's own reference, such
   as MIS-2013-0006) as a referral on the desk, or an earlier row of the file: it is
   that referral. Fields the row gives that differ are an **update** (old -> new);
   a row that changes nothing is **unchanged**. Never a second record;
2. same programme reference (R-2013-0042): that referral, the same way;
3. otherwise the row is **added** (keeping its programme reference, or getting the
   next one for the year it was received); if another referral has the same
   organisation and parent body (ignoring case, spacing and punctuation) it is
   added and marked a **possible duplicate** of it, for an adviser to review.

A row that cannot be read is **rejected** with every problem (field and reason)
and copied verbatim to a rejects file. Every row ends in exactly one of the five;
the counts add up to the rows read.

The file is read as a stream. A plan of a small file keeps its checked rows for
`apply_import`; a big one (over `KEEP_ROWS`) keeps only what happened to each row
and the apply reads the file again, so a dry run's memory stays bounded.
Text is stored exactly as given: markup-like "[bold]" and terminal escape
sequences are data (the TUI and CLI show them as plain text).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson

from mspdesk.desk import Desk
from mspdesk.desk.referrals import duplicate_key, source_key
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.referral import REFERENCE, Referral, reference_for
from mspdesk.transfer.readers import Record, SourceTable, read_table
from mspdesk.transfer.rejects import default_rejects_path, write_rejects
from mspdesk.transfer.values import ROW, Problem, RowParser

KEEP_ROWS = 20_000
"""Up to this many rows a plan keeps its checked rows (the apply does not read the file
again) and an outcome for every added row; above it, only counts for added rows."""
PROGRESS_EVERY = 100
_PLACEHOLDER_REFERENCE = "R-0000-0000"
_UNTRIAGED = frozenset({"new", "awaiting"})
_NEVER_UPDATED = frozenset({"id", "created_at", "updated_at", "case_id"})

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all); from the thread doing the work."""


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    POSSIBLE_DUPLICATE = "possible duplicate"
    REJECTED = "rejected"


FieldChange = tuple[str, Any, Any]
"""(field, old value, new value); contact fields dotted (contact.email)."""


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class _Checked:
    """One row parsed and validated, before it is compared with the desk."""

    record: Record
    organisation: str
    parent_body: str
    reference: str | None
    source_ref: str
    referral: Referral | None
    given: tuple[str, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ImportPlan:
    """What importing a file would do. Nothing is saved until `apply_import`."""

    path: Path
    format: str
    """"csv", "xlsx" or "json"."""
    encoding: str
    """As a person names it: "UTF-8", "UTF-8 with BOM", "Windows-1252", "sheet 'Sheet1'"."""
    delimiter: str | None
    columns: dict[str, str]
    """Referral field -> the file's header for it."""
    notes: tuple[str, ...]
    """Things about the file worth knowing (columns kept as source fields, rows above the
    header)."""
    rows: tuple[RowOutcome, ...]
    """Every row's outcome, in file order; for a file over `KEEP_ROWS` rows, added rows
    are counted in `counts` but left out here."""
    counts: dict[Outcome, int]
    blank_rows: int
    """Empty rows, skipped and not counted as rows."""
    default_rejects_path: Path
    sheet: str | None = None
    table: SourceTable = field(repr=False, default=None)  # type: ignore[assignment]
    checked: tuple[_Checked, ...] | None = field(repr=False, default=None)
    """The checked rows, when the file is small enough to keep them."""
    highest: dict[int, int] = field(repr=False, default_factory=dict)
    """The highest programme reference the file itself gives, per year."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _of(self, outcome: Outcome) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome is outcome]

    @property
    def added(self) -> list[RowOutcome]:
        return self._of(Outcome.ADDED)

    @property
    def updated(self) -> list[RowOutcome]:
        return self._of(Outcome.UPDATED)

    @property
    def unchanged(self) -> list[RowOutcome]:
        return self._of(Outcome.UNCHANGED)

    @property
    def possible_duplicates(self) -> list[RowOutcome]:
        return self._of(Outcome.POSSIBLE_DUPLICATE)

    @property
    def rejected(self) -> list[RowOutcome]:
        return self._of(Outcome.REJECTED)

    @property
    def to_save(self) -> int:
        """Rows that add or change a referral."""
        return sum(
            self.counts[o] for o in (Outcome.ADDED, Outcome.UPDATED, Outcome.POSSIBLE_DUPLICATE)
        )

    def summary(self, *, dry_run: bool = False) -> str:
        """'12 rows read = 5 added + 1 updated + 3 unchanged + 2 possible duplicates (added
        and marked) + 1 rejected': every row accounted for."""
        counts = self.counts
        added = "would be added" if dry_run else "added"
        parts = [
            f"{counts[Outcome.ADDED]:,} {added}",
            f"{counts[Outcome.UPDATED]:,} updated",
            f"{counts[Outcome.UNCHANGED]:,} unchanged",
            f"{counts[Outcome.POSSIBLE_DUPLICATE]:,} possible duplicate"
            f"{'s' if counts[Outcome.POSSIBLE_DUPLICATE] != 1 else ''} ({added} and marked)",
            f"{counts[Outcome.REJECTED]:,} rejected",
        ]
        blank = f" ({self.blank_rows:,} blank skipped)" if self.blank_rows else ""
        return f"{self.total:,} rows read{blank} = " + " + ".join(parts)


@dataclass(frozen=True)
class ImportResult:
    """What `apply_import` did."""

    plan: ImportPlan
    """The plan as applied: re-checked against the desk just before saving."""
    added_ids: tuple[str, ...]
    """Referrals added, possible duplicates included, in file order."""
    updated_ids: tuple[str, ...]
    rejects_path: Path | None
    """Where the rejected rows were written (None when there were none)."""
    batches: int
    """Journal events written: 1 when anything was saved, else 0."""


class ImportInterrupted(UserError):
    """Saving failed (e.g. the disk filled); the import is one change, so nothing of it
    was saved."""

    def __init__(self, total: int, cause: UserError) -> None:
        self.saved = 0
        self.total = total
        super().__init__(
            f"the import was not saved: {cause}; nothing of it is on the desk "
            "(it is saved as one change), so importing the same file again does it all"
        )


def plan_import(
    path: Path, desk: Desk, *, progress: Progress | None = None, sheet: str | None = None
) -> ImportPlan:
    """Read `path` (CSV, Excel or JSON) and check every row against the desk; saves nothing.

    Raises `UnreadableFile` (exit code 2) if the file cannot be read at all.
    """
    table = read_table(path, sheet=sheet)
    parser = RowParser(table.columns)
    kept: list[_Checked] | None = []
    highest: dict[int, int] = {}
    done = 0
    for record in table.rows():
        item = _check(record, parser, desk)
        if item.reference:
            _note_highest(highest, item.reference)
        if kept is not None:
            kept.append(item)
            if len(kept) > KEEP_ROWS:
                kept = None
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, 0)
    if progress is not None:
        progress(done, done)
    checked = tuple(kept) if kept is not None else None
    items: Iterable[_Checked] = checked if checked is not None else _read_checked(table, desk)
    decider = _Decider(desk, highest, keep_values=False)
    rows = []
    counts: Counter[Outcome] = Counter({outcome: 0 for outcome in Outcome})
    for item in items:
        outcome = decider.decide(item)
        counts[outcome.outcome] += 1
        if checked is not None or outcome.outcome is not Outcome.ADDED:
            rows.append(outcome)
    return ImportPlan(
        path=path,
        format=table.format,
        encoding=table.encoding_label,
        delimiter=table.delimiter if table.format == "csv" else None,
        columns=dict(table.columns.headers),
        notes=tuple(_notes_on(table, done)),
        rows=tuple(rows),
        counts=dict(counts),
        blank_rows=table.blank_rows,
        default_rejects_path=default_rejects_path(table),
        sheet=sheet,
        table=table,
        checked=checked,
        highest=highest,
    )


def apply_import(
    plan: ImportPlan,
    desk: Desk,
    *,
    rejects: Path | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Re-check the plan against the desk as it is now, write the rejects file (if any row
    is rejected), then save every addition and update as ONE journal event. Raises
    `RejectsNotWritten` or `ImportInterrupted`; either way nothing is saved."""
    items: Iterable[_Checked] = (
        plan.checked if plan.checked is not None else _read_checked(plan.table, desk)
    )
    decider = _Decider(desk, plan.highest, keep_values=True)
    rows: list[RowOutcome] = []
    rejected: list[tuple[Record, str]] = []
    counts: Counter[Outcome] = Counter({outcome: 0 for outcome in Outcome})
    for item in items:
        outcome = decider.decide(item)
        counts[outcome.outcome] += 1
        if plan.checked is not None or outcome.outcome is not Outcome.ADDED:
            rows.append(outcome)
        if outcome.outcome is Outcome.REJECTED:
            rejected.append((item.record, outcome.reason))
    final = ImportPlan(
        path=plan.path,
        format=plan.format,
        encoding=plan.encoding,
        delimiter=plan.delimiter,
        columns=plan.columns,
        notes=plan.notes,
        rows=tuple(rows),
        counts=dict(counts),
        blank_rows=plan.blank_rows,
        default_rejects_path=plan.default_rejects_path,
        sheet=plan.sheet,
        table=plan.table,
        checked=plan.checked,
        highest=plan.highest,
    )
    rejects_path = None
    if rejected:
        rejects_path = write_rejects(plan.table, rejected, rejects or plan.default_rejects_path)
    additions = decider.additions()
    updates = decider.updates()
    total = len(additions) + len(updates)
    if progress is not None:
        progress(0, total)
    batches = 0
    if total:
        summary = f"Imported {plan.path.name}: {len(additions):,} added, {len(updates):,} updated"
        try:
            desk.referrals.save_import(additions, updates, summary)
        except UserError as error:
            raise ImportInterrupted(total, error) from error
        batches = 1
    if progress is not None:
        progress(total, total)
    return ImportResult(
        final,
        tuple(r.id for r in additions),
        tuple(referral_id for referral_id, _ in updates),
        rejects_path,
        batches,
    )


# ---------------------------------------------------------------------------- checking


def _read_checked(table: SourceTable, desk: Desk) -> Iterator[_Checked]:
    parser = RowParser(table.columns)
    for record in table.rows():
        yield _check(record, parser, desk)


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
            referral = desk.referrals.draft(fields, reference=_PLACEHOLDER_REFERENCE)
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
    return _Checked(
        record=record,
        organisation=_as_text(fields.get("organisation")) or _cell(record, columns, "organisation"),
        parent_body=_as_text(fields.get("parent_body")) or _cell(record, columns, "parent_body"),
        reference=parsed.reference,
        source_ref=_as_text(fields.get("source_ref")).strip(),
        referral=None if problems else referral,
        given=parsed.given,
        problems=tuple(problems),
    )


def _cell(record: Record, columns: Any, name: str) -> str:
    """The cell as written, for naming a rejected row whose value could not be read."""
    index = columns.positions.get(name)
    if index is None or index >= len(record.cells) or record.cells[index] is None:
        return ""
    return str(record.cells[index]).strip()


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


class _Decider:
    """Applies the identity rules to checked rows one at a time, against the desk as it is
    and the rows of the file before. With `keep_values` it keeps what to save (apply);
    without, only a fingerprint of each added row (a dry run of any size)."""

    def __init__(self, desk: Desk, highest_in_file: dict[int, int], *, keep_values: bool) -> None:
        self._desk = desk
        self._keep = keep_values
        self._by_source = desk.referrals.source_index()
        self._by_name, self._also_named = desk.referrals.duplicate_index(groups=True)
        self._highest = desk.referrals.highest_numbers()
        for year, number in highest_in_file.items():
            self._highest[year] = max(self._highest.get(year, 0), number)
        self._new: dict[str, Referral] = {}
        """apply: each added referral, by reference, in file order."""
        self._fingerprints: dict[str, int] = {}
        """dry run: a fingerprint of each added row's values, by reference."""
        self._row_of: dict[str, int] = {}
        self._changes: dict[str, dict[str, Any]] = {}
        """Referrals on the desk that rows change: field -> new value."""
        self._moment = desk.core.now()

    def additions(self) -> list[Referral]:
        return list(self._new.values())

    def updates(self) -> list[tuple[str, dict[str, Any]]]:
        return list(self._changes.items())

    def decide(self, item: _Checked) -> RowOutcome:
        record = item.record
        where = f"{'item' if isinstance(record.raw, dict) else 'row'} {record.row}"
        shown = (record.row, where)
        names = (item.organisation, item.parent_body)
        referral = item.referral
        if referral is None:
            return RowOutcome(
                *shown, Outcome.REJECTED, *names, problems=item.problems, source_ref=item.source_ref
            )
        skey = source_key(referral.source, item.source_ref) if item.source_ref else None
        target = self._by_source.get(skey) if skey else None
        matched_on = "source reference"
        ref = item.reference
        if target is None and ref is not None and (ref in self._known() or self._on_desk(ref)):
            target, matched_on = ref, "programme reference"
        if target is not None:
            if skey and skey not in self._by_source:
                self._by_source[skey] = target
            return self._same(item, target, matched_on, shown, names)
        key = duplicate_key(referral.organisation, referral.parent_body)
        looks_like = self._by_name.get(key)
        if looks_like and ref is None and not item.source_ref:
            # No reference to go by: a row identical to a referral with its names is that
            # referral (importing a file again must not add its rows again).
            for candidate in (looks_like, *self._also_named.get(key, ())):
                if self._identical(item, candidate):
                    earlier = self._row_of.get(candidate)
                    return RowOutcome(
                        *shown,
                        Outcome.UNCHANGED,
                        *names,
                        reference=candidate,
                        matched_on="organisation, parent body and values",
                        earlier_row=earlier,
                    )
        if ref is None:
            year = referral.received.year
            self._highest[year] = self._highest.get(year, 0) + 1
            ref = reference_for(year, self._highest[year])
        self._row_of[ref] = record.row
        if looks_like is None:
            self._by_name[key] = ref
        else:
            self._also_named.setdefault(key, []).append(ref)
        if skey:
            self._by_source[skey] = ref
        if self._keep:
            self._new[ref] = referral.model_copy(
                update={
                    "id": ref,
                    "possible_duplicate_of": looks_like,
                    "created_at": self._moment,
                    "updated_at": self._moment,
                }
            )
        else:
            self._fingerprints[ref] = _fingerprint(referral, item.given)
        outcome = Outcome.POSSIBLE_DUPLICATE if looks_like else Outcome.ADDED
        return RowOutcome(
            *shown,
            outcome,
            *names,
            reference=ref,
            duplicate_of=looks_like,
            earlier_row=self._row_of.get(looks_like) if looks_like else None,
            source_ref=item.source_ref,
        )

    def _identical(self, item: _Checked, target: str) -> bool:
        assert item.referral is not None
        if target in self._fingerprints:
            return self._fingerprints[target] == _fingerprint(item.referral, item.given)
        if target in self._new:
            current = self._new[target].model_dump(mode="json")
        else:
            current = self._desk.referrals.get(target).model_dump(mode="json")
            current.update(self._changes.get(target, {}))
        return not _changes(current, item.referral, item.given)[1]

    def _known(self) -> dict[str, Any]:
        return self._new if self._keep else self._fingerprints

    def _on_desk(self, ref: str) -> bool:
        return self._desk.referrals.exists(ref)

    def _same(
        self,
        item: _Checked,
        target: str,
        matched_on: str,
        shown: tuple[int, str],
        names: tuple[str, str],
    ) -> RowOutcome:
        assert item.referral is not None
        earlier = self._row_of.get(target)
        common = {"reference": target, "matched_on": matched_on, "earlier_row": earlier}
        if target in self._fingerprints:  # an earlier row of the file, in a dry run
            fingerprint = _fingerprint(item.referral, item.given)
            if fingerprint == self._fingerprints[target]:
                return RowOutcome(*shown, Outcome.UNCHANGED, *names, **common)
            self._fingerprints[target] = fingerprint
            return RowOutcome(*shown, Outcome.UPDATED, *names, **common)
        if target in self._new:  # an earlier row of the file: change what will be added
            current = self._new[target].model_dump(mode="json")
            new_values, shown_changes = _changes(current, item.referral, item.given)
            if not shown_changes:
                return RowOutcome(*shown, Outcome.UNCHANGED, *names, **common)
            self._new[target] = Referral.model_validate({**current, **new_values})
            return RowOutcome(*shown, Outcome.UPDATED, *names, changes=shown_changes, **common)
        current = {**self._desk.referrals.get(target).model_dump(mode="json")}
        pending = self._changes.get(target, {})
        current.update(pending)
        new_values, shown_changes = _changes(current, item.referral, item.given)
        if not shown_changes:
            return RowOutcome(*shown, Outcome.UNCHANGED, *names, **common)
        self._changes[target] = {**pending, **new_values}
        return RowOutcome(*shown, Outcome.UPDATED, *names, changes=shown_changes, **common)


def _changes(
    current: dict[str, Any], incoming: Referral, given: tuple[str, ...]
) -> tuple[dict[str, Any], tuple[FieldChange, ...]]:
    """What a row changes on a referral: only the fields the row gives a value for
    (a blank cell never clears a field), the new values to save and the changes to show."""
    new = incoming.model_dump(mode="json")
    values: dict[str, Any] = {}
    shown: list[FieldChange] = []
    contact: dict[str, Any] = {}
    for name in given:
        if name in _NEVER_UPDATED:
            continue
        if name.startswith("contact."):
            part = name[len("contact.") :]
            old = (current.get("contact") or {}).get(part, "")
            if old != new["contact"][part]:
                contact[part] = new["contact"][part]
                shown.append((name, old, new["contact"][part]))
        elif name == "source_fields":
            before = current.get("source_fields") or {}
            after = {**before, **new["source_fields"]}
            if after != before:
                values[name] = after
                shown += [
                    (f"source field {header!r}", before.get(header), value)
                    for header, value in new["source_fields"].items()
                    if before.get(header) != value
                ]
        elif name == "status" and current.get("status") not in _UNTRIAGED:
            continue  # triage has decided it; an export's "new" does not undo that
        elif current.get(name) != new[name]:
            values[name] = new[name]
            shown.append((name, current.get(name), new[name]))
    if contact:
        values["contact"] = {**(current.get("contact") or {}), **contact}
    return values, tuple(shown)


def _fingerprint(referral: Referral, given: tuple[str, ...]) -> int:
    dumped = referral.model_dump(mode="json")
    values = [
        dumped["contact"][name[len("contact.") :]] if name.startswith("contact.") else dumped[name]
        for name in given
        if name not in _NEVER_UPDATED
    ]
    return hash(orjson.dumps([list(given), values], option=orjson.OPT_NON_STR_KEYS))


def _note_highest(highest: dict[int, int], ref: str) -> None:
    match = REFERENCE.match(ref)
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        highest[year] = max(highest.get(year, 0), number)


def _notes_on(table: SourceTable, rows: int) -> list[str]:
    notes = table.columns.notes()
    if table.skipped_above_header:
        notes.append(f"{table.skipped_above_header} line(s) above the header row were skipped")
    if rows and "received" not in table.columns.positions:
        notes.append("no date-received column: rows are dated today, the day of the import")
    return notes


__all__ = [
    "ImportInterrupted",
    "ImportPlan",
    "ImportResult",
    "Outcome",
    "Progress",
    "RowOutcome",
    "apply_import",
    "plan_import",
]
