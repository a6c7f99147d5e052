"""The possible-duplicates queue through Pilot: F9 and the palette open it; keep both (with a
reason) and merge by keyboard; each undone by one Ctrl+Z. Each change tells every screen
(records_changed): the queue redraws at once and the inbox beneath when it is shown again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from changes import count_changes
from drive import run_command
from inbox_data import CLICK_ME, NOW, settle
from textual.pilot import Pilot
from textual.widgets import Input, Static

from mspdesk.desk import Desk
from mspdesk.domain.choices import ReferralStatus
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.duplicates import DuplicatesScreen
from mspdesk.tui.widgets.record_table import RecordTable

SIZE = (140, 40)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """R-2013-0001 (MIS-1), then R-2013-0002 (MIS-2) marked a possible duplicate of it, with a
    note; R-2013-0003 unrelated."""
    path = tmp_path / "data"
    with Desk.open(path, clock=lambda: NOW, actor="tester") as desk:
        base = {"parent_body": "Anytown Council", "received": "2013-03-01"}
        desk.referrals.add(
            {**base, "organisation": f"Youth Team {CLICK_ME}", "source_ref": "MIS-1"}
        )
        desk.referrals.add(
            {**base, "organisation": f"youth team {CLICK_ME}.", "source_ref": "MIS-2"}
        )
        desk.referrals.add({**base, "organisation": "Libraries"})
        desk.notes.add("R-2013-0002", "Called the lead")
    return path


@pytest.fixture
def app(data: Path) -> Iterator[MspdeskApp]:
    yield MspdeskApp(data, clock=lambda: NOW)


def saved(data: Path) -> Desk:
    return Desk.open(data, read_only=True, clock=lambda: NOW)


async def open_queue(pilot: Pilot[Any]) -> DuplicatesScreen:
    await settle(pilot)
    await pilot.press("f9")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DuplicatesScreen)
    return screen


def text_of(screen: DuplicatesScreen, selector: str) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(width=200, file=StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(screen.query_one(selector, Static).content)
    return capture.get()


async def test_f9_shows_the_marked_referral_beside_its_match(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        table = screen.query_one(RecordTable)
        assert [row.key for row in table.rows] == ["R-2013-0002"]
        assert app.focused is table
        this, match = text_of(screen, "#duplicates-this"), text_of(screen, "#duplicates-match")
        assert "MIS-2" in this and CLICK_ME in this  # markup shown as typed
        assert "R-2013-0001" in match and "MIS-1" in match
        await pilot.press("escape")
        assert not isinstance(app.screen, DuplicatesScreen)


async def test_keep_both_by_keyboard_then_ctrl_z(
    app: MspdeskApp, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told = count_changes(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await pilot.press("b")
        await pilot.pause()
        box = app.screen.query_one("#field-reason", Input)
        assert app.focused is box
        await pilot.press("enter")  # no reason: the form stays open and says why
        await pilot.pause()
        assert app.screen.query_one("#field-reason", Input) is box
        box.value = "two teams"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.query_one(RecordTable).rows == []
        assert told == [None]
        with saved(data) as desk:
            kept = desk.referrals.get("R-2013-0002")
            assert kept.possible_duplicate_of is None and kept.duplicate_reason == "two teams"

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [row.key for row in screen.query_one(RecordTable).rows] == ["R-2013-0002"]
    with saved(data) as desk:
        assert desk.referrals.get("R-2013-0002").possible_duplicate_of == "R-2013-0001"


async def test_merge_by_keyboard_then_ctrl_z(
    app: MspdeskApp, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mspdesk.tui.screens.inbox import InboxScreen

    told = count_changes(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")  # Merge (the confirm's first button)
        await pilot.pause()
        assert app.screen is screen and screen.query_one(RecordTable).rows == []
        assert told == [None]
        with saved(data) as desk:
            merged = desk.referrals.get("R-2013-0002")
            assert merged.status is ReferralStatus.MERGED and merged.merged_into == "R-2013-0001"
            assert desk.referrals.get("R-2013-0001").merged_source_refs == ("MIS-2",)
            assert [n.body for n in desk.notes.for_subject("R-2013-0001")] == ["Called the lead"]

        await pilot.press("escape")  # the inbox beneath reloads on showing: the merged one went
        await settle(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        keys = [row.key for row in inbox.query_one("#inbox-table", RecordTable).rows]
        assert "R-2013-0001" in keys and "R-2013-0002" not in keys

        screen = await open_queue(pilot)
        assert screen.query_one(RecordTable).rows == []
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [row.key for row in screen.query_one(RecordTable).rows] == ["R-2013-0002"]
    with saved(data) as desk:
        assert desk.referrals.get("R-2013-0002").status is ReferralStatus.NEW
        assert [n.body for n in desk.notes.for_subject("R-2013-0002")] == ["Called the lead"]


async def test_the_palette_opens_the_queue(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Possible duplicates")
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesScreen)


async def test_a_hand_typed_match_is_saved_marked_and_warned_about(
    app: MspdeskApp, data: Path
) -> None:
    from mspdesk.tui.screens.referral_form import ReferralForm

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReferralForm)
        app.screen.query_one("#rform-organisation", Input).value = "LIBRARIES"
        app.screen.query_one("#rform-parent-body", Input).value = "anytown council"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ReferralForm)
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any("marked a possible duplicate" in m and "R-2013-0003" in m for m in warnings)
    with saved(data) as desk:
        assert desk.referrals.get("R-2013-0004").possible_duplicate_of == "R-2013-0003"


async def test_the_inbox_shows_and_finds_source_references(app: MspdeskApp, data: Path) -> None:
    from mspdesk.tui.screens.inbox import InboxScreen

    with Desk.open(data, clock=lambda: NOW, actor="tester") as desk:
        desk.referrals.update("R-2013-0003", {"source_fields": {"Area office": "Leeds"}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await pilot.press("slash", *"mis-2")
        await pilot.pause(0.3)
        table = screen.query_one("#inbox-table", RecordTable)
        assert [row.key for row in table.rows] == ["R-2013-0002"]
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert table.move_to("R-2013-0003")
        await pilot.press("enter")  # opens the detail pane
        await pilot.pause()
        assert "Leeds" in plain(screen.query_one("#detail-body", Static))
        shown = plain(screen.query_one("#detail-body", Static))
        assert "From the source file" in shown and "Area office" in shown
        await pilot.press("escape")
        assert table.move_to("R-2013-0001")
        await pilot.press("enter")
        await pilot.pause()
        shown = plain(screen.query_one("#detail-body", Static))
        assert "Source ref" in shown and "MIS-1" in shown


def plain(box: Static) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(width=200, file=StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(box.content)
    return capture.get()
