"""The key bar at the bottom of every screen: the keys that work here, in one line.

Textual's Footer mounts a widget per key and restyles each on every change;
measured on the inbox it cost ~100 ms of a ~450 ms first frame. This draws the
same information as one line of text. Clicking a key presses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.screen import Screen
from textual.widget import Widget

MORE = "more"
"""The last key on a bar too narrow for every key: F1 lists them all."""

APP_KEY_RANKS = {
    "help": 1,
    "quit": 2,
    "go_back": 2,
    "undo": 3,
    "redo": 4,
    "switch_mode('inbox')": 10,
    "switch_mode('cases')": 11,
    "switch_mode('agenda')": 12,
    "switch_mode('guidance')": 13,
    "switch_mode('reports')": 14,
}
"""Which of the desk's own keys stay longest on a narrow bar (lower stays longer)."""


def hidden(keys: str, action: str, description: str, tooltip: str) -> Binding:
    """A key that works but is not on the bar (rare, or undoable only by hand): F1 lists it."""
    return Binding(keys, action, description, tooltip=tooltip, show=False)


@dataclass(frozen=True)
class KeyEntry:
    key: str
    shown: str
    description: str
    enabled: bool
    rank: int
    """Lower stays longer; the screen's own keys come in the order the screen lists them."""

    @property
    def width(self) -> int:
        return cell_len(self.shown) + cell_len(self.description) + 3


def key_display(shown: str) -> str:
    """Function keys as printed on the keyboard: F1, not f1."""
    return shown.upper() if shown[:1] == "f" and shown[1:].isdigit() else shown


def fit_keys(entries: list[KeyEntry], width: int, palette: KeyEntry | None = None) -> set[KeyEntry]:
    """The entries that fit in `width`, most important first, leaving room for `F1 more`.

    The screen's own keys matter most (in their order), then the desk's by rank; the
    palette key is shown only when every other key fits.
    """
    total = sum(entry.width for entry in entries)
    if total + (palette.width if palette else 0) <= width:
        return set(entries) | ({palette} if palette else set())
    if total <= width:
        return set(entries)
    more = KeyEntry("f1", "F1", MORE, True, 0).width
    # `F1 more` stands in for F1 Help.
    order = sorted(
        (i for i in range(len(entries)) if entries[i].key != "f1"),
        key=lambda i: (entries[i].rank, i),
    )
    kept: set[KeyEntry] = set()
    used = more
    for index in order:
        entry = entries[index]
        if used + entry.width <= width:
            kept.add(entry)
            used += entry.width
    return kept


class KeyBar(Widget):
    """Shows the active screen's visible bindings, and the command palette key on the right."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def entries(self) -> list[KeyEntry]:
        """The keys to show, in the order shown: this screen's own, then the desk's."""
        own: list[KeyEntry] = []
        desk: list[KeyEntry] = []
        seen_actions: set[str] = set()
        palette_key = self.app.COMMAND_PALETTE_BINDING
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if key == palette_key or not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            entry = KeyEntry(
                key=key,
                shown=key_display(self.app.get_key_display(binding)),
                description=binding.description,
                enabled=active.enabled,
                rank=APP_KEY_RANKS.get(binding.action, 20) if active.node is self.app else 5,
            )
            (desk if active.node is self.app else own).append(entry)
        return own + desk

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        entries = self.entries()
        palette: KeyEntry | None = None
        if self.app.ENABLE_COMMAND_PALETTE:
            key = self.app.COMMAND_PALETTE_BINDING
            palette = KeyEntry(key, self.app.get_key_display(Binding(key, "")), "palette", True, 0)
        width = self.size.width
        shown = fit_keys(entries, width, palette)
        line = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for entry in entries:
            if entry in shown:
                self._append(line, entry, key_style, text_style)
        tail: list[KeyEntry] = []
        if len(shown) < len(entries):
            tail.append(KeyEntry("f1", "F1", MORE, True, 0))
        if palette is not None and palette in shown:
            tail.append(palette)
        tail_width = sum(entry.width for entry in tail)
        gap = width - line.cell_len - tail_width
        if tail and gap > 0:
            line.append(" " * gap)
        for entry in tail:
            self._append(line, entry, key_style, text_style)
        return line

    def _append(self, line: Text, entry: KeyEntry, key_style: Style, text_style: Style) -> None:
        start = line.cell_len
        style = key_style if entry.enabled else key_style + text_style
        line.append(f" {entry.shown} ", style=style)
        line.append(f"{entry.description} ", style=text_style)
        self._spans.append((start, line.cell_len, entry.key))

    async def _on_click(self, event: Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
