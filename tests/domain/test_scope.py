"""Scope by measured staff control, the model's label only a hint."""

from __future__ import annotations

from datetime import date

import pytest

from mspdesk.domain.choices import ProposedModel
from mspdesk.domain.referral import Referral
from mspdesk.domain.scope import SIGNIFICANT_SHARE, in_scope

MSC = ProposedModel.MULTI_STAKEHOLDER
EO = ProposedModel.EMPLOYEE_OWNED


def referral(**fields: object) -> Referral:
    return Referral.model_validate(
        {"id": "R-2026-0001", "received": date(2026, 12, 1), "organisation": "Leisure Co-op",
         "parent_body": "Anyshire Council", **fields}
    )  # fmt: skip


def test_multi_stakeholder_coop_with_staff_control_is_in_scope() -> None:
    ref = referral(
        proposed_model="multi-stakeholder", staff_votes_percent=60, staff_board_percent=50
    )
    assert ref.in_scope
    assert ref.scope.measured
    assert "60% of the votes and 50% of the board seats" in ref.scope.reason


def test_multi_stakeholder_coop_with_token_staff_votes_is_not() -> None:
    ref = referral(proposed_model="multi-stakeholder", staff_votes_percent="10%")
    assert not ref.in_scope
    assert ref.scope.measured and "below the 25%" in ref.scope.reason


def test_label_alone_is_the_hint_when_nothing_is_measured() -> None:
    assert referral(proposed_model="employee-owned").in_scope
    assert not referral(proposed_model="multi-stakeholder").in_scope
    assert not referral(proposed_model="multi-stakeholder").scope.measured


def test_measured_shares_override_an_employee_owned_label() -> None:
    assert not in_scope(EO, 10, 50)


@pytest.mark.parametrize(
    ("votes", "board", "expected"),
    [
        (SIGNIFICANT_SHARE, SIGNIFICANT_SHARE, True),  # the boundary counts in
        (24.9, 50, False),
        (60, 24.9, False),
        (60, None, True),  # only one share recorded: it decides
        (None, 10, False),
        (100, 100, True),
        (0, 0, False),
    ],
)
def test_rule(votes: float | None, board: float | None, expected: bool) -> None:
    assert in_scope(MSC, votes, board) is expected


def test_raw_stored_values_are_accepted() -> None:
    assert in_scope("multi-stakeholder", 60.0, 50.0)
    assert in_scope("employee-owned", None, None)
    assert not in_scope(None, None, None)


@pytest.mark.parametrize("bad", [-1, 101, "lots"])
def test_percent_out_of_range_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="staff_votes_percent"):
        referral(staff_votes_percent=bad)
