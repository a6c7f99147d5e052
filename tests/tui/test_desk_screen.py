"""The base of every desk screen: a change reloads the screen on show at once and the others
only when they are next shown; a load overtaken by a newer one is dropped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from case_data import NOW, fill, settle

from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.screens.cases import CasesScreen
from mspdesk.tui.screens.inbox import InboxScreen
from mspdesk.tui.screens.referrals import ReferralsScreen


@pytest.fixture
def app(tmp_path: Path) -> MspdeskApp:
    fill(tmp_path / "data")
    return MspdeskApp(tmp_path / "data", clock=lambda: NOW)


async def test_a_change_reloads_only_the_screen_on_show(app: MspdeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screens: list[DeskScreen] = []
        for key in ("f4", "f2", "f3"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DeskScreen)
            screens.append(app.screen)
        cases, referrals, inbox = screens
        assert isinstance(cases, CasesScreen) and isinstance(referrals, ReferralsScreen)
        assert isinstance(inbox, InboxScreen)
        reloaded: list[str] = []
        for screen in screens:
            original = screen.reload

            def counted(screen: DeskScreen = screen, original: object = original) -> None:
                reloaded.append(type(screen).__name__)
                original()  # type: ignore[operator]

            screen.reload = counted  # type: ignore[method-assign]
        app.refresh_data()
        await settle(pilot)
        assert reloaded == ["InboxScreen"]
        await pilot.press("f4")
        await settle(pilot)
        assert reloaded == ["InboxScreen", "CasesScreen"]
        await pilot.press("f4")  # shown again with nothing changed: no reload
        await settle(pilot)
        assert reloaded == ["InboxScreen", "CasesScreen"]


async def test_a_load_overtaken_by_a_newer_one_is_dropped(app: MspdeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeskScreen)
        shown: list[str] = []
        old = screen.load_token()
        new = screen.load_token()
        await asyncio.to_thread(screen.deliver, old, shown.append, "old")
        await asyncio.to_thread(screen.deliver, new, shown.append, "new")
        await pilot.pause()
        assert shown == ["new"]
