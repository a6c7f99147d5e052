"""The Board, Monitoring and Quarterly returns screens and the package form (command palette)
through Pilot, and their snapshots. A Board decision or a new package tells every screen
(records_changed): the case screen beneath shows it when it is back on top."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from changes import count_changes
from drive import run_command, settle
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.board import BoardScreen, MinuteDialog
from mspdesk.tui.screens.case import CaseScreen
from mspdesk.tui.screens.monitoring import MonitoringScreen
from mspdesk.tui.screens.package_form import PackageForm

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
SIZE = (120, 40)
SnapCompare = Callable[..., bool]


def fill(directory: Path) -> None:
    """Board approval on: C-0001 and C-0002 await the Board (C-0001 with a proposed package);
    C-0003 was approved and spun out today; its re-tender alert (contract ends 30 Jun 2014)
    is already past."""
    with Desk.open(directory, clock=lambda: NOW, actor="tester") as desk:
        (directory / "programme.toml").write_text("board_approval = true\n", encoding="utf-8")
        for org in ("Care [b]Co[/b]", "Parks Mutual", "Library Staff Mutual"):
            referral = desk.referrals.add(
                {"organisation": org, "parent_body": "Anyshire", "received": date(2012, 2, 1)}
            )
            desk.triage.decide(referral.id, "accept", "Promising")
        provider = desk.support.add_provider("Law LLP", ["legal"], sme=True)
        desk.support.add_package(
            "C-0001", provider_id=provider.id, kind="legal", days=Decimal(5), rate=60_000,
            deliverable="Articles", due=date(2013, 5, 1), over_budget="Proposed to the Board",
        )  # fmt: skip
        desk.board.decide("C-0003", "approve", "Approved", date(2013, 3, 14))
        desk.support.spun_out(
            "C-0003", date(2013, 3, 14), contract_end=date(2014, 6, 30), staff=45, lgps=True
        )


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def app(tmp_path: Path) -> MspdeskApp:
    fill(tmp_path / "data")
    return MspdeskApp(tmp_path / "data", clock=lambda: NOW)


async def palette(pilot: Pilot[Any], command: str) -> None:
    await settle(pilot)
    await run_command(pilot, command)
    await settle(pilot)


async def test_board_screen_approves_and_declines_with_a_minute(
    app: MspdeskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    told = count_changes(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        case = CaseScreen("C-0001")
        await pilot.app.push_screen(case)
        await settle(pilot)
        assert case.case is not None and case.case.status.value == "awaiting-board"
        await palette(pilot, "Board")
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        assert "£3,000.00" in str(table.get_row_at(0)[4])
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MinuteDialog)
        await pilot.press("enter")  # an empty minute is refused
        await pilot.pause()
        assert isinstance(pilot.app.screen, MinuteDialog)
        pilot.app.screen.query_one(Input).value = "Approved: five days of legal"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen and table.row_count == 1
        assert told == [None]
        assert app.desk is not None
        assert app.desk.cases.get("C-0001").status.value == "active"
        await pilot.press("x")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = "Not a mutual"
        await pilot.press("enter")
        await settle(pilot)
        assert app.desk.cases.get("C-0002").status.value == "board-declined"
        assert "Nothing awaits the Board." in str(
            screen.query_one("#board-summary", Static).content
        )
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.desk.cases.get("C-0002").status.value == "awaiting-board"
        assert table.row_count == 1  # the Board reloads after Ctrl+Z too
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is case  # reloaded on showing: approved, now active
        assert case.case is not None and case.case.status.value == "active"


async def test_monitoring_screen_lists_what_is_due(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await palette(pilot, "Monitoring")
        screen = pilot.app.screen
        assert isinstance(screen, MonitoringScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "C-0003" and row[4] == "2012-12-30"  # 18 months before 30 Jun 2014
        assert "RETENDER" in row[5] and row[6] == "45"
        assert "LGPS" in str(screen.query_one("#monitoring-notes", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, MonitoringScreen)


def test_board_snapshot(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await palette(pilot, "Board")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_monitoring_snapshot(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await palette(pilot, "Monitoring")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def open_package_form(pilot: Pilot[Any]) -> PackageForm:
    await settle(pilot)
    await pilot.app.push_screen(CaseScreen("C-0001"))
    await settle(pilot)
    await palette(pilot, "Add support package")
    form = pilot.app.screen
    assert isinstance(form, PackageForm)
    return form


async def test_package_form_shows_mistakes_then_commits(
    app: MspdeskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    told = count_changes(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_package_form(pilot)
        form.query_one("#package-days", Input).value = "1.3"
        form.query_one("#package-rate", Input).value = "£750"
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = {str(w.id): str(w.content) for w in form.query(".field-error") if str(w.content)}
        assert set(errors) == {"error-provider", "error-kind", "error-days", "error-deliverable",
                               "error-due"}  # fmt: skip
        assert "halves" in errors["error-days"]
        form.query_one("#package-provider", Select).value = "SP-001"
        form.query_one("#package-kind", Select).value = "hr"
        form.query_one("#package-days", Input).value = "3"
        form.query_one("#package-deliverable", Input).value = "TUPE consultation plan"
        form.query_one("#package-due", Input).value = "20/03/2013"
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = {str(w.id) for w in form.query(".field-error") if str(w.content)}
        assert errors == {"error-over_budget"}  # no allocation on this case
        form.query_one("#package-over_budget", Input).value = "Board to agree the allocation"
        assert told == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        case = pilot.app.screen
        assert isinstance(case, CaseScreen) and told == [None]
        budget = plain(case.query_one("#case-budget", Static))
        assert "£5,250.00" in budget  # the budget tab counts the new package (was £3,000.00)
        assert app.desk is not None
        (_, second) = app.desk.support.packages("C-0001")
        assert (second.id, second.value, second.kind.value) == ("PK-0002", 225_000, "hr")
        assert app.desk.support.case_money("C-0001").money.committed == 525_000


def test_package_form_snapshot(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        form = await open_package_form(pilot)
        form.query_one("#package-days", Input).value = "1.3"
        await pilot.press("ctrl+s")
        await settle(pilot)  # one pause was not always enough on a loaded machine

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_returns_screen_moves_between_quarters(app: MspdeskApp) -> None:
    from mspdesk.tui.screens.returns import ReturnsScreen

    async with app.run_test(size=SIZE) as pilot:
        await palette(pilot, "Quarterly returns")
        screen = pilot.app.screen
        assert isinstance(screen, ReturnsScreen)
        assert screen.sub_title == "2013Q1" and screen.result is not None
        assert screen.result.spend.committed_to_date.value == 300_000
        text = str(screen.query_one("#returns-text", Static).content)
        assert "Spin-outs" in text and "£3,000.00" in text
        chart = str(screen.query_one("#returns-by-provider", Static).content)
        assert "Law LLP" in chart and "£3,000.00" in chart
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.sub_title == "2012Q4" and screen.result.spend.committed_to_date.value == 0
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.sub_title == "2013Q2"


def test_returns_snapshot(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await palette(pilot, "Quarterly returns")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def plain(box: Static) -> str:
    """What a Static shows, as plain text."""
    from io import StringIO

    from rich.console import Console

    console = Console(width=200, file=StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(box.content)
    return capture.get()
