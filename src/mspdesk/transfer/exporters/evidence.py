"""The anonymised evidence export: what happened to each referral, with nothing that names
or reaches a person or an organisation.

Kept: categories (route, model, in scope, sector, region, parent body kind, source), bands
instead of exact numbers (staff, contract value), the quarter a referral came in, the
triage decision and band, stage and status reached, how the case ended (as a category),
days from the case's start to each milestone done, days and pounds of support, and which
roles the authority held. Removed: names, emails, phones, roles and lawful basis of
contacts; organisation and parent body names (in a small service they point at the
people); every free text (enquiry, notes, triage reasons, outcomes, conflicts, skip reasons,
milestone titles, "referred to" text); exact dates; advisers; ids. Ids become pseudonyms:
a keyed hash (HMAC-SHA256) of the referral id with a secret kept in the data directory, so
the same referral has the same pseudonym in every export from that desk, and nobody without
the secret can turn a pseudonym back into a reference. Rows are sorted by pseudonym, so
their order says nothing about when referrals arrived.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mspdesk.desk import Desk
from mspdesk.domain.case import ENDED, Case, CaseStatus
from mspdesk.domain.milestone import MilestoneStatus
from mspdesk.domain.referral import Referral
from mspdesk.domain.triage import TriageDecision
from mspdesk.transfer.exporters.tables import csv_bytes, json_bytes

EVIDENCE_FORMAT = "mspdesk-evidence"
EVIDENCE_VERSION = 1
PSEUDONYM_HEX = 12
"""48 bits of the hash: collisions are out of reach for a programme's few thousand referrals."""

REMOVED = (
    "names, emails, phones, roles and lawful basis of contacts and case people",
    "organisation and parent body names",
    "free text: enquiries, notes, triage reasons, outcomes, conflicts, skip reasons, "
    "milestone titles, where a referral was sent when 'other'",
    "advisers",
    "exact dates (referral and case start given as a quarter; milestones as days)",
    "exact staff numbers and contract values (given as bands)",
    "referral and case ids (replaced by keyed pseudonyms)",
)
"""What the evidence export leaves out, written into the JSON file and the README."""

COLUMNS = (
    "pseudonym", "received_quarter", "source", "route", "proposed_model", "in_scope",
    "sector", "region", "parent_body_kind", "staff_band", "contract_value_band",
    "stage_at_referral", "referral_status", "triage_decision", "triage_band",
    "triage_score_percent", "days_to_triage", "referred_on_to", "decisions",
    "case", "pathway", "case_started_quarter", "stage_reached", "case_status", "outcome",
    "days_in_programme", "milestones", "milestones_done", "milestones_skipped",
    "authority_roles", "conflicts_declared", "days_allocated", "days_spent",
    "amount_allocated", "amount_spent", "challenge_state", "challenge_rejection_ground",
)  # fmt: skip

# (sector, words that put a service area in it), checked in order: a controlled list, so
# the export never carries the adviser's own wording (which could hold a name).
SECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("children's services", ("children", "early years", "families", "family")),
    ("youth services", ("youth",)),
    ("school support", ("school", "education", "music service", "governor")),
    ("adult social care", ("adult", "social care", "day opportunities", "reablement",
                           "shared lives", "supported living", "telecare", "carers")),
    ("community health", ("health", "nursing", "therap", "podiatr", "clinic", "nhs")),
    ("libraries", ("librar",)),
    ("leisure and culture", ("leisure", "culture", "sport", "museum", "arts", "heritage")),
    ("careers", ("career",)),
    ("housing", ("housing", "repairs", "homes")),
    ("fire and rescue", ("fire",)),
    ("probation and justice", ("probation", "rehabilitation", "justice", "offend")),
    ("parks and environment", ("park", "green space", "countryside", "environment", "waste")),
    ("welfare and advice", ("welfare", "advice", "benefit")),
)  # fmt: skip


@dataclass(frozen=True)
class Evidence:
    """The evidence rows and the milestone codes that appear in them."""

    rows: tuple[dict[str, Any], ...]
    milestone_codes: tuple[str, ...]
    generated_on: date


