"""The one filterable record list: a filter box (shown by `/`), the table and a status line.

Used by the inbox, referrals, cases, agenda, conflicts register and notes search. The screen
hands over rows with the text each is found by (`show`); the list filters as the adviser types
(every word must appear, case-insensitive; typing on only narrows what is already shown), keeps
the selected row across reloads, and writes the status line through the screen's
`describe(shown, total)`. A list made with `searched=True` leaves the finding to the screen:
typing posts `SearchChanged`, the screen shows the rows its search found, and Enter in the
box opens the row under the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from mspdesk.tui.widgets.record_table import Column, RecordTable, Row

if TYPE_CHECKING:
    from textual.app import ComposeResult

Describe = Callable[[int, int], "str | Content"]
"""(rows shown, rows in all) -> the status line."""


def matching(haystacks: Sequence[str], text: str, within: Sequence[int] | None = None) -> list[int]:
    """The positions whose haystack holds every word of `text` (case-insensitive)."""
    words = text.casefold().split()
    pool = range(len(haystacks)) if within is None else within
    if not words:
        return list(pool)
    return [i for i in pool if all(word in haystacks[i] for word in words)]


class RecordList(Vertical):
    """Filter box, table and status line. Ids of the parts are given, so screens keep theirs."""

    class SearchChanged(Message):
        """The search box of a `searched` list now holds `text`."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    DEFAULT_CSS = """
    RecordList { height: 1fr; }
    RecordList > Input { border: tall $surface-lighten-1; height: 3; }
    RecordList > Input:focus { border: tall $accent; }
    RecordList > .record-list--status { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        describe: Describe,
        placeholder: str = "Filter: type words…",
        empty: str = "Nothing here yet.",
        no_match: str = "Nothing matches the filter.",
        filter_always_shown: bool = False,
        searched: bool = False,
        id: str | None = None,
        table_id: str | None = None,
        filter_id: str | None = None,
        status_id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.describe = describe
        self.placeholder = placeholder
        self.empty = empty
        self.no_match = no_match
        self.filter_always_shown = filter_always_shown
        self.searched = searched
        self._ids = (table_id, filter_id, status_id)
        self.rows: list[Row] = []
        self.haystacks: list[str] = []
        self.shown: list[int] = []
        self._filtered_by = ""

    def compose(self) -> ComposeResult:
        table_id, filter_id, status_id = self._ids
        yield Input(placeholder=self.placeholder, id=filter_id)
        yield RecordTable(self.columns, id=table_id, empty_text="Loading…")
        yield Static("", id=status_id, classes="record-list--status")

    def on_mount(self) -> None:
        self.filter_box.display = self.filter_always_shown

    # ------------------------------------------------------------------ parts

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    @property
    def filter_box(self) -> Input:
        return self.query_one(Input)

    @property
    def filter_text(self) -> str:
        return self.filter_box.value

    # ------------------------------------------------------------------ data

    def show(
        self, rows: Sequence[Row], haystacks: Sequence[str], *, keep: str | None = None
    ) -> None:
        """Show `rows` (each found by the lower-case text beside it), filtered as typed; the
        cursor stays on `keep`, else the row it was on, else the row that took its place."""
        table = self.table
        old_key, old_index = keep or table.current_key, table.cursor
        self.rows, self.haystacks = list(rows), [h.casefold() for h in haystacks]
        self._apply(self.filter_text, fresh=True)
        if old_key is not None and not table.move_to(old_key) and table.rows:
            table.cursor = min(old_index, len(table.rows) - 1)

    def refilter(self) -> None:
        """Filter again (the screen changed what its rows mean, e.g. an adviser chosen)."""
        self._apply(self.filter_text, fresh=True)

    def refresh_status(self) -> None:
        self.query_one(".record-list--status", Static).update(
            self.describe(len(self.shown), len(self.rows))
        )

    def apply_filter(self, text: str) -> None:
        """Show the rows matching `text` now, as typing it into the filter box does."""
        self._apply(text)

    def _apply(self, text: str, *, fresh: bool = False) -> None:
        previous = self._filtered_by
        narrowing = not fresh and previous.strip() and text.startswith(previous)
        if self.searched:  # the screen's search chose the rows
            self.shown = list(range(len(self.rows)))
        else:
            self.shown = matching(self.haystacks, text, self.shown if narrowing else None)
        self._filtered_by = text
        table = self.table
        table.empty_text = self.no_match if text.strip() and self.rows else self.empty
        table.set_rows([self.rows[i] for i in self.shown])
        self.refresh_status()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.searched:
            self.post_message(self.SearchChanged(event.value))
            return
        self._apply(event.value)

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        if self.searched:
            self.table.call_later(self.table.action_select)  # as Enter on the table
            return
        self.table.focus()

    # ------------------------------------------------------------------ keys

    def open_filter(self) -> None:
        """`/`: show the filter box and type into it."""
        box = self.filter_box
        box.display = True
        box.focus()

    def leave_filter(self) -> bool:
        """Esc: clear the filter if typing in it, hide it when empty, back to the table.
        False when there was nothing to leave (the screen may then go back)."""
        box = self.filter_box
        acted = False
        if box.has_focus:
            if box.value:
                box.value = ""
            acted = True
        elif box.value:
            box.value = ""
            acted = True
        if not box.value and not self.filter_always_shown:
            box.display = False
        self.table.focus()
        return acted

    def select(self, key: str) -> bool:
        """Put the cursor on `key`, clearing the filter if it hides it; False if not here."""
        table = self.table
        if table.move_to(key):
            return True
        if self.filter_text:
            self.filter_box.value = ""
            self._apply("", fresh=True)
        return table.move_to(key)


@dataclass(frozen=True)
class ListSpec:
    """What a list screen's record list shows and the ids of its parts."""

    columns: Sequence[Column]
    placeholder: str
    empty: str
    no_match: str
    list_id: str
    table_id: str
    filter_id: str
    status_id: str
    filter_always_shown: bool = False

    def build(self, describe: Describe) -> RecordList:
        return RecordList(
            self.columns,
            describe=describe,
            placeholder=self.placeholder,
            empty=self.empty,
            no_match=self.no_match,
            filter_always_shown=self.filter_always_shown,
            id=self.list_id,
            table_id=self.table_id,
            filter_id=self.filter_id,
            status_id=self.status_id,
        )
