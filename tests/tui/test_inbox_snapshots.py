"""Snapshots of the inbox and the triage dialog: fixed size, fixed clock, fixed data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inbox_data import NOW, fill, settle
from textual.pilot import Pilot
from textual.widgets import Input

from mspdesk.tui.app import MspdeskApp

SIZE = (140, 40)
SnapCompare = Callable[..., bool]


@pytest.fixture
def app(tmp_path: Path) -> MspdeskApp:
    fill(tmp_path / "data")
    return MspdeskApp(tmp_path / "data", clock=lambda: NOW)


def steady(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Wait for the data, press `keys`, then hide what changes between runs."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.sub_title = "test data"  # not the temporary directory's name
        await pilot.press(*keys)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run_before


def test_inbox(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=steady())


def test_inbox_at_each_size(
    snap_compare: SnapCompare, app: MspdeskApp, screen_size: tuple[int, int]
) -> None:
    assert snap_compare(app, terminal_size=screen_size, run_before=steady())


def test_triage_dialog_at_each_size(
    snap_compare: SnapCompare, app: MspdeskApp, screen_size: tuple[int, int]
) -> None:
    assert snap_compare(app, terminal_size=screen_size, run_before=steady("t", "3", "2"))


def test_inbox_filtered_with_detail(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    keys = ("slash", "c", "o", "u", "n", "c", "i", "l", "enter", "j", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(*keys))


def test_triage_modal_while_scoring(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("t", "3", "2", "1"))


def test_triage_modal_signpost_with_a_problem(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    keys = ("j", "j", "j", "t", "s", "ctrl+s")  # out of scope; signpost without a reason
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(*keys))
