"""A desk screen that is a record list: header, the list, key bar; `/` filters, Esc leaves
the filter. The screen says what the list holds (`LIST`) and how its status line reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Header

from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_list import ListSpec, RecordList
from mspdesk.tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.content import Content


FILTER_KEYS: list[BindingType] = [
    Binding("slash", "filter", "Filter", tooltip="Filter the list as you type"),
    Binding("escape", "clear_filter", "Back to list", show=False),
]
"""`/` and Esc as every list has them (first in a list screen's BINDINGS)."""


class ListScreen(DeskScreen):
    """Subclasses set `LIST` (and `SCREEN_TITLE`) and implement `describe` and `reload`."""

    LIST: ClassVar[ListSpec]
    SCREEN_TITLE: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.LIST.build(self.describe)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.SCREEN_TITLE:
            self.title = self.SCREEN_TITLE
        self.query_one(RecordTable).focus()

    @property
    def records(self) -> RecordList:
        return self.query_one(RecordList)

    def describe(self, shown: int, total: int) -> str | Content:
        """The status line under the list."""
        return f"{shown:,} of {total:,}" if shown != total else f"{total:,}"

    def action_filter(self) -> None:
        self.records.open_filter()

    def action_clear_filter(self) -> None:
        self.records.leave_filter()
