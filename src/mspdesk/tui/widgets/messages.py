"""Messages a widget posts about itself: `control` is the widget, so `@on(Message, "#id")`
picks out one widget's messages."""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget


class FromWidget(Message):
    """A message about the widget that posted it."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> Widget:
        return self.widget
