"""Right to Challenge and Social Value on a case: EOI steps close milestones and re-plan the
statutory dates (previewed, then one undoable event); warnings and the duty at boundary days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mspdesk.desk import Desk
from mspdesk.domain.challenge import EoiState
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.milestone import MilestoneStatus

TODAY = date(2013, 3, 14)
PERIODS = {
    "window_start": date(2013, 1, 1),
    "window_end": date(2013, 4, 1),
    "decision_period_days": 84,
    "procurement_max_days": 90,
}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    now = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
    opened = Desk.open(tmp_path / "data", clock=lambda: now, actor="tester")
    yield opened
    opened.close()


def accept(desk: Desk, **fields: Any) -> str:
    values = {"organisation": "Leisure Co", "parent_body": "Anyshire Council",
              "received": date(2013, 3, 1), "route": "right-to-challenge", **fields}  # fmt: skip
    referral = desk.referrals.add(values)
    desk.triage.decide(referral.id, "accept", "ok")
    case_id = desk.referrals.get(referral.id).case_id
    assert case_id
    return case_id


def status(desk: Desk, case_id: str, code: str) -> MilestoneStatus:
    found = desk.cases.get(case_id).milestone(code)
    assert found is not None
    return found.status


def due(desk: Desk, case_id: str, code: str) -> date | None:
    found = desk.cases.get(case_id).milestone(code)
    assert found is not None
    return found.due


@pytest.fixture
def submitted(desk: Desk) -> str:
    """A challenge case with the authority's periods recorded and the EOI submitted today."""
    case_id = accept(desk)
    desk.cases.deadlines.apply(desk.cases.deadlines.preview_periods(case_id, PERIODS))
    desk.cases.deadlines.apply(desk.cases.deadlines.preview_eoi(case_id, "submitted"))
    return case_id


def test_submitting_closes_c03_and_fixes_notice_and_decision_dates(desk: Desk) -> None:
    case_id = accept(desk)
    desk.cases.deadlines.apply(desk.cases.deadlines.preview_periods(case_id, PERIODS))
    before = {m.code: m.due for m in desk.cases.get(case_id).milestones}
    seq = desk.core.store.seq
    preview = desk.cases.deadlines.preview_eoi(case_id, "submitted")
    assert desk.core.store.seq == seq  # a preview saves nothing
    assert preview.done == (("C03", TODAY),)
    moved = {change.code: change.new_due for change in preview.changes}
    # Received within the window: notice 30 days and decision 84 days after it closes.
    assert moved["C04"] == date(2013, 5, 1)
    assert moved["C05"] == date(2013, 6, 24)
    assert moved["C06"] == date(2013, 6, 24) + timedelta(days=84)  # hangs from the decision
    desk.cases.deadlines.apply(preview)
    assert desk.core.store.seq == seq + 1
    case = desk.cases.get(case_id)
    assert case.challenge is not None and case.challenge.eoi.state is EoiState.SUBMITTED
    assert status(desk, case_id, "C03") is MilestoneStatus.DONE
    assert due(desk, case_id, "C04") == date(2013, 5, 1)
    desk.undo()
    case = desk.cases.get(case_id)
    assert case.challenge is not None and case.challenge.eoi.state is EoiState.DRAFT
    assert {m.code: m.due for m in case.milestones} == before
    assert status(desk, case_id, "C03") is MilestoneStatus.OPEN


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2013, 4, 16), []),  # 15 days before the notice is due: silent
        (date(2013, 4, 17), ["30-day notice due in 14 days (1 May 2013)"]),
        (date(2013, 5, 1), ["30-day notice due today (1 May 2013)"]),
        (date(2013, 5, 2), ["30-day notice overdue by 1 day (due 1 May 2013)"]),
    ],
)
def test_notice_warning_boundaries_on_the_case(
    desk: Desk, submitted: str, today: date, expected: list[str]
) -> None:
    case = desk.cases.get(submitted)
    warnings = desk.cases.deadlines.warnings(case, today)
    assert [w.message for w in warnings if w.kind == "notice"] == expected


def test_decision_without_notice_skips_it_and_sets_the_procurement_deadline(
    desk: Desk, submitted: str
) -> None:
    preview = desk.cases.deadlines.preview_eoi(submitted, "accepted", date(2013, 6, 20))
    assert preview.done == (("C05", date(2013, 6, 20)),)
    assert [code for code, _ in preview.skipped] == ["C04"]
    assert {c.code: c.new_due for c in preview.changes}["C06"] == date(2013, 9, 18)
    desk.cases.deadlines.apply(preview)
    assert status(desk, submitted, "C04") is MilestoneStatus.SKIPPED
    assert due(desk, submitted, "C06") == date(2013, 9, 18)
    timeline = desk.cases.deadlines.timeline(desk.cases.get(submitted))
    labels = [(row.label, row.day, row.state) for row in timeline]
    assert ("Decision: accepted", date(2013, 6, 20), "done") in labels
    assert ("Procurement must start by", date(2013, 9, 18), "due") in labels


