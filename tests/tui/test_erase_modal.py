"""Erasing from the referrals list (E): refused until the id is typed exactly; once erased,
every screen is told (records_changed) and the referral's detail shows the erasure."""

from __future__ import annotations

from pathlib import Path

import pytest
from changes import count_changes
from inbox_data import NOW, fill, settle
from textual.widgets import Input, Static

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.erase_modal import EraseModal
from mspdesk.tui.screens.referrals import ReferralsScreen

SIZE = (140, 40)
TARGET = "R-2013-0003"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


async def test_erase_needs_the_id_typed(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    told = count_changes(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReferralsScreen)
        screen.jump_to(TARGET)
        await settle(pilot)
        await pilot.press("E")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EraseModal) and modal.target == TARGET
        modal.query_one("#erase-confirm", Input).value = "R-2013-0004"
        await pilot.click("#erase")
        await pilot.pause()
        assert app.screen is modal  # the wrong id erases nothing
        assert app.desk is not None and app.desk.erasures() == []
        assert told == []
        modal.query_one("#erase-confirm", Input).value = TARGET
        reason = modal.query_one("#erase-reason", Input)
        reason.value = "asked to be forgotten"
        reason.focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, EraseModal), str(
            modal.query_one("#erase-problem", Static).render()
        )
        assert app.screen is screen and told == [None]  # every screen reads the records again
    with Desk.open(data, read_only=True) as desk:
        stones = desk.erasures()
        assert [(s.target, s.reason) for s in stones] == [(TARGET, "asked to be forgotten")]
        assert desk.referrals.get(TARGET).contact.email == ""


async def test_escape_cancels(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EraseModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReferralsScreen)
    with Desk.open(data, read_only=True) as desk:
        assert desk.erasures() == []
