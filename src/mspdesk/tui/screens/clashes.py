"""Sync clashes (Ctrl+K, or Ctrl+P "Sync clashes…"): the same field changed on two desks
before they saw each other's change. `m` keeps this desk's value, `t` the other desk's, or
type a value and press Enter; the choice reaches every desk at the next sync."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from mspdesk.domain.errors import UserError
from mspdesk.tui.access import STILL_OPENING, open_desk, records_changed, report, writable_desk
from mspdesk.tui.screens.base import DeskModal
from mspdesk.tui.widgets.record_table import printable
from mspdesk.tui.widgets.table_cursor import cursor_key

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

    from mspdesk.desk.sync import Clash

COMMAND = "Sync clashes…"
HELP = "Fields changed on two desks at once: keep mine, keep theirs or type the value"


def open_clashes(app: App[Any]) -> None:
    """Show the clashes (once the desk is open)."""
    if open_desk(app) is None:
        app.notify(STILL_OPENING, severity="warning")
        return
    if not isinstance(app.screen, ClashesModal):
        app.push_screen(ClashesModal())


def _value(value: object) -> Text:
    return Text(printable("" if value is None else str(value)))


class ClashesModal(DeskModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("m", "keep('mine')", "Keep mine", tooltip="Keep this desk's value everywhere"),
        Binding("t", "keep('theirs')", "Keep theirs", tooltip="Keep the other desk's value"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="clashes"):
            yield Label(Text("Sync clashes"), id="dialog-title")
            yield DataTable(id="clashes-table", cursor_type="row")
            yield Static("", id="clashes-status")
            yield Input(placeholder="Or type the value to keep, then Enter", id="clashes-value")
            with Horizontal(id="dialog-buttons"):
                yield Button("Keep mine (m)", id="clashes-mine")
                yield Button("Keep theirs (t)", id="clashes-theirs")
                yield Button("Close", id="clashes-close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Clash", "Record", "Field", "Now", "Mine", "Theirs")

    def reload(self) -> None:
        desk = self.desk
        if desk is None:
            return
        table = self.query_one(DataTable)
        table.clear()
        clashes = desk.sync.clashes()
        for clash in clashes:
            mine = [s.value for s in clash.sides if s.mine]
            theirs = [f"{s.value} ({s.actor})" for s in clash.sides if not s.mine]
            cells = [
                Text(clash.id),
                Text(printable(clash.record)),
                Text(printable(clash.field)),
                _value(clash.current),
                _value(", ".join(str(v) for v in mine)),
                _value(", ".join(theirs)),
            ]
            table.add_row(*cells, key=clash.id)
        words = f"{len(clashes)} clash(es) to settle" if clashes else "No clashes to settle."
        self.query_one("#clashes-status", Static).update(Text(words))
        table.focus()

    def _selected(self) -> str | None:
        return cursor_key(self.query_one(DataTable))

    def action_keep(self, which: str) -> None:
        self._settle(keep=which)

    @on(Button.Pressed, "#clashes-mine")
    def _mine(self) -> None:
        self._settle(keep="mine")

    @on(Button.Pressed, "#clashes-theirs")
    def _theirs(self) -> None:
        self._settle(keep="theirs")

    @on(Input.Submitted, "#clashes-value")
    def _typed(self, event: Input.Submitted) -> None:
        self._settle(value=event.value)

    def _settle(self, *, keep: str | None = None, value: str | None = None) -> None:
        clash_id = self._selected()
        desk = writable_desk(self.app)
        if clash_id is None or desk is None:
            return
        try:
            settled: Clash = desk.sync.resolve(clash_id, keep=keep, value=value)
        except UserError as error:
            report(self.app, error)
            return
        self.query_one("#clashes-value", Input).value = ""
        words = f"{settled.record} {settled.field}: {settled.settled_value} (sent at next sync)"
        self.app.notify(words, title="Clash settled", markup=False)
        records_changed(self.app)

    @on(Button.Pressed, "#clashes-close")
    def action_close(self) -> None:
        self.dismiss(None)
