"""The case history tab and the referral detail name the adviser and, once desks sync, the
desk each change came from (rendered without an app: plain renderables)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from mspdesk.desk.history import HistoryEntry
from mspdesk.tui.widgets.case_tabs import history

AT = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def _text(renderable: object) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_case_history_shows_adviser_and_desk() -> None:
    entries = [
        HistoryEntry(AT, "tester", "case.updated", "Changed status", desk="KM"),
        HistoryEntry(AT, "sam", "case.updated", "Changed stage [b]x[/b]", desk="AB"),
        HistoryEntry(AT, "solo", "case.updated", "Before sync"),
    ]
    shown = _text(history(entries))
    assert "tester (KM)" in shown and "sam (AB)" in shown
    assert "[b]x[/b]" in shown  # text from records is never markup
    assert "solo " in shown and "solo (" not in shown
