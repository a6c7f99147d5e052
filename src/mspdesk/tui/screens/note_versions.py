"""Every version of one note, oldest first, as the event log recorded them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_table import printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk.notes import NoteVersion

CHANGES = {
    "note.added": "written",
    "note.edited": "edited",
    "note.deleted": "deleted",
    "undo": "undo",
}


def versions_view(note_id: str, versions: Sequence[NoteVersion]) -> Group:
    """A heading per version (when, who, what changed) and the text it had."""
    parts: list[Text] = [Text(f"Versions of note {note_id}, oldest first", style="bold")]
    for number, version in enumerate(versions, start=1):
        when = version.at.astimezone()
        head = Text(f"\nv{number}  {when:%d %b %Y %H:%M}  ", style="bold")
        head.append(printable(version.actor))
        head.append(f"  {CHANGES.get(version.change, version.change)}", style="dim")
        if version.undone:
            head.append("  (undone)", style="yellow")
        parts.append(head)
        note = version.note
        if note is None:
            parts.append(Text("(the note did not exist after this change)", style="dim"))
            continue
        facts = f"{note.on:%d %b %Y} · {note.kind.label}"
        if note.tags:
            facts += " · " + ", ".join(note.tags)
        if note.deleted:
            facts += " · deleted"
        parts.append(Text(printable(facts), style="dim"))
        parts += [Text("  " + printable(line)) for line in note.body.splitlines()]
    return Group(*parts)


class NoteVersions(ModalScreen[None]):
    """Read-only; Escape closes."""

    CSS_PATH = Path(__file__).parent.parent / "notes.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,v", "close", "Close")]

    def __init__(self, note_id: str, versions: Sequence[NoteVersion]) -> None:
        super().__init__()
        self.note_id = note_id
        self.versions = list(versions)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="note-versions"):
            yield Static(versions_view(self.note_id, self.versions))
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)
