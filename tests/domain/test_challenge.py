"""Community Right to Challenge: EOI states, the 30-day notice, periods and warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from mspdesk.domain.challenge import (
    REJECTION_GROUNDS,
    TRANSITIONS,
    AuthorityPeriods,
    EoiState,
    ExpressionOfInterest,
    can_move,
    challenge_dates,
    decision_due,
    move,
    notice_due,
    procurement_window,
    rejection_ground,
)
from mspdesk.domain.challenge_warnings import (
    challenge_warnings,
)
from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.milestone import apply_changes, complete, plan, replan
from mspdesk.domain.pathways import parse_pathway
from mspdesk.locations import content_dir

# West Devon publishes a 1 Jan - 1 Apr window (brief 1.6).
WINDOW = AuthorityPeriods(window_start=date(2013, 1, 1), window_end=date(2013, 4, 1))
NO_WINDOW = AuthorityPeriods()


def submitted(received: date) -> ExpressionOfInterest:
    return move(ExpressionOfInterest(), EoiState.SUBMITTED, received)


def kinds(warnings: list) -> list[str]:  # type: ignore[type-arg]
    return [w.kind for w in warnings]


# --- the ten grounds and the states ---------------------------------------------------------


def test_ten_rejection_grounds() -> None:
    assert [g.code for g in REJECTION_GROUNDS] == [f"R{n}" for n in range(1, 11)]
    assert all(g.title and g.detail for g in REJECTION_GROUNDS)
    assert rejection_ground("r8").title == "Authority plans an employee-led body"
    assert rejection_ground("R10").wording_unverified
    with pytest.raises(InvalidRecord, match=r"R1\.\.R10"):
        rejection_ground("R11")


def test_every_state_has_transitions_and_terminal_states_have_none() -> None:
    assert set(TRANSITIONS) == set(EoiState)
    for terminal in (EoiState.REJECTED, EoiState.CONTRACT_WON, EoiState.CONTRACT_LOST):
        assert TRANSITIONS[terminal] == frozenset()
    assert can_move(EoiState.SUBMITTED, EoiState.ACCEPTED)
    assert not can_move(EoiState.DRAFT, EoiState.ACCEPTED)
    assert not can_move(EoiState.REJECTED, EoiState.PROCUREMENT_STARTED)


def test_full_life_records_each_date() -> None:
    eoi = submitted(date(2013, 2, 4))
    assert eoi.submitted_on == eoi.received_on == date(2013, 2, 4)
    eoi = move(
        eoi, EoiState.ACKNOWLEDGED, date(2013, 4, 20), expected_decision_on=date(2013, 6, 24)
    )
    eoi = move(eoi, EoiState.ACCEPTED_WITH_MODIFICATION, date(2013, 6, 20))
    eoi = move(eoi, EoiState.PROCUREMENT_STARTED, date(2013, 9, 2))
    eoi = move(eoi, EoiState.CONTRACT_LOST, date(2014, 1, 15))
    assert eoi.state is EoiState.CONTRACT_LOST
    assert (eoi.notice_on, eoi.expected_decision_on, eoi.decided_on) == (
        date(2013, 4, 20),
        date(2013, 6, 24),
        date(2013, 6, 20),
    )
    assert (eoi.procurement_started_on, eoi.outcome_on) == (date(2013, 9, 2), date(2014, 1, 15))


def test_rejection_needs_a_statutory_ground() -> None:
    eoi = submitted(date(2013, 2, 4))
    with pytest.raises(InvalidRecord, match=r"R1\.\.R10"):
        move(eoi, EoiState.REJECTED, date(2013, 5, 1))
    rejected = move(eoi, EoiState.REJECTED, date(2013, 5, 1), ground="r8")
    assert rejected.rejection_ground == "R8"
    with pytest.raises(ValidationError, match="only for rejected"):
        ExpressionOfInterest(state="accepted", rejection_ground="R2")


def test_disallowed_move_says_what_is_allowed() -> None:
    with pytest.raises(UserError, match=r"cannot go from draft to accepted \(allowed: submitted"):
        move(ExpressionOfInterest(), EoiState.ACCEPTED, date(2013, 5, 1))
    lost = ExpressionOfInterest(state="contract-lost")
    with pytest.raises(UserError, match="allowed: none"):
        move(lost, EoiState.CONTRACT_WON, date(2013, 5, 1))


def test_periods_must_be_in_order() -> None:
    with pytest.raises(ValidationError, match="window_start"):
        AuthorityPeriods(window_start=date(2013, 4, 2), window_end=date(2013, 4, 1))
    with pytest.raises(ValidationError, match="procurement_min_days"):
        AuthorityPeriods(procurement_min_days=90, procurement_max_days=42)


# --- 30-day notice ---------------------------------------------------------------------------


def test_notice_due_30_days_after_receipt_without_windows() -> None:
    assert notice_due(date(2013, 4, 1), None) == date(2013, 5, 1)
    assert notice_due(date(2013, 2, 28), None) == date(2013, 3, 30)


def test_notice_due_after_the_window_closes_for_eois_received_within_it() -> None:
    end = date(2013, 4, 1)
    assert notice_due(date(2013, 3, 31), end) == date(2013, 5, 1)  # day before close
    assert notice_due(date(2013, 4, 1), end) == date(2013, 5, 1)  # on the last day
    assert notice_due(date(2013, 4, 2), end) == date(2013, 5, 2)  # day after: from receipt


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2013, 4, 16), []),  # 15 days before: silent with warn_days=14
        (date(2013, 4, 17), ["30-day notice due in 14 days (1 May 2013)"]),
        (date(2013, 4, 30), ["30-day notice due in 1 day (1 May 2013)"]),
        (date(2013, 5, 1), ["30-day notice due today (1 May 2013)"]),
        (date(2013, 5, 2), ["30-day notice overdue by 1 day (due 1 May 2013)"]),
        (date(2013, 5, 3), ["30-day notice overdue by 2 days (due 1 May 2013)"]),
    ],
)
def test_notice_warning_boundaries(today: date, expected: list[str]) -> None:
    warnings = challenge_warnings(submitted(date(2013, 4, 1)), NO_WINDOW, today)
    assert [w.message for w in warnings] == expected


def test_notice_warning_levels_and_days() -> None:
    eoi = submitted(date(2013, 4, 1))
    (on_day,) = challenge_warnings(eoi, NO_WINDOW, date(2013, 5, 1))
    (late,) = challenge_warnings(eoi, NO_WINDOW, date(2013, 5, 2))
    assert (on_day.level, on_day.days) == ("soon", 0)
    assert (late.level, late.days) == ("overdue", -1)


def test_notice_warning_stops_once_acknowledged() -> None:
    eoi = move(submitted(date(2013, 4, 1)), EoiState.ACKNOWLEDGED, date(2013, 4, 20))
    assert challenge_warnings(eoi, NO_WINDOW, date(2013, 5, 2)) == []


def test_recorded_receipt_date_wins_over_submission() -> None:
    eoi = submitted(date(2013, 4, 1)).model_copy(update={"received_on": date(2013, 4, 3)})
    (warning,) = challenge_warnings(eoi, NO_WINDOW, date(2013, 5, 3))
    assert warning.message == "30-day notice due today (3 May 2013)"


# --- decision --------------------------------------------------------------------------------


def test_decision_due_from_published_period_and_from_notice() -> None:
    twelve_weeks = AuthorityPeriods(decision_period_days=84)
    assert decision_due(date(2013, 4, 1), NO_WINDOW) is None  # no statutory maximum
    assert decision_due(date(2013, 4, 1), twelve_weeks) == date(2013, 6, 24)
    windowed = WINDOW.model_copy(update={"decision_period_days": 84})
    assert decision_due(date(2013, 2, 4), windowed) == date(2013, 6, 24)  # from window close
    assert decision_due(date(2013, 4, 2), windowed) == date(2013, 6, 25)  # after it: receipt
    assert decision_due(date(2013, 4, 1), twelve_weeks, date(2013, 7, 1)) == date(2013, 7, 1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2013, 6, 9), None),
        (date(2013, 6, 10), "Decision due in 14 days (24 Jun 2013)"),
        (date(2013, 6, 23), "Decision due in 1 day (24 Jun 2013)"),
        (date(2013, 6, 24), "Decision due today (24 Jun 2013)"),
        (date(2013, 6, 25), "Decision overdue by 1 day (due 24 Jun 2013)"),
    ],
)
def test_decision_warning_boundaries(today: date, expected: str | None) -> None:
    periods = AuthorityPeriods(decision_period_days=84)
    eoi = move(submitted(date(2013, 4, 1)), EoiState.ACKNOWLEDGED, date(2013, 4, 20))
    messages = [w.message for w in challenge_warnings(eoi, periods, today)]
    assert messages == ([expected] if expected else [])


def test_decision_date_from_the_notice_is_used() -> None:
    eoi = move(
        submitted(date(2013, 4, 1)),
        EoiState.ACKNOWLEDGED,
        date(2013, 4, 20),
        expected_decision_on=date(2013, 7, 31),
    )
    (warning,) = challenge_warnings(eoi, NO_WINDOW, date(2013, 7, 30))
    assert warning.message == "Decision due in 1 day (31 Jul 2013)"


def test_eoi_received_outside_the_window_is_flagged() -> None:
    periods = WINDOW.model_copy(update={"decision_period_days": 84})
    warnings = challenge_warnings(submitted(date(2013, 4, 2)), periods, date(2013, 4, 3))
    assert kinds(warnings) == ["outside-window"]
    assert warnings[0].level == "note"
    assert challenge_warnings(submitted(date(2013, 4, 1)), periods, date(2013, 4, 3)) == []
    early = challenge_warnings(submitted(date(2012, 12, 31)), periods, date(2013, 1, 2))
    assert kinds(early) == ["outside-window"]


# --- submission window -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2012, 12, 17), []),
        (date(2012, 12, 18), ["Submission window opens in 14 days (1 Jan 2013)"]),
        (date(2012, 12, 31), ["Submission window opens in 1 day (1 Jan 2013)"]),
        (date(2013, 1, 1), []),  # open, and the close is far away
        (date(2013, 3, 17), []),
        (date(2013, 3, 18), ["Submission window closes in 14 days (1 Apr 2013)"]),
        (date(2013, 3, 27), ["Submission window closes in 5 days (1 Apr 2013)"]),
        (date(2013, 4, 1), ["Submission window closes today (1 Apr 2013)"]),
        (
            date(2013, 4, 2),
            ["Submission window closed 1 Apr 2013: an EOI sent now can be refused "
             "until the next window"],
        ),
    ],
)  # fmt: skip
def test_window_warning_boundaries(today: date, expected: list[str]) -> None:
    warnings = challenge_warnings(ExpressionOfInterest(), WINDOW, today)
    assert [w.message for w in warnings] == expected


def test_no_window_no_window_warnings() -> None:
    assert challenge_warnings(ExpressionOfInterest(), NO_WINDOW, date(2013, 4, 2)) == []


# --- acceptance to procurement ---------------------------------------------------------------

# Richmond publishes 12 to 52 weeks from acceptance to the start of procurement (brief 1.6).
RICHMOND = AuthorityPeriods(procurement_min_days=84, procurement_max_days=364)
ACCEPTED_ON = date(2013, 6, 3)


def accepted() -> ExpressionOfInterest:
    return move(submitted(date(2013, 4, 1)), EoiState.ACCEPTED, ACCEPTED_ON)


def test_procurement_window() -> None:
    assert procurement_window(ACCEPTED_ON, RICHMOND) == (date(2013, 8, 26), date(2014, 6, 2))
    assert procurement_window(ACCEPTED_ON, NO_WINDOW) == (None, None)
    only_max = AuthorityPeriods(procurement_max_days=90)
    assert procurement_window(ACCEPTED_ON, only_max) == (None, date(2013, 9, 1))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2014, 5, 18), []),
        (date(2014, 5, 19), ["Procurement must start by 2 Jun 2014 (in 14 days)"]),
        (date(2014, 6, 1), ["Procurement must start by 2 Jun 2014 (in 1 day)"]),
        (date(2014, 6, 2), ["Procurement must start by 2 Jun 2014 (today)"]),
        (date(2014, 6, 3), ["Procurement start overdue by 1 day (was due by 2 Jun 2014)"]),
    ],
)
def test_procurement_latest_boundaries(today: date, expected: list[str]) -> None:
    assert [w.message for w in challenge_warnings(accepted(), RICHMOND, today)] == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2013, 8, 11), []),
        (date(2013, 8, 12), ["Procurement may start from 26 Aug 2013 (in 14 days)"]),
        (date(2013, 8, 25), ["Procurement may start from 26 Aug 2013 (in 1 day)"]),
        (date(2013, 8, 26), []),  # the minimum has passed: nothing to say
    ],
)
def test_procurement_earliest_boundaries(today: date, expected: list[str]) -> None:
    assert [w.message for w in challenge_warnings(accepted(), RICHMOND, today)] == expected


def test_accepted_with_modification_warns_too_and_procurement_started_does_not() -> None:
    eoi = move(submitted(date(2013, 4, 1)), EoiState.ACCEPTED_WITH_MODIFICATION, ACCEPTED_ON)
    late = ACCEPTED_ON + timedelta(days=365)
    assert kinds(challenge_warnings(eoi, RICHMOND, late)) == ["procurement-latest"]
    started = move(eoi, EoiState.PROCUREMENT_STARTED, late)
    assert challenge_warnings(started, RICHMOND, late) == []


def test_warnings_come_soonest_first_and_warn_days_is_adjustable() -> None:
    periods = AuthorityPeriods(decision_period_days=35)
    eoi = submitted(date(2013, 4, 1))
    warnings = challenge_warnings(eoi, periods, date(2013, 4, 25), warn_days=14)
    assert kinds(warnings) == ["notice", "decision"]
    assert kinds(challenge_warnings(eoi, periods, date(2013, 4, 25), warn_days=5)) == []


# --- feeding the case's milestones -------------------------------------------------------------


def test_challenge_dates_drive_the_pathway_milestones() -> None:
    periods = WINDOW.model_copy(update={"decision_period_days": 84, "procurement_max_days": 90})
    assert challenge_dates(ExpressionOfInterest(), periods) == {}
    eoi = submitted(date(2013, 2, 4))
    assert challenge_dates(eoi, periods) == {"C04": date(2013, 5, 1), "C05": date(2013, 6, 24)}
    eoi = move(eoi, EoiState.ACKNOWLEDGED, date(2013, 4, 20), expected_decision_on=date(2013, 7, 1))
    assert challenge_dates(eoi, periods)["C05"] == date(2013, 7, 1)
    eoi = move(eoi, EoiState.ACCEPTED, date(2013, 6, 28))
    assert challenge_dates(eoi, periods) == {"C06": date(2013, 9, 26)}


def test_challenge_dates_replan_the_shipped_pathway() -> None:
    text = (content_dir() / "pathways" / "right-to-challenge-bid.toml").read_text(encoding="utf-8")
    start = date(2012, 11, 1)
    planned = plan(parse_pathway(text, "right-to-challenge-bid.toml"), start)
    # The adviser marks the submission done on the day the authority received it ...
    milestones = [complete(m, date(2013, 2, 4)) if m.code == "C03" else m for m in planned]
    eoi = submitted(date(2013, 2, 4))
    periods = WINDOW.model_copy(update={"decision_period_days": 84})
    # ... and the authority's window and decision period fix the notice and decision dates.
    changes = {c.code: c for c in replan(milestones, start, challenge_dates(eoi, periods))}
    assert changes["C04"].new_due == date(2013, 5, 1)
    assert changes["C05"].new_due == date(2013, 6, 24)
    # Procurement hangs from the decision: 84 days after it by default.
    assert changes["C06"].new_due == date(2013, 9, 16)
    applied = apply_changes(milestones, changes.values())
    assert replan(applied, start, challenge_dates(eoi, periods)) == []
