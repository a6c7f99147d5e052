"""Retention review (Ctrl+P "Retention review…"): records past their retention period;
E erases the selected one (typing its id), or a new date and a reason extend it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from mspdesk.tui.access import open_desk, records_changed, writable_desk
from mspdesk.tui.command_list import CommandList, Entry
from mspdesk.tui.screens.base import DeskModal
from mspdesk.tui.widgets.table_cursor import cursor_key

COMMAND = "Retention review…"
HELP = "Records past their retention period: erase or extend with a reason"


class RetentionReview(DeskModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("E", "erase", "Erase", tooltip="Erase the selected record (type its id)"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text("Retention review"), id="dialog-title")
            yield DataTable(id="retention-table", cursor_type="row")
            yield Static("", id="retention-status")
            yield Input(placeholder="Keep until (2030-01-31)", id="retention-until")
            yield Input(placeholder="Reason for keeping it longer", id="retention-reason")
            with Horizontal(id="dialog-buttons"):
                yield Button("Erase… (E)", variant="error", id="retention-erase")
                yield Button("Extend", id="retention-extend")
                yield Button("Close", id="retention-close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Id", "Kind", "Ended", "Keep until", "Record")

    def reload(self) -> None:
        """Read what is past retention again (on opening and after any change)."""
        desk = self.desk
        if desk is None:
            return
        table = self.query_one(DataTable)
        table.clear()
        items = desk.past_retention()
        for item in items:
            cells = (item.id, item.kind, str(item.ended_on), str(item.keep_until), item.what)
            table.add_row(*(Text(c) for c in cells), key=item.id)
        status = f"{len(items)} record(s) past their retention period"
        self.query_one("#retention-status", Static).update(Text(status))
        table.focus()

    def _selected(self) -> str | None:
        return cursor_key(self.query_one(DataTable))

    @on(Button.Pressed, "#retention-erase")
    def action_erase(self) -> None:
        from mspdesk.tui.screens.erase_modal import erase_record

        key = self._selected()
        if key is None:
            return
        what = f"the personal data of {key} (past its retention period)"
        erase_record(self.app, key, what)  # once erased, this list and the others reload

    @on(Button.Pressed, "#retention-extend")
    def _extend(self) -> None:
        from mspdesk.domain.errors import UserError
        from mspdesk.domain.parsing import parse_date

        key = self._selected()
        if key is None:
            return
        desk = writable_desk(self.app)
        if desk is None:
            return
        status = self.query_one("#retention-status", Static)
        try:
            until = parse_date(self.query_one("#retention-until", Input).value)
            desk.extend_retention(key, until, self.query_one("#retention-reason", Input).value)
        except (UserError, ValueError) as error:
            status.update(Text(str(error)))
            return
        self.app.notify(f"{key} kept until {until}.", title="Retention", markup=False)
        records_changed(self.app)  # this list reloads now, the other screens when shown

    @on(Button.Pressed, "#retention-close")
    def action_close(self) -> None:
        self.dismiss(None)


class RetentionCommands(CommandList):
    """'Retention review…': records past their retention period."""

    def commands(self) -> Iterator[Entry]:
        yield COMMAND, HELP, self._open

    def _open(self) -> None:
        if open_desk(self.app) is not None:
            self.app.push_screen(RetentionReview())
