"""At 80×24 every dialog's Save (or its main button) is on screen, and the key bar
never cuts a key off: the ones that do not fit are behind a visible `F1 more`."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_data import NOW as CASE_NOW
from case_data import fill as fill_cases
from case_data import settle
from inbox_data import NOW, fill
from textual.pilot import Pilot
from textual.widgets import Button

from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.case import CaseScreen
from mspdesk.tui.widgets.key_bar import MORE, KeyBar, KeyEntry, fit_keys
from mspdesk.tui.widgets.record_table import Column, fit_columns

SMALL = (80, 24)


def on_screen(pilot: Pilot[int], selector: str) -> bool:
    """Whether the widget `selector` on the top screen is wholly inside the terminal."""
    button = pilot.app.screen.query_one(selector, Button)
    region = button.region
    width, height = pilot.app.size
    return region.height > 0 and region.y >= 0 and region.bottom <= height and region.right <= width


@pytest.mark.parametrize(
    ("keys", "button"),
    [
        (("t",), "#triage-save"),
        (("n",), "#rform-save"),
        (("i",), "#import-check"),
    ],
    ids=["triage", "referral form", "import"],
)
async def test_inbox_dialogs_show_their_main_button(
    tmp_path: Path, keys: tuple[str, ...], button: str
) -> None:
    fill(tmp_path / "data")
    app = MspdeskApp(tmp_path / "data", clock=lambda: NOW)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        for _ in range(3):  # the import dialog's file list loads in a worker of its own
            await pilot.pause()
        assert on_screen(pilot, button)


@pytest.mark.parametrize(
    ("keys", "button"),
    [
        (("3", "p"), "#save"),
        (("4", "i"), "#save"),
        (("5", "b"), "#save"),
        (("X",), "#export-go"),
    ],
    ids=["person", "conflict", "budget", "export"],
)
async def test_case_dialogs_show_their_save_button(
    tmp_path: Path, keys: tuple[str, ...], button: str
) -> None:
    fill_cases(tmp_path / "data")
    app = MspdeskApp(tmp_path / "data", clock=lambda: CASE_NOW)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await app.push_screen(CaseScreen("C-0001"))
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert on_screen(pilot, button)


def entry(key: str, description: str, rank: int = 5) -> KeyEntry:
    return KeyEntry(key, key, description, True, rank)


def test_keys_that_do_not_fit_leave_room_for_f1_more() -> None:
    keys = [entry("t", "Triage"), entry("n", "New"), entry("i", "Import")]
    keys += [entry("f1", "Help", 1), entry("q", "Quit", 2), entry("f4", "Cases", 11)]
    everything = sum(key.width for key in keys)
    assert fit_keys(keys, everything) == set(keys)
    kept = fit_keys(keys, everything - 1)
    more = KeyEntry("f1", "F1", MORE, True, 0).width
    assert sum(key.width for key in kept) + more <= everything - 1
    # Quit and the screen's own keys stay longest; F1 Help gives way to F1 more.
    assert entry("q", "Quit", 2) in kept and entry("t", "Triage") in kept
    assert entry("f1", "Help", 1) not in kept and entry("f4", "Cases", 11) not in kept


async def test_the_inbox_bar_at_80_columns_ends_with_f1_more(tmp_path: Path) -> None:
    fill(tmp_path / "data")
    app = MspdeskApp(tmp_path / "data", clock=lambda: NOW)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        line = str(bar.render())
        assert line.rstrip().endswith(f"F1 {MORE}")
        assert "t Triage" in line and "q Quit" in line


def test_the_organisation_takes_the_spare_width_and_narrow_columns_go_first() -> None:
    from mspdesk.tui.inbox_rows import INBOX_COLUMNS

    wide = dict(zip([c.key for c in INBOX_COLUMNS], fit_columns(INBOX_COLUMNS, 118), strict=True))
    assert wide["organisation"] >= 30  # names up to 30 characters whole at 120 columns
    assert wide["model"] >= len("Employee-owned") and wide["route"] >= len("Commissioner-led")
    narrow = dict(zip([c.key for c in INBOX_COLUMNS], fit_columns(INBOX_COLUMNS, 78), strict=True))
    assert narrow["model"] == 0 and narrow["route"] == 0  # left out, least important first
    assert narrow["id"] == 11 and narrow["organisation"] >= 20
    assert sum(width + 1 for width in narrow.values() if width) <= 78
    spare = fit_columns([Column("a", "A", 5), Column("b", "B", 5, flex=1)], 40)
    assert spare == [5, 33]


@pytest.mark.parametrize("key", ["f2", "f3", "f4", "f5", "f6", "f8"])
async def test_every_main_screen_at_80_columns_shows_each_key_or_f1_more(
    tmp_path: Path, key: str
) -> None:
    from mspdesk.tui.screens.help import HelpScreen

    fill_cases(tmp_path / "data")
    app = MspdeskApp(tmp_path / "data", clock=lambda: CASE_NOW)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        line = str(bar.render())
        entries = bar.entries()
        missing = [e for e in entries if f"{e.shown} {e.description}" not in line]
        assert len(line.rstrip()) <= SMALL[0]
        if missing:
            assert line.rstrip().endswith(f"F1 {MORE}"), line
        # F1 lists what the bar leaves out.
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
