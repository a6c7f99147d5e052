"""What a case file shows (Markdown and Word): the case's records plus its history and
Right to Challenge timeline, and the wording both formats share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from mspdesk.desk import CaseRecords, Desk, HistoryEntry
from mspdesk.desk.deadlines import TimelineRow
from mspdesk.domain.challenge_warnings import (
    Duty,
)
from mspdesk.domain.milestone import Milestone, MilestoneStatus, days_late
from mspdesk.domain.procurement import ProcurementRoute
from mspdesk.domain.triage import TriageDecision

HISTORY_LIMIT = 200
"""The newest changes a case file lists; older ones are counted, not listed."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class CaseFile:
    """Everything a case file shows."""

    records: CaseRecords
    history: tuple[HistoryEntry, ...]
    """Changes to the case, oldest first (at most HISTORY_LIMIT, the newest)."""
    earlier_changes: int
    """Changes older than those in `history`."""
    timeline: tuple[TimelineRow, ...]
    today: date
    exported_at: datetime
    exported_by: str
    route: ProcurementRoute | None = None
    """The procurement route for the case's contract, read on its procurement date."""
    duties: tuple[Duty, ...] = ()
    """The authority's Right to Challenge publication duties (none without a challenge)."""


def case_file(desk: Desk, case_id: str) -> CaseFile:
    """The case file of `case_id`, read from `desk`. NotFound if there is no such case."""
    records = desk.case_records(case_id)
    changes = desk.history(records.case.id)
    kept = changes[-HISTORY_LIMIT:]
    return CaseFile(
        records=records,
        history=tuple(kept),
        earlier_changes=len(changes) - len(kept),
        timeline=tuple(desk.cases.deadlines.timeline(records.case)),
        today=desk.core.today(),
        exported_at=desk.core.now(),
        exported_by=desk.actor,
        route=desk.cases.deadlines.procurement_route(records.case, desk.core.today()),
        duties=tuple(desk.cases.deadlines.checklist(records.case)),
    )


def duty_rows(cf: CaseFile) -> list[tuple[str, str, str]]:
    """The publication duties as (duty, state, date) rows for the case file."""
    state = {True: "done", False: "not done", None: "not yet due"}
    rows = []
    for duty in cf.duties:
        when = day(duty.on) if duty.on else (f"due {day(duty.due)}" if duty.due else "")
        rows.append((f"{duty.code} {duty.label}", state[duty.done], when))
    return rows


def clean(text: object) -> str:
    """Text without control characters (terminal escapes, NUL) that documents cannot hold:
    each becomes U+FFFD so the reader sees something was there. Newlines and tabs stay."""
    return _CONTROL.sub("\ufffd", str(text))


def day(value: date | None) -> str:
    """A date as people read it: 14 Mar 2013 ("" for none)."""
    return "" if value is None else f"{value.day} {value:%b %Y}"


def moment(value: datetime) -> str:
    """A time in the adviser's time zone: 14 Mar 2013 10:30."""
    local = value.astimezone()
    return f"{day(local.date())} {local:%H:%M}"


def pounds(value: int | float | None) -> str:
    """£1,200,000 ("" for none)."""
    if value is None:
        return ""
    return f"£{value:,.0f}"


def number(value: float | None) -> str:
    """12 or 11.5 ("" for none)."""
    return "" if value is None else f"{value:g}"


def milestone_state(milestone: Milestone, today: date) -> str:
    """ "Done 3 Feb 2013", "Skipped", "Overdue by 5 days", "Open"."""
    if milestone.status is MilestoneStatus.DONE:
        return f"Done {day(milestone.done_on)}"
    if milestone.status is MilestoneStatus.SKIPPED:
        return "Skipped"
    late = days_late(milestone, today)
    if late:
        return f"Overdue by {late} day{'s' if late != 1 else ''}"
    return "Open"


def milestone_note(milestone: Milestone) -> str:
    """Why it was skipped, else what "done" means."""
    if milestone.status is MilestoneStatus.SKIPPED:
        return f"Skipped: {milestone.skip_reason}"
    return milestone.done_when


