"""The notes of a case (and of the referral it came from): a list, the selected note in full,
and keys to write, edit, delete and see earlier versions.

The keys are the pane's own bindings, so they work (and show in the footer) while the list
has focus, and never clash with the keys of the screen around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.markdown import Markdown
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from mspdesk.tui.widgets.key_bar import hidden
from mspdesk.tui.widgets.record_table import Column, RecordTable, Row, printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.domain.note import Note

NOTE_COLUMNS = (
    Column("on", "Date", 11),
    Column("kind", "Type", 9),
    Column("adviser", "Adviser", 10),
    Column("record", "On", 12),
    Column("text", "Note", 30, flex=True),
)


def note_rows(notes: Sequence[Note]) -> list[Row]:
    """One row per note: date, type, adviser, the record it is on, its first line."""
    rows = []
    for note in notes:
        first = next((line for line in note.body.splitlines() if line.strip()), "")
        cells = (f"{note.on:%d %b %Y}", note.kind.label, note.adviser, note.subject, first)
        rows.append(Row(note.id, tuple(printable(cell) for cell in cells)))
    return rows


def note_view(note: Note) -> Group:
    """The whole note: a heading line, tags, then the text rendered as Markdown (the editor
    invites it). Markdown only: the text is never read as Textual or Rich markup, control
    characters are shown as visible codes, and links are shown with their address, never
    made clickable."""
    head = Text(f"{note.on:%d %b %Y}  {note.kind.label}  ", style="bold")
    head.append(printable(note.adviser))
    head.append(f"  {note.id} on {note.subject}", style="dim")
    lines: list[Text] = [head]
    if note.tags:
        lines.append(Text("Tags: " + ", ".join(printable(tag) for tag in note.tags), style="dim"))
    if note.created_at and note.updated_at and note.updated_at != note.created_at:
        lines.append(Text(f"Edited {note.updated_at:%d %b %Y %H:%M} (v: versions)", style="dim"))
    lines.append(Text(""))
    body = "\n".join(printable(line) for line in note.body.splitlines())
    return Group(*lines, Markdown(body, hyperlinks=False))


class NotesPane(Vertical):
    """Notes, oldest first. New notes go on `subject` (the case)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_note", "New note", tooltip="Write a note on this case"),
        Binding("e", "edit_note", "Edit note", tooltip="Edit the selected note"),
        Binding(
            "x,delete",
            "delete_note",
            "Delete note",
            tooltip="Delete it (asks first; Ctrl+Z undoes)",
        ),
        Binding("v", "versions", "Versions", tooltip="Every earlier version of the note"),
        hidden("E", "erase_note", "Erase", "Erase its text everywhere (cannot be undone)"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.subject = ""
        self.title_text = ""
        self.notes: dict[str, Note] = {}

    def compose(self) -> ComposeResult:
        yield RecordTable(NOTE_COLUMNS, id="notes-table", empty_text="No notes yet: n writes one.")
        with VerticalScroll(id="notes-preview-scroll"):
            yield Static("", id="notes-preview")

    def show(self, subject: str, notes: Sequence[Note], *, title: str = "") -> None:
        """List `notes` (keeping the selection); new notes will go on `subject`."""
        self.subject, self.title_text = subject, title
        self.notes = {note.id: note for note in notes}
        table = self.query_one("#notes-table", RecordTable)
        table.set_rows(note_rows(notes), keep=table.current_key)
        self._preview(table.current_key)

    def on_show(self) -> None:
        # Showing the tab puts the keys where they work: on the list.
        self.query_one("#notes-table", RecordTable).focus()

    @on(RecordTable.Highlighted, "#notes-table")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._preview(event.key)

    @on(RecordTable.Selected, "#notes-table")
    def _selected(self) -> None:
        self.action_edit_note()

    def _preview(self, key: str | None) -> None:
        note = self.notes.get(key) if key else None
        preview = self.query_one("#notes-preview", Static)
        preview.update(note_view(note) if note else "")

    @property
    def current(self) -> Note | None:
        """The note under the cursor, if any."""
        key = self.query_one("#notes-table", RecordTable).current_key
        return self.notes.get(key) if key else None

    def action_new_note(self) -> None:
        from mspdesk.tui.note_actions import write_note

        if self.subject:
            write_note(self.app, self.subject, title=self.title_text)

    def action_edit_note(self) -> None:
        from mspdesk.tui.note_actions import write_note

        note = self.current
        if note is not None:
            write_note(self.app, note.subject, note=note, title=self.title_text)

    def action_delete_note(self) -> None:
        from mspdesk.tui.note_actions import delete_note

        note = self.current
        if note is not None:
            delete_note(self.app, note)

    def action_erase_note(self) -> None:
        from mspdesk.tui.screens.erase_modal import erase_record

        note = self.current
        if note is not None:
            erase_record(self.app, note.id, f"the text of note {note.id}")

    def action_versions(self) -> None:
        from mspdesk.tui.note_actions import show_versions

        note = self.current
        if note is not None:
            show_versions(self.app, note)
