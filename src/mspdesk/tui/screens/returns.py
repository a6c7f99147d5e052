"""Quarterly returns: the figures `mspdesk returns` prints, for the quarter chosen, with bar
charts of spend by kind and by provider. `[` and `]` move a quarter back or on. Reached from
the command palette ("Quarterly returns")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static

from mspdesk.domain.returns import Quarter, Returns, returns_lines
from mspdesk.domain.support import pounds
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from textual.app import ComposeResult

BAR_WIDTH = 12


def bars(title: str, parts: dict[str, int], labels: dict[str, str]) -> Text:
    """A title and one bar a line, longest for the largest, with the amount (pence)."""
    text = Text(f"{title}\n", style="bold")
    largest = max(parts.values(), default=0)
    for key, value in sorted(parts.items(), key=lambda item: (-item[1], item[0])):
        filled = round(BAR_WIDTH * value / largest) if largest else 0
        text.append(f"{labels.get(key, key)[:14]:<14} ")
        text.append("█" * filled, style="green")
        text.append("·" * (BAR_WIDTH - filled), style="dim")
        text.append(f" {pounds(value)}\n")
    if not parts:
        text.append("No support committed by the quarter's end.\n", style="dim")
    return text


class ReturnsScreen(DeskScreen):
    """One quarter's return."""

    DEFAULT_CSS = """
    ReturnsScreen #returns-figures { width: 76; }
    ReturnsScreen #returns-charts { width: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "move(-1)", "Quarter back"),
        Binding("right_square_bracket", "move(1)", "Quarter on"),
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to where you were"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.quarter: Quarter | None = None  # this quarter, once the desk is open
        self.result: Returns | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="returns-figures"):
                yield Static("", id="returns-text")
            with VerticalScroll(id="returns-charts"):
                yield Static("", id="returns-by-kind")
                yield Static("", id="returns-by-provider")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Quarterly returns"

    def action_move(self, step: int) -> None:
        if self.quarter is None:
            return
        index = self.quarter.year * 4 + self.quarter.number - 1 + step
        self.quarter = Quarter(index // 4, index % 4 + 1)
        self.reload()

    def reload(self) -> None:
        """Work out the quarter's return again (on opening, moving and after any change)."""
        desk = self.desk
        if desk is None:
            return
        if self.quarter is None:
            today = desk.core.today()
            self.quarter = Quarter(today.year, (today.month - 1) // 3 + 1)
        quarter = self.quarter
        result = desk.support.returns(quarter)
        self.result = result
        names = {p.id: p.name for p in desk.support.providers()}
        self.sub_title = str(quarter)
        self.query_one("#returns-text", Static).update(
            Text("\n".join(returns_lines(result, names)))
        )
        kinds = {k: v.committed_to_date.value for k, v in result.by_kind.items()}
        providers = {k: v.committed_to_date.value for k, v in result.by_provider.items()}
        self.query_one("#returns-by-kind", Static).update(
            bars("Committed to date by kind", kinds, {})
        )
        self.query_one("#returns-by-provider", Static).update(
            bars("Committed to date by provider", providers, names)
        )
