"""Cases and notes as CSV (one row each) and as JSON.

CSV files are UTF-8 with a byte-order mark and CRLF line ends, which Excel opens without
mangling "£" or accents. A text cell that starts with = + - @ (or a tab or CR) is prefixed
with an apostrophe, so a spreadsheet shows it instead of running it as a formula.

The case JSON is the round-trip format: `mspdesk import case FILE` adds what it holds to
another desk (see transfer/case_import.py). It carries each record exactly as stored.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson

from mspdesk.desk import CaseRecords
from mspdesk.domain.attachment import Attachment
from mspdesk.domain.case import Case
from mspdesk.domain.milestone import MilestoneStatus, days_late
from mspdesk.domain.note import Note

CASE_FORMAT = "mspdesk-case"
CASES_FORMAT = "mspdesk-cases"
NOTES_FORMAT = "mspdesk-notes"
FORMAT_VERSION = 1
"""Bumped when the JSON shape changes; an importer refuses versions newer than it knows."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CASE_COLUMNS = (
    "id", "referral_id", "organisation", "parent_body", "parent_body_kind", "route",
    "proposed_model", "pathway", "stage", "status", "adviser", "opened_on", "start_on",
    "ended_on", "outcome", "contract_value", "procurement_on", "light_touch",
    "milestones", "milestones_done", "milestones_skipped", "milestones_open",
    "milestones_overdue", "next_milestone", "next_milestone_title", "next_due",
    "authority_roles", "conflicts_open", "days_allocated", "days_spent",
    "amount_allocated", "amount_spent", "eoi_state",
)  # fmt: skip
_CASE_FIELDS: set[str] = {
    "id", "referral_id", "organisation", "parent_body", "pathway", "adviser", "opened_on",
    "start_on", "ended_on", "outcome", "contract_value", "procurement_on", "light_touch",
}  # fmt: skip
NOTE_COLUMNS = (
    "id", "subject", "subject_title", "on", "kind", "adviser", "tags", "body",
    "created_at", "updated_at",
)  # fmt: skip


# ---------------------------------------------------------------------------- CSV


def csv_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """A CSV document: header then rows (missing values empty), UTF-8 with BOM, CRLF."""
    return csv_document([columns, *([row.get(name) for name in columns] for row in rows)])


def csv_document(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as CSV, UTF-8 with a byte-order mark (so Excel shows "£") and CRLF line ends:
    the one CSV writer of every CSV export. Each value goes through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def csv_cell(value: Any) -> str:
    """One value as CSV text: none empty, yes/no, ISO dates, plain numbers; text that a
    spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading apostrophe,
    unless it is a plain number such as "-5"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("inf", "nan", "infinity")


def case_row(case: Case, today: date) -> dict[str, Any]:
    """One case as a flat CSV row."""
    ordered = case.ordered_milestones
    open_ = [m for m in ordered if m.status is MilestoneStatus.OPEN]
    dated = sorted((m for m in open_ if m.due is not None), key=lambda m: m.due or today)
    following = dated[0] if dated else None
    return {
        **case.model_dump(include=_CASE_FIELDS),
        "parent_body_kind": case.parent_body_kind.value,
        "route": case.route.value,
        "proposed_model": case.proposed_model.value,
        "stage": case.stage.value,
        "status": case.status.value,
        "milestones": len(ordered),
        "milestones_done": sum(m.status is MilestoneStatus.DONE for m in ordered),
        "milestones_skipped": sum(m.status is MilestoneStatus.SKIPPED for m in ordered),
        "milestones_open": len(open_),
        "milestones_overdue": sum(days_late(m, today) > 0 for m in open_),
        "next_milestone": following.code if following else "",
        "next_milestone_title": following.title if following else "",
        "next_due": following.due if following else None,
        "authority_roles": ";".join(role.value for role in case.authority_roles),
        "conflicts_open": sum(entry.open for entry in case.conflicts),
        **case.budget.model_dump(),
        "eoi_state": case.challenge.eoi.state.value if case.challenge else "",
    }


def cases_csv(cases: Iterable[Case], today: date) -> bytes:
    """Cases as CSV, one row each."""
    return csv_bytes(CASE_COLUMNS, (case_row(case, today) for case in cases))


def note_row(note: Note, subject_title: str) -> dict[str, Any]:
    """One note as a flat CSV row (tags joined with "; ")."""
    return {
        **note.model_dump(include={"id", "subject", "on", "adviser", "body"}),
        "kind": note.kind.value,
        "tags": "; ".join(note.tags),
        "subject_title": subject_title,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def notes_csv(notes: Iterable[Note], titles: Mapping[str, str]) -> bytes:
    """Notes as CSV, one row each; `titles` names each subject (its organisation)."""
    rows = (note_row(note, titles.get(note.subject, "")) for note in notes)
    return csv_bytes(NOTE_COLUMNS, rows)


# ---------------------------------------------------------------------------- JSON


def json_bytes(document: Any) -> bytes:
    """Indented UTF-8 JSON ending in a newline."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _header(kind: str, exported_at: datetime, exported_by: str) -> dict[str, Any]:
    return {
        "format": kind,
        "version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(timespec="milliseconds"),
        "exported_by": exported_by,
    }


FileReader = Callable[[Attachment], bytes]
"""Reads an attached file's bytes (Desk.attachments.read)."""


def records_document(records: CaseRecords, read: FileReader | None = None) -> dict[str, Any]:
    """One case's records exactly as stored (JSON-shaped); with `read`, its attached files
    too, each with its bytes in base64 (`content_base64`)."""
    document = {
        "case": records.case.model_dump(mode="json"),
        "referral": records.referral.model_dump(mode="json"),
        "decisions": [d.model_dump(mode="json") for d in records.decisions],
        "notes": [n.model_dump(mode="json") for n in records.notes],
    }
    if read is not None and records.attachments:
        document["attachments"] = [
            {**a.model_dump(mode="json"), "content_base64": base64.b64encode(read(a)).decode()}
            for a in records.attachments
        ]
    return document


def case_json(
    records: CaseRecords,
    exported_at: datetime,
    exported_by: str,
    read: FileReader | None = None,
) -> bytes:
    """One case with its referral, decisions, notes and files: what `import case` reads
    back."""
    header = _header(CASE_FORMAT, exported_at, exported_by)
    return json_bytes({**header, **records_document(records, read)})


def cases_json(
    records: Iterable[CaseRecords],
    exported_at: datetime,
    exported_by: str,
    read: FileReader | None = None,
) -> bytes:
    """Several cases in one file; `import case` reads these back too."""
    header = _header(CASES_FORMAT, exported_at, exported_by)
    return json_bytes({**header, "cases": [records_document(r, read) for r in records]})


def notes_json(
    notes: Iterable[Note],
    titles: Mapping[str, str],
    exported_at: datetime,
    exported_by: str,
    since: date | None = None,
) -> bytes:
    """Notes as stored, with the organisation of each subject they are on."""
    found = list(notes)
    subjects = {note.subject: titles.get(note.subject, "") for note in found}
    return json_bytes(
        {
            **_header(NOTES_FORMAT, exported_at, exported_by),
            "since": since.isoformat() if since else None,
            "subjects": subjects,
            "notes": [note.model_dump(mode="json") for note in found],
        }
    )
