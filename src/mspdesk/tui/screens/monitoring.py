"""Monitoring: live mutuals after spin-out and what is due (check-ins, re-tender alerts),
with the pensions exit-risk note where staff are in the LGPS. Reached from the command
palette ("Monitoring")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from mspdesk.tui.access import records_changed
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from textual.app import ComposeResult

COLUMNS = ("Case", "Organisation", "Spun out", "Trading", "Next due", "What", "Staff", "LGPS")


class MonitoringScreen(DeskScreen):
    """Every mutual under monitoring, one row each, soonest due first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to where you were"),
        Binding("r", "refresh", "Refresh", tooltip="Read the records again"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="monitoring-summary")
        yield DataTable(id="monitoring-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="monitoring-notes")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Monitoring after spin-out"
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)

    def action_refresh(self) -> None:
        records_changed(self.app)  # every screen reads the records again

    def reload(self) -> None:
        """Read the mutuals again (on opening and after any change)."""
        desk = self.desk
        if desk is None:
            return
        table = self.query_one(DataTable)
        table.clear()
        today = desk.core.today()
        found = desk.support.monitoring()
        notes: list[Text] = []
        rows = []
        for mutual in found:
            case = desk.cases.get(mutual.case_id)
            due = mutual.due()
            code, title, day = due[0] if due else ("", "nothing due", None)
            late = day is not None and day < today
            rows.append(
                (
                    day.isoformat() if day else "9999",
                    mutual.case_id,
                    [
                        Text(mutual.case_id),
                        Text(case.organisation),
                        Text(mutual.spun_out_on.isoformat()),
                        Text(
                            "yes" if mutual.trading else "no", style="" if mutual.trading else "red"
                        ),
                        Text(day.isoformat() if day else "—", style="bold red" if late else ""),
                        Text(f"{code} {title}".strip()),
                        Text("" if mutual.staff is None else str(mutual.staff)),
                        Text("yes" if mutual.lgps else ""),
                    ],
                )
            )
            if mutual.pensions_note:
                notes.append(Text(f"{mutual.case_id}: {mutual.pensions_note}"))
        for _, key, cells in sorted(rows, key=lambda r: (r[0], r[1])):
            table.add_row(*cells, key=key)
        live = sum(1 for m in found if m.trading)
        self.sub_title = f"as of {today.isoformat()}"
        self.query_one("#monitoring-summary", Static).update(
            Text(f"{live} live mutual{'s' if live != 1 else ''} of {len(found)} spun out")
        )
        self.query_one("#monitoring-notes", Static).update(Text("\n").join(notes))
