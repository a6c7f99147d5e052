"""The record list's filter on a long list: the first frame gets a screenful of matches, the
rest are filtered between frames, and the end result is every match, whatever was typed
meanwhile. The list is made long by shrinking the limits, so the test stays small."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from mspdesk.tui.widgets import record_list
from mspdesk.tui.widgets.record_list import RecordList
from mspdesk.tui.widgets.record_table import Column, Row

WORDS = ["alder", "birch", "cedar", "elder", "hazel"]


def haystack(n: int) -> str:
    return f"r-{n:04d} {WORDS[n % 5]} {WORDS[n % 3]} mutual {n % 7}"


class ListApp(App[None]):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        yield RecordList(
            [Column("id", "Reference", 8), Column("text", "Text", 40)],
            describe=lambda shown, total: f"{shown} of {total}",
        )

    def on_mount(self) -> None:
        rows = [Row(f"R-{n:04d}", (f"R-{n:04d}", haystack(n))) for n in range(self.count)]
        self.query_one(RecordList).show(rows, [row.cells[1] for row in rows], folded=True)


def expected(text: str, count: int) -> list[str]:
    words = text.split()
    return [f"R-{n:04d}" for n in range(count) if all(w in haystack(n) for w in words)]


def keys_shown(records: RecordList) -> list[str]:
    table = records.table
    return [table.rows[i].key for i in range(len(table.rows))]


async def filtered_through(pilot: Pilot[None], records: RecordList) -> None:
    for _ in range(200):
        if records._filtering is None:
            break
        await pilot.pause()
    await pilot.pause()


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_list, "SCAN_NOW", 40)
    monkeypatch.setattr(record_list, "SCAN_STEP", 10)
    monkeypatch.setattr(record_list, "SCAN_SLICE", 25)
    monkeypatch.setattr(record_list, "SCREENFUL", 5)


async def test_a_long_list_is_drawn_from_a_screenful_then_filtered_through(
    small_limits: None,
) -> None:
    app = ListApp(400)
    async with app.run_test() as pilot:
        records = app.query_one(RecordList)
        records.open_filter()
        await pilot.press("e", "l")
        # Before the rest is filtered: the first matches only, in order, and no count yet.
        records.apply_filter("elder mutual 3")
        first = keys_shown(records)
        assert first == expected("elder mutual 3", 400)[: len(first)]
        assert records._filtering is not None
        await filtered_through(pilot, records)
        assert keys_shown(records) == expected("elder mutual 3", 400)
        status = records.query_one(".record-list--status").render()
        assert str(status) == f"{len(expected('elder mutual 3', 400))} of 400"


async def test_typing_on_before_the_filter_is_through_still_finds_every_match(
    small_limits: None,
) -> None:
    app = ListApp(400)
    async with app.run_test() as pilot:
        records = app.query_one(RecordList)
        records.apply_filter("e")  # matches almost every row: far from through
        assert records._filtering is not None
        records.apply_filter("el")  # narrows what matched so far and what is not yet tested
        records.apply_filter("elder 1")
        await filtered_through(pilot, records)
        assert keys_shown(records) == expected("elder 1", 400)
        records.apply_filter("")  # clearing: every row at once
        assert records._filtering is None
        assert len(records.table.rows) == 400


async def test_the_cursor_row_keeps_its_place_while_filtering_a_long_list(
    small_limits: None,
) -> None:
    app = ListApp(400)
    async with app.run_test() as pilot:
        records = app.query_one(RecordList)
        records.table.move_to("R-0390")  # far past what a screenful needs
        records.apply_filter("elder")  # 390 % 5 == 0: alder... not elder
        records.apply_filter("")
        records.table.move_to("R-0393")  # 393 % 5 == 3: elder
        records.apply_filter("elder")
        assert records.table.current_key == "R-0393"
        await filtered_through(pilot, records)
        assert records.table.current_key == "R-0393"
