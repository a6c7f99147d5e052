"""The retention review: lists a declined referral three years old; erasing it from the
review (typing its id) removes it from the list and its contact from every file; extending
it (a date and a reason) takes it off the list too. Either change tells every screen."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from changes import count_changes
from textual.widgets import DataTable, Input

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.erase_modal import EraseModal
from mspdesk.tui.screens.retention_review import RetentionReview

THEN = datetime(2021, 6, 1, 10, 0, tzinfo=UTC)


def old_referral(data: Path) -> str:
    """A referral declined on 1 June 2021, with a named contact."""
    with Desk.open(data, actor="tester", clock=lambda: THEN) as desk:
        old = desk.referrals.add(
            {
                "organisation": "Old Co",
                "parent_body": "Anyshire",
                "received": date(2021, 5, 1),
                "contact": {"name": "Yolanda Oldcontact"},
            }
        ).id
        desk.triage.decide(old, "decline", "Out of scope")
    return old


async def test_review_erases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    old = old_referral(data)
    app = MspdeskApp(data)
    told = count_changes(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(2):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app.desk is not None
        await app.push_screen(RetentionReview())
        await pilot.pause()
        review = app.screen
        assert isinstance(review, RetentionReview)
        assert review.query_one(DataTable).row_count == 1
        await pilot.press("E")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EraseModal) and modal.target == old
        box = modal.query_one("#erase-confirm", Input)
        box.value = old
        box.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is review
        assert review.query_one(DataTable).row_count == 0  # reloaded on records_changed
        assert told == [None]
    raw = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    assert b"Yolanda" not in raw


async def test_review_extends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    old = old_referral(data)
    app = MspdeskApp(data)
    told = count_changes(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(2):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await app.push_screen(RetentionReview())
        await pilot.pause()
        review = app.screen
        assert isinstance(review, RetentionReview)
        assert review.query_one(DataTable).row_count == 1
        review.query_one("#retention-until", Input).value = "2099-01-31"
        review.query_one("#retention-reason", Input).value = "Tribunal claim open"
        await pilot.click("#retention-extend")
        await pilot.pause()
        assert review.query_one(DataTable).row_count == 0  # reloaded on records_changed
        assert told == [None]
    with Desk.open(data, read_only=True) as desk:
        assert old not in {item.id for item in desk.past_retention()}
