"""The possible-duplicates queue: each marked referral beside the one it looks like.

`b` keeps both (asks why; the mark goes, the reason stays), `m` merges the marked one into
its match, `M` merges the match into the marked one; Enter opens the marked one in the form.
Each is one change: Ctrl+Z undoes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from mspdesk.domain.errors import UserError
from mspdesk.tui.access import STILL_OPENING, open_desk, records_changed, report, writable_desk
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.record_table import Column, RecordTable, Row, printable

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

    from mspdesk.desk import Desk, PossibleDuplicate
    from mspdesk.domain.referral import Referral

COMMAND = "Possible duplicates"
COMMAND_HELP = "Review referrals that look like another: keep both or merge (F9)"
COLUMNS = [
    Column("id", "Reference", 12),
    Column("received", "Received", 10),
    Column("organisation", "Organisation", 28, flex=True),
    Column("parent", "Parent body", 24, flex=True),
    Column("source_ref", "Source ref", 14),
    Column("match", "Looks like", 12),
]


def open_duplicates(app: App[Any]) -> None:
    """Show the queue (once the desk is open)."""
    if open_desk(app) is None:
        app.notify(STILL_OPENING, severity="warning")
        return
    if not isinstance(app.screen, DuplicatesScreen):
        app.push_screen(DuplicatesScreen())


def referral_panel(title: str, referral: Referral | None) -> Group:
    """One referral's identifying facts, as plain text."""
    heading = Text(title, style="bold underline")
    if referral is None:
        return Group(heading, Text("No longer on the desk.", style="dim"))
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    contact = referral.contact
    for label, value in [
        ("Reference", referral.id),
        ("Source ref", referral.source_ref),
        ("Organisation", referral.organisation),
        ("Parent body", referral.parent_body),
        ("Received", f"{referral.received:%d %b %Y}"),
        ("Status", referral.status.label),
        ("Service area", referral.service_area),
        ("Staff", "" if referral.staff_in_scope is None else f"{referral.staff_in_scope:,}"),
        ("Value", "" if referral.contract_value is None else f"£{referral.contract_value:,}"),
        ("Contact", ", ".join(p for p in (contact.name, contact.email) if p)),
        ("Case", referral.case_id or ""),
    ]:
        if value or label == "Reference":
            facts.add_row(Text(label), Text(printable(value)))
    parts: list[Text | Table] = [heading, facts]
    if referral.enquiry:
        parts.append(Text(printable(referral.enquiry.splitlines()[0])[:200], style="italic"))
    return Group(*parts)


