"""Who am I: the adviser named in the settings is recorded on changes and is "mine" on the
agenda; a case is handed to another adviser from the case screen (A); the theme is the one
set with `mspdesk config set theme`."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_data import NOW, fill, settle
from textual.widgets import Input

from mspdesk import config
from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.agenda import AgendaScreen
from mspdesk.tui.screens.case import CaseScreen
from mspdesk.tui.screens.case_forms import FormModal


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


async def test_reassign_a_case_then_it_is_mine_on_the_agenda(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MSPDESK_ADVISER")
    config.set_value("adviser", "Sam Okafor")
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.desk is not None and app.desk.actor == "sam-okafor"
        await app.switch_mode("cases")
        await app.push_screen(CaseScreen("C-0002"))
        await settle(pilot)
        await pilot.press("A")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-adviser", Input).value = "Sam Okafor"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("f5")
        await settle(pilot)
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen)
        await pilot.press("m")
        await settle(pilot)
        assert agenda.agenda is not None and agenda.agenda.items
        assert {item.case_id for item in agenda.agenda.items} == {"C-0002"}
    with Desk.open(data, read_only=True) as desk:
        assert desk.cases.get("C-0002").adviser == "Sam Okafor"
        assert desk.history("C-0002")[-1].actor == "sam-okafor"


async def test_the_theme_from_the_settings(data: Path) -> None:
    config.set_value("theme", "textual-light")
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
