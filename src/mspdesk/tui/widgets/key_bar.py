"""The key bar at the bottom of every screen: the keys that work here, in one line.

Textual's Footer mounts a widget per key and restyles each on every change;
measured on the inbox it cost ~100 ms of a ~450 ms first frame. This draws the
same information as one line of text. Clicking a key presses it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.events import Click
from textual.screen import Screen
from textual.widget import Widget


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

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        line = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        palette_key = self.app.COMMAND_PALETTE_BINDING
        palette: tuple[str, str] | None = None
        seen_actions: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if key == palette_key and self.app.ENABLE_COMMAND_PALETTE:
                palette = (key, self.app.get_key_display(binding))
                continue
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            start = line.cell_len
            style = key_style if active.enabled else key_style + text_style
            line.append(f" {self.app.get_key_display(binding)} ", style=style)
            line.append(f"{binding.description} ", style=text_style)
            self._spans.append((start, line.cell_len, key))
        if palette is not None:
            tail = Text.assemble((f" {palette[1]} ", key_style), ("palette ", text_style))
            gap = self.size.width - line.cell_len - tail.cell_len
            if gap > 0:
                line.append(" " * gap)
                start = line.cell_len
                line.append_text(tail)
                self._spans.append((start, line.cell_len, palette[0]))
        return line

    async def _on_click(self, event: Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
