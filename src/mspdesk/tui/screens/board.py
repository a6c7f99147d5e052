"""The Board: cases awaiting the programme Board's decision, with the proposed support. `a`
approves, `f` defers, `x` declines, each after the minute is typed. Reached from the command
palette ("Board")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, Static

from mspdesk.domain.errors import UserError
from mspdesk.domain.support import pounds
from mspdesk.tui.access import records_changed, report, writable_desk
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.table_cursor import cursor_key

if TYPE_CHECKING:
    from textual.app import ComposeResult

COLUMNS = ("Case", "Organisation", "Opened", "Adviser", "Proposed", "Earlier decisions")


class MinuteDialog(ModalScreen[str | None]):
    """Type the Board's minute; Enter records it, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), id="dialog-title")
            yield Input(placeholder="The Board's minute", id="minute")
            yield Static("", id="minute-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#minute-error", Static).update(
                Text("Record the Board's minute.", style="red")
            )
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class BoardScreen(DeskScreen):
    """What waits for the Board."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('approve')", "Approve", tooltip="The Board approves the case"),
        Binding("f", "decide('defer')", "Defer", tooltip="The Board defers its decision"),
        Binding("x", "decide('decline')", "Decline", tooltip="The Board declines the case"),
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to where you were"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-summary")
        yield DataTable(id="board-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="board-message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Board"
        self.query_one(DataTable).add_columns(*COLUMNS)

    def reload(self) -> None:
        """Read what waits for the Board again (on opening and after any change)."""
        desk = self.desk
        if desk is None:
            return
        table = self.query_one(DataTable)
        keep = self.selected()
        table.clear()
        waiting = desk.board.waiting()
        for case in waiting:
            proposed = sum(p.value for p in desk.support.packages(case.id))
            earlier = "; ".join(f"{d.on} {d.decision}" for d in desk.board.decisions(case.id))
            table.add_row(
                Text(case.id),
                Text(case.organisation),
                Text(case.opened_on.isoformat()),
                Text(case.adviser),
                Text(pounds(proposed)),
                Text(earlier or "—"),
                key=case.id,
            )
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        count = len(waiting)
        self.sub_title = f"{count} awaiting"
        self.query_one("#board-summary", Static).update(
            Text(f"{count} case{'s' if count != 1 else ''} awaiting the Board")
            if count
            else Text("Nothing awaits the Board.")
        )

    def selected(self) -> str | None:
        return cursor_key(self.query_one(DataTable))

    def action_decide(self, decision: str) -> None:
        case_id = self.selected()
        if case_id is None or writable_desk(self.app) is None:
            return

        def record(minute: str | None) -> None:
            if minute is None:
                return
            desk = writable_desk(self.app)
            if desk is None:
                return
            message = self.query_one("#board-message", Static)
            try:
                made = desk.board.decide(case_id, decision, minute)
            except UserError as error:
                message.update(Text(str(error), style="red"))
                report(self.app, error, title="Not recorded")
                return
            message.update(Text(f"{made.case_id}: Board {made.decision} recorded"))
            records_changed(self.app)  # this screen reloads now, the others when next shown

        self.app.push_screen(MinuteDialog(f"{decision.capitalize()} {case_id}"), record)
