"""The referral form, driven through Pilot: new (n on the inbox, a on the list), edit (e),
problems shown by the field with nothing typed lost, Esc asking first."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from drive import run_command, type_text
from inbox_data import BOLD, NOW, fill, settle
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.inbox import InboxScreen
from mspdesk.tui.screens.referral_form import ReferralForm
from mspdesk.tui.screens.referrals import ReferralsScreen
from mspdesk.tui.widgets.record_table import RecordTable

SIZE = (140, 40)
MARKUP_NAME = "[b]Loud[/b] [@click=app.quit]Co"
NEW_ID = "R-2013-0008"  # inbox_data fills R-2013-0001 to R-2013-0007


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


@pytest.fixture
def app(data: Path) -> Iterator[MspdeskApp]:
    yield MspdeskApp(data, clock=lambda: NOW)


def form(app: MspdeskApp) -> ReferralForm:
    screen = app.screen
    assert isinstance(screen, ReferralForm)
    return screen


async def fill_in(pilot: Pilot[int], field: str, text: str) -> None:
    """Go to `field` (by its widget id), clear it and type `text` key by key."""
    box = pilot.app.screen.query_one(f"#rform-{field}", Input)
    box.focus()
    await pilot.pause()
    box.value = ""
    await type_text(pilot, text)


def value(app: MspdeskApp, field: str) -> str:
    return app.screen.query_one(f"#rform-{field}", Input).value


def problem(app: MspdeskApp, field: str) -> str:
    box = app.screen.query_one(f"#rform-{field}-error", Static)
    if not box.display:
        return ""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(box.content)
    return capture.get().strip()


def saved(data: Path) -> Desk:
    return Desk.open(data, read_only=True, clock=lambda: NOW)


def last_journal_line(data: Path) -> dict[str, object]:
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    line: dict[str, object] = json.loads(lines[-1])
    return line


# ------------------------------------------------------------------ new referral


async def test_new_referral_problems_by_the_field_nothing_lost_then_saved(
    app: MspdeskApp, data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        # The name first: typing never lands in the received date filled in for it.
        assert app.focused is app.screen.query_one("#rform-organisation")
        await fill_in(pilot, "received", "31/02/2013")
        await fill_in(pilot, "organisation", MARKUP_NAME)
        await fill_in(pilot, "parent-body", "Markup Borough Council")
        await fill_in(pilot, "contract-value", "£1.2m")
        await fill_in(pilot, "staff-in-scope", "~40")
        await fill_in(pilot, "contact-name", "Jo Bloggs")
        await fill_in(pilot, "contact-email", "jo at example")
        form(app).query_one("#rform-enquiry", TextArea).focus()
        await type_text(pilot, "Wants to spin out")
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert isinstance(app.screen, ReferralForm)  # not saved
        assert "'31/02/2013' is not a date" in problem(app, "received")
        assert "not a valid email address" in problem(app, "contact-email")
        assert problem(app, "organisation") == "" and problem(app, "contract-value") == ""
        assert app.focused is app.screen.query_one("#rform-received")  # the first bad field
        # Nothing typed is lost.
        assert value(app, "received") == "31/02/2013"
        assert value(app, "organisation") == MARKUP_NAME
        assert value(app, "contract-value") == "£1.2m"
        assert value(app, "contact-email") == "jo at example"
        assert form(app).query_one("#rform-enquiry", TextArea).text == "Wants to spin out"
        with saved(data) as desk:
            assert desk.referrals.count() == 7

        await fill_in(pilot, "received", "28/02/2013")
        assert problem(app, "received") == ""  # changing a field clears its message
        await fill_in(pilot, "contact-email", "jo@example.org")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, InboxScreen)
        table = app.screen.query_one("#inbox-table", RecordTable)
        assert table.current_key == NEW_ID  # the new row is selected
        # Markup typed into the name is shown literally, and clicking it quits nothing.
        line = table.render_line(table.cursor + 1).text
        assert MARKUP_NAME in line
        await pilot.click(RecordTable, offset=(50, table.cursor + 1))
        await pilot.pause()
        assert app.is_running
        # Durable before the app closes: the journal's last line is this referral.
        event = last_journal_line(data)
        assert event["kind"] == "referral.added" and event["subject"] == NEW_ID
    with saved(data) as desk:
        referral = desk.referrals.get(NEW_ID)
        assert referral.organisation == MARKUP_NAME
        assert referral.received == date(2013, 2, 28)
        assert referral.contract_value == 1_200_000 and referral.staff_in_scope == 40
        assert referral.contact.email == "jo@example.org"
        assert referral.contact.lawful_basis.value == "public-task"
        assert referral.enquiry == "Wants to spin out"
        assert any(f"Added referral {NEW_ID}" in entry.summary for entry in desk.history(NEW_ID))


async def test_every_choice_and_a_taken_reference(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await fill_in(pilot, "id", "r-2013-0001")
        await fill_in(pilot, "organisation", "Chosen Mutual")
        await fill_in(pilot, "parent-body", "Choice NHS Trust")
        screen = form(app)
        screen.query_one("#rform-parent-body-kind", Select).value = "nhs-body"
        screen.query_one("#rform-proposed-model", Select).value = "multi-stakeholder"
        screen.query_one("#rform-route", Select).value = "right-to-provide"
        screen.query_one("#rform-region", Select).value = "north-west"
        screen.query_one("#rform-status", Select).value = "awaiting"
        screen.query_one("#rform-contact-lawful-basis", Select).value = "consent"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "R-2013-0001 is already on the desk" in problem(app, "id")
        assert app.focused is screen.query_one("#rform-id")
        await fill_in(pilot, "id", "R-2013-0042")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    with saved(data) as desk:
        referral = desk.referrals.get("R-2013-0042")
        assert referral.parent_body_kind.value == "nhs-body"
        assert referral.proposed_model.value == "multi-stakeholder"
        assert referral.route.value == "right-to-provide"
        assert referral.region is not None and referral.region.value == "north-west"
        assert referral.status.value == "awaiting"
        assert referral.contact.lawful_basis.value == "consent"


async def test_escape_asks_before_discarding_typed_text(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("n")
        await fill_in(pilot, "organisation", "Half Typed")
        form(app).query_one("#rform-source", Select).focus()
        await pilot.press("q")  # off a text box, q asks too, rather than quitting the app
        assert isinstance(app.screen, Confirm) and app.is_running
        await pilot.press("escape")  # keep editing
        assert value(app, "organisation") == "Half Typed"
        await pilot.press("escape")
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
    with saved(data) as desk:
        assert desk.referrals.count() == 7


async def test_new_referral_from_the_list_and_the_palette(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("a")
        await fill_in(pilot, "organisation", "Listed Mutual")
        await fill_in(pilot, "parent-body", "List Council")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralsScreen)
        assert app.screen.query_one(RecordTable).current_key == NEW_ID
        await run_command(pilot, "New referral")
        await pilot.pause()
        assert isinstance(app.screen, ReferralForm) and app.screen.existing is None


# ------------------------------------------------------------------ editing


async def test_edit_a_referral_on_the_list(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReferralsScreen)
        screen.jump_to("R-2013-0003")
        await pilot.press("e")
        assert form(app).existing is not None
        assert value(app, "organisation") == BOLD  # shown as typed, not as markup
        assert value(app, "received") == "2013-03-01"
        assert form(app).query_one("#rform-id", Static).display  # fixed: not an input
        await fill_in(pilot, "staff-in-scope", "lots")
        await fill_in(pilot, "service-area", "Community nursing")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "'lots' is not a whole number" in problem(app, "staff-in-scope")
        assert value(app, "service-area") == "Community nursing"
        await fill_in(pilot, "staff-in-scope", "1,200")
        await fill_in(pilot, "contract-value", "£250k")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralsScreen)
        assert app.screen.query_one(RecordTable).current_key == "R-2013-0003"
        event = last_journal_line(data)
        assert event["kind"] == "referral.updated" and event["subject"] == "R-2013-0003"
    with saved(data) as desk:
        referral = desk.referrals.get("R-2013-0003")
        assert referral.organisation == BOLD
        assert referral.service_area == "Community nursing"
        assert referral.staff_in_scope == 1200 and referral.contract_value == 250_000
        summaries = [entry.summary for entry in desk.history("R-2013-0003")]
        assert any("contract_value" in s and "service_area" in s for s in summaries)


async def test_a_decided_referral_keeps_its_status(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReferralsScreen)
        screen.jump_to("R-2013-0007")  # declined in triage
        await pilot.press("e")
        assert isinstance(form(app).query_one("#rform-status"), Static)  # not a choice
        await fill_in(pilot, "service-area", "Parks")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with saved(data) as desk:
        referral = desk.referrals.get("R-2013-0007")
        assert referral.status.value == "declined" and referral.service_area == "Parks"


async def test_read_only_desk_offers_no_form(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, InboxScreen)
