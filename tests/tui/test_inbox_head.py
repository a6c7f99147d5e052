"""The inbox head: the first rows cached at close and painted at the next start while the
desk loads; never shown when the data changed since; replaced by the live list; keys that
act wait for the load."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from inbox_data import NOW, fill, settle
from textual.widgets import Input, Static

from mspdesk import locations
from mspdesk.desk import Desk
from mspdesk.inbox_head import HEAD_NAME, InboxHead, data_stamp, encode_head, read_head
from mspdesk.tui.app import LOADING, MspdeskApp
from mspdesk.tui.screens.inbox import InboxScreen
from mspdesk.tui.screens.triage_modal import TriageModal
from mspdesk.tui.widgets.record_table import RecordTable

SIZE = (140, 40)
WAITING = [f"R-2013-000{n}" for n in range(1, 7)]
RUBRIC = locations.content_dir() / "triage.toml"


class HeldApp(MspdeskApp):
    """The desk, its data opened only when the test lets it (to look at the head first)."""

    held = True

    def open_desk(self, read_only: bool) -> Any:
        if not self.held:
            return super().open_desk(read_only)
        return None

    def let_it_load(self) -> None:
        self.held = False
        self.open_desk(False)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


async def close_once(data: Path) -> None:
    """Open the desk in the TUI, let the inbox load, and quit (which writes the head)."""
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)


def shown(app: MspdeskApp) -> list[str]:
    return [row.key for row in app.screen.query_one("#inbox-table", RecordTable).rows]


def status(app: MspdeskApp) -> str:
    return str(app.screen.query_one("#inbox-status", Static).content)


def notes(app: MspdeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_closing_writes_the_head_user_only(data: Path) -> None:
    await close_once(data)
    path = data / HEAD_NAME
    assert path.stat().st_mode & 0o777 == 0o600
    head = read_head(data, RUBRIC)
    assert head is not None and head.total == 6
    assert [row[0] for row in head.rows] == WAITING
    assert head.rows[0][4] == "Anyshire Care Mutual"


async def test_a_current_head_is_shown_while_loading_and_keys_wait(data: Path) -> None:
    await close_once(data)
    app = HeldApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.desk is None and isinstance(app.screen, InboxScreen)
        assert shown(app) == WAITING
        assert status(app).startswith("Loading the desk… the first 6 of 6 waiting")
        for key in ("t", "slash", "s", "enter", "ctrl+z"):
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)  # no triage dialog on a head row
        assert not app.screen.query_one("#inbox-filter", Input).display
        assert notes(app).count(LOADING) == 5
        app.let_it_load()
        await settle(pilot)
        assert "sorted by age" in status(app)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TriageModal)


async def test_a_head_older_than_the_data_is_not_shown(data: Path) -> None:
    await close_once(data)
    with Desk.open(data, clock=lambda: NOW, actor="tester") as desk:
        desk.triage.decide("R-2013-0001", "decline", "Not a public service")
    assert read_head(data, RUBRIC) is None
    app = HeldApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app) == []
        app.let_it_load()
        await settle(pilot)
        assert shown(app) == WAITING[1:]


async def test_a_lagging_ack_does_not_pass_a_longer_journal(data: Path) -> None:
    """After a power cut journal.ack may lag the journal: its length still tells."""
    await close_once(data)
    ack = (data / "journal.ack").read_bytes()
    with Desk.open(data, clock=lambda: NOW, actor="tester") as desk:
        desk.referrals.update("R-2013-0001", {"organisation": "Renamed Mutual"})
        desk.close(checkpoint=False)
    (data / "journal.ack").write_bytes(ack)
    assert read_head(data, RUBRIC) is None


async def test_the_live_list_replaces_the_head(data: Path) -> None:
    await close_once(data)
    stamp = data_stamp(data, RUBRIC)
    assert stamp is not None
    ghost = ("R-1999-0001", "1999-01-01", "1999-01-20", "", "Ghost Mutual", "Nowhere", "", "")
    head = InboxHead(rows=[ghost], total=1, overdue_by=[("1999-01-20", 1)])
    (data / HEAD_NAME).write_bytes(encode_head(head, stamp))
    app = HeldApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app) == ["R-1999-0001"]
        assert "1 overdue" in status(app)
        app.let_it_load()
        await settle(pilot)
        assert shown(app) == WAITING


async def test_triage_and_undo_redraw_only_the_changed_rows(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        desk = app.desk
        assert desk is not None

        def whole_inbox() -> Any:
            raise AssertionError("the whole inbox was read again")

        desk.triage.inbox_rows = whole_inbox  # type: ignore[method-assign]
        desk.triage.decide("R-2013-0002", "decline", "Not a public service")
        app.refresh_data()
        await pilot.pause()
        assert shown(app) == [k for k in WAITING if k != "R-2013-0002"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(app) == WAITING


def test_an_erasure_deletes_the_head(data: Path) -> None:
    with Desk.open(data, clock=lambda: NOW, actor="tester") as desk:
        (data / HEAD_NAME).write_bytes(b"{}")
        os.chmod(data / HEAD_NAME, 0o600)
        desk.erase("R-2013-0001", "asked to")
    assert not (data / HEAD_NAME).exists()


async def test_the_stylesheet_is_not_parsed_again_for_the_first_screen(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Textual parses the whole stylesheet again for a mode's new screen, unless it is marked
    # as having seen the current CSS: the inbox, made as the app starts, has (first frame).
    from textual.css.stylesheet import Stylesheet

    parsed_again: list[object] = []
    reparse = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        parsed_again.append(self)
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert parsed_again == []
