"""Editing notes (versioned through the journal), deleting them and undoing both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from mspdesk.desk import Desk
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.note import NoteKind

START = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


class Ticking:
    """A clock that moves on a minute every time it is read."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def ticking_desk(data_dir: Path) -> Desk:
    return Desk.open(data_dir, clock=Ticking(), actor="tester")


@pytest.fixture
def subject(ticking_desk: Desk) -> str:
    return ticking_desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id


def test_edit_changes_only_what_is_given_and_keeps_the_rest(
    ticking_desk: Desk, subject: str
) -> None:
    desk = ticking_desk
    note = desk.notes.add(subject, "First text", kind="call", on=date(2013, 3, 1), tags=["a"])

    edited = desk.notes.edit(note.id, body="Second text")

    assert edited.body == "Second text"
    assert (edited.kind, edited.on, edited.tags) == (NoteKind.CALL, date(2013, 3, 1), ("a",))
    assert edited.created_at == note.created_at
    assert edited.updated_at is not None and note.updated_at is not None
    assert edited.updated_at > note.updated_at
    assert desk.notes.get(note.id) == edited

    again = desk.notes.edit(note.id, kind="Meeting", on=date(2013, 3, 2), tags=[" b ", "", "b"])
    assert (again.kind, again.on, again.tags) == (NoteKind.MEETING, date(2013, 3, 2), ("b",))


def test_versions_show_every_earlier_text_oldest_first(ticking_desk: Desk, subject: str) -> None:
    desk = ticking_desk
    note = desk.notes.add(subject, "v1")
    desk.notes.edit(note.id, body="v2")
    desk.notes.edit(note.id, body="v3", kind="decision")

    versions = desk.notes.versions(note.id)

    assert [v.change for v in versions] == ["note.added", "note.edited", "note.edited"]
    assert [v.note.body if v.note else None for v in versions] == ["v1", "v2", "v3"]
    assert versions[1].note is not None and versions[1].note.kind is NoteKind.OTHER
    assert versions[2].note is not None and versions[2].note.kind is NoteKind.DECISION
    assert all(v.actor == "tester" for v in versions)
    assert versions[0].at < versions[1].at < versions[2].at
    assert "body, kind" in versions[2].summary


def test_versions_survive_reopening_the_data(data_dir: Path) -> None:
    with Desk.open(data_dir, clock=Ticking(), actor="tester") as desk:
        subject = desk.referrals.add({"organisation": "A", "parent_body": "B"}).id
        note = desk.notes.add(subject, "one")
        desk.notes.edit(note.id, body="two")
        desk.checkpoint()
        desk.notes.edit(note.id, body="three")
    with Desk.open(data_dir, read_only=True) as desk:
        bodies = [v.note.body for v in desk.notes.versions(note.id) if v.note]
    assert bodies == ["one", "two", "three"]


def test_an_edit_that_changes_nothing_records_nothing(ticking_desk: Desk, subject: str) -> None:
    desk = ticking_desk
    note = desk.notes.add(subject, "Same")
    assert desk.notes.edit(note.id, body="  Same ") == note
    assert len(desk.notes.versions(note.id)) == 1


def test_bad_edits_name_the_field_and_change_nothing(ticking_desk: Desk, subject: str) -> None:
    desk = ticking_desk
    note = desk.notes.add(subject, "Keep me")
    with pytest.raises(InvalidRecord, match="body"):
        desk.notes.edit(note.id, body="   ")
    with pytest.raises(InvalidRecord, match="kind"):
        desk.notes.edit(note.id, kind="telegram")
    with pytest.raises(NotFound, match="N-00099"):
        desk.notes.edit("N-00099", body="x")
    assert desk.notes.get(note.id) == note


def test_undo_an_edit_restores_the_earlier_text(ticking_desk: Desk, subject: str) -> None:
    desk = ticking_desk
    note = desk.notes.add(subject, "before")
    desk.notes.edit(note.id, body="after", tags=["x"])

    desk.undo()

    restored = desk.notes.get(note.id)
    assert (restored.body, restored.tags) == ("before", ())
    versions = desk.notes.versions(note.id)
    assert [v.note.body if v.note else None for v in versions] == ["before", "after", "before"]
    assert [v.undone for v in versions] == [False, True, False]


def test_delete_hides_the_note_and_undo_brings_it_back(ticking_desk: Desk, subject: str) -> None:
    desk = ticking_desk
    keep = desk.notes.add(subject, "keep")
    gone = desk.notes.add(subject, "gone with the wind")

    deleted = desk.notes.delete(gone.id)

    assert deleted.deleted
    assert desk.notes.for_subject(subject) == [keep]
    assert desk.notes.search("wind") == []
    assert desk.can_undo() is not None and "Deleted note" in desk.can_undo()  # type: ignore[operator]
    with pytest.raises(UserError, match="already deleted"):
        desk.notes.delete(gone.id)
    with pytest.raises(UserError, match="undo the delete"):
        desk.notes.edit(gone.id, body="x")

    desk.undo()

    assert [n.id for n in desk.notes.for_subject(subject)] == [keep.id, gone.id]
    assert [h.note_id for h in desk.notes.search("wind")] == [gone.id]
    assert [v.change for v in desk.notes.versions(gone.id)] == [
        "note.added",
        "note.deleted",
        "undo",
    ]


def test_versions_of_an_unknown_note_is_not_found(ticking_desk: Desk) -> None:
    with pytest.raises(NotFound):
        ticking_desk.notes.versions("N-00001")


def test_undoing_the_add_leaves_a_version_without_a_note(ticking_desk: Desk, subject: str) -> None:
    desk = ticking_desk
    note = desk.notes.add(subject, "brief")
    desk.undo()
    versions = desk.notes.versions(note.id)
    assert [v.note is None for v in versions] == [False, True]
    assert versions[0].note is not None and versions[0].note.body == "brief"


def test_history_of_the_subject_lists_note_edits(ticking_desk: Desk, subject: str) -> None:
    desk = ticking_desk
    note = desk.notes.add(subject, "hello")
    desk.notes.edit(note.id, body="hello again")
    kinds = [entry.kind for entry in desk.history(subject)]
    assert kinds[-2:] == ["note.added", "note.edited"]
    changes = desk.history(note.id)[-1].changes
    assert [(c.field, c.old, c.new) for c in changes] == [("body", "hello", "hello again")]
