"""Notes on referrals through the desk."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mspdesk.desk import Desk
from mspdesk.domain.errors import InvalidRecord, NotFound
from mspdesk.domain.note import NoteKind

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


@pytest.fixture
def referral_id(desk: Desk) -> str:
    return desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id


def test_add_note_to_a_referral(desk: Desk, referral_id: str) -> None:
    note = desk.notes.add(referral_id, "  Spoke to the commissioner.\nThey are keen.  ")

    assert note.id == "N-00001"
    assert note.subject == referral_id
    assert note.body == "Spoke to the commissioner.\nThey are keen."
    assert note.kind is NoteKind.OTHER
    assert note.adviser == "tester"
    assert note.on == NOW.astimezone().date()
    assert note.created_at == NOW
    assert desk.notes.get(note.id) == note
    assert desk.notes.for_subject(referral_id) == [note]


def test_note_kind_date_and_tags(desk: Desk, referral_id: str) -> None:
    note = desk.notes.add(
        referral_id, "Met the board", kind="Meeting", on=date(2013, 3, 1), tags=["board"]
    )
    assert note.kind is NoteKind.MEETING
    assert note.on == date(2013, 3, 1)
    assert note.tags == ("board",)


def test_notes_on_a_subject_are_oldest_first_and_only_theirs(desk: Desk, referral_id: str) -> None:
    other = desk.referrals.add({"organisation": "Other", "parent_body": "Other CC"}).id
    late = desk.notes.add(referral_id, "late", on=date(2013, 3, 10))
    early = desk.notes.add(referral_id, "early", on=date(2013, 1, 10))
    desk.notes.add(other, "elsewhere")

    assert [n.id for n in desk.notes.for_subject(referral_id)] == [early.id, late.id]
    assert len(desk.notes.for_subject(other)) == 1


def test_note_on_a_missing_record_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFound, match="R-2013-0999"):
        desk.notes.add("R-2013-0999", "hello")
    assert desk.can_undo() is None


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_note_names_the_body(desk: Desk, referral_id: str, body: str) -> None:
    with pytest.raises(InvalidRecord, match="body"):
        desk.notes.add(referral_id, body)
    assert desk.notes.for_subject(referral_id) == []


def test_unknown_note_kind_names_the_field(desk: Desk, referral_id: str) -> None:
    with pytest.raises(InvalidRecord) as raised:
        desk.notes.add(referral_id, "text", kind="carrier pigeon")
    assert "kind" in [name for name, _ in raised.value.problems]
    assert desk.notes.for_subject(referral_id) == []


def test_note_ids_continue_after_reopening(desk: Desk, referral_id: str, data_dir: Path) -> None:
    desk.notes.add(referral_id, "one")
    desk.notes.add(referral_id, "two")
    desk.close()
    with Desk.open(data_dir, clock=lambda: NOW, actor="tester") as again:
        assert again.notes.add(referral_id, "three").id == "N-00003"
        assert [n.body for n in again.notes.for_subject(referral_id)] == ["one", "two", "three"]


def test_a_note_id_is_never_issued_twice_even_after_undo_and_reopen(
    desk: Desk, referral_id: str, data_dir: Path
) -> None:
    first = desk.notes.add(referral_id, "mistake")
    desk.undo()
    desk.close()
    with Desk.open(data_dir, clock=lambda: NOW, actor="tester") as again:
        assert again.notes.add(referral_id, "right").id != first.id


def test_get_of_an_unknown_note_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFound):
        desk.notes.get("N-09999")


def test_adding_a_note_is_in_the_referral_history(desk: Desk, referral_id: str) -> None:
    note = desk.notes.add(referral_id, "Call with the chief executive")
    entries = desk.history(referral_id)
    assert [entry.kind for entry in entries] == ["referral.added", "note.added"]
    assert note.id in entries[-1].summary and "Call with the chief" in entries[-1].summary
