"""Right to Challenge: refused outside the window, held, withdrawn, modification agreed; the
judicial-review limit after a refusal; the authority's publication duties."""

from __future__ import annotations

from datetime import date

import pytest

from mspdesk.domain.challenge import (
    TRANSITIONS,
    AuthorityPeriods,
    EoiState,
    ExpressionOfInterest,
    move,
)
from mspdesk.domain.challenge_warnings import (
    challenge_warnings,
    judicial_review_deadline,
    publication_checklist,
)
from mspdesk.domain.errors import UserError

S = EoiState
DAY = date(2026, 3, 2)
WINDOW = AuthorityPeriods(window_start=date(2026, 1, 1), window_end=date(2026, 2, 28))


def submitted(on: date = DAY) -> ExpressionOfInterest:
    return move(ExpressionOfInterest(), S.SUBMITTED, on)


def test_refused_outside_the_window_records_the_day_without_a_ground() -> None:
    eoi = move(submitted(), S.REFUSED_OUTSIDE_WINDOW, date(2026, 3, 10))
    assert eoi.state is S.REFUSED_OUTSIDE_WINDOW
    assert eoi.refused_on == date(2026, 3, 10) and eoi.rejection_ground is None
    with pytest.raises(UserError, match="only for a rejected EOI"):
        move(submitted(), S.REFUSED_OUTSIDE_WINDOW, DAY, ground="R1")


def test_refused_eoi_can_be_resubmitted_in_the_next_window() -> None:
    refused = move(submitted(), S.REFUSED_OUTSIDE_WINDOW, date(2026, 3, 10))
    again = move(refused, S.SUBMITTED, date(2027, 1, 5))
    assert again.received_on == date(2027, 1, 5) and again.submitted_on == date(2027, 1, 5)


def test_held_until_the_contract_ends_then_decided() -> None:
    held = move(submitted(), S.HELD, date(2026, 4, 1), held_until=date(2027, 3, 31))
    assert held.held_on == date(2026, 4, 1) and held.held_until == date(2027, 3, 31)
    assert S.ACCEPTED in TRANSITIONS[S.HELD]
    decided = move(held, S.ACCEPTED, date(2027, 2, 1))
    assert decided.decided_on == date(2027, 2, 1) and decided.held_until == date(2027, 3, 31)
    with pytest.raises(UserError, match="held until"):
        move(submitted(), S.HELD, date(2026, 4, 1), held_until=date(2026, 3, 1))


def test_held_warning_counts_down_to_the_day() -> None:
    held = move(submitted(), S.HELD, date(2026, 4, 1), held_until=date(2026, 5, 1))
    [warning] = challenge_warnings(held, WINDOW, date(2026, 4, 20))
    assert warning.kind == "held" and warning.level == "soon"
    [late] = challenge_warnings(held, WINDOW, date(2026, 5, 2))
    assert late.level == "overdue"


@pytest.mark.parametrize(
    "state", [S.DRAFT, S.SUBMITTED, S.ACKNOWLEDGED, S.HELD, S.ACCEPTED, S.PROCUREMENT_STARTED]
)
def test_the_group_can_withdraw_until_the_contract_is_decided(state: EoiState) -> None:
    assert S.WITHDRAWN in TRANSITIONS[state]
    assert TRANSITIONS[S.WITHDRAWN] == frozenset()


def test_withdrawal_records_the_day() -> None:
    eoi = move(submitted(), S.WITHDRAWN, date(2026, 3, 20))
    assert eoi.withdrawn_on == date(2026, 3, 20)


def test_modification_agreed_is_a_decision_not_a_rejection() -> None:
    eoi = move(
        submitted(), S.ACCEPTED_WITH_MODIFICATION, date(2026, 5, 1), agreed_on=date(2026, 4, 28)
    )
    assert eoi.rejection_ground is None
    assert eoi.decided_on == date(2026, 5, 1) and eoi.modification_agreed_on == date(2026, 4, 28)
    default = move(submitted(), S.ACCEPTED_WITH_MODIFICATION, date(2026, 5, 1))
    assert default.modification_agreed_on == date(2026, 5, 1)
    with pytest.raises(UserError, match="agreed on"):
        move(submitted(), S.ACCEPTED, date(2026, 5, 1), agreed_on=date(2026, 4, 28))


@pytest.mark.parametrize(
    ("decided", "last"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 11, 30), date(2027, 2, 28)),  # no 30 Feb: the month's last day
        (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        (date(2026, 10, 31), date(2027, 1, 31)),
        (date(2026, 12, 1), date(2027, 3, 1)),
    ],
)
def test_judicial_review_deadline_is_three_calendar_months(decided: date, last: date) -> None:
    assert judicial_review_deadline(decided) == last


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (date(2026, 4, 1), "note"),  # more than 14 days left
        (date(2026, 6, 19), "soon"),  # 14 days before 3 Jul... last day 3 Jul
        (date(2026, 7, 3), "soon"),  # the last day
        (date(2026, 7, 4), "overdue"),  # passed
    ],
)
def test_judicial_review_warning_after_a_rejection(today: date, level: str) -> None:
    rejected = move(submitted(), S.REJECTED, date(2026, 4, 3), ground="R6")
    [warning] = [
        w for w in challenge_warnings(rejected, WINDOW, today) if w.kind == "judicial-review"
    ]
    assert warning.due == date(2026, 7, 3) and warning.level == level
    assert ("CPR 54.5" in warning.message) is (level != "overdue")


def test_judicial_review_warning_after_a_refusal_but_not_an_acceptance() -> None:
    refused = move(submitted(), S.REFUSED_OUTSIDE_WINDOW, date(2026, 3, 10))
    assert "judicial-review" in [w.kind for w in challenge_warnings(refused, WINDOW, DAY)]
    accepted = move(submitted(), S.ACCEPTED, date(2026, 3, 10))
    assert "judicial-review" not in [w.kind for w in challenge_warnings(accepted, WINDOW, DAY)]


def test_publication_checklist_follows_the_record() -> None:
    draft = publication_checklist(ExpressionOfInterest(), AuthorityPeriods())
    assert [(d.code, d.done) for d in draft] == [
        ("P1", None), ("P2", False), ("P3", None), ("P4", None), ("P5", None)
    ]  # fmt: skip
    periods = AuthorityPeriods(
        window_start=date(2026, 1, 1), procurement_min_days=30, procurement_max_days=180
    )
    decided = move(submitted(), S.REJECTED, date(2026, 4, 3), ground="R6")
    duties = {d.code: d for d in publication_checklist(decided, periods)}
    assert duties["P1"].done and duties["P2"].done
    assert duties["P3"].done  # decided within the notice: notified
    assert duties["P4"].done and duties["P4"].on == date(2026, 4, 3)
    assert duties["P5"].done is False
    published = decided.model_copy(update={"decision_published_on": date(2026, 4, 10)})
    assert {d.code: d.done for d in publication_checklist(published, periods)}["P5"] is True
