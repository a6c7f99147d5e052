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

The file is read as a stream, once: each row is checked and decided as it is read. A
plan keeps what to save (the referrals as the store will hold them) for `apply_import`
when asked to (the CLI, which applies at once) or when the file is small (up to
`KEEP_ROWS`); otherwise it keeps only what happened to each row and the apply reads the
file again, so a dry run's memory stays bounded.
Text is stored exactly as given: markup-like "[bold]" and terminal escape
sequences are data (the TUI and CLI show them as plain text).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from mspdesk.desk import Desk
from mspdesk.domain.errors import UserError
from mspdesk.domain.references import reference_number
from mspdesk.gc_paused import without_gc
from mspdesk.transfer.identity import Decider
from mspdesk.transfer.readers import SourceTable, read_table
from mspdesk.transfer.rejects import default_rejects_path, write_rejects
from mspdesk.transfer.rows import Outcome, RowOutcome, check
from mspdesk.transfer.values import RowParser

LISTED_ROWS = 10_000
"""A plan of a big file lists at most this many rows that are not simply added (a dry run of
half a million rows must not hold half a million outcomes); the rest are counted."""
KEEP_ROWS = 12_000
"""Up to this many rows a plan lists every row's outcome, and (unless told otherwise) keeps
what to save so the apply does not read the file again; above it, added rows are only
counted."""
PROGRESS_EVERY = 100

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all); from the thread doing the work."""


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
    highest: dict[int, int] = field(repr=False, default_factory=dict)
    """The highest programme reference of the desk's series the file itself gives, per year."""
    unlisted: int = 0
    """Big files: rows (not simply added) beyond `LISTED_ROWS`, counted but not in `rows`."""
    decided: tuple[Decider, int] | None = field(repr=False, default=None)
    """What to save, and the store's change number it was decided against (when the plan
    keeps it: see `plan_import`)."""

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
    path: Path,
    desk: Desk,
    *,
    progress: Progress | None = None,
    sheet: str | None = None,
    keep: bool | None = None,
) -> ImportPlan:
    """Read `path` (CSV, Excel or JSON) and check every row against the desk; saves nothing.

    `keep` says whether the plan keeps what to save, so `apply_import` need not read the
    file again: True whatever its size (the caller applies it at once, and the desk will
    hold those records then anyway); None (the TUI's preview, a dry run) up to `KEEP_ROWS`
    rows, then fingerprints only, so memory stays bounded however long the file; False
    never (a row changing an earlier row is then shown without its changes). Raises
    `UnreadableFile` (exit code 2) if the file cannot be read at all.
    """
    table = read_table(path, sheet=sheet)
    with without_gc():
        found = _decide_rows(table, desk, None, keep, progress)
    return ImportPlan(
        path=path,
        format=table.format,
        encoding=table.encoding_label,
        delimiter=table.delimiter if table.format == "csv" else None,
        columns=dict(table.columns.headers),
        notes=tuple(_notes_on(table, found.counted)),
        rows=tuple(found.rows),
        counts=dict(found.counts),
        blank_rows=table.blank_rows,
        default_rejects_path=default_rejects_path(table),
        sheet=sheet,
        table=table,
        highest=found.highest,
        unlisted=found.unlisted,
        decided=(found.decider, found.seq) if found.decider.keeping else None,
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
    if plan.decided is not None and plan.decided[1] == desk.core.store.seq:
        return _save(plan, plan.decided[0], desk, rejects, progress)  # the desk is as planned
    with without_gc():
        found = _decide_rows(plan.table, desk, plan.highest, True, _reading(progress, plan.total))
    final = replace(
        plan,
        rows=tuple(found.rows),
        counts=dict(found.counts),
        unlisted=found.unlisted,
        decided=None,
    )
    return _save(final, found.decider, desk, rejects, progress)


@dataclass
class _Decided:
    """Every row of a file decided: what the plan shows, and the decider holding the rest."""

    decider: Decider
    seq: int
    """The store's change number the rows were decided against."""
    highest: dict[int, int] = field(default_factory=dict)
    """The highest programme reference of the desk's series that the file gives, per year."""
    rows: list[RowOutcome] = field(default_factory=list)
    counts: Counter[Outcome] = field(
        default_factory=lambda: Counter({outcome: 0 for outcome in Outcome})
    )
    unlisted: int = 0
    counted: int = 0

    def add(self, outcome: RowOutcome) -> None:
        """Count the row; list it unless the file is big and it is simply added."""
        self.counts[outcome.outcome] += 1
        self.counted += 1
        if self.counted <= KEEP_ROWS:
            self.rows.append(outcome)
            return
        if self.counted == KEEP_ROWS + 1:  # too long to list every row: keep the others
            others = [row for row in self.rows if row.outcome is not Outcome.ADDED]
            self.rows = others[:LISTED_ROWS]
            self.unlisted = len(others) - len(self.rows)
        if outcome.outcome is Outcome.ADDED:
            return
        if len(self.rows) < LISTED_ROWS:
            self.rows.append(outcome)
        else:
            self.unlisted += 1


def _decide_rows(
    table: SourceTable,
    desk: Desk,
    highest: dict[int, int] | None,
    keep: bool | None,
    progress: Progress | None,
) -> _Decided:
    """Check and decide every row, reading the file once. New rows are numbered after the
    desk's highest reference; in the rare file that gives a higher one of the desk's own
    series in a year where rows were numbered, it is read again with that known (so no
    reference is given twice). `highest` given: the file's, known from its plan."""
    found = _read_and_decide(table, desk, highest or {}, keep, progress)
    if highest is None and any(
        found.highest.get(year, 0) > found.decider.desk_highest.get(year, 0)
        for year in found.decider.numbered_years
    ):
        known = found.highest
        del found  # what the first reading kept
        found = _read_and_decide(table, desk, known, keep, progress)
    if progress is not None:
        progress(found.counted, found.counted)
    return found


def _read_and_decide(
    table: SourceTable,
    desk: Desk,
    highest: dict[int, int],
    keep: bool | None,
    progress: Progress | None,
) -> _Decided:
    decider = Decider(desk, highest, keep_values=keep is not False)
    found = _Decided(decider, desk.core.store.seq)
    parser = RowParser(table.columns)
    code = desk.identity.code()
    for record in table.rows():
        item = check(record, parser, desk)
        if item.reference:
            _note_highest(found.highest, item.reference, code)
        outcome = decider.decide(item)
        found.add(outcome)
        if decider.keeping:
            if outcome.outcome is Outcome.REJECTED:
                decider.rejected.append((record, outcome.reason))
            if keep is None and found.counted > KEEP_ROWS:
                decider.stop_keeping()  # the apply reads the file again
        if progress is not None and found.counted % PROGRESS_EVERY == 0:
            progress(found.counted, 0)
    return found


def _reading(progress: Progress | None, total: int) -> Progress | None:
    """Progress while the apply reads a file again: rows done of the rows planned."""
    if progress is None:
        return None

    def report(done: int, _: int) -> None:
        if done < total:  # all read: the saving's own progress follows
            progress(done, total)

    return report


def _save(
    plan: ImportPlan,
    decider: Decider,
    desk: Desk,
    rejects: Path | None,
    progress: Progress | None,
) -> ImportResult:
    """Write the rejects file, then the additions and updates as one change."""
    decider.forget_rows()  # memory for the save (and the checkpoint after it)
    rejects_path = None
    if decider.rejected:
        rejects_path = write_rejects(
            plan.table, decider.rejected, rejects or plan.default_rejects_path
        )
    additions = decider.additions()
    updates = decider.updates()
    added_ids = tuple(values["id"] for values in additions)
    updated_ids = tuple(referral_id for referral_id, _ in updates)
    total = len(additions) + len(updates)
    if progress is not None:
        progress(0, total)
    batches = 0
    if total:
        summary = f"Imported {plan.path.name}: {len(additions):,} added, {len(updates):,} updated"
        try:
            with without_gc():
                desk.referrals.save_import(additions, updates, summary)
        except UserError as error:
            raise ImportInterrupted(total, error) from error
        batches = 1
        # Saved: the rows kept to save are the store's now (or garbage, if it keeps its own
        # copies); nothing here holds them while the desk writes its snapshot and closes.
        additions.clear()
        decider.forget()
        # The new records live as long as the desk and hold no cycles: later collections
        # need not walk them (as the store does after loading a table).
        gc.freeze()
    if progress is not None:
        progress(total, total)
    return ImportResult(replace(plan, decided=None), added_ids, updated_ids, rejects_path, batches)


def _note_highest(highest: dict[int, int], ref: str, code: str | None) -> None:
    """Count a reference the file carries if it is in this desk's own series."""
    found = reference_number(ref, code)
    if found:
        year, number = found
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