def test_rejection_needs_a_ground_and_wrong_moves_are_refused(desk: Desk, submitted: str) -> None:
    with pytest.raises(InvalidRecord, match=r"R1\.\.R10"):
        desk.cases.deadlines.preview_eoi(submitted, "rejected")
    preview = desk.cases.deadlines.preview_eoi(submitted, "rejected", ground="r6")
    case = desk.cases.deadlines.apply(preview)
    assert case.challenge is not None and case.challenge.eoi.rejection_ground == "R6"
    with pytest.raises(UserError, match="cannot go from rejected"):
        desk.cases.deadlines.preview_eoi(submitted, "procurement-started")


def test_stale_challenge_preview_is_refused(desk: Desk, submitted: str) -> None:
    preview = desk.cases.deadlines.preview_eoi(submitted, "acknowledged")
    desk.cases.milestones.complete(submitted, "C04")
    with pytest.raises(UserError, match="preview again"):
        desk.cases.deadlines.apply(preview)


def test_periods_must_be_in_order(desk: Desk) -> None:
    case_id = accept(desk)
    with pytest.raises(InvalidRecord, match="window_start"):
        desk.cases.deadlines.preview_periods(
            case_id, {"window_start": date(2013, 5, 1), "window_end": date(2013, 4, 1)}
        )


# ------------------------------------------------------------------ Social Value Act


@pytest.mark.parametrize(("value", "applies"), [(173_933, False), (173_934, True)])
def test_social_value_at_the_threshold_on_the_procurement_date(
    desk: Desk, value: int, applies: bool
) -> None:
    case_id = accept(desk, contract_value=value)
    desk.cases.update(case_id, {"procurement_on": date(2013, 6, 1)})
    check = desk.cases.deadlines.social_value(desk.cases.get(case_id))
    assert check.applies is applies
    assert check.day == date(2013, 6, 1) and "social-value-act" in check.guidance


@pytest.mark.parametrize(
    ("day", "applies"),
    [(date(2013, 1, 30), False), (date(2013, 1, 31), True)],  # the Act's first day
)
def test_social_value_commencement_boundary(desk: Desk, day: date, applies: bool) -> None:
    case_id = accept(desk, contract_value=500_000)
    desk.cases.update(case_id, {"procurement_on": day})
    assert desk.cases.deadlines.social_value(desk.cases.get(case_id)).applies is applies


def test_social_value_without_dates_or_value(desk: Desk) -> None:
    case_id = accept(desk)
    check = desk.cases.deadlines.social_value(desk.cases.get(case_id))
    assert check.applies is None and check.day == TODAY
    assert "Record the contract value" in check.reason


# ------------------------------------------------------------------ new states and duties


def test_refused_outside_window_shows_the_judicial_review_limit(desk: Desk, submitted: str) -> None:
    deadlines = desk.cases.deadlines
    deadlines.apply(deadlines.preview_eoi(submitted, "refused-outside-window", date(2013, 3, 20)))
    case = desk.cases.get(submitted)
    assert case.challenge is not None
    assert case.challenge.eoi.refused_on == date(2013, 3, 20)
    labels = {row.label: row.day for row in deadlines.timeline(case)}
    assert labels["Refused: outside the submission window"] == date(2013, 3, 20)
    assert labels["Judicial review: last day (CPR 54.5)"] == date(2013, 6, 20)
    assert "Decision" not in labels
    assert any(w.kind == "judicial-review" for w in deadlines.warnings(case, date(2013, 6, 10)))


def test_held_then_modification_agreed_then_published(desk: Desk, submitted: str) -> None:
    deadlines = desk.cases.deadlines
    deadlines.apply(
        deadlines.preview_eoi(submitted, "held", date(2013, 3, 20), held_until=date(2014, 3, 31))
    )
    deadlines.apply(
        deadlines.preview_eoi(
            submitted, "accepted-with-modification", date(2014, 2, 1), agreed_on=date(2014, 1, 28)
        )
    )
    with pytest.raises(UserError, match="before it was made"):
        deadlines.preview_published(submitted, date(2014, 1, 30))
    deadlines.apply(deadlines.preview_published(submitted, date(2014, 2, 3)))
    case = desk.cases.get(submitted)
    rows = {row.label: row.day for row in deadlines.timeline(case)}
    assert rows["Held until"] == date(2014, 3, 31)
    assert rows["Modification agreed by the group"] == date(2014, 1, 28)
    assert rows["Decision notice published"] == date(2014, 2, 3)
    assert rows["Decision: accepted with modification"] == date(2014, 2, 1)
    assert {d.code: d.done for d in deadlines.checklist(case)}["P5"] is True
    assert desk.undo() is not None  # the publication is one undoable change
    assert {d.code: d.done for d in deadlines.checklist(desk.cases.get(submitted))}["P5"] is False


def test_withdrawn_by_the_group(desk: Desk, submitted: str) -> None:
    deadlines = desk.cases.deadlines
    deadlines.apply(deadlines.preview_eoi(submitted, "withdrawn", date(2013, 3, 25)))
    case = desk.cases.get(submitted)
    assert {row.label for row in deadlines.timeline(case)} >= {"Withdrawn by the group"}
    with pytest.raises(UserError, match="cannot go from withdrawn"):
        deadlines.preview_eoi(submitted, "accepted")


def test_unknown_step_is_a_user_error(desk: Desk, submitted: str) -> None:
    with pytest.raises(UserError, match="EOI step"):
        desk.cases.deadlines.preview_eoi(submitted, "maybe")
