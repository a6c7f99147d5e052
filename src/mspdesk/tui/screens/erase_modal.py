"""Erase a record's personal data, confirmed by typing its id (cannot be undone)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

if TYPE_CHECKING:
    from mspdesk.desk import Desk


class EraseModal(ModalScreen[bool]):
    """Type the id, give a reason, press Erase: dismisses True once erased."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, desk: Desk, target: str, what: str) -> None:
        super().__init__()
        self.desk = desk
        self.target = target
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(f"Erase {self.target}"), id="dialog-title")
            yield Static(
                Text(
                    f"This erases {self.what} from every copy the desk keeps: history, "
                    "journal, snapshots, backups and drafts. It cannot be undone.\n\n"
                    f"Type {self.target} to confirm:"
                ),
                id="dialog-message",
            )
            yield Input(placeholder=self.target, id="erase-confirm")
            yield Input(placeholder="Reason (no personal data)", id="erase-reason")
            yield Static("", id="erase-problem")
            with Horizontal(id="dialog-buttons"):
                yield Button("Erase", variant="error", id="erase")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#erase")
    @on(Input.Submitted)
    def _erase(self) -> None:
        from mspdesk.domain.errors import UserError

        typed = self.query_one("#erase-confirm", Input).value.strip()
        problem = self.query_one("#erase-problem", Static)
        if typed != self.target:
            problem.update(Text(f"Type exactly {self.target} to erase."))
            return
        reason = self.query_one("#erase-reason", Input).value
        try:
            stone = self.desk.erase(self.target, reason)
        except UserError as error:
            problem.update(Text(str(error)))
            return
        self.app.notify(
            f"Erased {stone.what} ({stone.id}). This cannot be undone.",
            title="Erased",
            markup=False,
        )
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def erase_record(
    app: App[Any], target: str, what: str, done: Callable[[bool], None] | None = None
) -> None:
    """Open the erase dialog for `target` on the app's desk (refused if read-only). Once
    erased, every screen reads the records again (`records_changed`), then `done` runs."""
    from mspdesk.tui.access import open_desk, records_changed

    desk = open_desk(app)
    if desk is None:
        return
    if desk.read_only:
        app.notify("Nothing can be erased in a read-only desk.", severity="warning")
        return

    def finished(erased: bool | None) -> None:
        if erased:
            records_changed(app)
        if done is not None:
            done(bool(erased))

    app.push_screen(EraseModal(desk, target, what), finished)
