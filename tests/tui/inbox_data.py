"""A small, fixed data directory for the inbox and triage tests (and their snapshots)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from drive import settle

from mspdesk.desk import Desk

__all__ = ["settle"]  # the tests of these screens wait with it

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)  # a Thursday
CLICK_ME = "[@click=app.quit]CLICK ME[/]"
BOLD = "[bold]x"
ALL_TWOS = {
    "scope": 2,
    "leadership": 2,
    "parent-support": 2,
    "viability": 1,
    "timescale": 2,
    "evidence": 2,
    "social-value": 2,
}  # 29 of 48: potential

REFERRALS = [
    # organisation, parent body, received, extra fields
    ("Anyshire Care Mutual", "Anyshire County Council", date(2013, 2, 11), {}),
    (CLICK_ME, "Borough of Markup", date(2013, 2, 20), {"route": "right-to-challenge"}),
    (BOLD, "Bracket NHS Trust", date(2013, 3, 1), {"parent_body_kind": "nhs-body"}),
    (
        "Riverside Community Leisure",
        "Riverside District Council",
        date(2013, 3, 4),
        {"proposed_model": "community-coop", "route": "right-to-challenge"},
    ),
    (
        "Northgate Health Visitors",
        "Northgate Community Health",
        date(2013, 3, 6),
        {"proposed_model": "employee-owned", "route": "right-to-provide", "status": "awaiting"},
    ),
    ("Eastfield Libraries", "Eastfield Borough Council", date(2013, 3, 12), {}),
    ("Already Decided Ltd", "Decided Council", date(2013, 2, 1), {}),
]


def fill(directory: Path) -> None:
    """Referrals R-2013-0001.. in the order above; the last one already declined, and
    Northgate scored (potential) then put back to awaiting."""
    with Desk.open(directory, clock=lambda: NOW, actor="tester") as desk:
        for organisation, parent_body, received, extra in REFERRALS:
            fields = {"organisation": organisation, "parent_body": parent_body}
            desk.referrals.add({**fields, "received": received, **extra})
        desk.triage.decide("R-2013-0007", "decline", "Not a public service")
        desk.triage.decide(
            "R-2013-0005", "signpost", "Come back", scores=ALL_TWOS, revisit_on=date(2013, 6, 1)
        )
        desk.referrals.update("R-2013-0005", {"status": "awaiting"})
