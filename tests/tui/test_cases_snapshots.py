"""Snapshots of the case screen and the agenda: fixed size, fixed clock, fixed data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from case_data import NOW, fill, settle
from textual.pilot import Pilot
from textual.widgets import Input

from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.case import CaseScreen

SIZE = (140, 40)
SnapCompare = Callable[..., bool]


@pytest.fixture
def app(tmp_path: Path) -> MspdeskApp:
    fill(tmp_path / "data")
    return MspdeskApp(tmp_path / "data", clock=lambda: NOW)


def on_case(case_id: str, *keys: str) -> Callable[[Pilot[Any]], Any]:
    """Open `case_id`, press `keys`, then hide what changes between runs."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        pilot.app.push_screen(CaseScreen(case_id))
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run_before


async def agenda_ready(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)


def test_case_screen_at_each_size(
    snap_compare: SnapCompare, app: MspdeskApp, screen_size: tuple[int, int]
) -> None:
    assert snap_compare(app, terminal_size=screen_size, run_before=on_case("C-0001"))


def test_person_dialog_at_each_size(
    snap_compare: SnapCompare, app: MspdeskApp, screen_size: tuple[int, int]
) -> None:
    assert snap_compare(app, terminal_size=screen_size, run_before=on_case("C-0001", "3", "p"))


def test_case_milestones(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=on_case("C-0001", "down", "down"))


def test_case_deadlines_for_a_challenge(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=on_case("C-0002", "6"))


def test_reschedule_preview(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await on_case("C-0001", "down", "down", "down", "r")(pilot)
        pilot.app.screen.query_one("#field-due", Input).value = "2013-07-01"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_agenda(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=agenda_ready)
