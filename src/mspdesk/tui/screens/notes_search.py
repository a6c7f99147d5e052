"""Search notes across every referral and case as you type; Enter opens the note's record.

The hits are shown in the one record list every list screen uses (search box, table, status
line); the desk's note index finds them, so the list does not filter them itself. Under the
list, the highlighted hit's snippet with the words found marked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_list import RecordList
from mspdesk.tui.widgets.record_table import Column, RecordTable, Row, printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.desk.note_search import NoteHit

LIMIT = 200
HIT_COLUMNS = (
    Column("on", "On", 11),
    Column("kind", "Kind", 9, priority=0, min_width=5),
    Column("subject", "Record", 11),
    Column("title", "Organisation", 30, flex=1, priority=2, min_width=12),
    Column("snippet", "Found in", 20, flex=1, priority=0, min_width=10),
)
NO_MATCH = "No note holds all of those words."


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
        self._status = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="notes-search-dialog"):
            yield RecordList(
                HIT_COLUMNS,
                describe=lambda _shown, _total: self._status,
                placeholder="Search notes on every referral and case: type words…",
                empty="",
                filter_always_shown=True,
                searched=True,
                id="notes-search-list",
                table_id="notes-search-results",
                filter_id="notes-search-input",
                status_id="notes-search-status",
            )
            yield Static("", id="notes-search-snippet")
        yield KeyBar()

    @property
    def records(self) -> RecordList:
        return self.query_one(RecordList)

    def on_mount(self) -> None:
        box = self.records.filter_box
        box.focus()
        if self.initial_query:
            box.value = self.initial_query  # searched as if typed
        else:
            self.run_search("")

    @on(RecordList.SearchChanged)
    def _typed(self, event: RecordList.SearchChanged) -> None:
        self.run_search(event.text)

    @work(thread=True, exclusive=True, group="notes-search")
    def run_search(self, query: str) -> None:
        """Search off the UI thread (the first search builds the index)."""
        if not query.strip():
            self.app.call_from_thread(self._show, query, [], self.desk.notes.searchable())
            return
        hits = self.desk.notes.search(query, limit=LIMIT)
        self.app.call_from_thread(self._show, query, hits, None)

    def _show(self, query: str, hits: list[NoteHit], total: int | None) -> None:
        records = self.records
        if query != records.filter_text:
            return  # an older search finished after a newer keystroke
        self.hits = hits
        self._status = _status(hits, total)
        records.empty = NO_MATCH if query.strip() else ""
        records.show([_hit_row(n, hit) for n, hit in enumerate(hits)], [""] * len(hits))
        records.table.cursor = 0
        self._show_snippet(records.table.current_key)

    @on(RecordTable.Highlighted, "#notes-search-results")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show_snippet(event.key)

    def _show_snippet(self, key: str | None) -> None:
        snippet = _snippet(self.hits[int(key)]) if key is not None else Text("")
        self.query_one("#notes-search-snippet", Static).update(snippet)

    @on(RecordTable.Selected, "#notes-search-results")
    def _chosen(self, event: RecordTable.Selected) -> None:
        self.dismiss(self.hits[int(event.key)])

    def action_to_results(self) -> None:
        if self.hits:
            self.records.table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _status(hits: list[NoteHit], total: int | None) -> str:
    if total is not None:
        return f"{total:,} notes to search. Every word you type must appear."
    if not hits:
        return NO_MATCH
    if len(hits) >= LIMIT:
        return f"The newest {LIMIT} matching notes (type more to narrow) · Enter opens"
    noun = "note" if len(hits) == 1 else "notes"
    return f"{len(hits)} {noun} · newest first · Enter opens"


def _hit_row(number: int, hit: NoteHit) -> Row:
    """One line: date, kind, record, its title and the snippet (cells are never markup)."""
    cells = (
        f"{hit.on:%d %b %Y}",
        hit.kind.label,
        hit.subject,
        printable(hit.subject_title),
        printable(hit.snippet),
    )
    return Row(str(number), cells)


def _snippet(hit: NoteHit) -> Text:
    """The snippet with the words found in bold, as text (never markup)."""
    body = Text(printable(hit.snippet))
    for start, end in hit.spans:
        body.stylize("bold reverse", start, end)
    return Text.assemble((f"{hit.note_id}  ", "dim"), body)
