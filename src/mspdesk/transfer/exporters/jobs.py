"""The exports the CLI and the TUI offer: one case, notes since a date, the evidence, or all.

Each reads the desk, builds the file in memory and writes it with `write_export` (never
over an existing file unless forced; atomically; 0600), and returns the path written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mspdesk.desk import Desk, exportable_note
from mspdesk.desk.notes import TABLE as NOTES_TABLE
from mspdesk.domain.case import Case
from mspdesk.domain.errors import UserError
from mspdesk.domain.note import Note
from mspdesk.transfer.document_settings import DocumentSettings, document_settings
from mspdesk.transfer.exporters.casefile import CaseFile, case_file
from mspdesk.transfer.exporters.evidence import (
    evidence_csv,
    evidence_json,
    evidence_table,
    gather_evidence,
)
from mspdesk.transfer.exporters.ics import calendar_items, milestones_ics
from mspdesk.transfer.exporters.markdown import case_markdown
from mspdesk.transfer.exporters.output import (
    ExportExists,
    check_target,
    private_folder,
    remove_leftovers,
    write_export,
)
from mspdesk.transfer.exporters.tables import (
    case_json,
    cases_csv,
    cases_json,
    notes_csv,
    notes_json,
)

CASE_FORMATS = ("md", "docx", "json", "csv", "ics", "xlsx")
NOTES_FORMATS = ("csv", "json", "xlsx")
EVIDENCE_FORMATS = ("csv", "json", "xlsx")
FORMAT_NAMES = {
    "md": "Markdown",
    "docx": "Word",
    "json": "JSON",
    "csv": "CSV",
    "ics": "calendar",
    "xlsx": "Excel",
}

Progress = Callable[[int, int, str], None]
"""Called with (steps done, steps in all, what was just done); from the working thread."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    paths: tuple[Path, ...]
    summary: str


def case_bytes(
    desk: Desk,
    case_id: str,
    fmt: str,
    cf: CaseFile | None = None,
    settings: DocumentSettings | None = None,
) -> bytes:
    """One case in format `fmt` (md, docx, json, csv or ics); `settings` default to
    `document_settings()`."""
    _check_format(fmt, CASE_FORMATS, "case")
    file = cf or case_file(desk, case_id)
    chosen = settings or document_settings()
    if fmt == "md":
        return case_markdown(file).encode("utf-8")
    if fmt == "docx":
        from mspdesk.transfer.exporters.docx_file import case_docx

        return case_docx(file, chosen)
    if fmt == "json":
        return case_json(file.records, file.exported_at, file.exported_by, desk.attachments.read)
    case = file.records.case
    if fmt == "csv":
        return cases_csv([case], file.today)
    if fmt == "xlsx":
        from mspdesk.transfer.exporters.workbooks import case_xlsx

        return case_xlsx(file.records, file.today)
    name = f"mspdesk {case.id} {case.organisation}"
    return calendar_bytes(desk, [case], name, chosen)


def calendar_bytes(desk: Desk, cases: list[Case], name: str, settings: DocumentSettings) -> bytes:
    """The calendar `name` of every dated milestone of `cases` (those no longer open, or on
    ended cases, cancelled), with this desk's UIDs and the reminder from `settings`."""
    revisions = {case.id: desk.milestone_revisions(case.id) for case in cases}
    items = calendar_items(cases, revisions)
    return milestones_ics(items, desk.core.now(), name, desk.desk_id(), settings.reminder_days)


def export_case(desk: Desk, case_id: str, fmt: str, path: Path, *, force: bool = False) -> Path:
    """Write one case in format `fmt` to `path`; returns the path written."""
    _check_format(fmt, CASE_FORMATS, "case")
    home = desk.directory
    check_target(path, force=force, data_dir=home)  # before the work: a refusal is quick
    return write_export(path, case_bytes(desk, case_id, fmt), force=force, data_dir=home)


def live_notes(desk: Desk, since: date | None = None) -> list[Note]:
    """Live notes on any referral or case, on or after `since`, in date order."""
    day = since.isoformat() if since else ""
    rows = list(desk.core.store.table(NOTES_TABLE).values())
    found = [
        exportable_note(Note.model_validate(row))  # private passages left out
        for row in rows
        if not row.get("deleted") and str(row.get("on", "")) >= day
    ]
    found.sort(key=lambda note: (note.on, note.id))
    return found


def subject_titles(desk: Desk) -> dict[str, str]:
    """Referral and case ids -> their organisation."""
    titles = {str(r["id"]): str(r.get("organisation", "")) for r in desk.referrals.rows()}
    titles.update({str(r["id"]): str(r.get("organisation", "")) for r in desk.cases.rows()})
    return titles


def notes_bytes(desk: Desk, fmt: str, since: date | None = None) -> bytes:
    """Live notes (on or after `since`) as CSV or JSON."""
    _check_format(fmt, NOTES_FORMATS, "notes")
    notes = live_notes(desk, since)
    titles = subject_titles(desk)
    if fmt == "csv":
        return notes_csv(notes, titles)
    if fmt == "xlsx":
        from mspdesk.transfer.exporters.workbooks import notes_xlsx

        return notes_xlsx(notes, titles)
    return notes_json(notes, titles, desk.core.now(), desk.actor, since)


