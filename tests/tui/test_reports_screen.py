"""The Reports screen (F8) through Pilot on a fixed data set and clock, and its snapshot."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from drive import run_command, settle
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Sparkline, Static

from mspdesk.desk import Desk
from mspdesk.desk.reports import figures_csv_rows
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.report_export import ReportExportDialog
from mspdesk.tui.screens.reports import ReportsScreen

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)  # a Thursday
CLICK_ME = "[@click=app.quit]CLICK ME[/]"
SIZE = (140, 40)
SnapCompare = Callable[..., bool]

# organisation, received, source, model, (decision, decided on) or None while waiting
REFERRALS: list[tuple[str, date, str, str, tuple[str, date] | None]] = [
    ("Anyshire Care Mutual", date(2012, 11, 12), "mis", "employee-owned",
     ("accept", date(2012, 11, 20))),
    ("Northgate Health Visitors", date(2012, 12, 3), "nhs", "employee-owned",
     ("accept", date(2012, 12, 10))),
    ("Riverside Co-op", date(2013, 1, 7), "lga", "multi-stakeholder",
     ("accept", date(2013, 1, 21))),
    ("Parks Trust", date(2013, 1, 15), "dclg", "community-coop", ("refer", date(2013, 1, 18))),
    ("Youth Service CIC", date(2013, 2, 4), "direct", "social-enterprise",
     ("decline", date(2013, 2, 8))),
    ("Library Staff", date(2013, 2, 11), "mis", "undecided", ("signpost", date(2013, 2, 13))),
    ("Leisure Mutual", date(2013, 3, 1), "mis", "employee-owned", None),
    ("Meals Service", date(2013, 3, 11), "lga", "employee-owned", None),
]  # fmt: skip


def fill(directory: Path) -> None:
    """Eight referrals from Nov 2012 to Mar 2013, decided on the dates above: three cases
    (one spun out, one overspent, one held by an adviser whose name looks like markup), a
    £100,000 programme total in the data directory's programme.toml."""
    moment = [NOW]

    def on(day: date) -> None:
        moment[0] = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)

    with Desk.open(directory, clock=lambda: moment[0], actor="tester") as desk:
        (directory / "programme.toml").write_text("total_budget = 100000\n", encoding="utf-8")
        for organisation, received, source, model, verdict in REFERRALS:
            on(received)
            referral = desk.referrals.add(
                {"organisation": organisation, "parent_body": "Anyshire County Council",
                 "received": received, "source": source, "proposed_model": model}
            )  # fmt: skip
            if verdict is None:
                continue
            on(verdict[1])
            extra: dict[str, Any] = {
                "refer": {"refer_to": "co-operatives-uk"},
                "signpost": {"revisit_on": date(2013, 5, 13)},
            }.get(verdict[0], {})
            desk.triage.decide(referral.id, verdict[0], "Reviewed", **extra)
        on(date(2013, 3, 1))
        budget = desk.cases.budget
        budget.set("C-0001", amount_allocated=25_000, amount_spent=27_500, days_allocated=20,
                   days_spent=22)  # fmt: skip
        budget.set("C-0002", amount_allocated=40_000, amount_spent=38_000, days_allocated=30,
                   days_spent=28)  # fmt: skip
        budget.set("C-0003", amount_allocated=15_000, amount_spent=2_000, days_allocated=10,
                   days_spent=2)  # fmt: skip
        desk.cases.update("C-0001", {"stage": "business-case"})
        desk.cases.update("C-0002", {"stage": "spun-out"})
        desk.cases.set_status("C-0002", "spun-out", "Spun out as Northgate Health CIC")
        desk.cases.set_adviser("C-0003", CLICK_ME)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    fill(tmp_path / "data")
    return tmp_path / "data"


@pytest.fixture
def app(data: Path) -> MspdeskApp:
    return MspdeskApp(data, clock=lambda: NOW)


async def open_reports(pilot: Pilot[Any]) -> ReportsScreen:
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


def shown(screen: Screen[Any], widget_id: str) -> str:
    content = screen.query_one(f"#{widget_id}", Static).content
    return str(getattr(content, "plain", content))


