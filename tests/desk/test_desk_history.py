"""History from the event log, undo (several levels), and the injected clock and actor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mspdesk.desk import Desk
from mspdesk.desk.history import FieldChange
from mspdesk.domain.errors import NotFound, UserError

START = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed_desk(data_dir: Path, clock: Clock) -> Iterator[Desk]:
    desk = Desk.open(data_dir, clock=clock, actor="tester")
    yield desk
    desk.close()


def add(desk: Desk, organisation: str = "Kent Youth") -> str:
    return desk.referrals.add(
        {"organisation": organisation, "parent_body": "Kent CC", "received": "2013-02-01"}
    ).id


# ------------------------------------------------------------------ history


def test_history_lists_each_change_with_old_and_new_values(timed_desk: Desk, clock: Clock) -> None:
    ref = add(timed_desk)
    clock.tick(5)
    timed_desk.referrals.update(ref, {"stage": "exploring", "staff_in_scope": 40})
    clock.tick(5)
    timed_desk.referrals.update(ref, {"stage": "business-case"})

    entries = timed_desk.history(ref)

    assert [e.kind for e in entries] == ["referral.added", "referral.updated", "referral.updated"]
    assert [e.at for e in entries] == [START, START + timedelta(minutes=5), clock.now]
    assert {e.actor for e in entries} == {"tester"}
    assert entries[0].changes == [FieldChange("record", None, "created")]
    assert sorted(entries[1].changes, key=lambda c: c.field) == [
        FieldChange("staff_in_scope", None, 40),
        FieldChange("stage", "idea", "exploring"),
    ]
    assert entries[2].changes == [FieldChange("stage", "exploring", "business-case")]
    assert "stage" in entries[2].summary and ref in entries[2].summary
    assert not any(e.undone for e in entries)


def test_history_survives_reopening(timed_desk: Desk, data_dir: Path, clock: Clock) -> None:
    ref = add(timed_desk)
    timed_desk.referrals.update(ref, {"region": "london"})
    expected = timed_desk.history(ref)
    timed_desk.checkpoint()
    timed_desk.close()
    with Desk.open(data_dir, clock=clock, actor="someone-else") as again:
        assert again.history(ref) == expected


def test_history_of_an_unknown_record_is_empty(desk: Desk) -> None:
    assert desk.history("R-2013-0404") == []


def test_each_event_records_the_actor(data_dir: Path, clock: Clock) -> None:
    with Desk.open(data_dir, clock=clock, actor="alice") as desk:
        ref = add(desk)
    with Desk.open(data_dir, clock=clock, actor="bob") as desk:
        desk.referrals.update(ref, {"stage": "exploring"})
        assert [e.actor for e in desk.history(ref)] == ["alice", "bob"]
        assert desk.actor == "bob"


def test_actor_defaults_to_the_environment(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSPDESK_ADVISER", "Jo Bloggs")
    with Desk.open(data_dir) as desk:
        assert desk.actor == "jo-bloggs"


def test_event_time_comes_from_the_clock_to_the_millisecond(data_dir: Path) -> None:
    moment = datetime(2013, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
    with Desk.open(data_dir, clock=lambda: moment, actor="t") as desk:
        ref = add(desk)
        [entry] = desk.history(ref)
        assert entry.at == moment.replace(microsecond=678_000)
        assert desk.referrals.get(ref).created_at == moment.replace(microsecond=678_000)


# ------------------------------------------------------------------ undo


def test_undo_of_an_update_restores_the_old_values(timed_desk: Desk, clock: Clock) -> None:
    ref = add(timed_desk)
    original = timed_desk.referrals.get(ref)
    clock.tick()
    timed_desk.referrals.update(ref, {"stage": "transition", "region": "london"})

    event = timed_desk.undo()

    assert timed_desk.referrals.get(ref) == original
    assert event.kind == "undo" and event.summary.startswith("Undid: Changed")
    entries = timed_desk.history(ref)
    assert entries[1].undone and not entries[0].undone
    assert entries[-1].kind == "undo"
    assert FieldChange("stage", "transition", "idea") in entries[-1].changes


def test_undo_of_an_add_deletes_the_referral(timed_desk: Desk) -> None:
    ref = add(timed_desk)
    timed_desk.undo()
    assert not timed_desk.referrals.exists(ref)
    assert timed_desk.referrals.rows() == []
    with pytest.raises(NotFound):
        timed_desk.referrals.get(ref)
    assert timed_desk.history(ref)[-1].changes == [FieldChange("record", "present", "deleted")]


def test_undo_of_a_note(timed_desk: Desk) -> None:
    ref = add(timed_desk)
    timed_desk.notes.add(ref, "oops")
    timed_desk.undo()
    assert timed_desk.notes.for_subject(ref) == []
    assert timed_desk.referrals.exists(ref)


def test_undo_of_a_batch_import_removes_all_of_it(timed_desk: Desk) -> None:
    kept = add(timed_desk, "Before the import")
    drafts = [
        timed_desk.referrals.draft(
            {"organisation": f"Imported {i}", "parent_body": "NHS Leeds"},
            reference=f"R-2012-{i:04d}",
        )
        for i in range(1, 6)
    ]
    timed_desk.referrals.add_validated(drafts)
    assert timed_desk.referrals.count() == 6

    timed_desk.undo()

    assert [row["id"] for row in timed_desk.referrals.rows()] == [kept]


def test_undo_goes_back_several_levels_in_order(timed_desk: Desk, clock: Clock) -> None:
    ref = add(timed_desk)
    clock.tick()
    timed_desk.referrals.update(ref, {"stage": "exploring"})
    clock.tick()
    timed_desk.referrals.update(ref, {"stage": "transition"})
    note = timed_desk.notes.add(ref, "a note")
    other = add(timed_desk, "Another")

    assert timed_desk.can_undo() == f"Added referral {other}: Another"
    timed_desk.undo()
    assert not timed_desk.referrals.exists(other)
    assert timed_desk.can_undo() is not None and note.id in timed_desk.can_undo()  # type: ignore[operator]
    timed_desk.undo()
    assert timed_desk.notes.for_subject(ref) == []
    timed_desk.undo()
    assert timed_desk.referrals.get(ref).stage == "exploring"
    timed_desk.undo()
    assert timed_desk.referrals.get(ref).stage == "idea"
    timed_desk.undo()
    assert timed_desk.referrals.count() == 0
    assert timed_desk.can_undo() is None
    with pytest.raises(UserError, match="nothing to undo"):
        timed_desk.undo()


def test_undo_continues_after_reopening(data_dir: Path, clock: Clock) -> None:
    with Desk.open(data_dir, clock=clock, actor="tester") as desk:
        ref = add(desk)
        desk.referrals.update(ref, {"stage": "exploring"})
        desk.undo()
    with Desk.open(data_dir, clock=clock, actor="tester") as desk:
        assert desk.referrals.get(ref).stage == "idea"
        assert desk.can_undo() == f"Added referral {ref}: Kent Youth"
        desk.undo()
        assert desk.referrals.count() == 0
    with Desk.open(data_dir, clock=clock, actor="tester") as desk:
        assert desk.referrals.count() == 0
        assert desk.can_undo() is None


def test_new_changes_after_an_undo_are_undone_first(timed_desk: Desk) -> None:
    first = add(timed_desk, "First")
    second = add(timed_desk, "Second")
    timed_desk.undo()  # removes second
    third = add(timed_desk, "Third")
    timed_desk.undo()  # removes third, not "redo second"
    assert [row["id"] for row in timed_desk.referrals.rows()] == [first]
    assert not timed_desk.referrals.exists(second) and not timed_desk.referrals.exists(third)


def test_can_undo_on_an_empty_desk(desk: Desk) -> None:
    assert desk.can_undo() is None


# ------------------------------------------------------------------ redo


def test_redo_applies_again_what_undo_reversed_including_a_triage_with_scores(
    desk: Desk,
) -> None:
    referral = desk.referrals.add({"organisation": "Redo Co", "parent_body": "Anyshire CC"})
    scores = {"scope": 3, "leadership": 2, "parent-support": 2, "viability": 2,
              "timescale": 2, "evidence": 2, "social-value": 2}  # fmt: skip
    made = desk.triage.decide(referral.id, "accept", "Promising", scores=scores)
    case_id = desk.referrals.get(referral.id).case_id
    assert case_id is not None and desk.can_redo() is None
    desk.undo()
    assert desk.triage.decisions_for(referral.id) == []
    assert desk.can_redo() is not None
    redone = desk.redo()
    assert redone.summary.startswith("Redid: ")
    [back] = desk.triage.decisions_for(referral.id)
    assert back.scores == made.scores and back.decision == made.decision
    assert desk.referrals.get(referral.id).case_id == case_id
    assert desk.cases.exists(case_id)
    assert desk.can_redo() is None
    # The redo is a change like any other: Ctrl+Z takes it back, Ctrl+Y applies it again.
    desk.undo()
    assert desk.triage.decisions_for(referral.id) == []
    desk.redo()
    assert len(desk.triage.decisions_for(referral.id)) == 1


def test_redo_goes_back_through_several_undos_in_order(desk: Desk) -> None:
    first = desk.referrals.add({"organisation": "One", "parent_body": "P"})
    second = desk.referrals.add({"organisation": "Two", "parent_body": "P"})
    desk.undo()
    desk.undo()
    assert not desk.referrals.exists(first.id) and not desk.referrals.exists(second.id)
    desk.redo()
    assert desk.referrals.exists(first.id) and not desk.referrals.exists(second.id)
    desk.redo()
    assert desk.referrals.exists(second.id)
    with pytest.raises(UserError, match="nothing to redo"):
        desk.redo()


def test_a_new_change_after_undo_leaves_nothing_to_redo(desk: Desk) -> None:
    desk.referrals.add({"organisation": "One", "parent_body": "P"})
    desk.undo()
    desk.referrals.add({"organisation": "Other", "parent_body": "P"})
    assert desk.can_redo() is None
    with pytest.raises(UserError):
        desk.redo()


# ------------------------------------------------------------------ who changed it, where


def _synced_event(key: str, origin: str) -> dict[str, object]:
    """A change another desk made, as sync brings it in (with its `origin` desk id)."""
    op = {"table": "referrals", "key": key, "kind": "patch", "data": {"region": "london"},
          "prior": {"region": None}}  # fmt: skip
    return {"id": "e" * 32, "at": START.isoformat(), "actor": "sam", "device": "their-laptop",
            "kind": "referral.updated", "subject": key, "summary": "Changed region",
            "origin": origin, "ops": [op]}  # fmt: skip


def test_a_desk_that_never_synced_shows_the_adviser_alone(timed_desk: Desk) -> None:
    ref = timed_desk.referrals.add(
        {"organisation": "Care Co", "parent_body": "Anyshire", "received": "2013-03-01"}
    )
    (entry,) = timed_desk.history(ref.id)
    assert (entry.actor, entry.desk, entry.who) == ("tester", "", "tester")


def test_history_names_this_desk_and_the_desk_a_synced_change_came_from(
    timed_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    timed_desk.identity.set_code("KM")
    ref = timed_desk.referrals.add(
        {"organisation": "Care Co", "parent_body": "Anyshire", "received": "2013-03-01"}
    )
    other = "0123456789abcdef"
    timed_desk.core.store.commit(_synced_event(ref.id, other))
    mine, theirs = timed_desk.history(ref.id)
    assert (mine.who, theirs.who) == ("tester (KM)", f"sam (desk {other[:6]})")
    assert theirs.origin == other
    # Once sync knows that desk's code, history shows it.
    import sys
    import types

    fake = types.ModuleType("mspdesk.desk.sync")
    fake.known_desks = lambda core: {other: "AB"}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mspdesk.desk.sync", fake)
    assert timed_desk.history(ref.id)[1].who == "sam (AB)"


def test_an_event_stamped_with_this_desks_own_id_is_local(timed_desk: Desk) -> None:
    timed_desk.identity.set_code("KM")
    ref = timed_desk.referrals.add(
        {"organisation": "Care Co", "parent_body": "Anyshire", "received": "2013-03-01"}
    )
    timed_desk.core.store.commit(_synced_event(ref.id, timed_desk.desk_id()))
    assert [e.desk for e in timed_desk.history(ref.id)] == ["KM", "KM"]
