"""Snapshots of the note editor and note search: fixed size, clock, adviser and data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens import note_editor
from mspdesk.tui.screens.note_editor import NoteEditor
from mspdesk.tui.screens.notes_search import NotesSearch

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
SIZE = (110, 32)
SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(note_editor, "DRAFT_INTERVAL", 3600)  # no "Draft saved" line


@pytest.fixture
def app(tmp_path: Path) -> MspdeskApp:
    path = tmp_path / "data"
    with Desk.open(path, clock=lambda: NOW, actor="tester") as desk:
        kent = desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id
        leeds = desk.referrals.add({"organisation": "[bold]Leeds", "parent_body": "Leeds CC"}).id
        desk.notes.add(kent, "Board agreed the budget for the spin-out", on=date(2013, 3, 1))
        desk.notes.add(leeds, "Call: the budget is not settled; board meets in April", kind="call")
    return MspdeskApp(path, clock=lambda: NOW)


def steady(open_screen: Callable[[MspdeskApp], Any], *keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, MspdeskApp)
        for _ in range(2):
            await pilot.pause()
            await app.workers.wait_for_complete()
        app.sub_title = "test data"
        app.push_screen(open_screen(app))
        await pilot.pause()
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        for box in app.screen.query(Input):
            box.cursor_blink = False
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()

    return run_before


def test_note_editor_with_a_bad_date(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    def editor(app: MspdeskApp) -> NoteEditor:
        assert app.desk is not None
        return NoteEditor(app.desk, "R-2013-0001", title="Kent Youth")

    typed = [*"Met", "space", *"the", "space", *"board", "enter", "tab"]
    keys = [*typed, "tab", "ctrl+a", "ctrl+k", *"31/02/2013"]
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(editor, *keys))


def test_notes_search_results(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    def search(app: MspdeskApp) -> NotesSearch:
        assert app.desk is not None
        return NotesSearch(app.desk)

    keys = [*"budget", "space", *"boa"]
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(search, *keys))
