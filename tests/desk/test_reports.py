"""Programme figures on a constructed data set with a fixed today, and through a real desk."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mspdesk.desk import Desk
from mspdesk.desk.reports import (
    Figures,
    Tally,
    compute_figures,
    figures_csv_rows,
    figures_json,
    programme_figures,
)
from mspdesk.domain.budget import Programme

TODAY = date(2013, 3, 14)
PROGRAMME = Programme(total_budget=100_000)


def referral(number: int, received: str, status: str = "new", **fields: Any) -> dict[str, Any]:
    return {"id": f"R-2013-{number:04d}", "received": received, "status": status,
            "source": "mis", "proposed_model": "employee-owned", **fields}  # fmt: skip


def decision(
    number: int, order: int, verdict: str, decided_on: str, *, in_scope: bool = True
) -> tuple[str, dict[str, Any]]:
    record = {"referral_id": f"R-2013-{number:04d}", "decision": verdict,
              "decided_at": f"{decided_on}T16:45:00.000+00:00", "in_scope": in_scope}  # fmt: skip
    return f"R-2013-{number:04d}/{order}", record


def milestone(code: str, due: str, status: str = "open") -> dict[str, Any]:
    return {"code": code, "title": f"Step {code}", "due": due, "status": status}


def case(number: int, **fields: Any) -> dict[str, Any]:
    return {"id": f"C-{number:04d}", "adviser": "tester", "status": "active", "stage": "idea",
            "milestones": [], **fields}  # fmt: skip


def figures(
    referrals: list[dict[str, Any]] = (),  # type: ignore[assignment]
    decisions: list[tuple[str, dict[str, Any]]] = (),  # type: ignore[assignment]
    cases: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    today: date = TODAY,
) -> Figures:
    return compute_figures(referrals, decisions, cases, PROGRAMME, today)


def counts(tallies: tuple[Tally, ...]) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


# ------------------------------------------------------------------ referrals


def test_months_run_across_a_year_boundary_to_this_month_with_quiet_months_as_zero() -> None:
    result = figures([referral(1, "2012-11-05"), referral(2, "2012-11-30"),
                      referral(3, "2013-01-02"), referral(4, "2012-12-31")])  # fmt: skip
    assert counts(result.by_month) == {
        "2012-11": 2, "2012-12": 1, "2013-01": 1, "2013-02": 0, "2013-03": 0
    }  # fmt: skip
    assert [t.label for t in result.by_month][:3] == ["Nov 2012", "Dec 2012", "Jan 2013"]


def test_months_stop_at_the_newest_referral_when_it_is_over_a_year_old() -> None:
    old = [referral(1, "2012-12-01"), referral(2, "2013-02-10")]
    assert list(counts(figures(old, today=date(2026, 11, 25)).by_month)) == [
        "2012-12", "2013-01", "2013-02"
    ]  # fmt: skip
    # Twelve months on is still recent: the months run on to today.
    assert len(figures(old, today=date(2014, 2, 28)).by_month) == 15
    assert figures([], today=TODAY).by_month == ()


def test_sources_and_models_keep_the_usual_order_with_zeros_and_count_scope() -> None:
    result = figures(
        [
            referral(1, "2013-01-02", source="lga"),
            referral(2, "2013-01-03", source="lga", proposed_model="multi-stakeholder"),
            referral(3, "2013-01-04", proposed_model="community-coop", status="accepted"),
            referral(4, "2013-01-05", proposed_model="undecided"),
        ],
        [decision(3, 1, "accept", "2013-01-10", in_scope=False)],
    )
    assert counts(result.by_source) == {"mis": 2, "lga": 2, "dclg": 0, "nhs": 0, "direct": 0}
    assert result.by_source[0].label == "Mutuals Information Service"
    models = {m.model: (m.in_scope, m.received, m.accepted) for m in result.models}
    assert models == {
        "employee-owned": (True, 1, 0),
        "multi-stakeholder": (False, 1, 0),
        "community-coop": (False, 1, 1),
        "social-enterprise": (False, 0, 0),
        "undecided": (True, 1, 0),
    }
    assert (result.received, result.received_in_scope, result.received_out_of_scope) == (4, 2, 2)


# ------------------------------------------------------------------ triage


def test_outcomes_count_each_referrals_latest_decision_by_the_scope_it_was_decided_in() -> None:
    result = figures(
        [referral(n, "2013-01-02", status="x") for n in range(1, 7)],
        [
            decision(1, 1, "signpost", "2013-01-05"),
            decision(1, 2, "accept", "2013-02-05"),  # revisited and accepted: counts as accept
            decision(2, 1, "accept", "2013-01-05"),
            decision(3, 1, "decline", "2013-01-05", in_scope=False),
            decision(4, 1, "refer", "2013-01-05", in_scope=False),
            decision(5, 1, "refer", "2013-01-05", in_scope=False),
            decision(6, 1, "signpost", "2013-01-05"),
        ],
    )
    table = {o.decision: (o.in_scope, o.out_of_scope) for o in result.outcomes}
    assert table == {"accept": (2, 0), "signpost": (1, 0), "decline": (0, 1), "refer": (0, 2)}
    assert result.outcomes[0].label == "Accept into the programme"
    assert sum(o.total for o in result.outcomes) == 6


def test_conversion_rates_and_none_before_anything_happens() -> None:
    result = figures(
        [referral(n, "2013-01-02") for n in range(1, 5)],
        [
            decision(1, 1, "accept", "2013-01-03"),
            decision(2, 1, "decline", "2013-01-03"),
            decision(3, 1, "accept", "2013-01-03"),
        ],
        [case(1), case(2)],
    )
    conversion = result.conversion
    assert (conversion.received, conversion.triaged, conversion.accepted) == (4, 3, 2)
    assert conversion.cases == 2
    assert conversion.accept_rate == pytest.approx(2 / 3)
    assert conversion.case_rate == pytest.approx(0.5)
    empty = figures().conversion
    assert (empty.accept_rate, empty.case_rate) == (None, None)


def test_median_days_to_first_decision_odd_count_and_waiting_age_even_count() -> None:
    result = figures(
        [
            referral(1, "2013-01-01", status="accepted"),
            referral(2, "2013-01-01", status="declined"),
            referral(3, "2013-01-01", status="signposted"),
            referral(4, "2013-03-13"),  # waiting 1 day
            referral(5, "2013-03-12", status="awaiting"),  # 2 days
            referral(6, "2013-03-09"),  # 5 days
            referral(7, "2013-03-04"),  # 10 days
            referral(8, "2013-01-01", status="referred-on"),  # no decision kept: neither
        ],
        [
            decision(1, 1, "signpost", "2013-01-03"),  # first decision: 2 days
            decision(1, 2, "accept", "2013-02-20"),  # a later one does not count
            decision(2, 1, "decline", "2013-01-05"),  # 4 days
            decision(3, 1, "signpost", "2013-01-10"),  # 9 days
        ],
    )
    timing = result.timing
    assert (timing.decided, timing.median_days_to_decision) == (3, 4.0)
    assert (timing.waiting, timing.median_days_waiting, timing.oldest_waiting_days) == (4, 3.5, 10)


def test_median_days_to_decision_with_an_even_count_and_none_without_data() -> None:
    result = figures(
        [referral(1, "2013-01-01"), referral(2, "2013-01-01")],
        [decision(1, 1, "decline", "2013-01-02"), decision(2, 1, "decline", "2013-01-05")],
    )
    assert result.timing.median_days_to_decision == 2.5
    assert result.timing.median_days_waiting is None
    assert result.timing.oldest_waiting_days is None


# ------------------------------------------------------------------ cases


def test_cases_by_stage_and_status_and_spin_outs() -> None:
    result = figures(
        cases=[
            case(1, stage="business-case"),
            case(2, stage="spun-out", status="spun-out"),
            case(3, stage="spun-out", status="spun-out"),
            case(4, stage="exploring", status="paused"),
            case(5, status="withdrawn"),
        ]
    )
    assert counts(result.cases_by_stage) == {
        "idea": 1, "exploring": 1, "options-appraisal": 0, "business-case": 1, "transition": 0,
        "spun-out": 2,
    }  # fmt: skip
    assert counts(result.cases_by_status) == {
        "active": 1, "paused": 1, "spun-out": 2, "withdrawn": 1, "closed": 0
    }  # fmt: skip
    assert result.spun_out == 2


def test_overdue_counts_open_milestones_before_today_on_active_cases_by_adviser() -> None:
    result = figures(
        cases=[
            case(1, adviser="tester", milestones=[
                milestone("M01", "2013-03-13"),  # overdue
                milestone("M02", "2013-03-14"),  # due today: not overdue
                milestone("M03", "2013-01-01", status="done"),
            ]),
            case(2, adviser="alex", milestones=[
                milestone("M01", "2012-12-01"), milestone("M02", "2013-02-01"),
            ]),
            case(3, adviser="alex", milestones=[milestone("M01", "2013-03-01")]),
            case(4, adviser="sam", status="paused", milestones=[milestone("M01", "2013-01-01")]),
            case(5, adviser="", milestones=[milestone("M01", "2013-01-01")]),
        ]
    )  # fmt: skip
    overdue = result.overdue
    assert (overdue.milestones, overdue.cases) == (5, 4)
    assert [(t.label, t.count) for t in overdue.by_adviser] == [
        ("alex", 3), ("(no adviser)", 1), ("tester", 1)
    ]  # fmt: skip


def test_budget_totals_and_overspend_flags() -> None:
    result = figures(
        cases=[
            case(1, budget={"amount_allocated": 60_000, "amount_spent": 70_000,
                            "days_allocated": 10, "days_spent": 4}),
            case(2, budget={"amount_allocated": 50_000, "amount_spent": 10_000,
                            "days_allocated": 5, "days_spent": 7.5}),
            case(3),
        ]
    )  # fmt: skip
    budget = result.budget
    assert (budget.total, budget.allocated, budget.spent) == (100_000, 110_000, 80_000)
    assert (budget.days_allocated, budget.days_spent, budget.cases_with_budget) == (15, 11.5, 2)
    assert budget.unallocated == -10_000
    assert budget.allocated_share == pytest.approx(1.1)
    assert budget.spent_share == pytest.approx(80 / 110)
    assert budget.overspent_cases == ("C-0001", "C-0002")
    assert any("exceed the programme total" in flag for flag in budget.flags)
    assert any("C-0001, C-0002" in flag for flag in budget.flags)


def test_a_budget_within_limits_raises_no_flag() -> None:
    result = figures(cases=[case(1, budget={"amount_allocated": 1000, "amount_spent": 10})])
    assert result.budget.flags == () and result.budget.overspent_cases == ()
    assert figures().budget.spent_share is None


# ------------------------------------------------------------------ flat forms


def test_csv_rows_and_json_carry_the_same_figures() -> None:
    result = figures(
        [referral(1, "2012-12-30"), referral(2, "2013-01-01"),
         referral(3, "2013-01-02", proposed_model="social-enterprise")],
        [decision(1, 1, "decline", "2013-01-02"), decision(2, 1, "decline", "2013-01-05")],
        [case(1, adviser="=cmd", milestones=[milestone("M01", "2013-01-01")])],
    )  # fmt: skip
    rows = figures_csv_rows(result)
    assert rows[0] == ["section", "label", "value"]
    assert all(len(row) == 3 and all(isinstance(cell, str) for cell in row) for row in rows)
    found = {(section, label): value for section, label, value in rows}
    assert found[("Report", "Date")] == "2013-03-14"
    assert found[("Referrals by month", "2012-12")] == "1"
    assert found[("Referrals by month", "2013-03")] == "0"
    assert found[("Triage outcomes, in scope", "Decline")] == "2"
    median = found[("Time to triage", "Median days from received to first decision")]
    assert median == "3.5"  # 3 and 4 days
    assert found[("Time to triage", "Median days waiting")] == "71"
    assert found[("Conversion", "Accepted of triaged (%)")] == "0"
    assert found[("Conversion", "Cases of referrals received (%)")] == "33.3"
    assert found[("Overdue milestones by adviser", "=cmd")] == "1"
    assert found[("Budget", "Spent of allocated (%)")] == ""  # nothing allocated
    document = figures_json(result)
    assert document["today"] == "2013-03-14"
    assert document["referrals"]["by_month"]["2013-01"] == 2
    assert document["referrals"]["out_of_scope"] == 1
    assert document["triage"]["median_days_to_decision"] == 3.5
    assert document["triage"]["outcomes"][2] == {
        "decision": "decline", "label": "Decline", "in_scope": 2, "out_of_scope": 0
    }  # fmt: skip
    assert document["cases"]["overdue_by_adviser"] == {"=cmd": 1}
    assert document["cases"]["case_rate"] == pytest.approx(1 / 3)
    assert document["budget"]["programme_total"] == 100_000


# ------------------------------------------------------------------ through a desk


def test_programme_figures_read_the_desk_and_follow_undo(tmp_path: Path) -> None:
    moment = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
    with Desk.open(tmp_path / "data", clock=lambda: moment, actor="tester") as desk:
        first = desk.referrals.add(
            {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2013, 3, 4)}
        )
        second = desk.referrals.add(
            {"organisation": "Parks Co-op", "parent_body": "Anyshire",
             "received": date(2013, 2, 20), "proposed_model": "community-coop"}
        )  # fmt: skip
        desk.triage.decide(first.id, "accept", "Promising")
        desk.triage.decide(second.id, "refer", "A co-operative", refer_to="co-operatives-uk")
        desk.cases.budget.set("C-0001", amount_allocated=30_000, amount_spent=31_000)
        result = programme_figures(desk)
        assert result.today == date(2013, 3, 14)
        table = {o.decision: (o.in_scope, o.out_of_scope) for o in result.outcomes}
        assert table["accept"] == (1, 0) and table["refer"] == (0, 1)
        assert result.timing.median_days_to_decision == (10 + 22) / 2
        assert result.conversion.cases == 1 and result.cases_by_stage[0].count == 1
        assert result.budget.total == 10_000_000 and result.budget.overspent_cases == ("C-0001",)
        desk.undo()  # the budget
        desk.undo()  # the referral on
        after = programme_figures(desk, date(2013, 4, 1))
        assert after.today == date(2013, 4, 1)
        assert {o.decision: o.total for o in after.outcomes}["refer"] == 0
        assert (after.timing.waiting, after.timing.oldest_waiting_days) == (1, 40)
        assert after.budget.overspent_cases == ()
