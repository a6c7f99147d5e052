"""The case file as a Word document (.docx, with python-docx): headings, tables for the
facts, milestones, conflicts, people and budget, and the notes in date order.

Laid out to the UK government standard (see docx_layout: A4, en-GB, protective marking,
page numbers, repeating table headers, columns sized from content). Built from
python-docx's own template, or the house template from the settings, with built-in styles
(Title, Heading 1-9, Table Grid, List Bullet/Number, Quote), so Word and LibreOffice open it
without repairs. Notes are Markdown and come out as real headings, lists, emphasis and
tables (docx_notes); everything else goes in as plain runs, never parsed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mspdesk.domain.note import Note
from mspdesk.domain.procurement import route_lines
from mspdesk.transfer.document_settings import DocumentSettings
from mspdesk.transfer.exporters import note_markdown
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

from mspdesk.transfer.exporters.docx_layout import (
    add_table,
    heading,
    mark_pages,
    new_document,
    styled_paragraph,
)
from mspdesk.transfer.exporters.docx_notes import add_note_blocks

NOTE_HEADING_LEVEL = 2
"""Each note sits under a Heading 2; its own headings go below that."""


def case_docx(cf: CaseFile, settings: DocumentSettings | None = None) -> bytes:
    """The whole case file as the bytes of a .docx document."""
    chosen = settings or DocumentSettings()
    document = new_document(chosen.docx_template)
    mark_pages(document, chosen.marking)
    case = cf.records.case
    properties = document.core_properties
    properties.title = clean(f"{case.id} {case.organisation}")
    properties.subject = "Mutuals Support Programme case file"
    properties.author = clean(cf.exported_by)
    properties.last_modified_by = clean(cf.exported_by)
    properties.comments = "Exported from mspdesk. Holds personal data: keep it safe."
    properties.category = chosen.marking
    properties.keywords = "Mutuals Support Programme"
    properties.created = cf.exported_at.replace(tzinfo=None)
    properties.modified = cf.exported_at.replace(tzinfo=None)

    heading(document, clean(f"{case.id} {case.organisation}"), 0)
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
    listed = [[clean(value) for value in row] for row in rows]
    add_table(document, [clean(text) for text in header] if header else None, listed)


def _facts(document: Document, facts: Iterable[tuple[str, str]]) -> None:
    rows = [(label, value) for label, value in facts if value]
    if rows:
        _table(document, ("Field", "Value"), rows)


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
    heading(document, "Referral", 1)
    _facts(document, referral_facts(cf))
    contact = contact_facts(cf)
    if contact:
        heading(document, "Contact", 2)
        _facts(document, contact)
    if cf.records.referral.enquiry:
        heading(document, "Enquiry", 2)
        _text(document, cf.records.referral.enquiry)


def _triage(document: Document, cf: CaseFile) -> None:
    heading(document, "Triage", 1)
    if not cf.records.decisions:
        document.add_paragraph("No triage decision is recorded.")
    for index, decision in enumerate(cf.records.decisions, start=1):
        heading(document, clean(decision_title(index, decision)), 2)
        _facts(document, decision_facts(decision))


def _milestones(document: Document, cf: CaseFile) -> None:
    heading(document, "Milestones", 1)
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
    heading(document, "Community Right to Challenge", 1)
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
    heading(document, "Notes", 1)
    if not notes:
        document.add_paragraph("No notes.")
    for note in notes:
        title = f"{day(note.on)} · {note.kind.label} · {note.id} on {note.subject}"
        heading(document, clean(title), 2)
        byline = f"By {note.adviser or 'unknown'}"
        if note.tags:
            byline += " · tags: " + ", ".join(note.tags)
        document.add_paragraph().add_run(clean(byline)).italic = True
        add_note_blocks(document, note_markdown.parse_note(note.body), NOTE_HEADING_LEVEL)


def _conflicts(document: Document, cf: CaseFile) -> None:
    case = cf.records.case
    heading(document, "Conflicts of interest", 1)
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
    heading(document, "People and partners", 1)
    people = cf.records.case.people
    if not people:
        document.add_paragraph("Nobody recorded.")
        return
    rows = [(p.role.label, p.name, p.organisation, p.email, p.phone, p.note) for p in people]
    _table(document, ("Role", "Name", "Organisation", "Email", "Phone", "Note"), rows)


def _budget(document: Document, cf: CaseFile) -> None:
    heading(document, "Budget", 1)
    budget = cf.records.case.budget
    rows = [
        ("Days", number(budget.days_allocated), number(budget.days_spent),
         number(budget.days_left)),
        ("Pounds", pounds(budget.amount_allocated), pounds(budget.amount_spent),
         pounds(budget.amount_left)),
    ]  # fmt: skip
    _table(document, ("Budget", "Allocated", "Spent", "Left"), rows)


def _history(document: Document, cf: CaseFile) -> None:
    heading(document, "History", 1)
    if cf.earlier_changes:
        document.add_paragraph(f"{cf.earlier_changes} earlier changes are not listed.")
    for entry in cf.history:
        styled_paragraph(document, "List Bullet", clean(history_line(entry)))
