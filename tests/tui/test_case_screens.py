"""Cases, the case screen and the agenda, driven by the keyboard through Pilot."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from case_data import CLICK_ME, NOW, fill, settle
from drive import run_command, type_text
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TabbedContent

from mspdesk.desk import Desk
from mspdesk.domain.milestone import MilestoneStatus
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.agenda import AgendaScreen
from mspdesk.tui.screens.case import CaseScreen
from mspdesk.tui.screens.case_forms import FormModal, ReplanPreview
from mspdesk.tui.screens.cases import CasesScreen
from mspdesk.tui.screens.conflicts import ConflictRegisterScreen
from mspdesk.tui.widgets.record_table import RecordTable

SIZE = (140, 40)
TODAY = NOW.date()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


@pytest.fixture
def app(data: Path) -> MspdeskApp:
    # The adviser is "tester" (tests/tui/conftest.py): "mine" on the agenda.
    return MspdeskApp(data, clock=lambda: NOW)


def saved(data: Path) -> Desk:
    return Desk.open(data, read_only=True, clock=lambda: NOW)


def text_of(static: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(static.content)
    return capture.get()


async def open_case(pilot: Pilot[int], case_id: str) -> CaseScreen:
    """From the cases list (F4), put the cursor on `case_id` and press Enter."""
    await pilot.press("f4")
    await settle(pilot)
    cases = pilot.app.screen
    assert isinstance(cases, CasesScreen)
    table = cases.query_one(RecordTable)
    while table.current_key != case_id:
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaseScreen) and screen.case_id == case_id
    return screen


def milestones(screen: CaseScreen) -> RecordTable:
    return screen.query_one("#case-milestones", RecordTable)


async def cursor_to(pilot: Pilot[int], screen: CaseScreen, code: str) -> None:
    table = milestones(screen)
    table.move_to(code)
    await pilot.pause()
    assert table.current_key == code


# ------------------------------------------------------------------ the cases list


async def test_cases_list_shows_every_case_and_opens_one(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CasesScreen)
        rows = {row.key: row for row in screen.query_one(RecordTable).rows}
        assert list(rows) == ["C-0004", "C-0003", "C-0002", "C-0001"]
        assert rows["C-0002"].cells[5] == CLICK_ME  # shown as text, never as markup
        assert rows["C-0001"].flag == "overdue" and rows["C-0001"].cells[4] == "2"
        assert screen.sub_title == "3 cases with overdue milestones"
        await pilot.press("a")  # one adviser at a time: alex first
        assert [row.key for row in screen.query_one(RecordTable).rows] == ["C-0003"]
        await pilot.press("a", "a")  # tester, then everyone again
        assert len(screen.query_one(RecordTable).rows) == 4
        case = await open_case(pilot, "C-0002")
        header = text_of(case.query_one("#case-header", Static))
        assert CLICK_ME in header and "Borough of Markup" in header
        assert "Community Right to Challenge" in header and "Status Active" in header
        await pilot.press("escape")
        assert isinstance(app.screen, CasesScreen)


async def test_filter_and_conflicts_register(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "northgate")
        await pilot.press("enter")
        assert [row.key for row in app.screen.query_one(RecordTable).rows] == ["C-0003"]
        await pilot.press("escape", "x")
        await settle(pilot)
        assert isinstance(app.screen, ConflictRegisterScreen)
        [row] = app.screen.query_one(RecordTable).rows
        assert row.key == "C-0001/CI01" and row.cells[-1] == "20 Mar 2013 !"


# ------------------------------------------------------------------ the case screen


async def test_complete_a_milestone_by_keyboard(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0001")
        assert milestones(screen).current_key == "M01"
        await pilot.press("down", "space")  # M02, 36 days late, done today
        await settle(pilot)
        row = next(r for r in milestones(screen).rows if r.key == "M02")
        assert row.cells[3] == "done 14 Mar 2013" and row.flag == ""
        assert milestones(screen).current_key == "M02"
    with saved(data) as desk:
        m02 = desk.cases.get("C-0001").milestone("M02")
        m03 = desk.cases.get("C-0001").milestone("M03")
        assert m02 is not None and m02.done_on == TODAY
        assert m03 is not None and m03.due == TODAY + timedelta(days=60)  # re-planned


async def test_reopen_a_done_milestone_by_keyboard(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0001")
        await pilot.press("down", "space")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        row = next(r for r in milestones(screen).rows if r.key == "M02")
        assert not row.cells[3].startswith("done")
    with saved(data) as desk:
        m02 = desk.cases.get("C-0001").milestone("M02")
        assert m02 is not None and m02.done_on is None


async def test_skip_asks_why_and_keeps_the_text_after_a_mistake(
    app: MspdeskApp, data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0001")
        await cursor_to(pilot, screen, "LA01")
        await pilot.press("s")
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("enter")  # no reason yet: the form stays, with the problem shown
        assert app.screen is form
        assert "say why" in text_of(form.query_one("#case-form-error", Static))
        await type_text(pilot, "Council holds one role only")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        row = next(r for r in milestones(screen).rows if r.key == "LA01")
        assert row.cells[3] == "skipped" and row.flag == "muted"
    with saved(data) as desk:
        la01 = desk.cases.get("C-0001").milestone("LA01")
        assert la01 is not None and la01.status is MilestoneStatus.SKIPPED
        assert la01.skip_reason == "Council holds one role only"


async def test_reschedule_previews_then_applies_as_one_undoable_step(
    app: MspdeskApp, data: Path
) -> None:
    with saved(data) as desk:
        before = {m.code: m.due for m in desk.cases.get("C-0001").milestones}
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0001")
        await cursor_to(pilot, screen, "M03")
        await pilot.press("r")
        form = app.screen
        assert isinstance(form, FormModal)
        due = form.query_one("#field-due", Input)
        assert due.value == before["M03"].isoformat()  # type: ignore[union-attr]
        due.value = "01/07/2013"
        await pilot.press("enter")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, ReplanPreview)
        moved = {change.code: change for change in preview.changes}
        assert moved["M03"].new_due == date(2013, 7, 1)
        assert {"M05", "M06", "M15", "M16"} <= set(moved)
        assert "Ctrl+Z undoes the whole step" in text_of(preview.query_one("#replan-count", Static))
        with saved(data) as desk:  # nothing saved while the preview is open
            assert {m.code: m.due for m in desk.cases.get("C-0001").milestones} == before
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        shown = next(r for r in milestones(screen).rows if r.key == "M03")
        assert shown.cells[2] == " 1 Jul 2013"
        with saved(data) as desk:
            after = {m.code: m.due for m in desk.cases.get("C-0001").milestones}
            assert all(after[code] == change.new_due for code, change in moved.items())
        await pilot.press("ctrl+z")
        await settle(pilot)
    with saved(data) as desk:
        assert {m.code: m.due for m in desk.cases.get("C-0001").milestones} == before


async def test_cancelled_preview_changes_nothing(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0001")
        await cursor_to(pilot, screen, "M03")
        await pilot.press("r")
        app.screen.query_one("#field-due", Input).value = "2013-07-01"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplanPreview)
        await pilot.press("escape")
        await settle(pilot)
    with saved(data) as desk:
        assert desk.history("C-0001")[-1].kind != "milestones.rescheduled"


async def test_add_and_move_milestones(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0001")
        await pilot.press("plus")
        await type_text(pilot, "Board away day")
        await pilot.press("enter")
        await type_text(pilot, "2013-03-20")
        await pilot.press("enter", "enter")  # empty "hangs from": a fixed date
        await settle(pilot)
        assert milestones(screen).current_key == "X01"
        order = [row.key for row in milestones(screen).rows]
        await pilot.press("K")
        await settle(pilot)
        moved = [row.key for row in milestones(screen).rows]
        index = order.index("X01")
        assert moved[index - 1] == "X01" and milestones(screen).current_key == "X01"
        await pilot.press("J")
        await settle(pilot)
        assert [row.key for row in milestones(screen).rows] == order
    with saved(data) as desk:
        x01 = desk.cases.get("C-0001").milestone("X01")
        assert x01 is not None and x01.due == date(2013, 3, 20) and x01.after is None


async def test_close_needs_an_outcome(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, "C-0003")
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-status", Select).value = "withdrawn"
        await pilot.press("ctrl+s")
        assert app.screen is form and "say how the case ended" in text_of(
            form.query_one("#field-outcome-error", Static)
        )
        form.query_one("#field-outcome", Input).value = "Trust decided to keep the service"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
    with saved(data) as desk:
        case = desk.cases.get("C-0003")
        assert case.status.value == "withdrawn" and case.outcome.startswith("Trust decided")


async def test_history_tab_shows_each_change(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0001")
        await cursor_to(pilot, screen, "M02")
        await pilot.press("d")
        await settle(pilot)
        await cursor_to(pilot, screen, "LA01")
        await pilot.press("s")
        await type_text(pilot, "One role")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("7")
        await pilot.pause()
        assert screen.query_one("#case-tabs", TabbedContent).active == "tab-history"
        history = text_of(screen.query_one("#case-history", Static))
        assert "C-0001 LA01 skipped: One role" in history
        assert "C-0001 M02 done 14 Mar 2013" in history
        assert "C-0001 M01 done 07 Jan 2013" in history
        assert history.index("LA01 skipped") < history.index("M02 done")  # newest first
        await pilot.press("d")  # milestone keys do nothing on other tabs
        await pilot.press("1")
        assert screen.query_one("#case-tabs", TabbedContent).active == "tab-milestones"


async def test_right_to_challenge_step_previews_and_applies(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, "C-0002")
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.query_one("#field-step", Select).value == "acknowledged"
        form.query_one("#field-on", Input).value = "2013-04-20"
        await pilot.press("ctrl+s")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, ReplanPreview)
        assert "Marks C04 done on 20 Apr 2013" in [str(line) for line in preview.also]
        await pilot.press("y")
        await settle(pilot)
    with saved(data) as desk:
        case = desk.cases.get("C-0002")
        assert case.challenge is not None and case.challenge.eoi.state.value == "acknowledged"


# ------------------------------------------------------------------ the agenda


async def test_agenda_counts_overdue_and_jumps_to_the_milestone(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        assert screen.agenda is not None
        overdue = len(screen.agenda.overdue)
        assert overdue > 0 and screen.sub_title == f"{overdue} overdue"
        table = screen.query_one(RecordTable)
        first = table.rows[0]
        assert first.flag == "overdue" and first.cells[0].endswith("days late")
        await pilot.press("a")  # alex's cases only
        await settle(pilot)
        assert {row.cells[2] for row in table.rows} == {"C-0003"}
        await pilot.press("m")  # mine: tester's
        await settle(pilot)
        assert "C-0003" not in {row.cells[2] for row in table.rows}
        assert table.move_to("C-0001/LA01")
        await pilot.press("enter")
        await settle(pilot)
        case = app.screen
        assert isinstance(case, CaseScreen) and case.case_id == "C-0001"
        assert milestones(case).current_key == "LA01"


async def test_find_case_from_the_palette(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Find case C-0003")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == "C-0003"


async def test_people_conflicts_and_budget_from_their_tabs(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, "C-0004")
        await pilot.press("p")  # only on the people tab
        assert app.screen is screen
        await pilot.press("3", "p")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-name", Input).value = "Jo Hart"
        form.query_one("#field-email", Input).value = "not-an-email"
        await pilot.press("ctrl+s")
        # The mistake beside its field, which gets the focus.
        assert app.screen is form and "email" in text_of(
            form.query_one("#field-email-error", Static)
        )
        assert app.focused is form.query_one("#field-email")
        form.query_one("#field-email", Input).value = "jo@example.org"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Jo Hart" in text_of(screen.query_one("#case-people", Static))
        await pilot.press("4", "i")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-roles", Input).value = "commissioner, regulator"
        form.query_one("#field-conflict", Input).value = "Council commissions and inspects"
        form.query_one("#field-review", Input).value = "20/03/2013"
        await pilot.press("ctrl+s")
        await settle(pilot)
        conflicts = text_of(screen.query_one("#case-conflicts", Static))
        assert "Council commissions and inspects" in conflicts and "CI01 review due" in conflicts
        await pilot.press("5", "b")
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-days_allocated", Input).value = "5"
        form.query_one("#field-days_spent", Input).value = "6.5"
        form.query_one("#field-amount_allocated", Input).value = "£12k"
        await pilot.press("ctrl+s")
        await settle(pilot)
        budget = text_of(screen.query_one("#case-budget", Static))
        assert "Overspent days: 6.5 days spent of 5 days." in budget
    with saved(data) as desk:
        case = desk.cases.get("C-0004")
        assert [p.name for p in case.people][-1] == "Jo Hart"
        assert [r.value for r in case.authority_roles] == ["commissioner", "regulator"]
        assert case.budget.amount_allocated == 12_000


async def test_an_open_subject_access_request_is_on_the_agenda_by_its_due_date(
    data: Path,
) -> None:
    from mspdesk.desk import sar

    with Desk.open(data, clock=lambda: NOW) as desk:
        late = sar.log_request(desk.core, "Jo [b]Bloggs[/b]", received=TODAY - timedelta(days=40))
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        table = screen.query_one(RecordTable)
        row = next(row for row in table.rows if row.key == f"sar/{late.id}")
        assert row.flag == "overdue" and row.cells[0].endswith("days late")
        assert row.cells[5] == "Jo [b]Bloggs[/b]"  # as typed, never markup
        dues = [row.cells[1] for row in table.rows if row.flag == "overdue"]
        assert table.rows.index(row) < len(dues)  # among the overdue, not after them
        assert "1 subject access request" in str(screen.describe(1, 1))
        assert table.move_to(row.key)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # no case to open: a notice says how to record it
