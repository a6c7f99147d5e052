"""The inbox: referrals waiting for triage, oldest first, overdue ones in red."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Header

from mspdesk.tui.access import report
from mspdesk.tui.inbox_rows import (
    INBOX_COLUMNS,
    SORT_ORDERS,
    InboxEntry,
    inbox_entries,
    sort_entries,
)
from mspdesk.tui.screens.list_screen import ListScreen
from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_list import ListSpec
from mspdesk.tui.widgets.record_table import RecordTable
from mspdesk.tui.widgets.referral_detail import ReferralDetail

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.domain.triage import TriageDecision


class InboxScreen(ListScreen):
    """New and awaiting referrals; `t` triages the one under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "triage", "Triage", tooltip="Score and decide the selected referral"),
        Binding("slash", "filter", "Filter", tooltip="Filter the inbox as you type"),
        Binding("s", "sort", "Sort", tooltip="Sort by the next column (age, due, score…)"),
        Binding("S", "reverse", "Reverse", show=False, tooltip="Reverse the sort order"),
        Binding("n", "new_referral", "New", tooltip="Type in a new referral"),
        Binding(
            "i", "import_referrals", "Import", tooltip="Import referrals from a CSV or JSON file"
        ),
        Binding("escape", "back", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[InboxEntry] = []
        self._overdue = 0
        self._sort_index = 0
        self._reverse = False
        self._select_next: str | None = None

    LIST = ListSpec(
        INBOX_COLUMNS,
        placeholder="Filter: words from a reference, name, parent body, route, band…",
        empty="Nothing waiting for triage. New referrals arrive here.",
        no_match="No referral matches the filter.",
        list_id="inbox-list",
        table_id="inbox-table",
        filter_id="inbox-filter",
        status_id="inbox-status",
    )

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="inbox-main"):
            yield self.LIST.build(self.describe)
            yield ReferralDetail(id="inbox-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#inbox-detail").display = False

    def reload(self) -> None:
        self.load_rows()

    def load_rows(self) -> None:
        """Build the inbox off the UI thread, then show it."""
        order, reverse = SORT_ORDERS[self._sort_index], self._reverse

        def fetch(desk: Desk) -> list[InboxEntry]:
            return sort_entries(inbox_entries(desk.triage.inbox_rows()), order, reverse=reverse)

        self.load_in_background(
            fetch, self._show_entries, failed=lambda e: report(self.app, e, title="Triage rubric")
        )

    def _show_entries(self, entries: list[InboxEntry]) -> None:
        keep, self._select_next = self._select_next, None  # a referral just added
        self._entries = entries
        self._overdue = sum(1 for entry in entries if entry.item.overdue)
        rows, haystacks = [e.row for e in entries], [e.haystack for e in entries]
        self.records.show(rows, haystacks, keep=keep)

    def describe(self, shown: int, total: int) -> str:
        counts = f"{shown:,} of {total:,}" if shown != total else f"{total:,}"
        order = SORT_ORDERS[self._sort_index].name + (" (reversed)" if self._reverse else "")
        return f"{counts} waiting for triage · {self._overdue:,} overdue · sorted by {order}"

    def action_back(self) -> None:
        """Escape: clear the filter if typing in it, else close the detail pane."""
        records = self.records
        detail = self.query_one("#inbox-detail")
        if not records.filter_box.has_focus and detail.display:
            detail.display = False
            records.table.focus()
            return
        records.leave_filter()

    # ------------------------------------------------------------------ sort

    def action_sort(self) -> None:
        self._sort_index = (self._sort_index + 1) % len(SORT_ORDERS)
        self._reverse = False
        self._resort()

    def action_reverse(self) -> None:
        self._reverse = not self._reverse
        self._resort()

    def _resort(self) -> None:
        order = SORT_ORDERS[self._sort_index]
        self._show_entries(sort_entries(self._entries, order, reverse=self._reverse))
        self.notify(f"Sorted by {order.name}", timeout=1.5)

    # ------------------------------------------------------------------ detail

    @on(RecordTable.Selected, "#inbox-table")
    def _selected(self, event: RecordTable.Selected) -> None:
        detail = self.query_one("#inbox-detail", ReferralDetail)
        detail.display = not detail.display
        if detail.display:
            self._show_detail(event.key)

    @on(RecordTable.Highlighted, "#inbox-table")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        if self.query_one("#inbox-detail").display:
            self._show_detail(event.key)

    def _show_detail(self, key: str | None) -> None:
        desk = self.desk_app.desk
        detail = self.query_one("#inbox-detail", ReferralDetail)
        if desk is None or key is None or not desk.referrals.exists(key):
            detail.show(None, [])
            return
        detail.show(desk.referrals.get(key), desk.history(key))

    # ------------------------------------------------------------------ intake

    def select_when_loaded(self, key: str) -> None:
        """Put the cursor on referral `key` when the rows next load (it was just added)."""
        self._select_next = key

    def action_new_referral(self) -> None:
        from mspdesk.tui.intake_actions import new_referral

        new_referral(self.app, self.select_when_loaded)

    def action_import_referrals(self) -> None:
        from mspdesk.tui.intake_actions import import_referrals

        import_referrals(self.app, self.select_when_loaded)

    # ------------------------------------------------------------------ triage

    def action_triage(self) -> None:
        from mspdesk.domain.errors import UserError
        from mspdesk.tui.screens.triage_modal import TriageModal, triage_draft_key

        desk = self.desk_app.desk
        key = self.query_one(RecordTable).current_key
        if desk is None or key is None:
            self.notify("Nothing to triage here.")
            return
        if desk.read_only:
            self.notify(
                "This desk is open read-only; decisions cannot be saved.", severity="warning"
            )
            return
        try:
            rubric = desk.triage.rubric()
            referral = desk.referrals.get(key)
        except UserError as error:
            report(self.app, error, title="Cannot triage")
            return
        draft = desk.notes.load_draft(triage_draft_key(key))
        self.app.push_screen(TriageModal(referral, rubric, desk, draft=draft), self._triaged)

    def _triaged(self, decision: TriageDecision | None) -> None:
        if decision is None:
            return
        desk = self.desk_app.desk
        case_id = desk.referrals.get(decision.referral_id).case_id if desk else None
        message = f"{decision.referral_id}: {decision.decision.label.lower()}"
        if case_id and decision.decision.value == "accept":
            message += f"; case {case_id} opened"
        self.notify(message + ". Ctrl+Z undoes it.", title="Triage saved", markup=False)
        self.desk_app.refresh_data()
