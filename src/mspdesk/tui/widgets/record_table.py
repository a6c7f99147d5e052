"""A virtual table for thousands of records: only visible lines are rendered.

Textual's DataTable builds a Row object per record (about 0.27 s for 10,000
rows, measured) and again on every filter. This table holds plain tuples of
strings and draws only the lines on screen, so swapping in a filtered list
costs nothing. Cells are drawn as plain segments: text from records is never
parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Column:
    """A table column.

    `width` is what it wants; a table too narrow for every column shortens the least
    important ones first (lowest `priority`, down to `min_width`), then leaves out whole
    columns, least important and rightmost first. Spare width goes to the `flex` columns,
    in proportion to their `flex` weight.
    """

    key: str
    label: str
    width: int
    align_right: bool = False
    flex: int = 0
    priority: int = 1
    min_width: int | None = None

    @property
    def least(self) -> int:
        """The narrowest this column is ever drawn (its full width unless it may shorten)."""
        return self.width if self.min_width is None else min(self.min_width, self.width)


def fit_columns(columns: Sequence[Column], available: int) -> list[int]:
    """Each column's width in `available` cells (one cell between columns); 0 means hidden."""
    widths = [column.width for column in columns]
    shown = list(range(len(columns)))

    def need() -> int:
        return sum(widths[i] + 1 for i in shown)

    # Leave out whole columns, least important (then rightmost) first, until the rest fit.
    by_importance = sorted(shown, key=lambda i: (columns[i].priority, -i))
    while len(shown) > 1 and sum(columns[i].least + 1 for i in shown) > available:
        shown.remove(by_importance.pop(0))
    # Shorten the least important columns first, a cell at a time from the one with most to give.
    excess = need() - available
    while excess > 0:
        room = [i for i in shown if widths[i] > columns[i].least]
        if not room:
            break
        lowest = min(columns[i].priority for i in room)
        pick = max(
            (i for i in room if columns[i].priority == lowest),
            key=lambda i: (widths[i] - columns[i].least, i),
        )
        widths[pick] -= 1
        excess -= 1
    spare = available - need()
    flexible = [i for i in shown if columns[i].flex] or shown[-1:]
    weights = sum(max(columns[i].flex, 1) for i in flexible)
    if spare > 0 and flexible:
        given = 0
        for position, i in enumerate(flexible):
            share = spare * max(columns[i].flex, 1) // weights
            if position == len(flexible) - 1:
                share = spare - given
            widths[i] += share
            given += share
    return [widths[i] if i in shown else 0 for i in range(len(columns))]


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    cells: tuple[str, ...]
    flag: str = ""
    """A component-class suffix ("overdue", "muted") to colour the whole row."""


def row_keys(rows: Sequence[Row]) -> Iterator[str]:
    """Each row's key in order, without making the rows of a sequence that makes them when
    asked (it then offers `key_at`)."""
    key_at = getattr(rows, "key_at", None)
    if key_at is not None:
        return map(key_at, range(len(rows)))
    return (row.key for row in rows)


