"""The retention review: lists a declined referral three years old; erasing it from the
review (typing its id) removes it from the list and its contact from every file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from textual.widgets import DataTable, Input

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.erase_modal import EraseModal
from mspdesk.tui.screens.retention_review import RetentionReview

THEN = datetime(2021, 6, 1, 10, 0, tzinfo=UTC)


async def test_review_erases(tmp_path: Path) -> None:
    data = tmp_path / "data"
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
    app = MspdeskApp(data)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(2):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app.desk is not None
        await app.push_screen(RetentionReview(app.desk))
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
        assert review.query_one(DataTable).row_count == 0
    raw = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    assert b"Yolanda" not in raw