def line_of(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


async def test_f8_shows_the_programme_figures_and_charts(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert screen.sub_title == "as of 14 Mar 2013"
        assert shown(screen, "reports-summary") == "8 received · 5 in scope · 3 out of scope"
        # Nov 2012 .. Mar 2013, each month after a zero so the chart starts from none.
        assert screen.query_one(Sparkline).data == [0, 1, 0, 1, 0, 2, 0, 2, 0, 2]
        assert "Nov 2012 – Mar 2013, 5 months" in shown(screen, "reports-months-caption")
        breakdown = shown(screen, "reports-breakdown")
        assert line_of(breakdown, "Info Service (MIS)").endswith("██ 3")
        assert line_of(breakdown, "Multi-stakeholder").endswith(" 1 (1)")
        triage = shown(screen, "reports-triage-body")
        assert line_of(triage, "Accepted  ").endswith(" 2 + 1")  # in scope + out of scope
        assert line_of(triage, "Referred on").endswith(" 0 + 1")
        assert line_of(triage, "Accepted  ").count("█") == 14  # the biggest fills the bar
        assert "3 of 6  50% of triaged" in triage
        assert "5.5 days  median of 6" in triage
        assert "2  median 8 days old" in line_of(triage, "Waiting for triage")
        cases = shown(screen, "reports-cases-body")
        assert line_of(cases, "Spin-outs achieved").endswith("1")
        assert line_of(cases, "Business case").endswith("1")
        # The adviser's name is shown as the text it is, never run as markup.
        assert line_of(cases, "[@click=app.quit]").endswith(" 3")
        assert "Overdue milestones 8 on 2 active cases" in cases
        budget = shown(screen, "reports-budget-body")
        assert "Allocated  £80,000 of £100,000 (80%)" in budget
        assert "! 1 case(s) overspent: C-0001" in budget
        await pilot.click("#reports-cases-body")
        assert app.is_running


async def test_figures_follow_changes_and_coming_back_to_the_screen(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        desk = app.desk
        assert desk is not None and screen.figures is not None
        assert screen.figures.timing.waiting == 2
        waiting = next(r["id"] for r in desk.referrals.rows() if r["status"] == "new")
        desk.triage.decide(waiting, "decline", "Not ready")
        app.refresh_data()  # what every screen calls after a change
        await settle(pilot)
        assert screen.figures.timing.waiting == 1
        assert "Declined" in shown(screen, "reports-triage-body")
        await pilot.press("f3")
        await settle(pilot)
        desk.cases.budget.set("C-0003", amount_spent=16_000)  # changed while away
        app.refresh_data()  # the inbox on show reloads; the reports, away, go stale
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen is screen
        assert screen.figures.budget.overspent_cases == ("C-0001", "C-0003")
        await pilot.press("ctrl+z")  # undo refreshes every screen too
        await settle(pilot)
        assert screen.figures.budget.overspent_cases == ("C-0001",)


async def test_export_asks_for_a_path_and_before_replacing(app: MspdeskApp, tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert screen.figures is not None
        expected = figures_csv_rows(screen.figures)

        async def export_to(path: Path) -> None:
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, ReportExportDialog)
            box = app.screen.query_one(Input)
            assert box.value.endswith("mspdesk-report-2013-03-14.csv")  # the default
            box.value = str(path)
            await pilot.press("enter")
            await settle(pilot)

        await export_to(target)
        assert app.screen is screen
        with target.open(encoding="utf-8-sig", newline="") as handle:
            assert list(csv.reader(handle)) == expected

        target.write_text("an older report\n", encoding="utf-8")
        await export_to(target)
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")  # keep the file
        await pilot.pause()
        assert isinstance(app.screen, ReportExportDialog)
        assert "Kept the existing file" in shown(app.screen, "report-export-error")
        assert target.read_text(encoding="utf-8") == "an older report\n"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.click("#yes")  # Replace
        await settle(pilot)
        assert app.screen is screen
        with target.open(encoding="utf-8-sig", newline="") as handle:
            assert list(csv.reader(handle)) == expected


async def test_export_dialog_explains_a_bad_path_and_escape_cancels(
    app: MspdeskApp, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReportExportDialog)
        dialog.query_one(Input).value = str(tmp_path / "missing" / "r.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in shown(dialog, "report-export-error")
        dialog.query_one(Input).value = "[b]bold?[/b]/" + CLICK_ME
        await pilot.press("enter")
        await pilot.pause()
        # Shown as typed (a "/" in it makes it a folder that does not exist), never as markup.
        assert "[b]bold?[/b]/[@click=app.quit]CLICK ME[ does" in shown(
            dialog, "report-export-error"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert list(tmp_path.glob("**/*.csv")) == []


async def test_palette_opens_the_programme_report(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "programme report")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.figures is not None


async def test_an_empty_desk_reports_nothing_yet(tmp_path: Path) -> None:
    app = MspdeskApp(tmp_path / "empty", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert shown(screen, "reports-summary") == "0 received · 0 in scope · 0 out of scope"
        assert shown(screen, "reports-months-caption") == "No referrals yet."
        assert "–" in line_of(shown(screen, "reports-triage-body"), "To first decision")


def test_reports_snapshot(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_reports(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_export_to_an_xlsx_name_saves_a_workbook(app: MspdeskApp, tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "report.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportExportDialog)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        assert app.screen is screen
    sheet = openpyxl.load_workbook(target)["Figures"]
    assert sheet["A1"].value == "section"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
