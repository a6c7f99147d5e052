"""Data for the export tests: one case with every kind of record, holding text that tries to
break each format, and the demo data on a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from mspdesk.demo import seed_demo_activity
from mspdesk.desk import Desk
from mspdesk.domain.referral import Referral
from mspdesk.locations import content_dir

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
OPENED = datetime(2013, 1, 7, 9, 0, tzinfo=UTC)

NASTY_ORG = "# Kids | [First](javascript:alert(1)) <b>Co-op</b> & *Friends*"
NASTY_NOTE = (
    "# Not a heading\n"
    "| not | a | table |\n"
    "1. not a list\n"
    "    not code\n"
    "<script>alert('x')</script>\n"
    "---\n"
    "Ends with a backslash \\"
)
CONTACT = {
    "name": "Shona McBride",
    "role": "Playworker [volunteer lead]",
    "email": "shona.mcbride@example.com",
    "phone": "07700 900592",
}
SCORES = {
    "scope": 3,
    "leadership": 2,
    "parent-support": 3,
    "viability": 2,
    "timescale": 2,
    "evidence": 1,
    "social-value": 3,
}


def fill_case(path: Path) -> None:
    """C-0001 (and an unrelated referral R-2013-0002): a scored decision, milestones done and
    skipped, notes on the referral and the case, people, a conflict and a budget."""
    with Desk.open(path, clock=lambda: OPENED, actor="tester") as desk:
        referral = desk.referrals.add(
            {
                "organisation": NASTY_ORG,
                "parent_body": "Anyshire; County, Council \\ East",
                "received": date(2013, 1, 2),
                "service_area": "Youth services",
                "staff_in_scope": 42,
                "contract_value": 1_250_000,
                "region": "london",
                "contact": CONTACT,
                "enquiry": "We want to **own** it.\x1b[31m\nSecond line",
            }
        )
        desk.referrals.add({"organisation": "Other Org", "parent_body": "Other Council"})
        desk.notes.add(referral.id, "First call before triage, with Shona.", kind="call",
                       on=date(2013, 1, 3))  # fmt: skip
        desk.triage.decide(referral.id, "accept", "Promising; sponsor | named", scores=SCORES)
        desk.cases.milestones.complete("C-0001", "M01", on=date(2013, 1, 10))
        desk.cases.milestones.skip("C-0001", "LA01", "Done, under; another \\ name")
        desk.notes.add("C-0001", NASTY_NOTE, kind="meeting", on=date(2013, 2, 1),
                       tags=["board", "tupe"])  # fmt: skip
        desk.notes.add("C-0001", "An earlier visit.", kind="visit", on=date(2013, 1, 20))
        desk.cases.add_person(
            "C-0001",
            {"role": "mutual-ambassador", "name": "Jo Hart", "organisation": "Mutual | One",
             "email": "jo.hart@example.org", "phone": "020 7946 0001"},
        )  # fmt: skip
        desk.cases.conflicts.declare(
            "C-0001",
            "Council funds | and commissions",
            roles=["incubator", "commissioner"],
            mitigation="Separate officers",
            review_on=date(2013, 3, 20),
        )
        desk.cases.budget.set("C-0001", days_allocated=20, days_spent=12.5, amount_allocated=25_000)


def fixed_desk(path: Path, *, read_only: bool = False) -> Desk:
    """The desk on `path` with the clock on 14 Mar 2013."""
    return Desk.open(path, clock=lambda: NOW, actor="tester", read_only=read_only)


def demo_records() -> list[dict[str, object]]:
    """The bundled demo referrals as dicts."""
    loaded: list[dict[str, object]] = orjson.loads(
        (content_dir() / "demo" / "referrals.json").read_bytes()
    )
    return loaded


def fill_demo(path: Path) -> None:
    """The demo data (referrals, five cases, notes, people) with the clock on 14 Mar 2013."""
    with Desk.open(path, clock=lambda: NOW, actor="demo") as desk:
        desk.referrals.add_validated(Referral.model_validate(r) for r in demo_records())
        seed_demo_activity(desk)
