"""Asked when closing the note editor with unsaved text: keep it as a draft, or discard it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

MESSAGE = (
    "This note has text that is not saved. Keep it as a draft (offered back the next time "
    "you open this note) or throw it away?"
)


class LeaveNote(ModalScreen[str | None]):
    """Dismisses with "keep", "discard", or None (Escape: back to the editor)."""

    CSS_PATH = Path(__file__).parent.parent / "notes.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to the note"),
        Binding("k", "choose('keep')", "Keep draft", show=False),
        Binding("d", "choose('discard')", "Discard", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="note-leave-dialog"):
            yield Label("Close the note?", id="note-leave-title")
            yield Static(MESSAGE, id="note-leave-message")
            with Horizontal(id="note-leave-buttons"):
                yield Button(Text("Keep draft [k]"), variant="primary", id="keep")
                yield Button(Text("Discard [d]"), variant="error", id="discard")
                yield Button(Text("Back [Esc]"), id="back")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "back" else event.button.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_back(self) -> None:
        self.dismiss(None)
