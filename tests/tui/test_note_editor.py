"""The note editor, note search and "Add note" on the referrals screen, driven by Pilot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from drive import settle, type_text
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from mspdesk.desk import Desk
from mspdesk.domain.note import Note, NoteKind
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens import note_editor
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.note_editor import NoteEditor
from mspdesk.tui.screens.note_leave import LeaveNote
from mspdesk.tui.screens.notes_search import NotesSearch
from mspdesk.tui.screens.referrals import ReferralsScreen
from mspdesk.tui.widgets.record_table import RecordTable

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
SIZE = (120, 36)
CLICK_ME = "[@click=app.quit]CLICK ME[/]"
SUBJECT = "R-2013-0001"
OTHER = "R-2013-0002"


@pytest.fixture(autouse=True)
def adviser(monkeypatch: pytest.MonkeyPatch) -> None:
    # Drafts are saved soon after typing stops: quick in tests, 0.8 s in use.
    monkeypatch.setattr(note_editor, "DRAFT_INTERVAL", 0.05)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    with Desk.open(path, clock=lambda: NOW, actor="tester") as desk:
        desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"})
        desk.referrals.add({"organisation": CLICK_ME, "parent_body": "Borough of Markup"})
        desk.notes.add(OTHER, "Board agreed the budget", kind="meeting", on=date(2013, 3, 1))
    return path


@pytest.fixture
def app(data: Path) -> Iterator[MspdeskApp]:
    yield MspdeskApp(data, clock=lambda: NOW)


async def open_editor(
    pilot: Pilot[Any], subject: str = SUBJECT, note: Note | None = None
) -> list[Note | None]:
    """Push the editor; returns the list its result lands in."""
    app = pilot.app
    assert isinstance(app, MspdeskApp) and app.desk is not None
    results: list[Note | None] = []
    app.push_screen(NoteEditor(app.desk, subject, note, title="Kent Youth"), results.append)
    await pilot.pause()
    return results


def editor(app: MspdeskApp) -> NoteEditor:
    screen = app.screen
    assert isinstance(screen, NoteEditor)
    return screen


def desk_of(app: MspdeskApp) -> Desk:
    assert app.desk is not None
    return app.desk


async def wait_for_draft_save(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# ------------------------------------------------------------------ writing and saving


async def test_type_and_save_a_new_note(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = await open_editor(pilot)
        screen = editor(app)
        assert screen.query_one("#note-body", TextArea).has_focus
        assert screen.query_one("#note-on", Input).value == "2013-03-14"
        assert "tester" in str(screen.query_one("#note-adviser", Static).render())
        await type_text(pilot, "Met the board\nThey want a [b]mutual[/b]")
        screen.query_one("#note-kind", Select).value = "meeting"
        screen.query_one("#note-tags", Input).value = "board, pensions, "
        await wait_for_draft_save(pilot)
        assert desk_of(app).notes.drafts() == [f"new-{SUBJECT}"]

        await pilot.press("ctrl+s")
        await pilot.pause()

        assert not isinstance(app.screen, NoteEditor)
        [note] = results
        assert note is not None
        assert note.body == "Met the board\nThey want a [b]mutual[/b]"
        assert (note.kind, note.on, note.tags) == (
            NoteKind.MEETING,
            date(2013, 3, 14),
            ("board", "pensions"),
        )
        assert desk_of(app).notes.for_subject(SUBJECT) == [note]
        assert desk_of(app).notes.drafts() == []  # the draft goes once the note is saved


async def test_edit_an_existing_note_makes_a_new_version(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [existing] = desk_of(app).notes.for_subject(OTHER)
        results = await open_editor(pilot, OTHER, existing)
        screen = editor(app)
        assert screen.query_one("#note-body", TextArea).text == "Board agreed the budget"
        assert screen.query_one("#note-kind", Select).value == "meeting"
        assert screen.query_one("#note-on", Input).value == "2013-03-01"
        await pilot.press("end")
        await type_text(pilot, " in full")
        await pilot.press("ctrl+s")
        await pilot.pause()

        [saved] = results
        assert saved is not None and saved.id == existing.id
        assert saved.body == "Board agreed the budget in full"
        versions = desk_of(app).notes.versions(existing.id)
        assert [v.note.body for v in versions if v.note] == [existing.body, saved.body]


async def test_a_bad_date_is_shown_by_the_field_and_nothing_typed_is_lost(
    app: MspdeskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = await open_editor(pilot)
        screen = editor(app)
        await type_text(pilot, "Call with the clerk")
        date_box = screen.query_one("#note-on", Input)
        date_box.value = "31/02/2013"
        await pilot.pause()
        error = str(screen.query_one("#note-on-error", Static).render())
        assert "'31/02/2013' is not a date" in error

        await pilot.press("ctrl+s")
        await pilot.pause()

        assert isinstance(app.screen, NoteEditor) and results == []
        assert date_box.has_focus and date_box.value == "31/02/2013"
        assert screen.query_one("#note-body", TextArea).text == "Call with the clerk"
        assert desk_of(app).notes.for_subject(SUBJECT) == []

        date_box.value = "28/02/2013"
        await pilot.pause()
        assert str(screen.query_one("#note-on-error", Static).render()) == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        [note] = results
        assert note is not None and note.on == date(2013, 2, 28)


async def test_saving_an_empty_note_says_what_to_do(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = await open_editor(pilot)
        await type_text(pilot, "   ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and results == []
        assert "needs some text" in str(editor(app).query_one("#note-error", Static).render())


# ------------------------------------------------------------------ leaving and drafts


async def test_escape_without_changes_closes_at_once(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = await open_editor(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None] and not isinstance(app.screen, NoteEditor | LeaveNote)


async def test_escape_asks_and_back_returns_to_the_text(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = await open_editor(pilot)
        await type_text(pilot, "Half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveNote)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and results == []
        assert editor(app).query_one("#note-body", TextArea).text == "Half a thought"


async def test_discard_throws_the_text_and_draft_away(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = await open_editor(pilot)
        await type_text(pilot, "Never mind")
        await wait_for_draft_save(pilot)
        assert desk_of(app).notes.drafts() == [f"new-{SUBJECT}"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert results == [None]
        assert desk_of(app).notes.drafts() == []
        assert desk_of(app).notes.for_subject(SUBJECT) == []


async def test_keep_draft_then_reopen_offers_it_back(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(pilot)
        await type_text(pilot, "Draft about the lease")
        editor(app).query_one("#note-on", Input).value = "1/3/13"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#keep")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        draft = desk_of(app).notes.load_draft(f"new-{SUBJECT}")
        assert draft is not None and draft["body"] == "Draft about the lease"

        results = await open_editor(pilot)
        await pilot.pause()
        offer = app.screen
        assert isinstance(offer, Confirm)
        assert (
            "Restore the draft from" in offer.message and "Draft about the lease" in offer.message
        )
        await pilot.click("#yes")
        await pilot.pause()

        screen = editor(app)
        assert screen.query_one("#note-body", TextArea).text == "Draft about the lease"
        assert screen.query_one("#note-on", Input).value == "1/3/13"
        await pilot.press("ctrl+s")
        await pilot.pause()
        [note] = results
        assert note is not None and note.on == date(2013, 3, 1)
        assert desk_of(app).notes.drafts() == []


async def test_start_afresh_discards_the_waiting_draft(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = f"new-{SUBJECT}"
        desk_of(app).notes.save_draft(key, {"body": "old words", "kind": "call"})
        await open_editor(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.click("#no")
        await pilot.pause()
        assert editor(app).query_one("#note-body", TextArea).text == ""
        assert desk_of(app).notes.drafts() == []


async def test_quitting_with_the_editor_open_keeps_a_draft(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(pilot)
        await type_text(pilot, "typed just before quitting")
        app.exit()
    with Desk.open(data, read_only=True) as desk:
        draft = desk.notes.load_draft(f"new-{SUBJECT}")
    assert draft is not None and draft["body"] == "typed just before quitting"


# ------------------------------------------------------------------ search and referrals


async def test_search_notes_as_you_type_and_jump_to_the_referral(app: MspdeskApp) -> None:
    from mspdesk.tui.note_actions import search_notes

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search_notes(app)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotesSearch)
        await type_text(pilot, "budg boar")
        await settle(pilot)
        status = str(screen.query_one("#notes-search-status", Static).render())
        assert status.startswith("1 note")
        assert [hit.subject for hit in screen.hits] == [OTHER]
        results = screen.query_one("#notes-search-results", RecordTable)
        line = results.render_line(1).text  # under the header: the one hit
        assert CLICK_ME in line  # the organisation shown as text, never as markup

        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, ReferralsScreen)
        assert app.screen.query_one("#referrals").current_key == OTHER  # type: ignore[attr-defined]


async def test_search_with_no_match_says_so(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NotesSearch(desk_of(app), "zebra"))
        await settle(pilot)
        status = str(app.screen.query_one("#notes-search-status", Static).render())
        assert status == "No note holds all of those words."
        await pilot.press("escape")
        assert not isinstance(app.screen, NotesSearch)


async def test_add_note_from_the_referrals_screen(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReferralsScreen)
        shown = [b.binding for b in screen.active_bindings.values() if b.binding.show]
        assert ("n", "Add note") in [(b.key, b.description) for b in shown]
        screen.jump_to(SUBJECT)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and app.screen.subject == SUBJECT
        await type_text(pilot, "From the list")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [n.body for n in desk_of(app).notes.for_subject(SUBJECT)] == ["From the list"]
