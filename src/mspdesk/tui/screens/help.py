"""The help screen (F1 or ?): what the desk is for and every key that works here."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "mspdesk keeps referrals from the Mutuals Information Service, their triage, the cases "
    "the Support Programme takes on, notes, and guidance — all on this laptop. Every change "
    "is saved to disk the moment it is made; Ctrl+Z undoes the last one."
)

COVERED_KEYS = frozenset(
    {"f1", "question_mark", "ctrl+p", "ctrl+z", "slash", "up", "down", "j", "k", "enter", "q"}
)
GENERAL_KEYS = [
    ("F1 / ?", "this help"),
    ("Ctrl+P", "command palette: find a referral, switch screens, undo, …"),
    ("Ctrl+Z", "undo the last change"),
    ("/", "filter the list as you type (Esc to go back to the list)"),
    ("↑ ↓ / j k", "move in a list"),
    ("Enter", "open the selected record"),
    ("q", "quit (everything is already saved)"),
]


class HelpScreen(ModalScreen[None]):
    """Keys and a short explanation; Escape, q or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("mspdesk — help", style="bold"), id="help-title")
            yield Static(Text(INTRO), id="help-intro")
            yield Static(self._keys_table(), id="help-keys")

    def _keys_table(self) -> Table:
        table = Table(show_header=True, header_style="bold", box=None, expand=True)
        table.add_column("Key", no_wrap=True)
        table.add_column("What it does")
        for key, what in GENERAL_KEYS:
            table.add_row(Text(key), Text(what))
        # Then whatever else the screen underneath offers.
        screen = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else self.app.screen
        seen = set(COVERED_KEYS)
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if key in seen or not binding.description:
                continue
            seen.add(key)
            shown = self.app.get_key_display(binding)
            table.add_row(Text(shown), Text(binding.tooltip or binding.description))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
