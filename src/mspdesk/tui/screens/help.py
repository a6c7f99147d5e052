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

from mspdesk.tui.widgets.key_bar import key_display

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


def desk_actions(node: object) -> set[str]:
    """The actions the desk's own classes bind on `node` (not the toolkit's defaults)."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("mspdesk."):
            for binding in getattr(cls, "BINDINGS", ()):
                if isinstance(binding, Binding):
                    actions.add(binding.action)
                elif isinstance(binding, tuple) and len(binding) > 1:
                    actions.add(str(binding[1]))
    return actions


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
        screen = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else self.app.screen
        own: list[tuple[str, str]] = []
        desk: list[tuple[str, str]] = []
        framework: list[tuple[str, str]] = []
        widget_keys: list[tuple[str, str]] = []
        """Keys of the focused widget (the list), shown after the screen's."""
        seen = set(COVERED_KEYS)
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if key in seen or not binding.description:
                continue
            seen.add(key)
            shown = key_display(self.app.get_key_display(binding))
            line = (shown, binding.tooltip or binding.description)
            if binding.action not in desk_actions(active.node):
                framework.append(line)
            elif active.node is self.app:
                desk.append(line)
            elif active.node is screen:
                own.insert(len(own) - len(widget_keys), line)
            else:
                widget_keys.append(line)
                own.append(line)
        # The screen's own keys first: they are what the adviser opened help for.
        title = screen.title or type(screen).__name__.removesuffix("Screen")
        table.add_row(Text(f"On this screen ({title})", style="bold"), Text(""))
        for key, what in own or [("", "no keys of its own")]:
            table.add_row(Text(key), Text(what))
        table.add_row(Text(""), Text(""))
        table.add_row(Text("Everywhere", style="bold"), Text(""))
        for key, what in [*GENERAL_KEYS, *desk]:
            table.add_row(Text(key), Text(what))
        if framework:
            table.add_row(Text(""), Text(""))
            table.add_row(Text("Also (the terminal toolkit's)", style="bold"), Text(""))
            for key, what in framework:
                table.add_row(Text(key), Text(what))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
