"""The case's Files tab (8): attach a file and an .eml email from the keyboard; names from
files show as text, never markup."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from case_data import NOW, fill, settle
from test_case_screens import open_case, type_text

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.case_forms import FormModal
from mspdesk.tui.widgets.files_pane import FilesPane
from mspdesk.tui.widgets.notes_pane import NotesPane
from mspdesk.tui.widgets.record_table import RecordTable

SIZE = (140, 40)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


def email_file(path: Path) -> Path:
    message = EmailMessage()
    message["From"] = "shona@example.com"
    message["To"] = "adviser@example.gov.uk"
    message["Date"] = "Fri, 01 Mar 2013 09:15:00 +0000"
    message["Subject"] = "Minutes"
    message.set_content("Minutes attached.")
    message.add_attachment(b"%PDF-1.4 minutes", maintype="application", subtype="pdf",
                           filename="[@click=app.quit]minutes.pdf")  # fmt: skip
    path.write_bytes(message.as_bytes())
    return path


async def test_attach_an_email_from_the_files_tab(data: Path, tmp_path: Path) -> None:
    eml = email_file(tmp_path / "minutes.eml")
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, "C-0001")
        await pilot.press("8")
        await settle(pilot)
        pane = screen.query_one(FilesPane)
        assert pane.query_one(RecordTable).has_focus
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormModal)
        await type_text(pilot, str(eml))
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        table = pane.query_one("#files-table", RecordTable)
        assert table.current_key is not None
        names = {item.name for item in pane.files.values()}
        assert names == {"minutes.eml", "[@click=app.quit]minutes.pdf"}
        # records_changed: the Notes tab of the same case shows the email note at once
        notes_pane = screen.query_one(NotesPane)
        assert any(note.kind.value == "email" for note in notes_pane.notes.values())
    with Desk.open(data, read_only=True) as desk:
        files = desk.attachments.for_case("C-0001")
        notes = desk.notes.for_subject("C-0001")
    assert {item.name for item in files} == names
    assert any(note.kind.value == "email" and "Minutes" in note.body for note in notes)


async def test_a_missing_file_is_named_under_the_form(data: Path, tmp_path: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, "C-0001")
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, str(tmp_path / "nowhere.pdf"))
        await pilot.press("enter")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormModal)
        error = form.query_one("#case-form-error")
        assert "no such file" in str(error.render())
        await pilot.press("escape")  # a path was typed: the form asks before dropping it
        await settle(pilot)
        await pilot.press("enter")  # Discard
        await settle(pilot)
        assert pilot.app.screen is screen and not screen.query_one(FilesPane).files
