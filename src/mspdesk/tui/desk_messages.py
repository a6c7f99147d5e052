"""What a widget says after it asked the desk for a change. The desk screen it sits on
(tui/screens/base.py) is the one place that turns these into what the adviser sees: a
"Saved" notice and every screen reloading, or the desk's error as an error notice."""

from __future__ import annotations

from textual.message import Message

from mspdesk.domain.errors import UserError


class Saved(Message):
    """A change was saved; `summary` says what it was (shown as typed, never markup)."""

    def __init__(self, summary: str, *, select: str | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.select = select
        """A row to keep the cursor on when the screen reloads (e.g. a milestone code)."""


class Refused(Message):
    """The desk refused a change (or could not do it): `error` says why."""

    def __init__(self, error: UserError, *, title: str = "Not saved") -> None:
        super().__init__()
        self.error = error
        self.title = title