class DuplicatesScreen(DeskScreen):
    """Marked referrals, oldest first, with the selected one beside its match."""

    CSS_PATH = Path(__file__).parent.parent / "duplicates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "keep", "Keep both", tooltip="They are different: keep both, say why"),
        Binding("m", "merge", "Merge into match", tooltip="Fold this one into the one it matches"),
        Binding("M", "merge_back", "Merge match in", tooltip="Fold the match into this one"),
        Binding("escape", "close", "Back", tooltip="Back to where you were"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[PossibleDuplicate] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="duplicates-title")
        yield RecordTable(
            COLUMNS, id="duplicates-table", empty_text="No possible duplicates to review."
        )
        with Horizontal(id="duplicates-sides"):
            with VerticalScroll(classes="duplicates-side"):
                yield Static("", id="duplicates-this")
            with VerticalScroll(classes="duplicates-side"):
                yield Static("", id="duplicates-match")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RecordTable).focus()

    def reload(self) -> None:
        """Read the queue again (on opening, and after any change, Ctrl+Z included)."""
        desk = self.desk
        if desk is None:
            return
        self.queue = desk.duplicates.queue()
        table = self.query_one(RecordTable)
        keep = table.current_key
        table.set_rows(
            [
                Row(
                    item.referral.id,
                    (
                        item.referral.id,
                        f"{item.referral.received:%d/%m/%Y}",
                        item.referral.organisation,
                        item.referral.parent_body,
                        item.referral.source_ref,
                        item.referral.possible_duplicate_of or "",
                    ),
                )
                for item in self.queue
            ],
            keep=keep,
        )
        count = len(self.queue)
        title = Text("Possible duplicates", style="bold")
        title.append(
            f"  {count} to review · b keep both · m merge into its match · "
            "M merge the match into it · Ctrl+Z undoes",
            style="dim",
        )
        self.query_one("#duplicates-title", Static).update(title)
        self._show(table.current_key)

    def current(self) -> PossibleDuplicate | None:
        key = self.query_one(RecordTable).current_key
        return next((item for item in self.queue if item.referral.id == key), None)

    @on(RecordTable.Highlighted)
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show(event.key)

    @on(RecordTable.Selected)
    def _selected(self, event: RecordTable.Selected) -> None:
        from mspdesk.tui.intake_actions import edit_referral

        edit_referral(self.app, event.key)  # Enter opens the marked referral to correct it

    def _show(self, key: str | None) -> None:
        item = next((i for i in self.queue if i.referral.id == key), None)
        this = self.query_one("#duplicates-this", Static)
        match = self.query_one("#duplicates-match", Static)
        if item is None:
            this.update(Text("Nothing selected.", style="dim"))
            match.update(Text(""))
            return
        this.update(referral_panel("Marked", item.referral))
        match.update(referral_panel("Looks like", item.match))

    # ------------------------------------------------------------------ actions

    def _writable(self) -> tuple[Desk, PossibleDuplicate] | None:
        desk = writable_desk(self.app)
        if desk is None:
            return None
        item = self.current()
        if item is None:
            self.notify("Nothing selected.")
            return None
        return desk, item

    def action_keep(self) -> None:
        from mspdesk.tui.screens.case_forms import Field, FormModal, Values

        chosen = self._writable()
        if chosen is None:
            return
        desk, item = chosen
        referral_id = item.referral.id

        def submit(values: Values) -> None:
            desk.duplicates.keep(referral_id, values["reason"])

        def done(values: Values | None) -> None:
            if values is not None:
                self._changed(f"Kept {referral_id} apart. Ctrl+Z undoes it.")

        form = FormModal(
            f"Keep {referral_id} and {item.referral.possible_duplicate_of} both",
            [Field("reason", "Why are they different?", placeholder="e.g. two teams")],
            submit,
            explain="The mark goes; the reason stays on the referral.",
        )
        self.app.push_screen(form, done)

    def action_merge(self) -> None:
        chosen = self._writable()
        if chosen is None:
            return
        desk, item = chosen
        if item.match is not None:
            self._merge(desk, item.referral.id, item.match.id)

    def action_merge_back(self) -> None:
        chosen = self._writable()
        if chosen is None:
            return
        desk, item = chosen
        if item.match is not None:
            self._merge(desk, item.match.id, item.referral.id)

    def _merge(self, desk: Desk, away: str, into: str) -> None:
        from mspdesk.tui.screens.confirm import Confirm

        def chosen(yes: bool | None) -> None:
            if not yes:
                return
            try:
                desk.duplicates.merge(away, into)
            except UserError as error:
                report(self.app, error, title="Not merged")
                return
            self._changed(f"Merged {away} into {into}. Ctrl+Z undoes it.")

        message = (
            f"{away} will be closed as merged into {into}; its notes, triage decisions and "
            f"source reference move to {into}. One change: Ctrl+Z undoes it."
        )
        self.app.push_screen(Confirm(f"Merge {away} into {into}?", message, yes="Merge"), chosen)

    def _changed(self, message: str) -> None:
        self.notify(message, title="Possible duplicates", markup=False)
        records_changed(self.app)  # every screen reloads: this one now, the others when shown

    def action_close(self) -> None:
        self.dismiss(None)
