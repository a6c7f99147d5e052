"""A small, fixed data directory for the cases, case and agenda tests (and their snapshots).

Cases are opened on 7 Jan 2013 and the app runs on 14 Mar 2013, so some milestones are late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from drive import settle

from mspdesk.desk import Desk

__all__ = ["settle"]  # the tests of these screens wait with it

OPENED = datetime(2013, 1, 7, 9, 0, tzinfo=UTC)
NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)  # a Thursday
CLICK_ME = "[@click=app.quit]CLICK ME[/]"

REFERRALS: list[tuple[str, str, dict[str, Any]]] = [
    ("Anyshire Care Mutual", "Anyshire County Council", {"contract_value": 4_200_000}),
    (CLICK_ME, "Borough of Markup", {"route": "right-to-challenge", "contract_value": 173_934}),
    ("Northgate Health Visitors", "Northgate Community Health",
     {"route": "right-to-provide", "parent_body_kind": "nhs-body"}),
    ("Riverside Co-op", "Riverside District Council", {"proposed_model": "multi-stakeholder"}),
]  # fmt: skip


def fill(directory: Path) -> None:
    """Four accepted cases, C-0001..C-0004, with some work done on them."""
    with Desk.open(directory, clock=lambda: OPENED, actor="tester") as desk:
        for organisation, parent_body, extra in REFERRALS:
            fields = {"organisation": organisation, "parent_body": parent_body}
            referral = desk.referrals.add({**fields, "received": date(2013, 1, 2), **extra})
            desk.triage.decide(referral.id, "accept", "Promising")
        desk.cases.milestones.complete("C-0001", "M01")
        desk.cases.milestones.complete("C-0003", "M01")
        desk.cases.milestones.complete("C-0003", "M02", on=date(2013, 2, 1))
        desk.cases.set_adviser("C-0003", "alex")
        desk.cases.add_person(
            "C-0001", {"role": "mutual-ambassador", "name": "Jo Hart", "organisation": "Mutual One"}
        )
        desk.cases.conflicts.declare(
            "C-0001",
            "Council funds the spin-out and will commission it",
            roles=["incubator", "commissioner"],
            mitigation="Separate officers; decisions to cabinet",
            review_on=date(2013, 3, 20),
        )
        desk.cases.budget.set("C-0001", days_allocated=20, days_spent=19, amount_allocated=25_000)
        periods = {"window_start": date(2013, 1, 1), "window_end": date(2013, 4, 1),
                   "decision_period_days": 84}  # fmt: skip
        desk.cases.deadlines.apply(desk.cases.deadlines.preview_periods("C-0002", periods))
        desk.cases.deadlines.apply(
            desk.cases.deadlines.preview_eoi("C-0002", "submitted", date(2013, 1, 7))
        )
        desk.cases.update("C-0002", {"procurement_on": date(2013, 9, 1)})
        desk.notes.add("C-0001", "Met the sponsor; cabinet paper due in February.", kind="meeting")
