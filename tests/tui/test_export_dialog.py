"""The export dialog, driven through Pilot: X on a case, the "Export…" palette command, each
kind of export written from a worker, and an existing file replaced only when confirmed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from case_data import CLICK_ME, NOW, fill, settle
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, Select

from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.export_commands import ExportCommands
from mspdesk.tui.screens.case import CaseScreen
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.export_dialog import ExportDialog

SIZE = (140, 44)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The home folder the dialog suggests paths in (never the real one)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def app(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> MspdeskApp:
    data = tmp_path / "data"
    fill(data)
    return MspdeskApp(data, clock=lambda: NOW)


async def case_screen(pilot: Pilot[int], case_id: str) -> CaseScreen:
    await settle(pilot)
    screen = CaseScreen(case_id)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def dialog_of(pilot: Pilot[int]) -> ExportDialog:
    screen = pilot.app.screen
    assert isinstance(screen, ExportDialog)
    return screen


def status(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-status").render())


async def export(pilot: Pilot[int]) -> None:
    """Press Ctrl+S and wait for the worker (and the confirmation, if any) to settle."""
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_x_on_a_case_exports_it(app: MspdeskApp, home: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await case_screen(pilot, "C-0001")
        await pilot.press("X")
        await pilot.pause()
        dialog = dialog_of(pilot)
        assert dialog.case_id == "C-0001" and dialog.what == "case"
        path_input = dialog.query_one("#export-path", Input)
        assert path_input.value == str(home / "C-0001.md")
        dialog.choose("case", "docx")
        await pilot.pause()
        assert path_input.value == str(home / "C-0001.docx")
        await export(pilot)
        assert (home / "C-0001.docx").read_bytes().startswith(b"PK")
        assert "Exported C-0001 as Word" in status(dialog)
        assert str(home / "C-0001.docx") in status(dialog)
        assert dialog.query_one(ProgressBar).percentage == 1.0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CaseScreen)


async def test_replacing_a_file_asks_first(app: MspdeskApp, home: Path) -> None:
    target = home / "C-0002.md"
    target.write_text("keep me")
    async with app.run_test(size=SIZE) as pilot:
        await case_screen(pilot, "C-0002")
        await pilot.press("X")
        await pilot.pause()
        dialog = dialog_of(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Confirm)
        await pilot.click("#no")
        await settle(pilot)
        assert target.read_text() == "keep me"
        assert "Kept the existing files" in status(dialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Confirm)
        await pilot.click("#yes")
        await settle(pilot)
        assert target.read_text().startswith("# C-0002 ")


async def test_palette_export_all_into_a_folder(app: MspdeskApp, home: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = ExportCommands(pilot.app.screen)
        hits = [hit async for hit in provider.search("export")]
        assert [str(hit.text) for hit in hits] == ["Export…"]
        hits[0].command()
        await pilot.pause()
        dialog = dialog_of(pilot)
        assert dialog.case_id is None and dialog.what == "all"
        folder = home / f"mspdesk-export-{NOW.date().isoformat()}"
        assert dialog.query_one("#export-path", Input).value == str(folder)
        await export(pilot)
        names = {p.name for p in folder.iterdir()}
        assert {"C-0001.md", "C-0004.docx", "cases.json", "evidence.csv"} <= names
        assert "Exported 4 cases in 6 formats" in status(dialog)


async def test_evidence_and_notes(app: MspdeskApp, home: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await case_screen(pilot, "C-0002")
        await pilot.press("X")
        await pilot.pause()
        dialog = dialog_of(pilot)
        await pilot.click("#what-evidence")  # as the adviser would: a click, then the list
        await pilot.pause()
        assert dialog.what == "evidence" and dialog.fmt == "csv"  # Markdown is not offered
        dialog.query_one("#export-format", Select).value = "json"
        await pilot.pause()
        evidence = home / f"evidence-{NOW.date().isoformat()}.json"
        assert dialog.query_one("#export-path", Input).value == str(evidence)
        await export(pilot)
        text = evidence.read_text()
        assert json.loads(text)["format"] == "mspdesk-evidence"
        assert "CLICK" not in text and "Anyshire" not in text
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("X")
        await pilot.pause()
        dialog = dialog_of(pilot)
        dialog.choose("notes", "csv")
        await pilot.pause()
        since = dialog.query_one("#export-since", Input)
        since.value = "2013-01-01"
        await pilot.pause()
        notes = home / "notes-since-2013-01-01.csv"
        assert dialog.query_one("#export-path", Input).value == str(notes)
        await export(pilot)
        assert "Met the sponsor" in notes.read_text(encoding="utf-8-sig")


async def test_problems_stay_in_the_dialog(app: MspdeskApp, home: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await case_screen(pilot, "C-0002")
        await pilot.press("X")
        await pilot.pause()
        dialog = dialog_of(pilot)
        dialog.query_one("#export-path", Input).value = str(home / "missing" / CLICK_ME)
        await export(pilot)
        assert "does not exist" in status(dialog)
        assert dialog.query_one("#export-status").has_class("export-error")
        dialog.choose("notes")
        dialog.query_one("#export-since", Input).value = "31/02/2013"
        dialog.query_one("#export-path", Input).value = str(home / "n.csv")
        await export(pilot)
        assert "Notes since" in status(dialog)
        assert isinstance(pilot.app.screen, ExportDialog)
        assert not list(home.iterdir())


async def test_a_case_as_an_excel_workbook(app: MspdeskApp, home: Path) -> None:
    import openpyxl

    async with app.run_test(size=SIZE) as pilot:
        await case_screen(pilot, "C-0002")
        await pilot.press("X")
        await pilot.pause()
        dialog = dialog_of(pilot)
        dialog.choose("case", "xlsx")
        await pilot.pause()
        target = home / "C-0002.xlsx"
        assert dialog.query_one("#export-path", Input).value == str(target)
        await export(pilot)
        workbook = openpyxl.load_workbook(target)
        assert "Milestones" in workbook.sheetnames
