"""Triage scores are a draft until saved: killed while the dialog holds scores, the desk
offers them back at the next start; saving or discarding forgets the draft."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from inbox_data import NOW, fill, settle

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.drafts_waiting import DraftsWaiting
from mspdesk.tui.screens.triage_modal import TriageModal, triage_draft_key
from mspdesk.tui.widgets.rubric_scorer import RubricScorer

DRIVER = Path(__file__).with_name("triage_kill_driver.py")
FIRST = "R-2013-0001"  # the oldest in the inbox: under the cursor when it opens
GIVEN = {"scope": 3, "leadership": 2, "parent-support": 1}


def kill_while_scoring(data: Path, log: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, str(DRIVER), str(data), str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(DRIVER.parent)},
    )
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and "scored" in log.read_text(encoding="utf-8")):
            assert child.poll() is None, f"driver died: {child.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the driver never scored"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        assert child.stderr is not None
        child.stderr.close()


async def test_killed_while_scoring_then_relaunched_offers_the_scores_back(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    fill(data)
    kill_while_scoring(data, tmp_path / "driver.log")
    with Desk.open(data, clock=lambda: NOW) as desk:
        assert desk.triage.decisions_for(FIRST) == []  # a draft, never a record
        draft = desk.notes.load_draft(triage_draft_key(FIRST))
        assert draft is not None and draft["scores"] == GIVEN
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DraftsWaiting)  # the start-up notice
        assert any(key == triage_draft_key(FIRST) for key, _ in app.screen.drafts)
        await pilot.press("enter")  # reopen it where it was
        await settle(pilot)
        triage = app.screen
        assert isinstance(triage, TriageModal) and triage.referral.id == FIRST
        assert triage.query_one(RubricScorer).scores == GIVEN
        # Decided unscored-criteria-free: the rest scored, accepted, saved; the draft is gone.
        triage.query_one(RubricScorer).focus()
        for _ in range(3):
            await pilot.press("right")
        await pilot.press("2", "2", "2", "2", "a", "o", "k", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, TriageModal)
    with Desk.open(data, clock=lambda: NOW) as desk:
        assert desk.notes.load_draft(triage_draft_key(FIRST)) is None
        [made] = desk.triage.decisions_for(FIRST)
        assert made.scores == {**GIVEN, "viability": 2, "timescale": 2, "evidence": 2,
                               "social-value": 2}  # fmt: skip


async def test_discarding_a_triage_forgets_its_draft(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill(data)
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t", "2", "2")
        await pilot.pause()
        assert app.desk is not None
        assert app.desk.notes.load_draft(triage_draft_key(FIRST)) is not None
        await pilot.press("escape")  # asks: discard?
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert app.desk.notes.load_draft(triage_draft_key(FIRST)) is None


async def test_undo_then_redo_of_a_triage_restores_the_decision_and_scores(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    fill(data)
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t", "3", "2", "2", "2", "2", "2", "2", "a", "o", "k", "ctrl+s")
        await settle(pilot)
        assert app.desk is not None
        [made] = app.desk.triage.decisions_for(FIRST)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.desk.triage.decisions_for(FIRST) == []
        await pilot.press("ctrl+y")
        await settle(pilot)
        [back] = app.desk.triage.decisions_for(FIRST)
        assert back.decision == made.decision and back.scores == made.scores
        assert back.scores["scope"] == 3
        case_id = app.desk.referrals.get(FIRST).case_id
        assert case_id is not None and app.desk.cases.exists(case_id)


async def test_a_referral_form_left_unsaved_is_offered_back_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input

    from mspdesk.tui.screens import referral_form
    from mspdesk.tui.screens.referral_form import ReferralForm

    monkeypatch.setattr(referral_form, "DRAFT_INTERVAL", 0.01)
    data = tmp_path / "data"
    fill(data)
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Lakeside", "space", *"Care")
        await pilot.pause(0.1)  # the draft is kept soon after typing stops
        await pilot.pause()
    # Closed with the form open (as a crash would): the next start offers it back.
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notice = app.screen
        assert isinstance(notice, DraftsWaiting)
        assert ("referral-new", "A new referral, not yet saved") in notice.drafts
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralForm)
        assert form.query_one("#rform-organisation", Input).value == "Lakeside Care"
