"""What the import dialog shows of a plan and a result, built as plain Text and table rows.

Everything that came from the file (names, headers, reasons quoting cells) is shown as
plain text: `Text(...)` and RecordTable cells are never read as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from mspdesk.tui.referral_fields import LABELS
from mspdesk.tui.widgets.record_table import Column, Row, printable

if TYPE_CHECKING:
    from mspdesk.transfer import ImportPlan, ImportResult

OUTCOME_COLUMNS = [
    Column("where", "Row", 9),
    Column("outcome", "Outcome", 18),
    Column("organisation", "Organisation", 28),
    Column("field", "Field", 16),
    Column("reason", "Reason", 30, flex=True),
]
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SHOWN_REFERENCES = 3
MATCHED_ON = {
    "programme reference": "Reference",
    "source reference": "Source ref",
    "organisation, parent body and values": "Same values",
}


def file_text(plan: ImportPlan) -> Text:
    """The file's name and what kind of file it was read as."""
    kind = [plan.format.upper(), plan.encoding]
    if plan.delimiter:
        kind.append(f"{SEPARATORS.get(plan.delimiter, repr(plan.delimiter))}-separated")
    text = Text()
    text.append(printable(plan.path.name), style="bold")
    text.append(f"  ({', '.join(kind)})", style="dim")
    return text


def counts_text(plan: ImportPlan) -> Text:
    """'7 rows: 3 to add, 2 possible duplicates (added and marked), 0 to update,
    1 unchanged, 1 rejected', coloured by outcome; the counts add up to the rows."""
    counts = {outcome.value: number for outcome, number in plan.counts.items()}
    text = Text(f"{plan.total:,} rows")
    if plan.blank_rows:
        text.append(f" ({plan.blank_rows:,} blank, skipped)")
    text.append(": ")
    text.append(f"{counts['added']:,} to add", style="bold green")
    text.append(", ")
    marked = counts["possible duplicate"]
    text.append(f"{marked:,} possible duplicate{'s' if marked != 1 else ''}", style="bold yellow")
    text.append(" (added and marked), ")
    text.append(f"{counts['updated']:,} to update", style="bold cyan")
    text.append(f", {counts['unchanged']:,} unchanged, ")
    text.append(f"{counts['rejected']:,} rejected", style="bold red")
    return text


def columns_text(plan: ImportPlan) -> Text:
    """Each referral field and the file's header it was read from."""
    text = Text()
    text.append("Columns: ", style="bold")
    for number, (field, header) in enumerate(plan.columns.items()):
        if number:
            text.append(" · ")
        text.append(LABELS.get(field, field))
        text.append(" ← ", style="dim")
        text.append(printable(header), style="italic")
    if not plan.columns:
        text.append("none matched")
    return text


def outcome_rows(plan: ImportPlan) -> list[Row]:
    """One line per row that is not simply added (updated, unchanged, possible duplicate) and
    per problem of a rejected row, in file order."""
    rows: list[Row] = []
    for outcome in plan.rows:
        organisation = outcome.organisation or "(no organisation)"
        kind = outcome.outcome.value
        if kind == "rejected":
            for number, problem in enumerate(outcome.problems):
                field = LABELS.get(problem.field, problem.field)
                cells = (outcome.where, "rejected", organisation, field, problem.reason)
                rows.append(Row(f"{outcome.row}.{number}", cells, "overdue"))
        elif kind != "added":
            field = MATCHED_ON.get(outcome.matched_on, outcome.matched_on or "Name + parent")
            cells = (outcome.where, kind, organisation, field, outcome.reason)
            rows.append(Row(f"{outcome.row}", cells, "muted"))
    return rows


def summary_text(result: ImportResult) -> Text:
    """What the import did, and where the rejected rows went."""
    plan = result.plan
    added = result.added_ids
    text = Text()
    text.append(f"Imported {printable(plan.path.name)}", style="bold")
    text.append(".\n\n")
    text.append(f"Added {len(added):,} referral{'s' if len(added) != 1 else ''}", style="green")
    if added:
        shown = ", ".join(added[:SHOWN_REFERENCES])
        more = len(added) - SHOWN_REFERENCES
        text.append(f": {shown}" + (f" and {more:,} more" if more > 0 else ""))
    text.append(".\n")
    marked = len([r for r in plan.rows if r.outcome.value == "possible duplicate"])
    if marked:
        text.append(
            f"{marked:,} of them marked possible duplicate{'s' if marked != 1 else ''}: "
            "review them in the duplicates queue.\n"
        )
    updated = len(result.updated_ids)
    if updated:
        text.append(f"Updated {updated:,} referral{'s' if updated != 1 else ''}.\n")
    unchanged = sum(n for outcome, n in plan.counts.items() if outcome.value == "unchanged")
    if unchanged:
        text.append(f"{unchanged:,} row{'s' if unchanged != 1 else ''} unchanged.\n")
    text.append("The import is one change: Ctrl+Z undoes all of it.\n")
    if result.rejects_path is not None:
        rejected = len(plan.rejected)
        text.append(f"{rejected:,} rejected row{'s' if rejected != 1 else ''}", style="red")
        text.append(" written, unchanged and with the reason, to:\n")
        text.append(printable(str(result.rejects_path)), style="bold")
        text.append("\nFix them there and import that file.")
    return text
