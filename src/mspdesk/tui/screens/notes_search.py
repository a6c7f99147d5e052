"""Search notes across every referral and case as you type; Enter opens the note's record."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_table import printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.desk.note_search import NoteHit

LIMIT = 200


class NotesSearch(ModalScreen["NoteHit | None"]):
    """Type words; every note holding all of them is listed, newest first.

    Dismisses with the chosen hit (Enter) or None (Escape).
    """

    CSS_PATH = Path(__file__).parent.parent / "notes.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "to_results", "Results", show=False),
    ]

    def __init__(self, desk: Desk, query: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.initial_query = query
        self.hits: list[NoteHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="notes-search-dialog"):
            yield Input(
                self.initial_query,
                placeholder="Search notes on every referral and case: type words…",
                id="notes-search-input",
            )
            yield Static("", id="notes-search-status")
            yield OptionList(id="notes-search-results")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#notes-search-input", Input).focus()
        self.run_search(self.initial_query)

    @on(Input.Changed, "#notes-search-input")
    def _typed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="notes-search")
    def run_search(self, query: str) -> None:
        """Search off the UI thread (the first search builds the index)."""
        if not query.strip():
            self.app.call_from_thread(self._show, query, [], self.desk.notes.searchable())
            return
        hits = self.desk.notes.search(query, limit=LIMIT)
        self.app.call_from_thread(self._show, query, hits, None)

    def _show(self, query: str, hits: list[NoteHit], total: int | None) -> None:
        if query != self.query_one("#notes-search-input", Input).value:
            return  # an older search finished after a newer keystroke
        self.hits = hits
        results = self.query_one("#notes-search-results", OptionList)
        results.clear_options()
        results.add_options([Option(_hit_line(hit), id=str(n)) for n, hit in enumerate(hits)])
        if hits:
            results.highlighted = 0
        status = self.query_one("#notes-search-status", Static)
        if total is not None:
            status.update(f"{total:,} notes to search. Every word you type must appear.")
        elif not hits:
            status.update("No note holds all of those words.")
        elif len(hits) >= LIMIT:
            status.update(f"The newest {LIMIT} matching notes (type more to narrow) · Enter opens")
        else:
            noun = "note" if len(hits) == 1 else "notes"
            status.update(f"{len(hits)} {noun} · newest first · Enter opens")

    @on(Input.Submitted, "#notes-search-input")
    def _submitted(self) -> None:
        results = self.query_one("#notes-search-results", OptionList)
        if self.hits:
            self.dismiss(self.hits[results.highlighted or 0])

    @on(OptionList.OptionSelected, "#notes-search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])

    def action_to_results(self) -> None:
        if self.hits:
            self.query_one("#notes-search-results", OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _hit_line(hit: NoteHit) -> Text:
    """Two lines: date, kind, record and title; then the snippet with matches in bold."""
    line = Text()
    line.append(f"{hit.on:%d %b %Y}  ", style="bold")
    line.append(f"{hit.kind.label:<9} ", style="dim")
    line.append(hit.subject, style="bold")
    if hit.subject_title:
        line.append(f"  {printable(hit.subject_title)}")
    line.append(f"  {hit.note_id}", style="dim")
    snippet = Text("\n    ")
    body = Text(printable(hit.snippet))
    for start, end in hit.spans:
        body.stylize("bold reverse", start, end)
    snippet.append_text(body)
    line.append_text(snippet)
    return line
