"""The one filterable record list: a filter box (shown by `/`), the table and a status line.

Used by the inbox, referrals, cases, agenda, conflicts register and notes search. The screen
hands over rows with the text each is found by (`show`); the list filters as the adviser types
(every word must appear, case-insensitive; typing on only narrows what is already shown), keeps
the selected row across reloads, and writes the status line through the screen's
`describe(shown, total)`. A list longer than `SCAN_NOW` rows shows a screenful of matches
with the keystroke and filters the rest between frames (the count follows). A list made with
`searched=True` leaves the finding to the screen: typing posts `SearchChanged`, the screen
shows the rows its search found, and Enter in the box opens the row under the cursor.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains
from typing import TYPE_CHECKING, overload

from textual import events, messages, on
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input, Static

from mspdesk.tui.widgets.record_table import Column, RecordTable, Row, row_keys

if TYPE_CHECKING:
    from textual.app import ComposeResult

Describe = Callable[[int, int], "str | Content"]
"""(rows shown, rows in all) -> the status line."""


def search_words(text: str) -> list[str]:
    """The words of a filter, longest (rarest) first, so later passes test fewer rows."""
    return sorted(set(text.casefold().split()), key=len, reverse=True)


def scan(
    haystacks: Sequence[str], words: Sequence[str], pool: Sequence[int], start: int, stop: int
) -> list[int]:
    """The positions in `pool[start:stop]` whose haystack holds every one of `words`.

    One word per pass, each pass a loop in C (`compress` over `contains`): 10,000 inbox rows
    in one to three milliseconds on the development machine."""
    part: Sequence[int] = pool[start:stop]
    for word in words:
        if isinstance(part, range) and part.step == 1:
            texts: Iterable[str] = haystacks[part.start : part.stop]
        else:
            texts = map(haystacks.__getitem__, part)
        part = list(compress(part, map(contains, texts, repeat(word))))
    return list(part)


SCAN_NOW = 20_000
"""A list this long is filtered at once (in a millisecond or two). A longer one is filtered
before the next frame only until a screenful matched (`SCREENFUL`; at most `SCAN_NOW` rows
tested), and in slices of `SCAN_SLICE` rows between frames after that."""
SCAN_SLICE = 10_000
SCAN_STEP = 2_500
SCREENFUL = 200


@dataclass
class Filtering:
    """A filter applied in slices: `pool` are the candidate positions, those before `done`
    are tested, and `found` holds the matches among them (ascending, like `pool`)."""

    words: list[str]
    pool: Sequence[int]
    found: list[int]
    done: int = 0

    @property
    def finished(self) -> bool:
        return self.done >= len(self.pool)

    def step(self, haystacks: Sequence[str], count: int) -> None:
        stop = min(self.done + count, len(self.pool))
        self.found += scan(haystacks, self.words, self.pool, self.done, stop)
        self.done = stop

    def begin(self, haystacks: Sequence[str], least: int) -> None:
        """Test what the first frame needs: every row of a short list; of a long one, until a
        screenful matched, and at least the first `least` candidates (where the cursor is)."""
        if len(self.pool) <= SCAN_NOW:
            self.step(haystacks, len(self.pool))
            return
        while not self.finished and (
            self.done < least or (len(self.found) < SCREENFUL and self.done < SCAN_NOW)
        ):
            self.step(haystacks, SCAN_STEP)

    def candidates(self) -> Sequence[int]:
        """What a longer filter need test: the matches so far and every row not yet tested."""
        if self.finished:
            return self.found
        return self.found + list(self.pool[self.done :])


class Shown(Sequence[Row]):
    """The rows at `positions` of `rows`, without copying them (a filter on 100,000 rows
    hands the table a view, not a new list of rows)."""

    def __init__(self, rows: Sequence[Row], positions: Sequence[int]) -> None:
        self._rows = rows
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [self._rows[i] for i in self._positions[index]]
        return self._rows[self._positions[index]]

    def key_at(self, index: int) -> str:
        key_at = getattr(self._rows, "key_at", None)
        position = self._positions[index]
        return key_at(position) if key_at is not None else self._rows[position].key


class FilterBox(Input):
    """The filter box. Typing changes its text's width (its virtual size), which Textual's
    Input answers with a layout of the whole screen: most of a keystroke's cost on a full
    screen. The box's own size never depends on its text, so a repaint is enough."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_value(self, value: str) -> None:
        # Filter now, before this box asks for its own repaint: the screen then draws the
        # letter typed and the rows it leaves in one frame, not the letter a frame early.
        parent = self.parent
        if isinstance(parent, RecordList) and not parent.searched:
            parent.typed_now(value)


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
        self.rows: Sequence[Row] = []
        self.haystacks: Sequence[str] = []
        self.shown: Sequence[int] = []
        self._filtered_by = ""
        self._filtering: Filtering | None = None
        """The filter still being applied to the rows not yet tested, if any."""
        self._positions: dict[str, int] | None = None
        """Row key -> its index in `rows`, made when a filter first needs it."""

    def compose(self) -> ComposeResult:
        table_id, filter_id, status_id = self._ids
        # Selected by `open_filter`, not on focus: the Focus event comes after any letters
        # typed in the same burst as `/`, and selecting then would let the next key replace them.
        yield FilterBox(placeholder=self.placeholder, id=filter_id, select_on_focus=False)
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
        self,
        rows: Sequence[Row],
        haystacks: Sequence[str],
        *,
        keep: str | None = None,
        folded: bool = False,
        at: int | None = None,
    ) -> None:
        """Show `rows` (each found by the text beside it, already case-folded if `folded`;
        lists are kept, not copied: show them again after changing them),
        filtered as typed; the cursor stays on `keep`, else the row it was on, else the row
        that took its place. `at`, if the caller knows it, is where that row is in `rows` (-1:
        not there)."""
        table = self.table
        old_key, old_index = keep or table.current_key, table.cursor
        # Taken as they are, not copied (a copy of 100,000 rows costs a triage's redraw
        # several milliseconds; rows may be made as drawn): shown again whenever changed.
        self.rows = rows
        if not folded:
            self.haystacks = [h.casefold() for h in haystacks]
        else:
            self.haystacks = haystacks if isinstance(haystacks, list) else list(haystacks)
        self._positions = None
        self._apply(self.filter_text, fresh=True, keep=old_key, index=at)
        if old_key is not None and table.current_key != old_key and table.rows:
            table.cursor = min(old_index, len(table.rows) - 1)

    def refilter(self) -> None:
        """Filter again (the screen changed what its rows mean, e.g. an adviser chosen)."""
        self._apply(self.filter_text, fresh=True)

    def refresh_status(self) -> None:
        # One line, always: no layout needed (a layout redraws the whole screen).
        self.query_one(".record-list--status", Static).update(
            self.describe(len(self.shown), len(self.rows)), layout=False
        )

    def apply_filter(self, text: str) -> None:
        """Show the rows matching `text` now, as typing it into the filter box does."""
        self._apply(text)

    def _apply(
        self, text: str, *, fresh: bool = False, keep: str | None = None, index: int | None = None
    ) -> None:
        table = self.table
        if not fresh and keep is None and index is None and 0 <= table.cursor < len(self.shown):
            index = self.shown[table.cursor]  # typing: the cursor's row, before it moves
        previous, running = self._filtered_by, self._filtering
        self._filtering = None
        words = [] if self.searched else search_words(text)  # a searched list's screen chose
        if not words:
            self.shown = range(len(self.rows))
        else:
            narrowing = not fresh and previous.strip() and text.startswith(previous)
            pool: Sequence[int] = range(len(self.rows))
            if narrowing:  # typing on: only what matched (or is not yet tested) can match
                pool = running.candidates() if running is not None else self.shown
            filtering = Filtering(words, pool, [])
            # Enough now to draw the screen, and the cursor's row: the rest between frames.
            upto = bisect.bisect_right(pool, index) if index is not None and index >= 0 else 0
            filtering.begin(self.haystacks, least=upto)
            self.shown = filtering.found
            if not filtering.finished:
                self._filtering = filtering
                self.run_worker(self._finish(filtering), group="filter")
        self._filtered_by = text
        table.empty_text = self._empty_text(text)
        everything = len(self.shown) == len(self.rows)
        at = self._position_of(keep or table.current_key, everything, index)
        table.set_rows(self.rows if everything else Shown(self.rows, self.shown), at=at)
        if self._filtering is None:  # else the count follows when the filter is through
            self.refresh_status()

    def _empty_text(self, text: str) -> str:
        if not self.rows:
            return self.empty
        if self._filtering is not None:
            return "Filtering…"
        return self.no_match if text.strip() else self.empty

    async def _finish(self, filtering: Filtering) -> None:
        """Filter the rest of the rows a slice at a time, letting frames and keys in between;
        stops if the filter changed meanwhile. The rows already drawn keep their places."""
        while not filtering.finished:
            await asyncio.sleep(0)
            if self._filtering is not filtering or not self.is_attached:
                return
            filtering.step(self.haystacks, SCAN_SLICE)
        self._filtering = None
        table = self.table
        table.empty_text = self._empty_text(self._filtered_by)
        everything = len(self.shown) == len(self.rows)
        table.rows_grew(self.rows if everything else Shown(self.rows, self.shown))
        self.refresh_status()

    def _position_of(self, key: str | None, everything: bool, index: int | None = None) -> int:
        """Where the row `key` (at `index` in `rows`, if known) is among the rows shown (0
        if it is not): found by index, not by walking 100,000 rows on every keystroke."""
        if key is None:
            return 0
        if index == -1:
            return 0
        if index is None:
            if self._positions is None:
                self._positions = {key: i for i, key in enumerate(row_keys(self.rows))}
            index = self._positions.get(key)
        if index is None:
            return 0
        if everything:
            return index
        position = bisect.bisect_left(self.shown, index)
        found = position < len(self.shown) and self.shown[position] == index
        return position if found else 0

    def typed_now(self, text: str) -> None:
        """The filter box holds `text` (the box calls this as it changes)."""
        if text == self._filtered_by:
            return
        self._apply(text)
        # The table and status line in the screen's next update, sent ahead of the box's own.
        screen = self.screen
        screen.post_message(messages.Update(self.table))
        screen.post_message(messages.Update(self.query_one(".record-list--status")))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.searched:
            self.post_message(self.SearchChanged(event.value))
        elif event.value != self._filtered_by:  # the box has applied it already
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
        # At once, not `box.focus()` (Textual defers that to after the events already
        # waiting): typed fast, "/mill" would send m, i, l, l to the list, and `i` imports.
        self.screen.set_focus(box)
        box.select_all()  # the next letter starts a new filter; Right or End keeps it

    def on_key(self, event: events.Key) -> None:
        """`/` from the table opens the box here, as the key passes, not later as the
        screen's binding: keys typed in the same burst (a fast typist, a paste) are already
        on their way through the table, and they belong in the box, never to the table's
        keys (`/mill` must not press `i`, Import)."""
        box = self.filter_box
        typing = self.screen.focused is box  # at once; `has_focus` waits for the Focus event
        open_filter = getattr(self.screen, "action_filter", None)  # the screen's `/`, gated
        if event.key == "slash" and not typing and open_filter is not None:
            event.stop()
            event.prevent_default()
            open_filter()
        elif event.is_printable and event.character and typing:
            event.stop()
            event.prevent_default()
            box.insert_text_at_cursor(event.character)

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
