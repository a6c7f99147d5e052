"""The case's Files tab: documents and emails attached to the case, and `a` to attach more
(a path, or several; an .eml also becomes an email note). The desk never opens or runs an
attached file: the list shows where each is kept."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from mspdesk.domain.attachment import Attachment
from mspdesk.domain.errors import UserError
from mspdesk.tui.widgets.record_table import Column, RecordTable, Row, printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

FILE_COLUMNS = [
    Column("id", "File", 8),
    Column("added", "Added", 11),
    Column("size", "Size", 10, align_right=True),
    Column("name", "Name", 40, flex=True),
    Column("note", "Note", 8),
]


def file_rows(files: Sequence[Attachment]) -> list[Row]:
    """Attachments as table rows (plain strings, never markup)."""
    return [
        Row(
            item.id,
            (
                item.id,
                f"{item.added_at.astimezone():%d %b %Y}",
                _size(item.size),
                printable(item.name),
                item.note_id or "",
            ),
        )
        for item in files
    ]


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class FilesPane(Vertical):
    """The files on one case; `a` attaches more."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "attach", "Attach", tooltip="Attach files or an .eml email to this case"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.case_id = ""
        self.folder: Path | None = None
        self.files: dict[str, Attachment] = {}

    def compose(self) -> ComposeResult:
        yield RecordTable(FILE_COLUMNS, id="files-table", empty_text="No files: a attaches one.")
        yield Static("", id="files-detail")

    def show(self, case_id: str, files: Sequence[Attachment], folder: Path) -> None:
        """List `files` (keeping the selection); `folder` is the data directory."""
        self.case_id, self.folder = case_id, folder
        self.files = {item.id: item for item in files}
        table = self.query_one("#files-table", RecordTable)
        table.set_rows(file_rows(files), keep=table.current_key)
        self._detail(table.current_key)

    def on_show(self) -> None:
        self.query_one("#files-table", RecordTable).focus()

    @on(RecordTable.Highlighted, "#files-table")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._detail(event.key)

    def _detail(self, key: str | None) -> None:
        item = self.files.get(key) if key else None
        detail = self.query_one("#files-detail", Static)
        if item is None or self.folder is None:
            detail.update("")
            return
        lines = [
            Text.assemble((f"{item.id} ", "bold"), printable(item.name)),
            Text.assemble(("Kept at ", "dim"), printable(str(self.folder / item.stored_as))),
            Text(f"SHA-256 {item.sha256}", style="dim"),
            Text.assemble(("Added by ", "dim"), printable(item.added_by or "unknown")),
        ]
        detail.update(Group(*lines))

    def action_attach(self) -> None:
        from mspdesk.tui.access import records_changed, writable_desk
        from mspdesk.tui.screens.case_forms import Field, FormModal, Values

        case_id = self.case_id
        if not case_id:
            return
        desk = writable_desk(self.app)
        if desk is None:
            return
        done: list[str] = []

        def submit(values: Values) -> None:
            from mspdesk.transfer.attach import attach_paths

            try:
                typed = shlex.split(values["paths"])
            except ValueError as error:
                raise UserError(f"paths: {error}") from None
            if not typed:
                raise UserError("give the path of a file to attach")
            paths = [Path(text).expanduser() for text in typed]
            for attached in attach_paths(desk, case_id, paths):
                for result in attached.files:
                    again = " (already there)" if result.duplicate else ""
                    done.append(result.attachment.name + again)

        def closed(values: Values | None) -> None:
            if values is None or not done:
                return
            self.notify("Attached: " + ", ".join(done), markup=False)
            records_changed(self.app)  # the case's Files and Notes tabs, and every other screen

        fields = [Field("paths", "File paths (quote a path with spaces)", placeholder="~/a.pdf")]
        explain = "An .eml email becomes an email note, with its attachments attached."
        form = FormModal(f"Attach files to {case_id}", fields, submit, explain=explain)
        self.app.push_screen(form, closed)