def pseudonym(key: bytes, referral_id: str) -> str:
    """E- and a keyed hash of the referral id: stable for one desk, meaningless without it."""
    digest = hmac.new(key, referral_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return "E-" + digest[:PSEUDONYM_HEX].upper()


def sector(service_area: str) -> str:
    """The sector a service area falls in: one of SECTORS, "other", or "" when blank."""
    text = " ".join(service_area.casefold().split())
    if not text:
        return ""
    for name, words in SECTORS:
        if text == name or any(word in text for word in words):
            return name
    return "other"


def staff_band(staff: int | None) -> str:
    """Staff in scope as a band: under 50, 50-249, 250+ ("" when not known)."""
    if staff is None:
        return ""
    if staff < 50:
        return "under 50"
    return "50-249" if staff < 250 else "250+"


def value_band(pounds: int | None) -> str:
    """Contract value as a band ("" when not known)."""
    if pounds is None:
        return ""
    for limit, label in ((1_000_000, "under £1m"), (5_000_000, "£1m-£5m"),
                         (20_000_000, "£5m-£20m")):  # fmt: skip
        if pounds < limit:
            return label
    return "£20m+"


def quarter(day: date | None) -> str:
    """2013-Q1 ("" for none)."""
    return "" if day is None else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def gather_evidence(desk: Desk) -> Evidence:
    """Every referral on the desk as an anonymised evidence row."""
    today = desk.core.today()
    # A merged referral is the same enquiry as the one it was merged into: one row, not two.
    referrals = [
        Referral.model_validate(row)
        for row in desk.referrals.rows()
        if row.get("status") != "merged"
    ]
    if not referrals:
        return Evidence((), (), today)
    key = desk.evidence_key()
    cases = {row["referral_id"]: Case.model_validate(row) for row in desk.cases.rows()}
    rows = []
    codes: set[str] = set()
    for referral in referrals:
        decisions = desk.triage.decisions_for(referral.id)
        case = cases.get(referral.id)
        row = _referral_row(referral, decisions, key)
        if case is not None:
            row.update(_case_row(case, today))
            codes.update(row["milestones"])
        rows.append(row)
    rows.sort(key=lambda row: str(row["pseudonym"]))
    return Evidence(tuple(rows), tuple(sorted(codes)), today)


def _referral_row(
    referral: Referral, decisions: Sequence[TriageDecision], key: bytes
) -> dict[str, Any]:
    first = decisions[0] if decisions else None
    last = decisions[-1] if decisions else None
    return {
        "pseudonym": pseudonym(key, referral.id),
        "received_quarter": quarter(referral.received),
        "source": referral.source.value,
        "route": referral.route.value,
        "proposed_model": referral.proposed_model.value,
        "in_scope": referral.in_scope,
        "sector": sector(referral.service_area),
        "region": referral.region.value if referral.region else "",
        "parent_body_kind": referral.parent_body_kind.value,
        "staff_band": staff_band(referral.staff_in_scope),
        "contract_value_band": value_band(referral.contract_value),
        "stage_at_referral": referral.stage.value,
        "referral_status": referral.status.value,
        "triage_decision": last.decision.value if last else "",
        "triage_band": (last.band or "") if last else "",
        "triage_score_percent": last.score_percent if last else None,
        "days_to_triage": _days(referral.received, first.decided_at) if first else None,
        "referred_on_to": last.refer_to.value if last and last.refer_to else "",
        "decisions": len(decisions),
        "case": False,
        "milestones": {},
    }


def _case_row(case: Case, today: date) -> dict[str, Any]:
    start = case.plan_start
    timings: dict[str, int | str | None] = {}
    for milestone in case.ordered_milestones:
        if milestone.status is MilestoneStatus.DONE and milestone.done_on is not None:
            timings[milestone.code] = (milestone.done_on - start).days
        elif milestone.status is MilestoneStatus.SKIPPED:
            timings[milestone.code] = "skipped"
        else:
            timings[milestone.code] = None
    challenge = case.challenge
    return {
        "case": True,
        "pathway": case.pathway,
        "case_started_quarter": quarter(start),
        "stage_reached": case.stage.value,
        "case_status": case.status.value,
        "outcome": _outcome(case.status),
        "days_in_programme": ((case.ended_on or today) - start).days,
        "milestones": timings,
        "milestones_done": sum(isinstance(days, int) for days in timings.values()),
        "milestones_skipped": sum(days == "skipped" for days in timings.values()),
        "authority_roles": ";".join(role.value for role in case.authority_roles),
        "conflicts_declared": len(case.conflicts),
        **case.budget.model_dump(),
        "challenge_state": challenge.eoi.state.value if challenge else "",
        "challenge_rejection_ground": (challenge.eoi.rejection_ground or "") if challenge else "",
    }


def _outcome(status: CaseStatus) -> str:
    """How the case ended as a category (the adviser's outcome text is left out)."""
    return status.value if status in ENDED else "ongoing"


def _days(received: date, decided_at: datetime) -> int:
    return (decided_at.date() - received).days


def evidence_csv(evidence: Evidence) -> bytes:
    """One row per referral; a days_to_<code> column per milestone code (days from the
    case's start to the day it was done, "skipped", or empty while open)."""
    return csv_bytes(*evidence_table(evidence))


def evidence_table(evidence: Evidence) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and flat rows of the evidence, as in its CSV."""
    milestone_columns = [f"days_to_{code}" for code in evidence.milestone_codes]
    columns = [name for name in COLUMNS if name != "milestones"] + milestone_columns
    flat = []
    for row in evidence.rows:
        timings: dict[str, Any] = row["milestones"]
        cells = {name: value for name, value in row.items() if name != "milestones"}
        cells.update({f"days_to_{code}": days for code, days in timings.items()})
        flat.append(cells)
    return columns, flat


def evidence_json(evidence: Evidence) -> bytes:
    """The rows as JSON, with what was removed and how the fields are made."""
    return json_bytes(
        {
            "format": EVIDENCE_FORMAT,
            "version": EVIDENCE_VERSION,
            "generated_on": evidence.generated_on.isoformat(),
            "removed": list(REMOVED),
            "fields": _field_notes(),
            "records": [_complete(row) for row in evidence.rows],
        }
    )


def _complete(row: dict[str, Any]) -> dict[str, Any]:
    """Every column present (None where a referral has no case), in COLUMNS order."""
    return {name: row.get(name) for name in COLUMNS}


def _field_notes() -> dict[str, str]:
    return {
        "pseudonym": "keyed hash of the referral id; the same in every export from one desk",
        "received_quarter": "quarter the referral was received",
        "sector": "service area mapped to a fixed list of sectors ('other' if none fits)",
        "staff_band": "staff in scope: under 50, 50-249, 250+",
        "contract_value_band": "under £1m, £1m-£5m, £5m-£20m, £20m+",
        "days_to_triage": "days from receipt to the first triage decision",
        "milestones": "milestone code -> days from the case's start to the day it was done, "
        "'skipped', or null while open",
        "outcome": "spun-out, withdrawn, closed or ongoing",
    }
