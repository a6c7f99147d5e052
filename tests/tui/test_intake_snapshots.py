"""Snapshots of the referral form (with problems shown) and the import preview: fixed size,
fixed clock, fixed data, the import file in a fixed place relative to the picker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from drive import type_text
from inbox_data import NOW, fill, settle
from intake_data import write_messy
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from mspdesk.tui.app import MspdeskApp

SIZE = (140, 40)
SnapCompare = Callable[..., bool]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MspdeskApp:
    fill(tmp_path / "data")
    write_messy(tmp_path / "messy.csv")
    monkeypatch.chdir(tmp_path)
    return MspdeskApp(tmp_path / "data", clock=lambda: NOW)


async def steady(pilot: Pilot[Any]) -> None:
    """Hide what changes between runs: the data folder's name, blinking cursors."""
    pilot.app.sub_title = "test data"
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    box = pilot.app.screen.query_one(selector)
    box.focus()
    await pilot.pause()
    if isinstance(box, Input):
        box.value = ""
    await type_text(pilot, text)


def test_referral_form_with_problems(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await type_into(pilot, "#rform-received", "31/02/2013")
        await type_into(pilot, "#rform-organisation", "[bold]Riverside[/bold] Care Mutual")
        await type_into(pilot, "#rform-contract-value", "1.2m")
        await type_into(pilot, "#rform-contact-email", "jo at example")
        await type_into(pilot, "#rform-enquiry", "Council cabinet approved an options appraisal")
        await pilot.press("ctrl+s")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_import_preview(snap_compare: SnapCompare, app: MspdeskApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        pilot.app.screen.query_one("#import-path", Input).value = "messy.csv"
        await pilot.press("enter")
        for _ in range(3):
            await pilot.pause()
            busy = [worker for worker in pilot.app.workers if worker.group == "import"]
            if busy:
                await pilot.app.workers.wait_for_complete(busy)
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_possible_duplicates_queue(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mspdesk.desk import Desk

    data = tmp_path / "dups"
    with Desk.open(data, clock=lambda: NOW, actor="tester") as desk:
        base = {"parent_body": "Anytown Borough Council", "received": "2013-03-01"}
        desk.referrals.add(
            {**base, "organisation": "Adult Social Care Team", "source_ref": "MIS-2013-0007"}
        )
        desk.referrals.add(
            {
                **base,
                "organisation": "adult social-care team",
                "source_ref": "MIS-2013-0008",
                "enquiry": "Second team, same name",
            }
        )
        desk.referrals.add(
            {**base, "organisation": "ADULT SOCIAL CARE TEAM", "source_ref": "MIS-2013-0009"}
        )
    app = MspdeskApp(data, clock=lambda: NOW)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("f9")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