def printable(text: str) -> str:
    """Control characters (terminal escapes, newlines) shown as visible codes, never sent."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ("⏎" if ch == "\n" else "�") for ch in text)


class RecordTable(ScrollView, can_focus=True):
    """Rows of records with a cursor; posts Highlighted and Selected with the row key."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--cursor",
        "record-table--overdue",
        "record-table--muted",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=True),
    ]

    DEFAULT_CSS = """
    RecordTable { height: 1fr; }
    RecordTable > .record-table--header { text-style: bold; background: $panel; }
    RecordTable > .record-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RecordTable:blur > .record-table--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    RecordTable > .record-table--overdue { color: $error; }
    RecordTable > .record-table--muted { color: $text-muted; }
    """

    cursor = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, table: RecordTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RecordTable:
            return self.table

    class Selected(Message):
        def __init__(self, table: RecordTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        id: str | None = None,
        empty_text: str = "Nothing to show",
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.rows: Sequence[Row] = ()
        self.empty_text = empty_text
        self._fitted: tuple[int, list[int]] | None = None
        """The column widths for the last width drawn at."""
        self._base_style = Style()
        self._lines: dict[tuple[Row, bool, int, Style], Strip] = {}

    # ------------------------------------------------------------------ data

    def set_rows(
        self, rows: Sequence[Row], *, keep: str | None = None, at: int | None = None
    ) -> None:
        """Show `rows`; the cursor goes to position `at` if given (the caller knows where its
        row went), else stays on the row with key `keep` (or the current row)."""
        wanted = keep if keep is not None else self.current_key
        self.rows = rows
        # Width 0: the last column flexes to fit, so there is nothing to scroll sideways.
        size = Size(0, len(rows) + 1)
        if size != self.virtual_size:
            # Set without the full-screen layout the reactive asks for (most of a filter
            # keystroke's cost): only the scrollbar follows; if it must appear or go, the
            # scrollbar's own reactive lays the screen out.
            self.set_reactive(RecordTable.virtual_size, size)
            self._scroll_update(size)
        index = at if at is not None else 0
        if at is None and wanted is not None:
            for position, key in enumerate(row_keys(rows)):
                if key == wanted:
                    index = position
                    break
        self.cursor = min(index, max(len(rows) - 1, 0))
        self.refresh()

    def rows_grew(self, rows: Sequence[Row]) -> None:
        """Show `rows`, which begin with the rows shown now: the cursor stays where it is."""
        self.rows = rows
        size = Size(0, len(rows) + 1)
        if size != self.virtual_size:
            self.set_reactive(RecordTable.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    @property
    def current_key(self) -> str | None:
        rows = self.rows
        if 0 <= self.cursor < len(rows):
            key_at = getattr(rows, "key_at", None)
            return key_at(self.cursor) if key_at is not None else rows[self.cursor].key
        return None

    def move_to(self, key: str) -> bool:
        """Put the cursor on the row with `key`; False if it is not shown."""
        for position, row_key in enumerate(row_keys(self.rows)):
            if row_key == key:
                self.cursor = position
                return True
        return False

    # ------------------------------------------------------------- behaviour

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_key))

    def _scroll_cursor_into_view(self) -> None:
        visible = max(self.size.height - 1, 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 2, 1))

    def action_first(self) -> None:
        self.action_cursor(-len(self.rows))

    def action_last(self) -> None:
        self.action_cursor(len(self.rows))

    def action_select(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index

    # ---------------------------------------------------------------- drawing

    def _widths(self) -> list[int]:
        width = self.scrollable_content_region.width
        if self._fitted is None or self._fitted[0] != width:
            self._fitted = (width, fit_columns(self.columns, width))
        return self._fitted[1]

    def _line(self, cells: Sequence[str], style: Style) -> Strip:
        """One line as a single segment: the compositor then cuts and joins one piece per
        row, not one per cell, on every frame."""
        parts = []
        for column, width, text in zip(self.columns, self._widths(), cells, strict=False):
            if width == 0:
                continue
            shown = printable(text)
            length = cell_len(shown)
            if length > width:
                shown = set_cell_size(shown, max(width - 1, 0)) + "…"
                length = cell_len(shown)
            pad = " " * (width - length)
            parts.append(pad + shown if column.align_right else shown + pad)
        line = " ".join(parts) + " " if parts else ""
        return Strip([Segment(line, style)]).crop_extend(0, self.size.width, style)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The base style walks every ancestor: look it up once per redraw, not per line.
        self._base_style = self.rich_style
        return super().render_lines(crop)

    def _row_line(self, row: Row, is_cursor: bool) -> Strip:
        """A row's line, kept while the styles and width stay the same: typing a filter
        mostly moves the same rows up the screen, which then need no drawing again."""
        base = self._base_style
        cache_key = (row, is_cursor, self.size.width, base)
        line = self._lines.get(cache_key)
        if line is None:
            style = base
            if row.flag:
                style = base + self.get_component_rich_style(f"record-table--{row.flag}")
            if is_cursor:
                style = style + self.get_component_rich_style("record-table--cursor")
            if len(self._lines) > 1000:
                self._lines.clear()
            line = self._lines[cache_key] = self._line(row.cells, style)
        return line

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # the theme or a pseudo-class (focus) changed the styles

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        if y == 0:
            style = self.get_component_rich_style("record-table--header")
            return self._line([c.label for c in self.columns], style)
        index = scroll_y + y - 1
        base = self._base_style
        if index >= len(self.rows):
            if not self.rows and y == 1:
                muted = self.get_component_rich_style("record-table--muted")
                return Strip([Segment(self.empty_text, muted)]).crop_extend(
                    0, self.size.width, base
                )
            return Strip.blank(self.size.width, base)
        return self._row_line(self.rows[index], index == self.cursor)
