"""All referrals: a filterable virtual table with the selected one in a detail pane."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Static

from mspdesk.tui.rows import REFERRAL_COLUMNS, referral_row
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_table import RecordTable, Row
from mspdesk.tui.widgets.referral_detail import ReferralDetail

if TYPE_CHECKING:
    from typing import Any

    from textual.app import ComposeResult

    from mspdesk.desk import Desk


class ReferralsScreen(DeskScreen):
    """Every referral, newest first; `/` filters as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Filter the list as you type"),
        Binding("escape", "clear_filter", "Back to list", show=False),
        Binding("n", "add_note", "Add note", tooltip="Write a note on the selected referral"),
        Binding("a", "new_referral", "New referral", tooltip="Type in a new referral"),
        Binding("e", "edit_referral", "Edit", tooltip="Change the selected referral's details"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._records: list[dict[str, Any]] = []
        self._rows: list[Row] = []
        self._select_next: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield Input(
                    placeholder="Filter: type words from a name, reference, area…", id="filter"
                )
                yield RecordTable(REFERRAL_COLUMNS, id="referrals", empty_text="Loading…")
                yield Static("", id="list-status")
            # The detail pane is mounted with the data: one widget less before the first frame.
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RecordTable).focus()

    def reload(self) -> None:
        self.load_rows()

    def load_rows(self) -> None:
        """Build the rows off the UI thread, then show them."""

        def fetch(desk: Desk) -> tuple[list[dict[str, Any]], list[Row]]:
            records = desk.referrals.rows()
            return records, [referral_row(record) for record in records]

        self.load_in_background(fetch, self._show_rows)

    def _show_rows(self, loaded: tuple[list[dict[str, Any]], list[Row]]) -> None:
        self._records, self._rows = loaded
        if not self.query(ReferralDetail):
            self.query_one("#main", Horizontal).mount(ReferralDetail(id="detail"))
        table = self.query_one(RecordTable)
        table.empty_text = "No referrals yet. Press a to add one (or import a file from the inbox)."
        self._apply_filter(self.query_one("#filter", Input).value)
        if self._select_next is not None:  # a referral just added or changed
            self.jump_to(self._select_next)
            self._select_next = None

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    def _apply_filter(self, text: str) -> None:
        desk = self.desk_app.desk
        table = self.query_one(RecordTable)
        if desk is None:
            return
        if text.strip():
            keep = {id(r) for r in desk.referrals.search(text, self._records)}
            rows = [
                row
                for record, row in zip(self._records, self._rows, strict=True)
                if id(record) in keep
            ]
            table.empty_text = "No referral matches the filter."
        else:
            rows = self._rows
        table.set_rows(rows)
        shown = len(rows)
        total = len(self._rows)
        status = f"{shown:,} of {total:,} referrals" if shown != total else f"{total:,} referrals"
        self.query_one("#list-status", Static).update(status)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(RecordTable).focus()

    @on(RecordTable.Highlighted, "#referrals")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show_detail(event.key)

    def _show_detail(self, key: str | None) -> None:
        desk = self.desk_app.desk
        found = self.query(ReferralDetail)
        if not found:
            return
        detail = found.first()
        if desk is None or key is None or not desk.referrals.exists(key):
            detail.show(None, [])
            return
        detail.show(desk.referrals.get(key), desk.history(key))

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus and box.value:
            box.value = ""
        self.query_one(RecordTable).focus()

    def action_add_note(self) -> None:
        from mspdesk.tui.note_actions import write_note

        key = self.query_one(RecordTable).current_key
        desk = self.desk_app.desk
        if key is None or desk is None or not desk.referrals.exists(key):
            self.notify("Choose a referral first.", severity="warning")
            return
        title = desk.referrals.get(key).organisation
        write_note(self.app, key, title=title, done=lambda _: self._show_detail(key))

    def select_when_loaded(self, key: str) -> None:
        """Put the cursor on referral `key` when the rows next load (it was just saved)."""
        self._select_next = key

    def action_new_referral(self) -> None:
        from mspdesk.tui.intake_actions import new_referral

        new_referral(self.app, self.select_when_loaded)

    def action_edit_referral(self) -> None:
        from mspdesk.tui.intake_actions import edit_referral

        key = self.query_one(RecordTable).current_key
        if key is None:
            self.notify("Choose a referral first.", severity="warning")
            return
        edit_referral(self.app, key, self.select_when_loaded)

    def jump_to(self, key: str) -> None:
        """Show and select the referral `key` (clearing the filter if it hides it)."""
        table = self.query_one(RecordTable)
        if not table.move_to(key):
            box = self.query_one("#filter", Input)
            box.value = ""
            self._apply_filter("")
            table.move_to(key)
        table.focus()
