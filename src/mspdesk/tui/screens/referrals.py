"""All referrals: a filterable virtual table with the selected one in a detail pane."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header

from mspdesk.tui.rows import REFERRAL_COLUMNS, referral_row
from mspdesk.tui.screens.list_screen import FILTER_KEYS, ListScreen
from mspdesk.tui.widgets.key_bar import KeyBar, hidden
from mspdesk.tui.widgets.record_list import ListSpec
from mspdesk.tui.widgets.record_table import RecordTable, Row
from mspdesk.tui.widgets.referral_detail import ReferralDetail
from mspdesk.tui.words import count_of

if TYPE_CHECKING:
    from typing import Any

    from textual.app import ComposeResult

    from mspdesk.desk import Desk


class ReferralsScreen(ListScreen):
    """Every referral, newest first; `/` filters as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *FILTER_KEYS,
        Binding("n", "add_note", "Add note", tooltip="Write a note on the selected referral"),
        Binding("a", "new_referral", "New referral", tooltip="Type in a new referral"),
        Binding("e", "edit_referral", "Edit", tooltip="Change the selected referral's details"),
        hidden(
            "E",
            "erase_referral",
            "Erase",
            "Erase its contact, enquiry and notes (cannot be undone)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._records: list[dict[str, Any]] = []
        self._rows: list[Row] = []
        self._select_next: str | None = None

    LIST = ListSpec(
        REFERRAL_COLUMNS,
        placeholder="Filter: type words from a name, reference, area…",
        empty="No referrals yet. Press a to add one (or import a file from the inbox).",
        no_match="No referral matches the filter.",
        filter_always_shown=True,
        list_id="list-pane",
        table_id="referrals",
        filter_id="filter",
        status_id="list-status",
    )

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield self.LIST.build(self.describe)
            # The detail pane is mounted with the data: one widget less before the first frame.
        yield KeyBar()

    def describe(self, shown: int, total: int) -> str:
        return count_of(shown, total, "referral")

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
        haystacks = [referral_haystack(record, row) for record, row in zip(*loaded, strict=True)]
        self.records.show(self._rows, haystacks)
        if self._select_next is not None:  # a referral just added or changed
            self.jump_to(self._select_next)
            self._select_next = None

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

    def action_erase_referral(self) -> None:
        from mspdesk.tui.screens.erase_modal import erase_record

        key = self.query_one(RecordTable).current_key
        if key is None:
            self.notify("Choose a referral first.", severity="warning")
            return
        what = f"the contact, enquiry and notes of referral {key}"
        erase_record(self.app, key, what, done=lambda _: self._show_detail(key))

    def jump_to(self, key: str) -> None:
        """Show and select the referral `key` (clearing the filter if it hides it)."""
        records = self.records
        records.select(key)
        records.table.focus()


def referral_haystack(record: dict[str, Any], row: Row) -> str:
    """What a referral is found by: reference, names, service area, region and the labels
    shown in its row."""
    fields = ("id", "organisation", "parent_body", "service_area", "region")
    return " ".join([*(str(record.get(name) or "") for name in fields), *row.cells])
