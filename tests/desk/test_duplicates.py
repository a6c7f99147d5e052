"""Possible duplicates: marked, never dropped; kept apart with a reason, or merged; undoable."""

from __future__ import annotations

import pytest

from mspdesk.desk import Desk
from mspdesk.domain.choices import ReferralStatus
from mspdesk.domain.errors import InvalidRecord, UserError


def pair(desk: Desk) -> tuple[str, str]:
    first = desk.referrals.add(
        {
            "organisation": "Adult Social Care Team",
            "parent_body": "Anytown Council",
            "received": "2013-01-02",
            "source_ref": "MIS-1",
            "source_fields": {"Office": "Leeds"},
        }
    )
    second = desk.referrals.add(
        {
            "organisation": "adult social-care team.",
            "parent_body": "ANYTOWN  council",
            "received": "2013-01-09",
            "source_ref": "MIS-2",
            "source_fields": {"Office": "York", "Lead": "Sam"},
        }
    )
    return first.id, second.id


def test_a_hand_typed_match_is_saved_and_marked(desk: Desk) -> None:
    first, second = pair(desk)

    assert desk.referrals.count() == 2
    assert desk.referrals.get(second).possible_duplicate_of == first
    assert desk.referrals.get(first).possible_duplicate_of is None
    [item] = desk.duplicates.queue()
    assert item.referral.id == second and item.match is not None and item.match.id == first


def test_the_same_source_reference_typed_again_is_refused(desk: Desk) -> None:
    first, _ = pair(desk)
    with pytest.raises(InvalidRecord, match=f"already on the desk as {first}"):
        desk.referrals.add({"organisation": "X", "parent_body": "Y", "source_ref": " mis-1 "})


def test_keep_both_needs_a_reason_and_one_undo_brings_the_mark_back(desk: Desk) -> None:
    first, second = pair(desk)
    with pytest.raises(InvalidRecord, match="say why"):
        desk.duplicates.keep(second, "  ")

    kept = desk.duplicates.keep(second, "two teams in one council")

    assert kept.possible_duplicate_of is None
    assert kept.duplicate_reason == "two teams in one council"
    assert desk.duplicates.queue() == []
    assert desk.can_undo() == f"Kept {second} apart from {first}: two teams in one council"
    desk.undo()
    assert desk.referrals.get(second).possible_duplicate_of == first
    assert desk.referrals.get(second).duplicate_reason == ""


def test_merge_moves_notes_triage_and_the_source_reference_as_one_change(desk: Desk) -> None:
    first, second = pair(desk)
    desk.triage.decide(second, "decline", "not ready")
    note = desk.notes.add(second, "Called the team lead")
    before = {r["id"]: r for r in desk.referrals.rows()}

    survivor = desk.duplicates.merge(second, into=first)

    assert survivor.id == first and survivor.merged_source_refs == ("MIS-2",)
    assert survivor.source_fields == {"Office": "Leeds", "Lead": "Sam"}
    merged = desk.referrals.get(second)
    assert merged.status is ReferralStatus.MERGED and merged.merged_into == first
    assert merged.possible_duplicate_of is None
    assert [n.id for n in desk.notes.for_subject(first)] == [note.id]
    assert desk.notes.for_subject(second) == []
    [decision] = desk.triage.decisions_for(first)
    assert decision.reason == "not ready" and decision.referral_id == first
    assert desk.triage.decisions_for(second) == []
    assert desk.duplicates.queue() == []
    # A re-import of MIS-2 now finds the referral that stayed.
    assert desk.referrals.source_index()[f"mis\x1f{'mis-2'}"] == first

    desk.undo()  # one undo reverses all of it

    assert {r["id"]: r for r in desk.referrals.rows()} == before
    assert [n.id for n in desk.notes.for_subject(second)] == [note.id]
    assert len(desk.triage.decisions_for(second)) == 1 and not desk.triage.decisions_for(first)


def test_merged_decisions_never_share_a_number_with_later_ones(desk: Desk) -> None:
    first, second = pair(desk)
    desk.triage.decide(second, "decline", "not ready")
    desk.duplicates.merge(second, into=first)
    desk.triage.decide(first, "decline", "out of scope")  # decided again after the merge

    assert [d.reason for d in desk.triage.decisions_for(first)] == ["not ready", "out of scope"]


def test_a_referral_with_a_case_is_not_merged_away(desk: Desk) -> None:
    first, second = pair(desk)
    desk.triage.decide(second, "accept", "promising")
    with pytest.raises(UserError, match="merge the other way"):
        desk.duplicates.merge(second, into=first)
    survivor = desk.duplicates.merge(first, into=second)
    assert survivor.case_id is not None and survivor.merged_source_refs == ("MIS-1",)
    with pytest.raises(UserError, match="already merged"):
        desk.duplicates.merge(first, into=second)


def test_a_merged_referral_is_counted_once_in_the_figures(desk: Desk) -> None:
    from mspdesk.desk.reports import programme_figures

    first, second = pair(desk)
    assert programme_figures(desk).received == 2
    desk.duplicates.merge(second, into=first)
    assert programme_figures(desk).received == 1