def decision_title(number: int, decision: TriageDecision) -> str:
    """ "Decision 1: Accept into the programme"."""
    return f"Decision {number}: {decision.decision.label}"


def decision_facts(decision: TriageDecision) -> list[tuple[str, str]]:
    """(label, value) lines describing one triage decision."""
    facts = [
        ("Decided", f"{moment(decision.decided_at)} by {decision.adviser}"),
        ("In scope", "yes" if decision.in_scope else "no (outside the employee-owned remit)"),
    ]
    if decision.scores:
        facts.append(
            ("Score", f"{decision.score_total} ({number(decision.score_percent)}%), "
                      f"band {decision.band}")
        )  # fmt: skip
        facts.append(("Scores", ", ".join(f"{k} {v}" for k, v in decision.scores.items())))
    if decision.revisit_on:
        facts.append(("Revisit on", day(decision.revisit_on)))
    if decision.refer_to is not None:
        facts.append(("Referred to", decision.refer_to_other or decision.refer_to.label))
    if decision.signpost_pages:
        facts.append(("Guidance sent", ", ".join(decision.signpost_pages)))
    facts.append(("Reason", decision.reason))
    return facts


def case_facts(cf: CaseFile) -> list[tuple[str, str]]:
    """(label, value) lines for the top of a case file."""
    case = cf.records.case
    facts = [
        ("Case", case.id),
        ("Referral", case.referral_id),
        ("Organisation", case.organisation),
        ("Parent body", f"{case.parent_body} ({case.parent_body_kind.label.lower()})"),
        ("Status", case.status.label),
        ("Stage", case.stage.label),
        ("Route", case.route.label),
        ("Proposed model", case.proposed_model.label),
        ("Pathway", case.pathway),
        ("Adviser", case.adviser),
        ("Opened", day(case.opened_on)),
        ("Plan starts", day(case.plan_start)),
    ]
    if case.contract_value is not None:
        facts.append(("Contract value", pounds(case.contract_value)))
    if case.procurement_on:
        facts.append(("Procurement", day(case.procurement_on)))
    if case.ended_on:
        facts.append(("Ended", day(case.ended_on)))
    if case.outcome:
        facts.append(("Outcome", case.outcome))
    return facts


def referral_facts(cf: CaseFile) -> list[tuple[str, str]]:
    """(label, value) lines for the referral section."""
    referral = cf.records.referral
    staff = referral.staff_in_scope
    facts = [
        ("Reference", referral.id),
        ("Received", day(referral.received)),
        ("Source", referral.source.label),
        ("Source reference", referral.source_ref),
        ("Organisation", referral.organisation),
        ("Parent body", referral.parent_body),
        ("Service area", referral.service_area),
        ("Region", referral.region.label if referral.region else ""),
        ("Staff in scope", "" if staff is None else str(staff)),
        ("Contract value", pounds(referral.contract_value)),
        ("Proposed model", referral.proposed_model.label),
        ("Route", referral.route.label),
        ("Stage when referred", referral.stage.label),
        ("Target spin-out", day(referral.target_spin_out)),
    ]
    if referral.merged_source_refs:
        facts.append(("Merged source references", ", ".join(referral.merged_source_refs)))
    # Columns of the imported file the desk has no field for: nothing in the file is lost.
    facts += [(f"From the source: {name}", value) for name, value in referral.source_fields.items()]
    return facts


def contact_facts(cf: CaseFile) -> list[tuple[str, str]]:
    """(label, value) lines for the referral's contact (empty when none was given)."""
    contact = cf.records.referral.contact
    if not (contact.name or contact.email or contact.phone):
        return []
    return [
        ("Name", contact.name),
        ("Role", contact.role),
        ("Email", contact.email),
        ("Phone", contact.phone),
        ("Lawful basis", contact.lawful_basis.label),
    ]


def history_line(entry: HistoryEntry) -> str:
    """ "14 Mar 2013 10:30 tester: Triaged R-2013-0001: accept" (marked when undone)."""
    undone = " (undone)" if entry.undone else ""
    return f"{moment(entry.at)} {entry.actor}: {entry.summary or entry.kind}{undone}"
