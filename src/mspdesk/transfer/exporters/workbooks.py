"""What each Excel export holds: a case (a sheet each for the case, its referral, decisions,
milestones, notes, people and conflicts), all cases, notes, the evidence and the programme
report. Values keep their types (see xlsx)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from mspdesk.desk import CaseRecords
from mspdesk.domain.case import Case
from mspdesk.domain.note import Note
from mspdesk.domain.referral import Referral
from mspdesk.transfer.exporters.tables import CASE_COLUMNS, NOTE_COLUMNS, case_row, note_row
from mspdesk.transfer.exporters.xlsx import Pounds, Sheet, workbook_bytes

CASE_POUNDS = frozenset({"contract_value", "amount_allocated", "amount_spent"})
REFERRAL_COLUMNS = (
    "id", "received", "source", "organisation", "parent_body", "parent_body_kind",
    "service_area", "region", "staff_in_scope", "contract_value", "proposed_model", "route",
    "stage", "target_spin_out", "status", "case_id", "contact_name", "contact_role",
    "contact_email", "contact_phone", "enquiry",
)  # fmt: skip
DECISION_COLUMNS = (
    "referral_id", "decided_at", "adviser", "decision", "in_scope", "score_total",
    "score_percent", "band", "revisit_on", "refer_to", "reason",
)  # fmt: skip
MILESTONE_COLUMNS = (
    "case_id", "position", "code", "title", "due", "status", "done_on", "skip_reason",
    "done_when",
)  # fmt: skip
PEOPLE_COLUMNS = ("case_id", "role", "name", "organisation", "email", "phone", "note")
CONFLICT_COLUMNS = (
    "case_id", "id", "roles", "conflict", "mitigation", "declared_on", "declared_by",
    "review_on", "resolved_on",
)  # fmt: skip


def referral_row(referral: Referral) -> dict[str, Any]:
    """One referral as a flat row (choices by their value, the contact spread out)."""
    contact = referral.contact
    return {
        **referral.model_dump(
            include={
                "id",
                "received",
                "organisation",
                "parent_body",
                "service_area",
                "staff_in_scope",
                "contract_value",
                "target_spin_out",
                "case_id",
                "enquiry",
            }
        ),
        "source": referral.source.value,
        "parent_body_kind": referral.parent_body_kind.value,
        "region": referral.region.value if referral.region else None,
        "proposed_model": referral.proposed_model.value,
        "route": referral.route.value,
        "stage": referral.stage.value,
        "status": referral.status.value,
        "contact_name": contact.name,
        "contact_role": contact.role,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
    }


def milestone_rows(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "case_id": case.id,
            **m.model_dump(
                include={"position", "code", "title", "due", "done_on", "skip_reason", "done_when"}
            ),
            "status": m.status.value,
        }
        for m in case.ordered_milestones
    ]


def case_sheets(records: CaseRecords, today: date) -> list[Sheet]:
    """Every table of one case, a sheet each."""
    case = records.case
    decisions = [
        {
            **d.model_dump(
                include={
                    "referral_id",
                    "decided_at",
                    "adviser",
                    "in_scope",
                    "score_total",
                    "score_percent",
                    "band",
                    "revisit_on",
                    "reason",
                }
            ),
            "decision": d.decision.value,
            "refer_to": d.refer_to_other or (d.refer_to.value if d.refer_to else None),
        }
        for d in records.decisions
    ]
    people = [
        {"case_id": case.id, **p.model_dump(exclude={"role"}), "role": p.role.value}
        for p in case.people
    ]
    conflicts = [
        {
            "case_id": case.id,
            **c.model_dump(exclude={"roles"}),
            "roles": "; ".join(role.value for role in c.roles),
        }
        for c in case.conflicts
    ]
    titles = {case.id: case.organisation, case.referral_id: case.organisation}
    return [
        Sheet("Case", CASE_COLUMNS, [case_row(case, today)], CASE_POUNDS),
        Sheet(
            "Referral",
            REFERRAL_COLUMNS,
            [referral_row(records.referral)],
            frozenset({"contract_value"}),
        ),
        Sheet("Decisions", DECISION_COLUMNS, decisions),
        Sheet("Milestones", MILESTONE_COLUMNS, milestone_rows(case)),
        Sheet("Notes", NOTE_COLUMNS, notes_rows(records.notes, titles)),
        Sheet("People", PEOPLE_COLUMNS, people),
        Sheet("Conflicts", CONFLICT_COLUMNS, conflicts),
    ]


def notes_rows(notes: Iterable[Note], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    return [note_row(note, titles.get(note.subject, "")) for note in notes]


def case_xlsx(records: CaseRecords, today: date) -> bytes:
    """One case as a workbook."""
    return workbook_bytes(case_sheets(records, today))


def cases_xlsx(records: Sequence[CaseRecords], today: date) -> bytes:
    """All cases: a sheet of cases, one of their referrals and one of every milestone."""
    return workbook_bytes(
        [
            Sheet("Cases", CASE_COLUMNS, [case_row(r.case, today) for r in records], CASE_POUNDS),
            Sheet(
                "Referrals",
                REFERRAL_COLUMNS,
                [referral_row(r.referral) for r in records],
                frozenset({"contract_value"}),
            ),
            Sheet(
                "Milestones",
                MILESTONE_COLUMNS,
                [row for r in records for row in milestone_rows(r.case)],
            ),
        ]
    )


def notes_xlsx(notes: Iterable[Note], titles: Mapping[str, str]) -> bytes:
    return workbook_bytes([Sheet("Notes", NOTE_COLUMNS, notes_rows(notes, titles))])


EVIDENCE_POUNDS = frozenset({"amount_allocated", "amount_spent"})


def evidence_xlsx(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The evidence table (as in its CSV) as a workbook of one sheet."""
    return workbook_bytes([Sheet("Evidence", columns, list(rows), EVIDENCE_POUNDS)])


def report_xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """The programme figures (header, then section, label, value rows) with each value as a
    number, or a date, where it is one; money figures shown as pounds."""
    header, *body = rows
    typed = []
    for section, label, value in body:
        figure = _figure(value)
        if "(£)" in label and isinstance(figure, int | float):
            figure = Pounds(figure)
        typed.append([section, label, figure])
    return workbook_bytes([Sheet("Figures", header, typed)])


def _figure(value: str) -> Any:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number
