"""The import dialog, driven through Pilot: choose a file, preview, import, summary; errors
shown in the dialog; cancel before importing saves nothing."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from drive import run_command
from inbox_data import NOW, fill, settle
from intake_data import (
    ADDED,
    CLICK_NAME,
    MARKED,
    REJECTED,
    UNCHANGED,
    write_binary,
    write_messy,
)
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, Static

import mspdesk.transfer
from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.import_dialog import ImportDialog, ImportFileTree, OutcomeTable
from mspdesk.tui.screens.inbox import InboxScreen
from mspdesk.tui.widgets.record_table import RecordTable

SIZE = (140, 40)
BEFORE = 7  # referrals inbox_data puts on the desk


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


@pytest.fixture
def app(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MspdeskApp]:
    monkeypatch.chdir(tmp_path)  # the file picker starts in the working directory
    yield MspdeskApp(data, clock=lambda: NOW)


async def wait_for_import(pilot: Pilot[Any]) -> None:
    """Let the dialog's workers finish (not the file tree's loader, which waits for ever)."""
    for _ in range(3):
        await pilot.pause()
        busy = [worker for worker in pilot.app.workers if worker.group == "import"]
        if busy:  # an empty list would mean "every worker"
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


def dialog(app: MspdeskApp) -> ImportDialog:
    screen = app.screen
    assert isinstance(screen, ImportDialog)
    return screen


def shown(app: MspdeskApp, selector: str) -> str:
    box = app.screen.query_one(selector, Static)
    console = Console(width=300, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(box.content)
    return capture.get()


async def open_preview(pilot: Pilot[Any], path: Path | str) -> None:
    """Open the dialog with i, type `path`, press Enter, wait for the check."""
    await settle(pilot)
    await pilot.press("i")
    await pilot.pause()
    box = pilot.app.screen.query_one("#import-path", Input)
    assert pilot.app.focused is box
    box.value = str(path)
    await pilot.press("enter")
    await wait_for_import(pilot)


def saved(data: Path) -> Desk:
    return Desk.open(data, read_only=True, clock=lambda: NOW)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
async def test_preview_then_import_a_messy_file(
    app: MspdeskApp, data: Path, tmp_path: Path, encoding: str
) -> None:
    messy = write_messy(tmp_path / "messy.csv", encoding)
    async with app.run_test(size=SIZE) as pilot:
        await open_preview(pilot, messy)
        screen = dialog(app)
        assert screen.step == "preview"
        label = "Windows-1252" if encoding == "cp1252" else "UTF-8 with BOM"
        assert f"messy.csv  (CSV, {label}, comma-separated)" in shown(app, "#import-file")
        counts = shown(app, "#import-counts")
        assert (
            f"7 rows: {ADDED} to add, {MARKED} possible duplicates (added and marked), "
            f"0 to update, {UNCHANGED} unchanged, {REJECTED} rejected"
        ) in counts
        assert f"{REJECTED} rejected" in counts
        columns = shown(app, "#import-columns")
        assert "Parent body ← Council/Trust" in columns
        assert "Contract value ← Contract value (£)" in columns
        rows = screen.query_one(OutcomeTable).rows
        assert [(row.cells[0], row.cells[1]) for row in rows] == [
            ("row 4", "unchanged"),
            ("row 5", "possible duplicate"),
            *[("row 6", "rejected")] * 5,  # parent body, received, money, staff, email
            ("row 8", "possible duplicate"),
        ]
        assert ("Received", "'31/02/2013' is not a date (use 2013-02-28 or 28/02/2013)") in [
            row.cells[3:] for row in rows
        ]
        assert "messy.rejects.csv beside the file" in shown(app, "#import-next")
        with saved(data) as desk:  # the preview saved nothing
            assert desk.referrals.count() == BEFORE
        assert not (tmp_path / "messy.rejects.csv").exists()

        assert app.focused is screen.query_one("#import-apply")
        await pilot.press("enter")
        await wait_for_import(pilot)
        assert screen.step == "done"
        bar = screen.query_one(ProgressBar)
        assert bar.total == ADDED + MARKED and bar.progress == ADDED + MARKED
        rejects = tmp_path / "messy.rejects.csv"
        assert rejects.exists()
        summary = shown(app, "#import-summary")
        added = ADDED + MARKED
        assert f"Added {added} referrals: R-2013-0101, R-2013-0102, R-2013-0103" in summary
        assert "one change: Ctrl+Z undoes all of it" in summary
        assert str(rejects) in summary

        await pilot.press("enter")  # Close
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        table = app.screen.query_one("#inbox-table", RecordTable)
        keys = [row.key for row in table.rows]
        assert {"R-2013-0101", "R-2013-0102", "R-2013-0103"} <= set(keys)
        assert table.current_key == "R-2013-0101"  # the first one imported
        # The [@click=app.quit] name is shown as typed; clicking it quits nothing.
        position = keys.index("R-2013-0102")
        assert CLICK_NAME in table.render_line(position + 1).text
        table.cursor = position
        await pilot.click(RecordTable, offset=(50, position + 1), times=2)
        await pilot.pause()
        assert app.is_running
    with saved(data) as desk:
        assert desk.referrals.count() == BEFORE + ADDED + MARKED
        assert desk.referrals.get("R-2013-0102").organisation == CLICK_NAME
        assert desk.referrals.get("R-2013-0101").contract_value == 1_200_000


async def test_a_binary_file_is_an_error_in_the_dialog(app: MspdeskApp, tmp_path: Path) -> None:
    binary = write_binary(tmp_path / "archive.csv")
    async with app.run_test(size=SIZE) as pilot:
        await open_preview(pilot, binary)
        screen = dialog(app)
        assert screen.step == "pick" and app.is_running
        assert "binary file" in shown(app, "#import-error")
        assert app.focused is screen.query_one("#import-path")
        await open_path(pilot, "no-such-file.csv")
        assert "there is no such file" in shown(app, "#import-error")
        await open_path(pilot, "")
        assert "Type the path of a file" in shown(app, "#import-error")


async def open_path(pilot: Pilot[Any], typed: str) -> None:
    pilot.app.screen.query_one("#import-path", Input).value = typed
    await pilot.press("enter")
    await wait_for_import(pilot)


async def test_cancel_after_the_preview_saves_nothing(
    app: MspdeskApp, data: Path, tmp_path: Path
) -> None:
    write_messy(tmp_path / "messy.csv")
    async with app.run_test(size=SIZE) as pilot:
        await open_preview(pilot, "messy.csv")  # relative to where the picker started
        assert dialog(app).step == "preview"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    assert not (tmp_path / "messy.rejects.csv").exists()
    with saved(data) as desk:
        assert desk.referrals.count() == BEFORE


async def test_choose_another_file_then_pick_one_in_the_tree(
    app: MspdeskApp, tmp_path: Path
) -> None:
    write_binary(tmp_path / "archive.csv")
    write_messy(tmp_path / "messy.csv")
    (tmp_path / "notes.txt").write_text("not offered", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await open_preview(pilot, "messy.csv")
        await pilot.click("#import-back")
        assert dialog(app).step == "pick"
        tree = app.screen.query_one(ImportFileTree)
        for _ in range(50):
            if tree.root.children:
                break
            await pilot.pause(0.05)
        names = [str(node.label) for node in tree.root.children]
        assert names == ["data", "archive.csv", "messy.csv"]  # folders, then .csv/.json only
        tree.focus()
        await pilot.press("down", "down", "down", "enter")
        await wait_for_import(pilot)
        assert dialog(app).step == "preview"
        assert app.screen.query_one("#import-path", Input).value == str(tmp_path / "messy.csv")


async def test_the_file_is_checked_and_saved_off_the_ui_thread(
    app: MspdeskApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_messy(tmp_path / "messy.csv")
    threads: list[str] = []
    real_plan, real_apply = mspdesk.transfer.plan_import, mspdesk.transfer.apply_import

    def plan(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_plan(*args, **kwargs)

    def apply(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(mspdesk.transfer, "plan_import", plan)
    monkeypatch.setattr(mspdesk.transfer, "apply_import", apply)
    async with app.run_test(size=SIZE) as pilot:
        await open_preview(pilot, "messy.csv")
        await pilot.press("enter")
        await wait_for_import(pilot)
        assert dialog(app).step == "done"
    main = threading.main_thread().name
    assert len(threads) == 2 and main not in threads


async def test_import_from_the_palette(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Import referrals")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        await pilot.press("tab", "q")  # off the path box, q cancels rather than quitting
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, InboxScreen)
