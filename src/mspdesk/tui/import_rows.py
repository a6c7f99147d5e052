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
    Column("outcome", "Outcome", 9),
    Column("organisation", "Organisation", 28),
    Column("field", "Field", 16),
    Column("reason", "Reason", 30, flex=True),
]
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SHOWN_REFERENCES = 3
MATCHED_ON = {
    "programme reference": "Reference",
    "organisation and parent body": "Name + parent",
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
    """'12 rows: 8 to add, 3 duplicates, 1 rejected', coloured by outcome."""
    text = Text(f"{plan.total:,} rows")
    if plan.blank_rows:
        text.append(f" ({plan.blank_rows:,} blank, skipped)")
    text.append(": ")
    text.append(f"{len(plan.added):,} to add", style="bold green")
    text.append(", ")
    duplicates = len(plan.duplicates)
    text.append(f"{duplicates:,} duplicate{'s' if duplicates != 1 else ''}", style="bold yellow")
    text.append(" (left as they are), ")
    text.append(f"{len(plan.rejected):,} rejected", style="bold red")
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
    """One line per duplicate row and per problem of a rejected row, in file order."""
    rows: list[Row] = []
    for outcome in plan.rows:
        organisation = outcome.organisation or "(no organisation)"
        if outcome.outcome.value == "duplicate":
            field = MATCHED_ON.get(outcome.matched_on, outcome.matched_on)
            cells = (outcome.where, "duplicate", organisation, field, outcome.reason)
            rows.append(Row(f"{outcome.row}", cells, "muted"))
        elif outcome.outcome.value == "rejected":
            for number, problem in enumerate(outcome.problems):
                field = LABELS.get(problem.field, problem.field)
                cells = (outcome.where, "rejected", organisation, field, problem.reason)
                rows.append(Row(f"{outcome.row}.{number}", cells, "overdue"))
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
    duplicates = len(plan.duplicates)
    if duplicates:
        text.append(
            f"{duplicates:,} duplicate{'s' if duplicates != 1 else ''} left as "
            f"{'they were' if duplicates != 1 else 'it was'}: the records on the desk are "
            "unchanged.\n"
        )
    if result.rejects_path is not None:
        rejected = len(plan.rejected)
        text.append(f"{rejected:,} rejected row{'s' if rejected != 1 else ''}", style="red")
        text.append(" written, unchanged and with the reason, to:\n")
        text.append(printable(str(result.rejects_path)), style="bold")
        text.append("\nFix them there and import that file.")
    return text
