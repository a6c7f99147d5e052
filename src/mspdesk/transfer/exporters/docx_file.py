"""The case file as a Word document (.docx, with python-docx): headings, tables for the
facts, milestones, conflicts, people and budget, and the notes in date order.

Built from python-docx's own template with its built-in styles only (Title, Heading 1-3,
Table Grid, List Bullet), so Word and LibreOffice open it without repairs. Text goes in as
runs, never parsed: nothing a user typed can change the document's structure.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mspdesk.domain.note import Note
from mspdesk.domain.procurement import route_lines
from mspdesk.transfer.exporters.casefile import (
    CaseFile,
    case_facts,
    clean,
    contact_facts,
    day,
    decision_facts,
    decision_title,
    duty_rows,
    history_line,
    milestone_note,
    milestone_state,
    moment,
    number,
    pounds,
    referral_facts,
)

if TYPE_CHECKING:
    from docx.document import Document

TABLE_STYLE = "Table Grid"


def case_docx(cf: CaseFile) -> bytes:
    """The whole case file as the bytes of a .docx document."""
    import docx  # heavy (lxml): imported only when a Word file is asked for

    document = docx.Document()
    case = cf.records.case
    properties = document.core_properties
    properties.title = clean(f"{case.id} {case.organisation}")
    properties.subject = "Mutuals Support Programme case file"
    properties.author = clean(cf.exported_by)
    properties.last_modified_by = clean(cf.exported_by)
    properties.comments = "Exported from mspdesk. Holds personal data: keep it safe."
    properties.created = cf.exported_at.replace(tzinfo=None)
    properties.modified = cf.exported_at.replace(tzinfo=None)

    document.add_heading(clean(f"{case.id} {case.organisation}"), level=0)
    document.add_paragraph(
        clean(
            f"Case file exported from mspdesk on {moment(cf.exported_at)} by "
            f"{cf.exported_by}. It holds personal data: keep it safe."
        )
    )
    _facts(document, case_facts(cf))
    _referral(document, cf)
    _triage(document, cf)
    _milestones(document, cf)
    _challenge(document, cf)
    _procurement(document, cf)
    _notes(document, cf.records.notes)
    _conflicts(document, cf)
    _people(document, cf)
    _budget(document, cf)
    _history(document, cf)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(
    document: Document, header: Sequence[str] | None, rows: Iterable[Sequence[object]]
) -> None:
    listed = list(rows)
    columns = len(header) if header else len(listed[0]) if listed else 1
    table = document.add_table(rows=0, cols=columns)
    table.style = TABLE_STYLE
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(clean(text)).bold = True
    for row in listed:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = clean(value)
    document.add_paragraph()


def _facts(document: Document, facts: Iterable[tuple[str, str]]) -> None:
    rows = [(label, value) for label, value in facts if value]
    if rows:
        _table(document, None, rows)


def _text(document: Document, text: str) -> None:
    """Paragraphs of user text: blank lines split paragraphs, single newlines break lines."""
    body = clean(text).replace("\r\n", "\n").replace("\r", "\n")
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        paragraph = document.add_paragraph()
        lines = block.split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if index + 1 < len(lines):
                run.add_break()


def _referral(document: Document, cf: CaseFile) -> None:
    document.add_heading("Referral", level=1)
    _facts(document, referral_facts(cf))
    contact = contact_facts(cf)
    if contact:
        document.add_heading("Contact", level=2)
        _facts(document, contact)
    if cf.records.referral.enquiry:
        document.add_heading("Enquiry", level=2)
        _text(document, cf.records.referral.enquiry)


def _triage(document: Document, cf: CaseFile) -> None:
    document.add_heading("Triage", level=1)
    if not cf.records.decisions:
        document.add_paragraph("No triage decision is recorded.")
    for index, decision in enumerate(cf.records.decisions, start=1):
        document.add_heading(clean(decision_title(index, decision)), level=2)
        _facts(document, decision_facts(decision))


def _milestones(document: Document, cf: CaseFile) -> None:
    document.add_heading("Milestones", level=1)
    milestones = cf.records.case.ordered_milestones
    if not milestones:
        document.add_paragraph("No milestones.")
        return
    rows = [
        (m.code, m.title, day(m.due), milestone_state(m, cf.today), milestone_note(m))
        for m in milestones
    ]
    _table(document, ("Code", "Milestone", "Due", "Status", "Done when / note"), rows)


def _challenge(document: Document, cf: CaseFile) -> None:
    challenge = cf.records.case.challenge
    if challenge is None:
        return
    document.add_heading("Community Right to Challenge", level=1)
    document.add_paragraph(f"Expression of interest: {challenge.eoi.state.label}")
    rows = [(row.label, day(row.day), row.state) for row in cf.timeline if row.day]
    if rows:
        _table(document, ("Step", "Date", "State"), rows)
    duties = duty_rows(cf)
    if duties:
        document.add_heading("Authority's publication duties", level=2)
        _table(document, ("Duty", "State", "Date"), duties)


def _procurement(document: Document, cf: CaseFile) -> None:
    if cf.route is None:
        return
    document.add_heading("Procurement route", level=1)
    for line in route_lines(cf.route):
        if line.startswith("  - "):
            document.add_paragraph(clean(line[4:]), style="List Bullet")
        else:
            document.add_paragraph(clean(line.strip()))


def _notes(document: Document, notes: Sequence[Note]) -> None:
    document.add_heading("Notes", level=1)
    if not notes:
        document.add_paragraph("No notes.")
    for note in notes:
        title = f"{day(note.on)} · {note.kind.label} · {note.id} on {note.subject}"
        document.add_heading(clean(title), level=2)
        byline = f"By {note.adviser or 'unknown'}"
        if note.tags:
            byline += " · tags: " + ", ".join(note.tags)
        document.add_paragraph().add_run(clean(byline)).italic = True
        _text(document, note.body)


def _conflicts(document: Document, cf: CaseFile) -> None:
    case = cf.records.case
    document.add_heading("Conflicts of interest", level=1)
    roles = ", ".join(role.label for role in case.authority_roles) or "none recorded"
    document.add_paragraph(f"Roles the parent authority holds: {roles}")
    if not case.conflicts:
        document.add_paragraph("No conflicts declared.")
        return
    rows = [
        (
            entry.id,
            ", ".join(role.label for role in entry.roles),
            entry.conflict,
            entry.mitigation,
            f"{day(entry.declared_on)} by {entry.declared_by}",
            day(entry.review_on),
            day(entry.resolved_on),
        )
        for entry in case.conflicts
    ]
    header = ("Entry", "Roles", "Conflict", "Mitigation", "Declared", "Review", "Resolved")
    _table(document, header, rows)


def _people(document: Document, cf: CaseFile) -> None:
    document.add_heading("People and partners", level=1)
    people = cf.records.case.people
    if not people:
        document.add_paragraph("Nobody recorded.")
        return
    rows = [(p.role.label, p.name, p.organisation, p.email, p.phone, p.note) for p in people]
    _table(document, ("Role", "Name", "Organisation", "Email", "Phone", "Note"), rows)


def _budget(document: Document, cf: CaseFile) -> None:
    document.add_heading("Budget", level=1)
    budget = cf.records.case.budget
    rows = [
        ("Days", number(budget.days_allocated), number(budget.days_spent),
         number(budget.days_left)),
        ("Pounds", pounds(budget.amount_allocated), pounds(budget.amount_spent),
         pounds(budget.amount_left)),
    ]  # fmt: skip
    _table(document, ("", "Allocated", "Spent", "Left"), rows)


def _history(document: Document, cf: CaseFile) -> None:
    document.add_heading("History", level=1)
    if cf.earlier_changes:
        document.add_paragraph(f"{cf.earlier_changes} earlier changes are not listed.")
    for entry in cf.history:
        document.add_paragraph(clean(history_line(entry)), style="List Bullet")
