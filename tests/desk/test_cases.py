"""Cases through the desk: opening with a pathway, milestones, re-planning with preview and
one-step undo, status and outcome, conflicts, budget, Right to Challenge, Social Value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mspdesk.desk import Desk
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.milestone import MilestoneStatus

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
TODAY = date(2013, 3, 14)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    opened = Desk.open(tmp_path / "data", clock=lambda: NOW, actor="tester")
    yield opened
    opened.close()


def accept(desk: Desk, org: str = "Care Co", **fields: Any) -> str:
    """Add a referral and accept it; returns the new case id."""
    values: dict[str, Any] = {
        "organisation": org,
        "parent_body": "Anyshire Council",
        "received": date(2013, 3, 1),
        "proposed_model": "employee-owned",
        "contact": {"name": "Sandra Okafor", "role": "Head of Service"},
    }
    referral = desk.referrals.add({**values, **fields})
    desk.triage.decide(referral.id, "accept", "Strong sponsor")
    case_id = desk.referrals.get(referral.id).case_id
    assert case_id is not None
    return case_id


def dues(desk: Desk, case_id: str) -> dict[str, date | None]:
    return {m.code: m.due for m in desk.cases.get(case_id).milestones}


def seq(desk: Desk) -> int:
    return desk.core.store.seq


# ------------------------------------------------------------------ opening


def test_accepting_opens_a_case_with_the_pathway_planned_from_today(desk: Desk) -> None:
    case = desk.cases.get(accept(desk, stage="exploring", contract_value=4_200_000))
    assert case.pathway == "council-spin-out"
    assert case.stage.value == "exploring" and case.contract_value == 4_200_000
    planned = {m.code: m for m in case.milestones}
    assert planned["M01"].due == TODAY
    assert planned["M02"].due == TODAY + timedelta(days=30)
    # TUPE information hangs from transfer, 28 days before it.
    assert planned["M10"].due == planned["M15"].due - timedelta(days=28)  # type: ignore[operator]
    assert all(m.status is MilestoneStatus.OPEN for m in case.milestones)
    assert [m.position for m in case.ordered_milestones] == list(range(len(case.milestones)))
    roles = [(p.role.value, p.name) for p in case.people]
    assert roles == [("case-adviser", "tester"), ("parent-body-contact", "Sandra Okafor")]
    assert case.challenge is None


@pytest.mark.parametrize(
    ("route", "model", "pathway"),
    [
        ("right-to-provide", "employee-owned", "nhs-right-to-provide"),
        ("right-to-challenge", "employee-owned", "right-to-challenge-bid"),
        ("commissioner-led", "multi-stakeholder", "multi-stakeholder-coop"),
        ("other", "employee-owned", "council-spin-out"),
    ],
)
def test_pathway_follows_route_and_model(desk: Desk, route: str, model: str, pathway: str) -> None:
    case = desk.cases.get(accept(desk, route=route, proposed_model=model))
    assert case.pathway == pathway
    assert (case.challenge is not None) == (route == "right-to-challenge")


def test_unknown_case_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFound, match="no case C-0099"):
        desk.cases.get("C-0099")


def test_summaries_filter_by_adviser_and_show_next_due(desk: Desk) -> None:
    first = accept(desk, "Care Co")
    second = accept(desk, "Parks Co")
    desk.cases.set_adviser(second, "alex")
    rows = desk.cases.summaries()
    assert [row.case_id for row in rows] == [second, first]
    [mine] = desk.cases.summaries(adviser="tester")
    assert (mine.case_id, mine.next_code, mine.next_due) == (first, "M01", "2013-03-14")
    assert mine.overdue == 0 and mine.open_milestones == 17
    assert desk.cases.advisers() == ["alex", "tester"]
    people = desk.cases.get(second).people
    assert (people[0].role.value, people[0].name) == ("case-adviser", "alex")


# ------------------------------------------------------------------ milestones


def test_complete_on_time_moves_nothing_and_is_one_event(desk: Desk) -> None:
    case_id = accept(desk)
    before = dues(desk, case_id)
    start = seq(desk)
    result = desk.cases.milestones.complete(case_id, "m01")  # any case
    assert seq(desk) == start + 1
    assert result.milestone.status is MilestoneStatus.DONE and result.milestone.done_on == TODAY
    assert result.moved == [] and dues(desk, case_id) == before
    with pytest.raises(UserError, match="already done"):
        desk.cases.milestones.complete(case_id, "M01")


def test_completing_late_replans_dependents_and_undo_restores(desk: Desk) -> None:
    case_id = accept(desk)
    before = dues(desk, case_id)
    late = before["M02"] + timedelta(days=10)  # type: ignore[operator]
    result = desk.cases.milestones.complete(case_id, "M02", on=late)
    moved = {change.code: change for change in result.moved}
    assert moved["M03"].new_due == before["M03"] + timedelta(days=10)  # type: ignore[operator]
    assert moved["M16"].new_due == before["M16"] + timedelta(days=10)  # type: ignore[operator]
    assert "M01" not in moved and "M02" not in moved
    desk.undo()
    case = desk.cases.get(case_id)
    assert {m.code: m.due for m in case.milestones} == before
    assert case.milestone("M02").status is MilestoneStatus.OPEN  # type: ignore[union-attr]


def test_skip_needs_a_reason_and_reopen_brings_it_back(desk: Desk) -> None:
    case_id = accept(desk)
    with pytest.raises(InvalidRecord, match="skip_reason"):
        desk.cases.milestones.skip(case_id, "LA01", "  ")
    result = desk.cases.milestones.skip(case_id, "LA01", "Council holds one role only")
    assert result.milestone.status is MilestoneStatus.SKIPPED
    assert result.milestone.skip_reason == "Council holds one role only"
    with pytest.raises(UserError, match="already skipped"):
        desk.cases.milestones.skip(case_id, "LA01", "again")
    reopened = desk.cases.milestones.reopen(case_id, "LA01").milestone
    assert reopened.status is MilestoneStatus.OPEN and reopened.skip_reason == ""
    with pytest.raises(UserError, match="already open"):
        desk.cases.milestones.reopen(case_id, "LA01")


def test_unknown_milestone_lists_the_codes(desk: Desk) -> None:
    case_id = accept(desk)
    with pytest.raises(NotFound, match=r"no milestone 'Z99' \(it has: M01, M02"):
        desk.cases.milestones.complete(case_id, "Z99")


def test_add_custom_milestone_fixed_or_hanging(desk: Desk) -> None:
    case_id = accept(desk)
    fixed = desk.cases.milestones.add(case_id, "Board away day", date(2013, 4, 1)).milestone
    assert (fixed.code, fixed.after, fixed.due) == ("X01", None, date(2013, 4, 1))
    order = [m.code for m in desk.cases.get(case_id).ordered_milestones]
    assert order[:3] == ["M01", "X01", "M02"]  # placed by its date
    hanging = desk.cases.milestones.add(
        case_id, "Pensions briefing", date(2013, 4, 20), after="M02"
    )
    assert (hanging.milestone.after, hanging.milestone.offset_days) == ("M02", 7)
    # When M02 finishes late, the briefing moves with it; the fixed date stays.
    result = desk.cases.milestones.complete(case_id, "M02", on=date(2013, 4, 16))
    assert {c.code: c.new_due for c in result.moved}["X02"] == date(2013, 4, 23)
    assert dues(desk, case_id)["X01"] == date(2013, 4, 1)
    with pytest.raises(InvalidRecord, match="title"):
        desk.cases.milestones.add(case_id, "", date(2013, 4, 1))


def test_reorder_and_move_keep_dates(desk: Desk) -> None:
    case_id = accept(desk)
    before = dues(desk, case_id)
    desk.cases.milestones.move(case_id, "M04", -1)
    order = [m.code for m in desk.cases.get(case_id).ordered_milestones]
    assert order[2:5] == ["LA01", "M04", "M03"]
    desk.cases.milestones.reorder(case_id, "M16", 0)
    case = desk.cases.get(case_id)
    assert case.ordered_milestones[0].code == "M16"
    assert dues(desk, case_id) == before
    with pytest.raises(UserError, match="already first"):
        desk.cases.milestones.move(case_id, "M16", -1)


def test_reschedule_preview_saves_nothing_then_applies_as_one_undoable_event(desk: Desk) -> None:
    case_id = accept(desk)
    before = dues(desk, case_id)
    start = seq(desk)
    new_m03 = before["M03"] + timedelta(days=21)  # type: ignore[operator]
    changes = desk.cases.milestones.preview_reschedule(case_id, {"M03": new_m03})
    assert seq(desk) == start and dues(desk, case_id) == before
    by_code = {c.code: c for c in changes}
    assert (by_code["M03"].old_due, by_code["M03"].new_due) == (before["M03"], new_m03)
    assert by_code["M03"].new_offset_days == 81  # the adviser's gap is kept for later re-plans
    assert "M05" in by_code and "M15" in by_code and "M02" not in by_code
    desk.cases.milestones.apply_reschedule(case_id, changes)
    assert seq(desk) == start + 1
    after = dues(desk, case_id)
    assert all(after[c.code] == c.new_due for c in changes)
    event = next(desk.core.store.recent_events())
    assert event["kind"] == "milestones.rescheduled" and event["subject"] == case_id
    desk.undo()
    assert dues(desk, case_id) == before


def test_stale_preview_is_refused(desk: Desk) -> None:
    case_id = accept(desk)
    changes = desk.cases.milestones.preview_reschedule(case_id, {"M03": date(2013, 7, 1)})
    desk.cases.milestones.complete(case_id, "M02", on=date(2013, 4, 20))
    with pytest.raises(UserError, match="re-plan again"):
        desk.cases.milestones.apply_reschedule(case_id, changes)


def test_moving_the_start_replans_everything_hanging_from_it(desk: Desk) -> None:
    case_id = accept(desk)
    before = dues(desk, case_id)
    new_start = TODAY + timedelta(days=14)
    changes = desk.cases.milestones.preview_reschedule(case_id, start=new_start)
    assert len(changes) == len(before)
    case = desk.cases.milestones.apply_reschedule(case_id, changes, start=new_start)
    assert case.plan_start == new_start
    assert all(case.milestone(code).due == day + timedelta(days=14) for code, day in before.items())  # type: ignore[union-attr, operator]
    desk.undo()
    assert desk.cases.get(case_id).plan_start == TODAY and dues(desk, case_id) == before


def test_done_milestone_cannot_be_rescheduled(desk: Desk) -> None:
    case_id = accept(desk)
    desk.cases.milestones.complete(case_id, "M01")
    with pytest.raises(UserError, match="reopen it"):
        desk.cases.milestones.preview_reschedule(case_id, {"M01": date(2013, 3, 20)})
    with pytest.raises(UserError, match="no dates move"):
        desk.cases.milestones.apply_reschedule(case_id, [])


def test_history_lists_every_milestone_change(desk: Desk) -> None:
    case_id = accept(desk)
    desk.cases.milestones.complete(case_id, "M01")
    desk.cases.milestones.skip(case_id, "LA01", "Single role")
    changes = desk.cases.milestones.preview_reschedule(case_id, {"M03": date(2013, 7, 1)})
    desk.cases.milestones.apply_reschedule(case_id, changes)
    kinds = [entry.kind for entry in desk.history(case_id)]
    assert kinds == [
        "referral.triaged",
        "milestone.done",
        "milestone.skipped",
        "milestones.rescheduled",
    ]
    summaries = [entry.summary for entry in desk.history(case_id)][1:]
    assert summaries[0] == f"{case_id} M01 done 14 Mar 2013"
    assert summaries[1] == f"{case_id} LA01 skipped: Single role"
    assert summaries[2].startswith(f"{case_id} rescheduled: ")


# ------------------------------------------------------------------ status, people


def test_ending_a_case_needs_an_outcome(desk: Desk) -> None:
    case_id = accept(desk)
    with pytest.raises(InvalidRecord, match="outcome"):
        desk.cases.set_status(case_id, "closed")
    case = desk.cases.set_status(case_id, "spun out", "Launched as Care Co CIC, 140 staff")
    assert case.status.value == "spun-out" and case.ended_on == TODAY
    assert case.outcome == "Launched as Care Co CIC, 140 staff"
    assert desk.cases.agenda(TODAY).items == []  # ended cases leave the agenda
    case = desk.cases.set_status(case_id, "active")
    assert case.ended_on is None and case.outcome  # the outcome stays on record
    with pytest.raises(UserError, match="already active"):
        desk.cases.set_status(case_id, "active")
    with pytest.raises(InvalidRecord, match="status"):
        desk.cases.set_status(case_id, "finished")


def test_paused_case_leaves_the_agenda(desk: Desk) -> None:
    case_id = accept(desk)
    desk.cases.set_status(case_id, "paused")
    assert desk.cases.agenda(TODAY).items == []


def test_people_and_partners(desk: Desk) -> None:
    case_id = accept(desk)
    desk.cases.add_person(
        case_id, {"role": "Mutual Ambassador", "name": "Jo Hart", "organisation": "Mutual One"}
    )
    desk.cases.add_person(case_id, {"role": "lga-link", "name": "Sam Lee", "email": "s@lga.test"})
    roles = [p.role.value for p in desk.cases.get(case_id).people]
    assert roles == ["case-adviser", "parent-body-contact", "mutual-ambassador", "lga-link"]
    with pytest.raises(InvalidRecord, match="email"):
        desk.cases.add_person(case_id, {"role": "dclg-link", "name": "X", "email": "nope"})
    removed = desk.cases.remove_person(case_id, 2)
    assert removed.name == "Jo Hart" and len(desk.cases.get(case_id).people) == 3


def test_update_simple_fields_only(desk: Desk) -> None:
    case_id = accept(desk)
    case = desk.cases.update(
        case_id, {"stage": "business case", "procurement_on": date(2014, 1, 6)}
    )
    assert case.stage.value == "business-case" and case.procurement_on == date(2014, 1, 6)
    with pytest.raises(InvalidRecord, match="milestones: cannot be changed here"):
        desk.cases.update(case_id, {"milestones": []})


# ------------------------------------------------------------------ conflicts


def test_conflicts_declared_reviewed_and_registered(desk: Desk) -> None:
    first = accept(desk, "Care Co")
    second = accept(desk, "Parks Co")
    desk.cases.conflicts.set_roles(first, ["incubator", "commissioner"])
    case = desk.cases.get(first)
    [warning] = desk.cases.conflicts.warnings(case)
    assert "incubator / supporter and commissioner / contractor" in warning
    entry = desk.cases.conflicts.declare(
        first,
        "Council funds the spin-out and will commission it",
        roles=["incubator", "commissioner"],
        mitigation="Separate officers; decisions to cabinet",
        review_on=TODAY + timedelta(days=14),
    )
    assert entry.id == "CI01" and entry.declared_by == "tester"
    desk.cases.conflicts.declare(second, "Council regulates the service", roles=["regulator"])
    case = desk.cases.get(first)
    assert desk.cases.conflicts.warnings(case) == ["CI01 review due 28 Mar 2013."]
    assert desk.cases.conflicts.warnings(case, TODAY - timedelta(days=1)) == []
    overdue = desk.cases.conflicts.warnings(case, TODAY + timedelta(days=15))
    assert overdue == ["CI01 review was due 28 Mar 2013."]
    second_case = desk.cases.get(second)
    assert [r.value for r in second_case.authority_roles] == ["regulator"]
    assert desk.cases.conflicts.warnings(second_case) == ["CI01 has no mitigation recorded."]
    register = desk.cases.conflicts.register()
    assert [(row.case_id, row.entry_id, row.review) for row in register] == [
        (first, "CI01", "soon"),
        (second, "CI01", ""),
    ]
    desk.cases.conflicts.resolve(first, "ci01")
    assert [row.case_id for row in desk.cases.conflicts.register()] == [second]
    assert len(desk.cases.conflicts.register(include_resolved=True)) == 2
    updated = desk.cases.conflicts.update(second, "CI01", {"mitigation": "Ofsted inspects"})
    assert updated.mitigation == "Ofsted inspects"
    with pytest.raises(InvalidRecord, match="roles"):
        desk.cases.conflicts.declare(first, "x", roles=["landlord"])


# ------------------------------------------------------------------ budget


def test_budget_overspend_warnings_and_programme_total(desk: Desk) -> None:
    first = accept(desk, "Care Co")
    second = accept(desk, "Parks Co")
    case = desk.cases.budget.set(first, days_allocated=20, amount_allocated=30_000)
    assert desk.cases.budget.warnings(case) == []
    case = desk.cases.budget.spend(first, days=18, amount=12_000)
    assert desk.cases.budget.warnings(case) == [("soon", "18 days of 20 days used (90%).")]
    case = desk.cases.budget.spend(first, days=2.5)
    assert desk.cases.budget.warnings(case)[0] == (
        "overdue",
        "Overspent days: 20.5 days spent of 20 days.",
    )
    desk.cases.budget.set(second, amount_allocated=9_990_000)
    summary = desk.cases.budget.summary()
    assert summary.total == 10_000_000
    assert summary.amount_allocated == 10_020_000 and summary.overspent_cases == (first,)
    levels = [level for level, _ in summary.warnings()]
    assert levels == ["overdue", "overdue"]
    with pytest.raises(InvalidRecord, match="days_spent"):
        desk.cases.budget.set(first, days_spent=-1)
    with pytest.raises(InvalidRecord, match="not a budget field"):
        desk.cases.budget.set(first, hours=3)


def test_programme_total_from_the_data_directory(desk: Desk) -> None:
    assert desk.cases.budget.programme().total_budget == 10_000_000
    (desk.directory / "programme.toml").write_text("total_budget = 12500000\n", encoding="utf-8")
    assert desk.cases.budget.programme().total_budget == 12_500_000
    (desk.directory / "programme.toml").write_text("total_budget = 'lots'\n", encoding="utf-8")
    with pytest.raises(InvalidRecord, match="total_budget"):
        desk.cases.budget.programme()
