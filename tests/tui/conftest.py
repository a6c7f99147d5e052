"""Fixtures shared by every TUI test.

Every test here runs with the same surroundings, so tests can run in parallel (pytest-xdist,
one process per worker) and snapshots match on any machine:

- local time is UTC (history times are shown in local time);
- the acting adviser is "tester";
- the config folder is the test's own temporary folder, never the real one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

SnapCompare = Callable[..., bool]
SIZES = {"wide": (120, 40), "narrow": (80, 24)}
"""The two terminal sizes every main screen and dialog is recorded at."""


@pytest.fixture(autouse=True)
def tui_surroundings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def still(pilot: Pilot[Any]) -> None:
    """Hide what changes between runs: the data folder's name, blinking cursors."""
    pilot.app.sub_title = "test data"
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()
