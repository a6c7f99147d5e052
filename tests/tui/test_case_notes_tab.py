"""The Notes tab of a case: n writes, e (or Enter) edits, x deletes (Ctrl+Z undoes), v versions;
F7 searches notes and opens the case a hit is on."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from case_data import NOW, fill
from drive import settle
from rich.console import Console, RenderableType
from textual.pilot import Pilot
from textual.widgets import TextArea

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens import note_editor
from mspdesk.tui.screens.case import CaseScreen
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.note_editor import NoteEditor
from mspdesk.tui.screens.note_versions import NoteVersions
from mspdesk.tui.screens.notes_search import NotesSearch
from mspdesk.tui.widgets.notes_pane import NotesPane, note_view
from mspdesk.tui.widgets.record_table import RecordTable

SIZE = (120, 36)
CASE = "C-0001"


@pytest.fixture(autouse=True)
def adviser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(note_editor, "DRAFT_INTERVAL", 0.05)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    with Desk.open(path, clock=lambda: NOW, actor="tester") as desk:
        referral = desk.cases.get(CASE).referral_id
        desk.notes.add(referral, "Enquiry call before triage", kind="call", on=date(2013, 1, 3))
    return path


@pytest.fixture
def app(data: Path) -> Iterator[MspdeskApp]:
    yield MspdeskApp(data, clock=lambda: NOW)


async def open_notes_tab(pilot: Pilot[Any]) -> NotesPane:
    app = pilot.app
    await settle(pilot)
    await app.switch_mode("cases")
    await app.push_screen(CaseScreen(CASE))
    await pilot.pause()
    await pilot.press("2")
    await pilot.pause()
    return app.screen.query_one(NotesPane)


def bodies(pane: NotesPane) -> list[str]:
    table = pane.query_one("#notes-table", RecordTable)
    return [pane.notes[row.key].body for row in table.rows]


def rendered(renderable: RenderableType) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def desk_of(app: MspdeskApp) -> Desk:
    assert app.desk is not None
    return app.desk


async def test_the_tab_lists_case_and_referral_notes_with_keys_in_the_footer(
    app: MspdeskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_notes_tab(pilot)
        assert pane.query_one("#notes-table", RecordTable).has_focus
        case_notes = desk_of(app).notes.for_subject(CASE)
        assert bodies(pane) == ["Enquiry call before triage", *[n.body for n in case_notes]]
        assert pane.current is not None and pane.current.body == "Enquiry call before triage"
        text = rendered(note_view(pane.current))
        assert "Enquiry call before triage" in text and "Call" in text
        shown = {key: b.binding.description for key, b in app.screen.active_bindings.items()}
        assert shown["n"] == "New note" and shown["e"] == "Edit note"
        assert shown["x"] == "Delete note" and shown["v"] == "Versions"


async def test_new_edit_delete_undo_and_versions(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_notes_tab(pilot)
        before = len(bodies(pane))

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and app.screen.subject == CASE
        await pilot.press(*"Budget", "space", *"agreed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert bodies(pane)[-1] == "Budget agreed" and len(bodies(pane)) == before + 1

        await pilot.press("end", "e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one("#note-body", TextArea).text == "Budget agreed"
        await pilot.press("end", "space", *"in", "space", *"full", "ctrl+s")
        await settle(pilot)
        assert bodies(pane)[-1] == "Budget agreed in full"

        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, NoteVersions)
        assert [v.note.body for v in app.screen.versions if v.note] == [
            "Budget agreed",
            "Budget agreed in full",
        ]
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "Budget agreed in full" in app.screen.message
        await pilot.click("#yes")
        await settle(pilot)
        assert "Budget agreed in full" not in bodies(pane)

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert bodies(pane)[-1] == "Budget agreed in full"


def test_note_view_shows_user_text_as_text() -> None:
    from mspdesk.domain.note import Note

    note = Note(
        id="N-00001",
        subject=CASE,
        body="[@click=app.quit]CLICK ME[/]\nline two\x1b[31m",
        on=date(2013, 3, 1),
        adviser="[b]tester",
        tags=("[i]tag",),
    )
    text = rendered(note_view(note))
    assert "[@click=app.quit]CLICK ME[/]" in text and "[b]tester" in text and "[i]tag" in text
    assert "\x1b" not in text and "line two" in text


def test_a_note_is_shown_as_markdown() -> None:
    from mspdesk.domain.note import Note

    body = "## Board meeting\n\n- **budget** agreed\n- see [the plan](https://example.org/p)"
    note = Note(id="N-00002", subject=CASE, body=body, on=date(2013, 3, 1), adviser="tester")
    text = rendered(note_view(note))
    assert "Board meeting" in text and "##" not in text  # a heading, not its marks
    assert "• budget agreed" in text and "**" not in text
    assert "the plan (https://example.org/p)" in text  # the address shown, not a live link


async def test_delete_can_be_called_off(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_notes_tab(pilot)
        before = bodies(pane)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert bodies(pane) == before


async def test_f7_finds_a_case_note_and_opens_the_case(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        note = desk_of(app).notes.add(CASE, "Pension fund admission agreed")
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, NotesSearch)
        await pilot.press(*"admission")
        await settle(pilot)
        assert [hit.note_id for hit in app.screen.hits] == [note.id]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == CASE
