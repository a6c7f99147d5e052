"""Fixtures shared by every TUI test.

Every test here runs with the same surroundings, so tests can run in parallel (pytest-xdist,
one process per worker) and snapshots match on any machine:

- local time is UTC (history times are shown in local time);
- the acting adviser is "tester";
- the config folder is the test's own temporary folder, never the real one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def tui_surroundings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(params=[(80, 24), (120, 40)], ids=["80x24", "120x40"])
def screen_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """The two terminal sizes the main screens and dialogs are recorded at: every key
    reachable (shown, or behind `F1 more`), every dialog's Save on screen."""
    size: tuple[int, int] = request.param
    return size
