"""No dead ends: Esc, Alt+← and q leave every screen opened from another, back where the
adviser came from; q on a main screen quits, and on the demo asks before losing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_data import NOW, fill, settle

from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.case import CaseScreen
from mspdesk.tui.screens.cases import CasesScreen
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.conflicts import ConflictRegisterScreen
from mspdesk.tui.screens.guidance import GuidanceScreen

SIZE = (120, 40)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


async def on_case(pilot: object, app: MspdeskApp) -> CaseScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await app.switch_mode("cases")
    case = CaseScreen("C-0001")
    await app.push_screen(case)
    await settle(pilot)  # type: ignore[arg-type]
    return case


@pytest.mark.parametrize("key", ["escape", "alt+left", "q"])
async def test_guidance_opened_from_a_case_leaves_back_to_the_case(data: Path, key: str) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        case = await on_case(pilot, app)
        await pilot.press("g")  # the first milestone's guidance
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is case
        # A second Esc on the case goes back to the list it was opened from.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)


async def test_guidance_chosen_with_f6_is_not_left_by_esc(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await on_case(pilot, app)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("f4", "f6")  # away and back on purpose: no longer a visit
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GuidanceScreen)


async def test_q_on_a_screen_opened_from_another_goes_back(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("x")  # the conflicts register, over the cases list
        await settle(pilot)
        assert isinstance(app.screen, ConflictRegisterScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        assert app.is_running


async def test_quitting_the_demo_with_changes_asks(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        case = await on_case(pilot, app)
        await pilot.press("down", "d")  # M02 done: a change the demo would lose
        await settle(pilot)
        assert app.desk is not None and app.desk.changes_this_session == 1, app.screen
        await pilot.press("escape", "q")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "1 change made" in str(app.screen.message)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, Confirm)
        assert case.case_id == "C-0001"
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code == 0


async def test_quitting_the_demo_without_changes_does_not_ask(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