def export_notes(
    desk: Desk, fmt: str, path: Path, *, since: date | None = None, force: bool = False
) -> Path:
    """Write the notes (on or after `since`) as CSV or JSON to `path`."""
    _check_format(fmt, NOTES_FORMATS, "notes")
    home = desk.directory
    check_target(path, force=force, data_dir=home)
    return write_export(path, notes_bytes(desk, fmt, since), force=force, data_dir=home)


def evidence_bytes(desk: Desk, fmt: str) -> bytes:
    """The anonymised evidence as CSV or JSON."""
    _check_format(fmt, EVIDENCE_FORMATS, "evidence")
    evidence = gather_evidence(desk)
    if fmt == "xlsx":
        from mspdesk.transfer.exporters.workbooks import evidence_xlsx

        return evidence_xlsx(*evidence_table(evidence))
    return evidence_csv(evidence) if fmt == "csv" else evidence_json(evidence)


def export_evidence(desk: Desk, fmt: str, path: Path, *, force: bool = False) -> Path:
    """Write the anonymised evidence as CSV or JSON to `path`."""
    _check_format(fmt, EVIDENCE_FORMATS, "evidence")
    home = desk.directory
    check_target(path, force=force, data_dir=home)
    return write_export(path, evidence_bytes(desk, fmt), force=force, data_dir=home)


def all_file_names(case_ids: Iterable[str]) -> list[str]:
    """The files `export_all` writes, in the order it writes them."""
    names = [f"{case_id}.{fmt}" for case_id in case_ids for fmt in CASE_FORMATS]
    return [*names, "cases.csv", "cases.json", "cases.xlsx", "calendar.ics", "notes.csv",
            "notes.json", "notes.xlsx", "evidence.csv", "evidence.json",
            "evidence.xlsx"]  # fmt: skip


def export_all(
    desk: Desk, folder: Path, *, force: bool = False, progress: Progress | None = None
) -> ExportResult:
    """Every case in every format, all cases as CSV, JSON and Excel, a calendar of every
    case's milestones, all notes and the evidence, into `folder` (created 0700), and each
    case's attached files under files/<case>/.

    Without `force`, nothing is written if any of those files exists already.
    """
    home = desk.directory
    target = private_folder(folder, home)
    case_ids = sorted(str(row["id"]) for row in desk.cases.rows())
    attached = {case_id: desk.attachments.for_case(case_id) for case_id in case_ids}
    names = all_file_names(case_ids) + [a.stored_as for found in attached.values() for a in found]
    # A killed earlier run may have left temporary files (personal data): remove them.
    remove_leftovers(target, names)
    for case_id, found in attached.items():
        if found:
            remove_leftovers(target / "files" / case_id, [item.name for item in found])
    if not force:
        taken = [name for name in names if (target / name).exists()]
        if taken:
            more = f" and {len(taken) - 1} more" if len(taken) > 1 else ""
            raise ExportExists(
                f"{target / taken[0]}{more} already exist; use --force to replace them"
            )
    steps = len(case_ids) + 1
    settings = document_settings()
    written: list[Path] = []
    cases: list[Case] = []
    records = []
    for done, case_id in enumerate(case_ids, start=1):
        cf = case_file(desk, case_id)
        for fmt in CASE_FORMATS:
            data = case_bytes(desk, case_id, fmt, cf, settings)
            written.append(
                write_export(target / f"{case_id}.{fmt}", data, force=force, data_dir=home)
            )
        if attached[case_id]:
            folder_ = private_folder(private_folder(target / "files", home) / case_id, home)
            for item in attached[case_id]:
                data = desk.attachments.read(item)
                written.append(write_export(folder_ / item.name, data, force=force, data_dir=home))
        cases.append(cf.records.case)
        records.append(cf.records)
        if progress is not None:
            progress(done, steps, f"{case_id} {cf.records.case.organisation}")
    from mspdesk.transfer.exporters.workbooks import cases_xlsx, evidence_xlsx

    now, today = desk.core.now(), desk.core.today()
    evidence = gather_evidence(desk)
    everything = {
        "cases.csv": cases_csv(cases, today),
        "cases.json": cases_json(records, now, desk.actor, desk.attachments.read),
        "cases.xlsx": cases_xlsx(records, today),
        "calendar.ics": calendar_bytes(desk, cases, "mspdesk milestones", settings),
        "notes.csv": notes_bytes(desk, "csv"),
        "notes.json": notes_bytes(desk, "json"),
        "notes.xlsx": notes_bytes(desk, "xlsx"),
        "evidence.csv": evidence_csv(evidence),
        "evidence.json": evidence_json(evidence),
        "evidence.xlsx": evidence_xlsx(*evidence_table(evidence)),
    }
    for name, data in everything.items():
        written.append(write_export(target / name, data, force=force, data_dir=home))
    if progress is not None:
        progress(steps, steps, "cases, calendar, notes and evidence")
    summary = f"{len(case_ids)} cases in {len(CASE_FORMATS)} formats, notes and evidence"
    return ExportResult(tuple(written), summary)


def _check_format(fmt: str, allowed: tuple[str, ...], what: str) -> None:
    if fmt not in allowed:
        raise UserError(f"--format: {what} exports are {', '.join(allowed)}, not {fmt!r}")
