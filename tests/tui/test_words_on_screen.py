"""Words on screen: an adviser's name that looks like markup is shown as typed on the cases
and agenda screens; counts read "1 case", not "1 cases"; labels come from one place."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_data import NOW, fill, settle
from textual.content import Content
from textual.widgets import Static

from mspdesk.desk import Desk
from mspdesk.domain.choices import ProposedModel, Route
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.words import count, count_of

MARKUP_ADVISER = "[@click=app.quit]X[/]"


def shown(static: Static) -> str:
    content = static.content
    assert isinstance(content, Content), "text with user data must be Content, never markup"
    return content.plain


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    fill(path)
    with Desk.open(path, clock=lambda: NOW, actor="tester") as desk:
        for case_id in ("C-0001", "C-0002", "C-0003", "C-0004"):
            desk.cases.set_adviser(case_id, MARKUP_ADVISER)
    return path


async def test_a_markup_adviser_name_is_shown_as_typed(data: Path) -> None:
    app = MspdeskApp(data, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("a")  # the only adviser
        await pilot.pause()
        status = shown(app.screen.query_one("#cases-status", Static))
        assert f"adviser {MARKUP_ADVISER}" in status and "4 cases" in status
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("a")  # the only adviser
        await settle(pilot)
        summary = shown(app.screen.query_one("#agenda-summary", Static))
        assert f"{MARKUP_ADVISER}'s cases" in summary
        assert app.is_running  # nothing was clicked into quitting


def test_counts_are_said_in_words() -> None:
    assert count(1, "case") == "1 case" and count(2, "case") == "2 cases"
    assert count(1_200, "referral") == "1,200 referrals"
    assert count_of(1, 3, "case") == "1 of 3 cases" and count_of(1, 1, "case") == "1 case"


def test_each_route_and_model_has_one_short_label() -> None:
    assert Route.COMMISSIONER_LED.short == "Commissioner-led"
    assert Route.COMMISSIONER_LED.label == "Commissioner-led spin-out"
    assert ProposedModel.EMPLOYEE_OWNED.short == "Employee-owned"
    assert Route.label_of("right-to-provide", short=True) == "Right to Provide"
    assert Route.label_of("not-a-route") == "not-a-route"  # shown as it is, never hidden
