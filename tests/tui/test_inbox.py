"""The inbox and the triage dialog, driven by keyboard (and a mouse click) through Pilot."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from drive import type_text
from inbox_data import BOLD, CLICK_ME, NOW, fill, settle
from rich.console import Console
from textual.widgets import Input, Static

from mspdesk.desk import Desk
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.inbox import InboxScreen
from mspdesk.tui.screens.triage_modal import TriageModal
from mspdesk.tui.widgets.record_table import RecordTable
from mspdesk.tui.widgets.rubric_scorer import RubricScorer

SIZE = (140, 40)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    return path


@pytest.fixture
def app(data: Path) -> Iterator[MspdeskApp]:
    yield MspdeskApp(data, clock=lambda: NOW)


def table(app: MspdeskApp) -> RecordTable:
    return app.screen.query_one("#inbox-table", RecordTable)


def keys_shown(app: MspdeskApp) -> list[str]:
    return [row.key for row in table(app).rows]


def plain(static: Static) -> str:
    """What a Static shows, as plain text."""
    content = static.content
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


def saved(data: Path) -> Desk:
    return Desk.open(data, read_only=True, clock=lambda: NOW)


# ------------------------------------------------------------------ the inbox


async def test_inbox_is_the_first_screen_oldest_first_with_overdue_flagged(
    app: MspdeskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert keys_shown(app) == [f"R-2013-000{n}" for n in range(1, 7)]
        rows = {row.key: row for row in table(app).rows}
        assert rows["R-2013-0001"].flag == "overdue" and rows["R-2013-0001"].cells[2] == "overdue"
        assert rows["R-2013-0006"].flag == "" and rows["R-2013-0006"].cells[2] == "2013-03-26"
        assert rows["R-2013-0004"].cells[3] == "out of scope"
        assert rows["R-2013-0005"].cells[3] == "potential"
        status = app.screen.query_one("#inbox-status", Static)
        assert "6 waiting for triage · 2 overdue" in plain(status)
        await pilot.press("f2")
        assert not isinstance(app.screen, InboxScreen)
        await pilot.press("f3")
        assert isinstance(app.screen, InboxScreen)


async def test_filter_as_you_type(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#inbox-filter", Input)
        await type_text(pilot, "north")
        assert keys_shown(app) == ["R-2013-0005"]
        await pilot.press(*["backspace"] * 5)
        await type_text(pilot, "right to")  # shown route labels are searched too
        assert keys_shown(app) == ["R-2013-0002", "R-2013-0004", "R-2013-0005"]
        await pilot.press(*["backspace"] * 8)
        await type_text(pilot, "ri")
        await type_text(pilot, "ver")
        assert keys_shown(app) == ["R-2013-0004"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        assert len(keys_shown(app)) == 6
        await type_text(pilot, "overdue council")
        assert keys_shown(app) == ["R-2013-0001"]
        await pilot.press("enter")
        assert app.focused is table(app)
        await pilot.press("escape")  # clears the filter from the list too
        assert len(keys_shown(app)) == 6


async def test_letters_typed_in_one_burst_with_the_slash_go_into_the_filter(
    app: MspdeskApp,
) -> None:
    # A fast typist or a paste: every key is read before `/` has moved the focus, so they
    # all start on their way to the table. None may act as a key (`/mill` pressed `i`, Import).
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, character in [("slash", "/"), *((ch, ch) for ch in "nor")]:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        box = app.screen.query_one("#inbox-filter", Input)
        assert app.focused is box and box.value == "nor"
        await type_text(pilot, "th")  # the letters typed next are added, not replacing
        assert box.value == "north" and keys_shown(app) == ["R-2013-0005"]


async def test_sort_cycles_and_reverses(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "s")  # due date, then score
        assert keys_shown(app)[0] == "R-2013-0005"  # the only scored one
        await pilot.press("S")
        assert keys_shown(app)[-1] == "R-2013-0005"


async def test_enter_opens_the_detail_with_history(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query("#inbox-detail")  # made when first opened
        await pilot.press("j", "j", "j", "j", "enter")
        detail = app.screen.query_one("#inbox-detail")
        assert detail.display
        text = plain(app.screen.query_one("#detail-body", Static))
        assert "Northgate Health Visitors" in text and "Triaged R-2013-0005" in text
        await pilot.press("escape")
        assert not detail.display


async def test_markup_in_names_is_shown_literally_and_clicking_it_does_not_quit(
    app: MspdeskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = [table(app).render_line(y).text for y in range(1, 7)]
        assert CLICK_ME in lines[1] and BOLD in lines[2]
        # Click the organisation cell of the [@click=app.quit] row, twice (opens the detail).
        await pilot.click(RecordTable, offset=(50, 2))
        await pilot.click(RecordTable, offset=(50, 2), times=2)
        await pilot.pause()
        assert app.is_running and table(app).current_key == "R-2013-0002"
        body = plain(app.screen.query_one("#detail-body", Static))
        assert CLICK_ME in body
        await pilot.press("t")
        assert isinstance(app.screen, TriageModal)
        title = app.screen.query_one("#triage-title", Static)
        assert CLICK_ME in plain(title)
        await pilot.click("#triage-title", offset=(22, 0))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, TriageModal)


# ------------------------------------------------------------------ triage by keyboard


async def test_triage_end_to_end_by_keyboard(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "t")
        assert isinstance(app.screen, TriageModal)
        assert app.screen.referral.id == "R-2013-0002"
        await pilot.press("3", "2", "2", "2", "2", "2", "2")
        score_line = plain(app.screen.query_one("#triage-score", Static))
        assert "Score 35/48 · 72.9%" in score_line and "Promising" in score_line
        assert app.focused is app.screen.query_one("#triage-decision")
        await pilot.press("a")
        assert app.focused is app.screen.query_one("#triage-reason", Input)
        await type_text(pilot, "Sponsor named, business case under way")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert "R-2013-0002" not in keys_shown(app)
        assert table(app).current_key == "R-2013-0003"  # the next row took its place
    with saved(data) as desk:
        referral = desk.referrals.get("R-2013-0002")
        assert referral.status.value == "accepted" and referral.case_id is not None
        [decision] = desk.triage.decisions_for("R-2013-0002")
        assert decision.reason == "Sponsor named, business case under way"
        assert decision.band == "promising" and decision.score_total == 35


async def test_signpost_unscored_with_prefilled_revisit_and_pages(
    app: MspdeskApp, data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "s")
        await type_text(pilot, "Come back with an options appraisal")
        revisit = app.screen.query_one("#triage-revisit", Input)
        assert revisit.value == "2013-06-12"  # 90 days, the potential band's interval
        await pilot.press("tab", "tab", "space")  # into the pages list, tick the first
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "R-2013-0001" not in keys_shown(app)
    with saved(data) as desk:
        [decision] = desk.triage.decisions_for("R-2013-0001")
        assert decision.decision.value == "signpost" and not decision.scored
        assert decision.revisit_on == date(2013, 6, 12)
        assert decision.signpost_pages == ["options-appraisal"]


async def test_refer_on_an_out_of_scope_referral(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "t")
        flag = app.screen.query_one("#triage-scope-flag", Static)
        assert "Outside the programme's scope" in plain(flag) and "proposed model" in plain(flag)
        await pilot.press("r")
        await type_text(pilot, "Community co-op")
        await pilot.press("ctrl+s")  # no destination yet: refused, next to the field
        error = app.screen.query_one("#triage-refer-error", Static)
        assert "required for a refer decision" in plain(error)
        assert app.focused is app.screen.query_one("#triage-refer-to")
        await pilot.press("enter", "down", "down", "down", "enter")  # Co-operatives UK
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    with saved(data) as desk:
        [decision] = desk.triage.decisions_for("R-2013-0004")
        assert decision.refer_to is not None and decision.refer_to.value == "co-operatives-uk"
        assert not decision.in_scope
        assert desk.triage.counts()["out-of-scope"]["refer"] == 1


async def test_mistakes_are_shown_by_the_field_and_nothing_typed_is_lost(
    app: MspdeskApp, data: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "2", "2")  # two of seven criteria
        await pilot.press("ctrl+s")  # no decision, no reason, scores half done
        for place, message in [
            ("decision", "choose one"),
            ("reason", "required"),
            ("scores", "score every criterion or none; missing Support from the parent body"),
        ]:
            assert message in plain(app.screen.query_one(f"#triage-{place}-error", Static))
        assert app.focused is app.screen.query_one("#triage-decision")
        await pilot.press("d")
        await type_text(pilot, "Not a public service")
        await pilot.press("ctrl+s")
        assert "choose one" not in plain(app.screen.query_one("#triage-decision-error", Static))
        assert app.focused is app.screen.query_one(RubricScorer)
        assert app.screen.query_one("#triage-reason", Input).value == "Not a public service"
        await pilot.press("left", "backspace", "left", "backspace")  # clear both scores
        assert app.screen.query_one(RubricScorer).scores == {}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    with saved(data) as desk:
        assert desk.referrals.get("R-2013-0001").status.value == "declined"


async def test_a_score_of_zero_that_holds_the_band_down_is_named_by_its_title(
    app: MspdeskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "0", *"333333")  # the first, the programme's scope, scores 0
        line = plain(app.screen.query_one("#triage-score", Static))
        assert "held down: Fit with the programme's scope scored 0" in line


async def test_escape_asks_before_throwing_scores_away(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "escape")  # nothing entered: closes at once
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("t", "2", "q")  # q asks too, rather than quitting the app
        assert isinstance(app.screen, Confirm) and app.is_running
        await pilot.press("escape")  # keep triaging
        assert isinstance(app.screen, TriageModal)
        assert app.screen.query_one(RubricScorer).scores == {"scope": 2}
        await pilot.press("escape")
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
    with saved(data) as desk:
        assert desk.triage.decisions_for("R-2013-0001") == []


async def test_undo_brings_a_triaged_referral_back(app: MspdeskApp, data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "d")
        await type_text(pilot, "No")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "R-2013-0001" not in keys_shown(app)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert keys_shown(app)[0] == "R-2013-0001"
    with saved(data) as desk:
        assert desk.referrals.get("R-2013-0001").status.value == "new"


async def test_read_only_desk_does_not_offer_triage(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, InboxScreen)


async def test_tab_walks_the_criteria_then_reaches_the_decision(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        scorer = app.screen.query_one(RubricScorer)
        await pilot.press("tab", "tab", "right")
        assert scorer.index == 3 and app.focused is scorer
        await pilot.press("left", "shift+tab")
        assert scorer.index == 1
        await pilot.press(*["tab"] * 6)
        assert app.focused is app.screen.query_one("#triage-decision")
        await pilot.press("shift+tab")
        assert app.focused is scorer and scorer.index == 6
