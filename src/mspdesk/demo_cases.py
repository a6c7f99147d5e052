"""Demo cases: five demo referrals accepted through triage, with work under way on them.

Dates are relative to today, so the demo always has something done, something due this
week and one milestone overdue, whenever it is run.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from mspdesk.desk import Desk
from mspdesk.domain.milestone import MilestoneStatus

# Referral, days since the case started, adviser.
DEMO_CASES = (
    ("R-2012-0001", 100, "demo"),  # Eastmere Reablement: council spin-out, one step overdue
    ("R-2012-0003", 25, "demo"),  # Harrowgate Vale nursing: NHS Right to Provide
    ("R-2012-0004", 60, "demo"),  # Kestondale youth work: Community Right to Challenge
    ("R-2012-0002", 45, "alex"),  # Fenwold Libraries: multi-stakeholder co-operative
    ("R-2012-0019", 10, "alex"),  # Ormsgate adult care: council spin-out, GBP 40m contract
)
OVERDUE = ("C-0001", "M04")
"""The one milestone the demo leaves late."""


def seed_demo_cases(desk: Desk, ids: dict[str, str]) -> None:
    """Accept the demo referrals as cases C-0001..C-0005 and record some work on them.

    `ids` maps the bundled file's references to those the demo loaded them under.
    """
    today = desk.core.today()
    case_ids = []
    for file_id, days_ago, adviser in DEMO_CASES:
        referral_id = ids.get(file_id, file_id)
        if not desk.referrals.exists(referral_id):
            return  # someone's own demo data: leave it as it is
        desk.triage.decide(referral_id, "accept", "Demo: promising, with a senior sponsor")
        case_id = desk.referrals.get(referral_id).case_id
        assert case_id is not None
        case_ids.append(case_id)
        start = today - timedelta(days=days_ago)
        changes = desk.cases.milestones.preview_reschedule(case_id, start=start)
        desk.cases.milestones.apply_reschedule(case_id, changes, start=start)
        if adviser != desk.actor:
            desk.cases.set_adviser(case_id, adviser)
    eastmere, harrowgate, kestondale, fenwold, ormsgate = case_ids
    _challenge(desk, kestondale, today)
    for case_id in case_ids:
        _finish_what_is_past(desk, case_id, today)

    desk.cases.add_person(
        eastmere,
        {"role": "mutual-ambassador", "name": "Priya Raman", "organisation": "Mutual Ventures"},
    )
    desk.cases.add_person(
        eastmere, {"role": "lga-link", "name": "Tom Okafor", "organisation": "LGA"}
    )
    desk.cases.conflicts.declare(
        eastmere,
        "The council funds the feasibility work and will commission the new mutual",
        roles=["incubator", "commissioner"],
        mitigation="Separate commissioning officers; contract decisions go to cabinet",
        review_on=today + timedelta(days=10),
    )
    desk.cases.budget.set(
        eastmere, days_allocated=20, days_spent=12, amount_allocated=30_000, amount_spent=14_500
    )
    desk.cases.budget.set(
        harrowgate, days_allocated=15, days_spent=14, amount_allocated=22_000, amount_spent=21_000
    )
    desk.cases.budget.set(fenwold, days_allocated=10, days_spent=11.5, amount_allocated=12_000)
    desk.cases.update(ormsgate, {"procurement_on": today + timedelta(days=200)})
    _packages(desk, eastmere, harrowgate, today)
    desk.notes.add(
        eastmere,
        "Met the director and the senior sponsor. Cabinet paper on the options appraisal "
        "goes in next month; staff survey results due first.",
        kind="meeting",
        on=today - timedelta(days=20),
    )
    desk.notes.add(
        eastmere,
        "Unison regional officer asked for the TUPE timetable before the staff briefing.",
        kind="call",
        on=today - timedelta(days=3),
    )
    desk.notes.add(
        kestondale,
        "EOI sent to the council's community rights inbox; receipt acknowledged by email.",
        kind="email",
        on=today - timedelta(days=10),
    )


def _packages(desk: Desk, eastmere: str, harrowgate: str, today: date) -> None:
    """Two framework providers and three packages: one delivered, signed off and invoiced.
    Deliverables fall due after the agenda's first 30 days."""
    support = desk.support
    law = support.add_provider(
        "Northgate Mutuals Law LLP", ["legal", "governance"], day_rate=60_000, sme=True
    )
    pensions = support.add_provider("Pennine Pensions Actuaries Ltd", ["pensions"])
    articles = support.add_package(
        eastmere,
        provider_id=law.id,
        kind="legal",
        days=Decimal(5),
        rate=60_000,
        deliverable="Articles of association and staff share scheme",
        due=today + timedelta(days=45),
    )
    support.add_package(
        eastmere,
        provider_id=pensions.id,
        kind="pensions",
        days=Decimal(3),
        rate=75_000,
        deliverable="LGPS admission and exit-risk paper",
        due=today + timedelta(days=50),
    )
    support.add_package(
        harrowgate,
        provider_id=law.id,
        kind="governance",
        days=Decimal("2.5"),
        rate=65_000,
        deliverable="Board terms of reference",
        due=today + timedelta(days=60),
    )
    support.deliver(articles.id, today)
    support.sign_off(articles.id, today)
    support.invoice(articles.id, 250_000, today)


def _challenge(desk: Desk, case_id: str, today: date) -> None:
    """Kestondale's expression of interest: the council's window and periods, and the EOI
    submitted ten days ago."""
    periods = {
        "window_start": today - timedelta(days=30),
        "window_end": today + timedelta(days=20),
        "decision_period_days": 60,
        "procurement_min_days": 30,
        "procurement_max_days": 180,
    }
    deadlines = desk.cases.deadlines
    deadlines.apply(deadlines.preview_periods(case_id, periods))
    deadlines.apply(deadlines.preview_eoi(case_id, "submitted", today - timedelta(days=10)))


def _finish_what_is_past(desk: Desk, case_id: str, today: date) -> None:
    """Mark every milestone due before today done on its due date, except the overdue one."""
    case = desk.cases.get(case_id)
    for milestone in sorted(case.milestones, key=lambda m: (m.due or today, m.position)):
        if (case_id, milestone.code) == OVERDUE or milestone.status is not MilestoneStatus.OPEN:
            continue
        if milestone.due is not None and milestone.due < today:
            desk.cases.milestones.complete(case_id, milestone.code, milestone.due)
