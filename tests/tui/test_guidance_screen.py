"""The Guidance screen driven through Pilot: search, read, follow links, history, user pages."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from drive import run_command
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, OptionList, Static

from mspdesk import locations
from mspdesk.guidance import library as guidance_library
from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.guidance_loader import LOAD_GROUP
from mspdesk.tui.screens.guidance import GuidanceScreen
from mspdesk.tui.widgets.guidance_reader import GuidanceReader

SIZE = (140, 40)
TUPE = "tupe-and-staff-transfer"
MARKUP_TITLE = "[bold]x[/bold] and [@click=app.quit]CLICK[/]"

USER_PAGE = """---
title: "{title}"
summary: "{summary}"
tags: [ours]
sources: [Our own notes]
reviewed: 2013-03-01
---

## Our notes

Written by the team. See [Pensions](pensions.md).
"""


def user_page(data: Path, slug: str, text: str) -> None:
    folder = locations.user_content_dir(data) / "guidance"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(text, encoding="utf-8")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


Notices = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def app(data: Path) -> MspdeskApp:
    return MspdeskApp(data)


@pytest.fixture
def notices(app: MspdeskApp) -> Notices:
    """Every notification the app shows, with its keyword arguments."""
    seen: Notices = []
    original = app.notify

    def record(message: str, **kwargs: Any) -> None:
        seen.append((message, kwargs))
        original(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return seen


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_guidance_screen(pilot: Pilot[int]) -> GuidanceScreen:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, GuidanceScreen)
    return screen


def reader(app: MspdeskApp) -> GuidanceReader:
    return app.screen.query_one(GuidanceReader)


def shown_slug(app: MspdeskApp) -> str | None:
    visit = reader(app).history.current
    return visit.slug if visit else None


def header_text(app: MspdeskApp) -> str:
    return str(app.screen.query_one("#reader-header", Static).render())


def listed(app: MspdeskApp) -> list[str]:
    listing = app.screen.query_one("#guidance-list", OptionList)
    return [listing.get_option_at_index(i).id or "" for i in range(listing.option_count)]


async def click_link(pilot: Pilot[int], href: str) -> None:
    document = pilot.app.screen.query_one(Markdown)
    document.post_message(Markdown.LinkClicked(document, href))
    await settle(pilot)


# ---------------------------------------------------------------- loading


async def test_guidance_loads_in_a_worker_only_when_first_needed(
    app: MspdeskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_load: Callable[[Path], guidance_library.Library] = guidance_library.load_for

    def slow_load(data_dir: Path) -> guidance_library.Library:
        release.wait(10)
        return real_load(data_dir)

    monkeypatch.setattr(guidance_library, "load_for", slow_load)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Nothing is loaded for the first screen.
        assert app.guidance_library is None
        assert not [w for w in app.workers if w.group == LOAD_GROUP]
        await pilot.press("f6")
        await pilot.pause()
        status = app.screen.query_one("#guidance-status", Static)
        assert "Loading guidance" in str(status.render())
        release.set()
        await settle(pilot)
        assert app.guidance_library is not None and app.guidance_ready
        assert "pages by topic" in str(status.render())


async def test_list_groups_pages_by_topic(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        ids = listed(app)
        assert f"staff/{TUPE}" in ids and f"legal-form/{TUPE}" in ids
        listing = app.screen.query_one("#guidance-list", OptionList)
        headers = [
            listing.get_option_at_index(i) for i in range(listing.option_count) if not ids[i]
        ]
        assert headers and all(option.disabled for option in headers)
        assert app.focused is listing
        await pilot.press("down", "enter")
        await settle(pilot)
        assert shown_slug(app) is not None
        assert app.focused is app.screen.query_one("#reader-scroll")


# ------------------------------------------------------- search and reading


async def test_search_tupe_opens_the_tupe_page(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"TUPE")
        await pilot.pause()
        ids = listed(app)
        assert ids[0] == f"hit/{TUPE}"
        first = app.screen.query_one("#guidance-list", OptionList).get_option_at_index(0)
        assert str(first.prompt).startswith("TUPE and staff transfer")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_slug(app) == TUPE
        header = header_text(app)
        assert "TUPE and staff transfer" in header
        assert "Reviewed 2026-12-04" in header and "8 sources" in header
        assert "Not legal advice" in header
        headings = [title for _, title, _ in app.screen.query_one(Markdown).table_of_contents]
        assert "The two duties to plan around" in headings and "Sources" in headings


async def test_escape_clears_the_search_then_returns_to_the_list(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        await pilot.press("slash", *"pension")
        await pilot.pause()
        assert listed(app)[0].startswith("hit/")
        search = app.screen.query_one("#guidance-search", Input)
        await pilot.press("escape")
        assert search.value == "" and app.focused is search
        assert not any(option.startswith("hit/") for option in listed(app))
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#guidance-list")
        await pilot.press("slash", *"zzzzqqq")
        await pilot.pause()
        assert listed(app) == []
        status = str(app.screen.query_one("#guidance-status", Static).render())
        assert "No page matches" in status


async def test_follow_links_then_back_and_forward(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        app.open_guidance(TUPE)
        await settle(pilot)
        assert shown_slug(app) == TUPE
        await click_link(pilot, "pensions.md")
        assert shown_slug(app) == "pensions"
        assert "Pensions" in header_text(app)
        await pilot.press("alt+left")
        await settle(pilot)
        assert shown_slug(app) == TUPE
        await pilot.press("alt+right")
        await settle(pilot)
        assert shown_slug(app) == "pensions"
        # b and f do the same while the reader has the keyboard.
        reader(app).focus_document()
        await pilot.press("b")
        await settle(pilot)
        assert shown_slug(app) == TUPE
        await pilot.press("f")
        await settle(pilot)
        assert shown_slug(app) == "pensions"
        # Nothing further forward: the key does nothing.
        await pilot.press("f")
        await settle(pilot)
        assert shown_slug(app) == "pensions"


async def test_link_with_anchor_scrolls_to_the_heading(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        app.open_guidance("pensions")
        await settle(pilot)
        scroll = app.screen.query_one("#reader-scroll")
        assert scroll.scroll_y == 0
        await click_link(pilot, f"{TUPE}.md#common-pitfalls")
        await pilot.pause()
        assert shown_slug(app) == TUPE
        assert reader(app).history.current is not None
        assert reader(app).history.current.anchor == "common-pitfalls"
        assert scroll.scroll_y > 0
        # Back restores the previous page at the top where it was left.
        await pilot.press("alt+left")
        await settle(pilot)
        assert shown_slug(app) == "pensions" and scroll.scroll_y == 0


async def test_external_and_unknown_links_are_not_followed(
    app: MspdeskApp, notices: Notices, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        app.open_guidance(TUPE)
        await settle(pilot)
        await click_link(pilot, "https://www.legislation.gov.uk/uksi/2006/246")
        assert opened == []
        assert shown_slug(app) == TUPE
        assert any("https://www.legislation.gov.uk/uksi/2006/246" in m for m, _ in notices)
        await click_link(pilot, "no-such-page.md")
        assert shown_slug(app) == TUPE
        assert any("no guidance page 'no-such-page'" in m for m, _ in notices)
        assert all(kwargs.get("markup") is False for _, kwargs in notices)


async def test_open_guidance_from_another_screen_before_loading(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, GuidanceScreen)
        # Called by the triage dialog or a milestone before guidance was ever shown.
        app.open_guidance("pensions", "why-pensions-come-first")
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        assert shown_slug(app) == "pensions"
        visit = reader(app).history.current
        assert visit is not None and visit.anchor == "why-pensions-come-first"


async def test_unknown_slug_is_reported(app: MspdeskApp, notices: Notices) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        app.open_guidance("penshuns")
        await settle(pilot)
        assert shown_slug(app) is None
        assert any("did you mean 'pensions'" in message for message, _ in notices)


async def test_palette_opens_a_page_by_title(app: MspdeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "tupe")
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        assert shown_slug(app) == TUPE


# ------------------------------------------------------------ adviser pages


async def test_user_page_overrides_the_shipped_one(app: MspdeskApp, data: Path) -> None:
    user_page(
        data, TUPE, USER_PAGE.format(title="Our TUPE checklist", summary="The team's own steps.")
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        app.open_guidance(TUPE)
        await settle(pilot)
        header = header_text(app)
        assert "Our TUPE checklist" in header
        assert "Your page, replacing the shipped one" in header
        await click_link(pilot, "pensions.md")
        assert shown_slug(app) == "pensions"


async def test_broken_user_page_is_reported_once_and_skipped(
    app: MspdeskApp, data: Path, notices: Notices
) -> None:
    user_page(data, "broken-notes", "no front matter here\n")
    user_page(data, "good-notes", USER_PAGE.format(title="Good notes", summary="Fine."))
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        reports = [(m, kw) for m, kw in notices if "broken-notes.md" in m]
        assert len(reports) == 1
        assert reports[0][1]["markup"] is False and reports[0][1]["severity"] == "warning"
        assert "ours/good-notes" in listed(app)
        assert not any("broken-notes" in option for option in listed(app))
        # Leaving and coming back does not report it again.
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert len([m for m, _ in notices if "broken-notes.md" in m]) == 1
        assert app.is_running


async def test_markup_in_a_user_title_is_shown_literally(app: MspdeskApp, data: Path) -> None:
    user_page(data, "markup-notes", USER_PAGE.format(title=MARKUP_TITLE, summary="[b]sum[/b]"))
    async with app.run_test(size=SIZE) as pilot:
        await open_guidance_screen(pilot)
        listing = app.screen.query_one("#guidance-list", OptionList)
        index = listed(app).index("ours/markup-notes")
        assert str(listing.get_option_at_index(index).prompt) == MARKUP_TITLE
        listing.highlighted = index
        listing.action_select()
        await settle(pilot)
        header = header_text(app)
        assert MARKUP_TITLE in header and "[b]sum[/b]" in header
        # Shown literally both in the list and in the reader's header.
        assert app.export_screenshot().count("[bold]x[/bold]") == 2
        # Searching shows the title as typed too, and the app is still running.
        await pilot.press("slash", *"markup")
        await pilot.pause()
        hit = listing.get_option_at_index(0)
        assert str(hit.prompt).startswith(MARKUP_TITLE)
        await pilot.click("#guidance-list", offset=(4, 0))
        await settle(pilot)
        assert app.is_running and shown_slug(app) == "markup-notes"


# ------------------------------------------------------------------ snapshot


def test_reader_snapshot(snap_compare: Callable[..., bool], data: Path) -> None:
    async def show_tupe(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, MspdeskApp)
        await open_guidance_screen(pilot)
        app.open_guidance(TUPE)
        await settle(pilot)
        app.sub_title = "snapshot"  # the data folder differs on every run

    assert snap_compare(MspdeskApp(data), terminal_size=SIZE, run_before=show_tupe)
