"""The inbox: referrals waiting for triage, oldest first, overdue ones in red."""

from __future__ import annotations

import asyncio
import gc
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Header

from mspdesk.tui.access import report
from mspdesk.tui.inbox_head import head_rows
from mspdesk.tui.inbox_model import InboxModel
from mspdesk.tui.inbox_rows import (
    INBOX_COLUMNS,
    SORT_ORDERS,
    InboxEntry,
    inbox_entries,
    inbox_entry,
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
    from mspdesk.inbox_head import InboxHead

LOADING = "The desk is still loading; try again in a moment."


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
        self._model = InboxModel()
        self._sort_index = 0
        self._reverse = False
        self._select_next: str | None = None
        self._head: InboxHead | None = None
        """The cached head on show until the whole inbox is loaded (mspdesk/inbox_head.py)."""
        self._live = False
        # The first screen is made as the app starts, its stylesheet parsed a moment ago
        # with the theme's variables: without this Textual parses it all again before the
        # first frame (a mode's new screen is assumed to have missed a CSS change).
        self._css_update_count = self.app._css_update_count
        """Whether the rows shown are the desk's (not the head's): keys that act wait for it."""
        self._synced = -1
        """The change number the entries reflect; later changes are applied row by row."""

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
        yield self.LIST.build(self.describe)  # no container: each one is drawn, covered or not
        yield KeyBar()

    def on_mount(self) -> None:
        app = self.desk_app
        app.inbox_for_head = self.entries_for_head
        if app.desk is None:
            self._paint_head(app.inbox_head())

    def _paint_head(self, head: InboxHead | None) -> None:
        """Show the cached first rows while the desk loads (only if they are current)."""
        if head is None:
            return
        self._head = head
        rows = head_rows(head, self.desk_app.today())
        self.records.show(rows, [""] * len(rows), folded=True)

    def reload(self) -> None:
        if self._live and self._apply_changes():
            return
        self.load_rows()

    def load_rows(self) -> None:
        """Build the inbox off the UI thread, then show it."""
        order, reverse = SORT_ORDERS[self._sort_index], self._reverse

        def fetch(desk: Desk) -> tuple[int, InboxModel]:
            seq = desk.triage.change_number()  # before reading: later changes apply after
            model = InboxModel()
            entries = inbox_entries(desk.triage.inbox_rows())
            model.load(sort_entries(entries, order, reverse=reverse), order, reverse)
            return seq, model

        self.load_in_background(
            fetch, self._show_loaded, failed=lambda e: report(self.app, e, title="Triage rubric")
        )

    def _show_loaded(self, loaded: tuple[int, InboxModel]) -> None:
        self._synced, self._model = loaded
        self._head, self._live = None, True
        self._draw()
        gc.freeze()  # the entries live until the next full load: the cyclic GC can skip them
        if self._apply_changes():  # changes saved while the worker was reading
            return
        self.load_rows()

    def _apply_changes(self) -> bool:
        """Bring the rows up to date by redrawing only the referrals changed since they were
        read (a triage or an undo touches one). False if the whole inbox must be read again."""
        changed = self._catch_up()
        if changed is None:
            return False
        if changed:
            self._draw()
        return True

    def _catch_up(self) -> bool | None:
        """Patch the entries with the changes since `_synced`: True if any, None if they
        are too many to patch (or cannot be told)."""
        desk = self.desk
        if desk is None or self._synced < 0:
            return None
        if desk.triage.change_number() == self._synced:
            return False
        seq, touched = desk.triage.changed_since(self._synced)
        if touched is None:
            return None
        items = desk.triage.inbox_items(touched)
        self._model.patch(touched, [inbox_entry(item) for item in items.values()])
        self._synced = seq
        return True

    def entries_for_head(self) -> tuple[int, list[InboxEntry]] | None:
        """The inbox's entries and the change they reflect, brought up to date, for the
        head written at close; None if the whole inbox was never loaded."""
        if not self._live or self._catch_up() is None:
            return None
        return self._synced, self._model.entries

    def _draw(self) -> None:
        keep, self._select_next = self._select_next, None  # a referral just added
        model, records = self._model, self.records
        at = model.index_of(keep or records.table.current_key)
        records.show(
            model.rows, model.haystacks, keep=keep, folded=True, at=-1 if at is None else at
        )

    def describe(self, shown: int, total: int) -> str:
        head = self._head
        if head is not None:
            overdue = head.overdue_on(self.desk_app.today())
            return (
                f"Loading the desk… the first {shown:,} of {head.total:,} waiting for triage"
                f" · {overdue:,} overdue"
            )
        counts = f"{shown:,} of {total:,}" if shown != total else f"{total:,}"
        order = SORT_ORDERS[self._sort_index].name + (" (reversed)" if self._reverse else "")
        return f"{counts} waiting for triage · {self._model.overdue:,} overdue · sorted by {order}"

    async def loaded(self, timeout: float = 30.0) -> None:
        """Return once the desk's rows are on show (or after `timeout` seconds)."""
        waited = 0.0
        while not self._live and waited < timeout:
            await asyncio.sleep(0.02)
            waited += 0.02

    def _waiting(self) -> bool:
        """True (and says so) while the rows are not yet the desk's: keys wait for the load."""
        if self._live:
            return False
        self.notify(LOADING, timeout=2)
        return True

    def action_filter(self) -> None:
        if not self._waiting():
            super().action_filter()

    def _detail(self) -> ReferralDetail | None:
        """The detail pane, if it was ever opened (it is made on first use: a pane not shown
        would only slow the first frame)."""
        found = self.query(ReferralDetail)
        return found.first() if found else None

    def action_back(self) -> None:
        """Escape: clear the filter if typing in it, else close the detail pane."""
        records = self.records
        detail = self._detail()
        if not records.filter_box.has_focus and detail is not None and detail.display:
            detail.display = False
            records.table.focus()
            return
        records.leave_filter()

    # ------------------------------------------------------------------ sort

    def action_sort(self) -> None:
        if self._waiting():
            return
        self._sort_index = (self._sort_index + 1) % len(SORT_ORDERS)
        self._reverse = False
        self._resort()

    def action_reverse(self) -> None:
        if self._waiting():
            return
        self._reverse = not self._reverse
        self._resort()

    def _resort(self) -> None:
        order = SORT_ORDERS[self._sort_index]
        self._model.resort(order, self._reverse)
        self._draw()
        self.notify(f"Sorted by {order.name}", timeout=1.5)

    # ------------------------------------------------------------------ detail

    @on(RecordTable.Selected, "#inbox-table")
    async def _selected(self, event: RecordTable.Selected) -> None:
        if self._waiting():
            return
        detail = self._detail()
        if detail is None:
            detail = ReferralDetail(id="inbox-detail")
            await self.mount(detail, after=self.records)
        else:
            detail.display = not detail.display
        if detail.display:
            self._show_detail(event.key, detail)

    @on(RecordTable.Highlighted, "#inbox-table")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        detail = self._detail()
        if detail is not None and detail.display:
            self._show_detail(event.key, detail)

    def _show_detail(self, key: str | None, detail: ReferralDetail) -> None:
        desk = self.desk_app.desk
        if desk is None or key is None or not desk.referrals.exists(key):
            detail.show(None, [])
            return
        detail.show(desk.referrals.get(key), desk.history(key))

    # ------------------------------------------------------------------ intake

    def select_when_loaded(self, key: str) -> None:
        """Put the cursor on referral `key` when the rows next load (it was just added)."""
        self._select_next = key

    def action_new_referral(self) -> None:
        if self._waiting():
            return
        from mspdesk.tui.intake_actions import new_referral

        new_referral(self.app, self.select_when_loaded)

    def action_import_referrals(self) -> None:
        if self._waiting():
            return
        from mspdesk.tui.intake_actions import import_referrals

        import_referrals(self.app, self.select_when_loaded)

    # ------------------------------------------------------------------ triage

    def action_triage(self) -> None:
        from mspdesk.domain.errors import UserError
        from mspdesk.tui.screens.triage_modal import TriageModal, triage_draft_key

        if self._waiting():
            return
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
