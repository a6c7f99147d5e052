"""Desk triage: decisions journaled as one event, cases opened, undo, the inbox, counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mspdesk.desk import Desk
from mspdesk.desk.triage import Triage
from mspdesk.domain.choices import Decision, ReferOnTo, ReferralStatus
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.locations import content_dir

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)  # a Thursday
ALL_TWOS = {
    "scope": 2,
    "leadership": 2,
    "parent-support": 2,
    "viability": 2,
    "timescale": 2,
    "evidence": 2,
    "social-value": 2,
}  # 32 of 48: 66.7%, promising
POTENTIAL = {**ALL_TWOS, "viability": 1}  # 29 of 48: 60.4%, potential


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    opened = Desk.open(tmp_path / "data", clock=lambda: NOW, actor="tester")
    yield opened
    opened.close()


def add(desk: Desk, org: str = "Care Co", **fields: Any) -> str:
    values = {"organisation": org, "parent_body": "Anyshire Council", "received": date(2013, 3, 1)}
    return desk.referrals.add({**values, **fields}).id


def seq(desk: Desk) -> int:
    return desk.core.store.seq


# ------------------------------------------------------------------ the four decisions


def test_accept_opens_a_case_in_the_same_event(desk: Desk) -> None:
    ref = add(desk, route="right-to-provide", proposed_model="employee-owned")
    before = seq(desk)
    made = desk.triage.decide(ref, "accept", "Strong sponsor and business case", scores=ALL_TWOS)
    assert seq(desk) == before + 1
    assert made.decision == Decision.ACCEPT and made.band == "promising"
    assert made.score_total == 32 and made.adviser == "tester"
    referral = desk.referrals.get(ref)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.case_id == "C-0001"
    case = desk.cases.get("C-0001")
    assert case.referral_id == ref and case.organisation == "Care Co"
    assert case.route.value == "right-to-provide" and case.adviser == "tester"
    assert case.opened_on == date(2013, 3, 14)
    assert desk.triage.decisions_for(ref) == [made]
    event = next(desk.core.store.recent_events())
    assert event["kind"] == "referral.triaged" and event["subject"] == ref
    assert {op["table"] for op in event["ops"]} == {"cases", "decisions", "referrals"}


def test_signpost_records_revisit_date_and_pages(desk: Desk) -> None:
    ref = add(desk)
    made = desk.triage.decide(
        ref,
        Decision.SIGNPOST,
        "Not ready: no business case yet",
        scores=POTENTIAL,
        revisit_on=date(2013, 6, 12),
        signpost_pages=["options-appraisal"],
    )
    assert made.band == "potential" and made.signpost_pages == ["options-appraisal"]
    referral = desk.referrals.get(ref)
    assert referral.status == ReferralStatus.SIGNPOSTED
    assert referral.revisit_on == date(2013, 6, 12)
    assert referral.case_id is None
    assert desk.cases.rows() == []


def test_decline_unscored(desk: Desk) -> None:
    ref = add(desk)
    made = desk.triage.decide(ref, "decline", "Not a public service")
    assert not made.scored and made.band is None
    assert desk.referrals.get(ref).status == ReferralStatus.DECLINED


def test_refer_on_to_other_needs_where(desk: Desk) -> None:
    ref = add(desk, proposed_model="community-coop")
    with pytest.raises(InvalidRecord) as error:
        desk.triage.decide(ref, "refer", "Community group", refer_to="other")
    assert error.value.problems[0][0] == "refer_to_other"
    made = desk.triage.decide(
        ref, "refer", "Community group", refer_to="other", refer_to_other="Locality"
    )
    assert made.refer_to == ReferOnTo.OTHER and not made.in_scope
    assert desk.referrals.get(ref).status == ReferralStatus.REFERRED_ON


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"decision": "accept", "reason": "  "}, "reason"),
        ({"decision": "signpost", "reason": "x"}, "revisit_on"),
        ({"decision": "signpost", "reason": "x", "revisit_on": date(2013, 3, 14)}, "revisit_on"),
        ({"decision": "refer", "reason": "x"}, "refer_to"),
        ({"decision": "decline", "reason": "x", "refer_to": "lga"}, "refer_to"),
        ({"decision": "accept", "reason": "x", "scores": {"scope": 3}}, "scores"),
        ({"decision": "accept", "reason": "x", "scores": {**ALL_TWOS, "scope": 4}}, "scores.scope"),
        ({"decision": "accept", "reason": "x", "signpost_pages": ["Not A Slug"]}, "signpost_pages"),
    ],
)
def test_invalid_decisions_name_the_field_and_write_nothing(
    desk: Desk, kwargs: dict[str, Any], field: str
) -> None:
    ref = add(desk)
    before = seq(desk)
    decision, reason = kwargs.pop("decision"), kwargs.pop("reason")
    with pytest.raises(InvalidRecord) as error:
        desk.triage.decide(ref, decision, reason, **kwargs)
    assert field in [name for name, _ in error.value.problems]
    assert seq(desk) == before
    assert desk.referrals.get(ref).status == ReferralStatus.NEW


def test_unknown_decision_word(desk: Desk) -> None:
    with pytest.raises(InvalidRecord, match="decision"):
        desk.triage.decide(add(desk), "maybe", "x")


def test_unknown_referral(desk: Desk) -> None:
    with pytest.raises(NotFound):
        desk.triage.decide("R-2013-0999", "decline", "x")


def test_a_decided_referral_cannot_be_decided_again(desk: Desk) -> None:
    ref = add(desk)
    desk.triage.decide(ref, "accept", "Good", scores=ALL_TWOS)
    with pytest.raises(UserError, match="already accepted as case C-0001"):
        desk.triage.decide(ref, "decline", "Changed my mind")
    other = add(desk, "Other Co")
    desk.triage.decide(other, "decline", "No")
    with pytest.raises(UserError, match="already triaged"):
        desk.triage.decide(other, "decline", "No")


def test_signposted_referral_is_triaged_again_on_revisit(desk: Desk) -> None:
    ref = add(desk)
    desk.triage.decide(ref, "signpost", "Later", revisit_on=date(2013, 6, 1))
    desk.triage.decide(ref, "accept", "Ready now", scores=ALL_TWOS)
    referral = desk.referrals.get(ref)
    assert referral.status == ReferralStatus.ACCEPTED and referral.revisit_on is None
    assert [d.decision for d in desk.triage.decisions_for(ref)] == [
        Decision.SIGNPOST,
        Decision.ACCEPT,
    ]


# ------------------------------------------------------------------ undo and ids


def test_undo_restores_the_referral_and_removes_case_and_decision(desk: Desk) -> None:
    ref = add(desk)
    original = desk.core.store.get("referrals", ref)
    desk.triage.decide(ref, "accept", "Good", scores=ALL_TWOS)
    assert desk.can_undo() is not None and "C-0001" in str(desk.can_undo())
    desk.undo()
    assert desk.core.store.get("referrals", ref) == original
    assert desk.referrals.get(ref).status == ReferralStatus.NEW
    assert desk.cases.rows() == []
    assert desk.triage.decisions_for(ref) == []
    with pytest.raises(NotFound):
        desk.cases.get("C-0001")
    # Deciding again opens a case afresh; the undone decision's key is not reused.
    desk.triage.decide(ref, "accept", "Good after all", scores=ALL_TWOS)
    case_id = desk.referrals.get(ref).case_id
    assert case_id is not None and desk.cases.get(case_id).referral_id == ref
    assert list(desk.core.store.table("decisions")) == [f"{ref}/2"]


def test_case_ids_count_up(desk: Desk) -> None:
    refs = [add(desk, f"Org {n}") for n in range(3)]
    for ref in refs:
        desk.triage.decide(ref, "accept", "Good", scores=ALL_TWOS)
    assert [desk.referrals.get(ref).case_id for ref in refs] == ["C-0001", "C-0002", "C-0003"]
    assert [row["id"] for row in desk.cases.rows()] == ["C-0003", "C-0002", "C-0001"]


def test_decisions_survive_reopening(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "d", clock=lambda: NOW, actor="tester") as first:
        ref = add(first)
        made = first.triage.decide(ref, "accept", "Good", scores=ALL_TWOS)
        first.checkpoint()
    with Desk.open(tmp_path / "d", clock=lambda: NOW, actor="tester") as again:
        assert again.triage.decisions_for(ref) == [made]
        assert again.cases.get("C-0001").referral_id == ref
        assert again.history(ref)[-1].kind == "referral.triaged"


# ------------------------------------------------------------------ inbox and counts


def test_inbox_rows_age_due_overdue_and_band(desk: Desk) -> None:
    late = add(desk, "Late Co", received=date(2013, 2, 27))  # due 13 Mar: overdue on 14 Mar
    on_time = add(desk, "Due Today Co", received=date(2013, 2, 28))  # due 14 Mar: not yet
    waiting = add(desk, "Waiting Co", received=date(2013, 3, 12), status="awaiting")
    decided = add(desk, "Decided Co")
    desk.triage.decide(decided, "decline", "No")
    rows = {row.referral_id: row for row in desk.triage.inbox_rows()}
    assert list(rows) == [late, on_time, waiting]  # oldest first; decided ones leave
    assert rows[late].overdue and rows[late].due == date(2013, 3, 13)
    assert rows[late].age_days == 15
    assert not rows[on_time].overdue and rows[on_time].due == date(2013, 3, 14)
    assert rows[waiting].status == "awaiting" and rows[waiting].age_days == 2
    assert (rows[late].band, rows[late].band_title, rows[late].score_percent) == (None, "", None)
    assert "late co" in rows[late].haystack and "anyshire council" in rows[late].haystack


def test_inbox_band_is_the_last_scored_one(desk: Desk) -> None:
    ref = add(desk)
    desk.triage.decide(ref, "signpost", "Later", scores=POTENTIAL, revisit_on=date(2013, 6, 1))
    desk.referrals.update(ref, {"status": "awaiting"})
    [row] = desk.triage.inbox_rows()
    assert (row.band, row.band_title, row.score_percent) == ("potential", "Potential", 60.4)


def test_inbox_flags_out_of_scope(desk: Desk) -> None:
    add(desk, "Co-op", proposed_model="multi-stakeholder")
    add(desk, "Mutual", proposed_model="employee-owned")
    scope = {row.organisation: row.in_scope for row in desk.triage.inbox_rows()}
    assert scope == {"Co-op": False, "Mutual": True}


def test_counts_split_in_and_out_of_scope_by_latest_decision(desk: Desk) -> None:
    a = add(desk, "A", proposed_model="employee-owned")
    b = add(desk, "B", proposed_model="community-coop")
    c = add(desk, "C", proposed_model="social-enterprise")
    desk.triage.decide(a, "signpost", "Later", revisit_on=date(2013, 6, 1))
    desk.triage.decide(a, "accept", "Now", scores=ALL_TWOS)
    desk.triage.decide(b, "refer", "Co-op", refer_to="co-operatives-uk")
    desk.triage.decide(c, "decline", "No")
    counts = desk.triage.counts()
    assert counts["in-scope"] == {"accept": 1, "signpost": 0, "decline": 0, "refer": 0}
    assert counts["out-of-scope"] == {"accept": 0, "signpost": 0, "decline": 1, "refer": 1}


# ------------------------------------------------------------------ the rubric file


def test_rubric_is_the_shipped_one(desk: Desk) -> None:
    rubric = desk.triage.rubric()
    assert rubric.service_level_working_days == 10
    assert rubric.criteria[0].key == "scope"


def test_broken_rubric_names_the_line_and_edits_are_picked_up(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "triage.toml"
    shipped = (content_dir() / "triage.toml").read_text(encoding="utf-8")
    path.write_text(shipped, encoding="utf-8")
    triage = Triage(desk.core, desk.referrals, desk.cases, path)
    assert triage.rubric().service_level_working_days == 10
    path.write_text(
        shipped.replace("service_level_working_days = 10", "service_level_working_days = 5"),
        encoding="utf-8",
    )
    assert triage.rubric().service_level_working_days == 5
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(UserError, match="line 1"):
        triage.rubric()
    path.unlink()
    with pytest.raises(UserError, match="cannot read the triage rubric"):
        triage.rubric()


def test_suggested_revisit(desk: Desk) -> None:
    assert desk.triage.suggested_revisit() == date(2013, 6, 12)  # 90 days from 14 Mar


def test_page_titles_come_from_front_matter(desk: Desk) -> None:
    titles = desk.triage.page_titles(["crtc-timescales", "no-such-page"])
    assert titles == {
        "crtc-timescales": "Right to Challenge timescales",
        "no-such-page": "No such page",
    }


# ------------------------------------------------------------------ scope by staff control


def test_triage_and_report_follow_measured_staff_control(tmp_path: Path) -> None:
    from mspdesk.desk.reports import programme_figures

    with Desk.open(tmp_path / "scope") as desk:
        base = {"parent_body": "Anyshire Council", "proposed_model": "multi-stakeholder"}
        controlled = desk.referrals.add(
            {**base, "organisation": "Staff-led Co-op", "staff_votes_percent": "60%",
             "staff_board_percent": 50}
        )  # fmt: skip
        token = desk.referrals.add(
            {**base, "organisation": "Token Co-op", "staff_votes_percent": 10}
        )
        inbox = {item.referral_id: item.in_scope for item in desk.triage.inbox_rows()}
        assert inbox == {controlled.id: True, token.id: False}
        made = desk.triage.decide(controlled.id, "accept", "staff hold control")
        assert made.in_scope
        assert not desk.triage.decide(
            token.id, "refer", "co-op", refer_to="co-operatives-uk"
        ).in_scope
        figures = programme_figures(desk)
        assert figures.received_in_scope == 1
        case_id = desk.referrals.get(controlled.id).case_id
        assert case_id is not None
        case = desk.cases.get(case_id)
        assert case.staff_votes_percent == 60 and case.staff_board_percent == 50
        assert case.scope.in_scope
