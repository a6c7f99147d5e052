"""Scoring a referral against the rubric, one criterion at a time, by keyboard.

0-3 scores the criterion on show and moves to the next; left/right (or h/l) move between
criteria; Tab moves on and, after the last criterion, leaves the scorer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widget import Widget

from mspdesk.domain.triage import SCORES
from mspdesk.tui.widgets.messages import FromWidget

if TYPE_CHECKING:
    from rich.console import RenderableType

    from mspdesk.domain.triage import Rubric


class RubricScorer(Widget, can_focus=True):
    """Walks the rubric's criteria showing each question and its four descriptors."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rubric-scorer--chosen",
        "rubric-scorer--heading",
        "rubric-scorer--muted",
        "rubric-scorer--current",
    }
    DEFAULT_CSS = """
    RubricScorer { height: auto; }
    RubricScorer > .rubric-scorer--chosen { background: $accent 40%; text-style: bold; }
    RubricScorer > .rubric-scorer--heading { text-style: bold; }
    RubricScorer > .rubric-scorer--muted { color: $text-muted; }
    RubricScorer > .rubric-scorer--current { text-style: bold reverse; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("0", "score(0)", "Score", key_display="0-3", tooltip="Score this criterion"),
        Binding("1", "score(1)", "Score 1", show=False),
        Binding("2", "score(2)", "Score 2", show=False),
        Binding("3", "score(3)", "Score 3", show=False),
        Binding("right,l", "move(1)", "Next", key_display="→", tooltip="Next criterion"),
        Binding("left,h", "move(-1)", "Previous", key_display="←", show=False),
        Binding("tab", "onward", "Next criterion", show=False),
        Binding("shift+tab", "back", "Previous criterion", show=False),
        Binding("backspace,delete", "clear", "Clear score", show=False),
    ]

    index: reactive[int] = reactive(0)
    """Which criterion is on show."""

    class Changed(FromWidget):
        """A score was set or cleared, or another criterion is on show."""

    class Finished(FromWidget):
        """The last criterion was scored: the adviser can move on to the decision."""

    def __init__(
        self,
        rubric: Rubric,
        scores: Mapping[str, int] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.rubric = rubric
        self._scores: dict[str, int] = dict(scores or {})

    @property
    def scores(self) -> dict[str, int]:
        """The scores given so far, criterion key -> 0..3 (a copy)."""
        return dict(self._scores)

    @property
    def count(self) -> int:
        return len(self.rubric.criteria)

    # ------------------------------------------------------------------ actions

    def action_score(self, value: int) -> None:
        criterion = self.rubric.criteria[self.index]
        self._scores[criterion.key] = value
        self.post_message(self.Changed(self))
        if self.index < self.count - 1:
            self.index += 1
        else:
            self.refresh()
            self.post_message(self.Finished(self))

    def action_clear(self) -> None:
        if self._scores.pop(self.rubric.criteria[self.index].key, None) is not None:
            self.refresh()
            self.post_message(self.Changed(self))

    def action_move(self, step: int) -> None:
        self.index = max(0, min(self.count - 1, self.index + step))

    def action_onward(self) -> None:
        if self.index < self.count - 1:
            self.index += 1
        else:
            self.screen.focus_next()

    def action_back(self) -> None:
        if self.index > 0:
            self.index -= 1
        else:
            self.screen.focus_previous()

    def watch_index(self) -> None:
        self.refresh(layout=True)
        self.post_message(self.Changed(self))

    # ------------------------------------------------------------------ drawing

    def render(self) -> RenderableType:
        criterion = self.rubric.criteria[self.index]
        heading = self.get_component_rich_style("rubric-scorer--heading")
        muted = self.get_component_rich_style("rubric-scorer--muted")
        chosen_style = self.get_component_rich_style("rubric-scorer--chosen")
        chosen = self._scores.get(criterion.key)
        place = Text(
            f"Criterion {self.index + 1} of {self.count} · weight {criterion.weight}", style=muted
        )
        descriptors = Table.grid(padding=(0, 1), expand=True)
        descriptors.add_column(width=3, no_wrap=True)
        descriptors.add_column(ratio=1)
        for value in SCORES:
            style = chosen_style if value == chosen else ""
            marker = "▶" if value == chosen else " "
            descriptors.add_row(
                Text(f"{marker}{value}", style=style),
                Text(criterion.descriptors[value], style=style),
            )
        return Group(
            place,
            Text(criterion.title, style=heading),
            Text(criterion.question),
            Text(""),
            descriptors,
            Text(""),
            self._progress(),
        )

    def _progress(self) -> Text:
        """Every criterion with its score so far; the one on show highlighted."""
        current = self.get_component_rich_style("rubric-scorer--current")
        muted = self.get_component_rich_style("rubric-scorer--muted")
        line = Text()
        for position, criterion in enumerate(self.rubric.criteria):
            given = self._scores.get(criterion.key)
            label = f" {criterion.key} {'·' if given is None else given} "
            style = current if position == self.index else ("" if given is not None else muted)
            if position:
                line.append(" ")
            line.append(label, style=style)
        return line
