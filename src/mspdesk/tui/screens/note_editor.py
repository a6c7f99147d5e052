"""The note editor: type, date, tags and a Markdown body, with a durable draft.

While the adviser types, the editor saves a draft through the desk at most about once a
second (DRAFT_INTERVAL after the first unsaved change), in a worker thread, so a crash
or a kill loses at most the last second. Ctrl+S saves the note and discards the draft;
Esc asks before throwing unsaved text away (or keeps it as a draft). Opening the editor
where a draft is waiting offers it back.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Select, Static, TextArea

from mspdesk.domain.errors import UserError
from mspdesk.domain.note import Note, NoteKind
from mspdesk.domain.parsing import parse_date
from mspdesk.tui.screens.confirm import Confirm
from mspdesk.tui.screens.form import FormScreen
from mspdesk.tui.screens.note_leave import LeaveNote
from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_table import printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk

NOTES_CSS = Path(__file__).parent.parent / "notes.tcss"

DRAFT_INTERVAL = 0.8
"""Seconds from the first unsaved keystroke to the draft save: with the save itself this
keeps what a crash can lose under a second, at no more than about one save a second."""
FIELDS = ("kind", "on", "tags", "body")
HINT = "Markdown welcome. What you type is kept as a draft until you save with Ctrl+S."


class NoteEditor(FormScreen[Note | None]):
    """Write a new note on `subject`, or edit `note`; dismisses with the saved note or None.

    Leaving with unsaved text asks three ways (keep as a draft, discard, back to the text),
    so `action_leave` is the editor's own."""

    CSS_PATH = NOTES_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save the note"),
        Binding("escape", "leave", "Close", tooltip="Close (asks if there is unsaved text)"),
    ]

    def changed(self) -> bool:
        return self.unsaved

    def __init__(
        self, desk: Desk, subject: str, note: Note | None = None, *, title: str = ""
    ) -> None:
        super().__init__()
        self.desk = desk
        self.subject = note.subject if note else subject
        self.note = note
        self.title_text = title
        self.draft_key = desk.notes.draft_key(
            subject=self.subject, note_id=note.id if note else None
        )
        self.original = self._fields_of(note)
        self._draft_timer: Timer | None = None
        self._draft_lock = threading.Lock()  # draft writes come from worker threads
        self._revision = 0
        self._written_revision = 0
        self._drafts_done = False
        self._last_draft: dict[str, str] | None = None
        self._latest = dict(self.original)
        """The fields as of the last change: on quit the widgets unmount before the screen."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        original = self.original
        with Vertical(id="note-dialog"):
            yield Static(self._title(), id="note-title")
            with Horizontal(id="note-fields"):
                with Vertical(classes="note-field", id="note-kind-field"):
                    yield Static("Type", classes="note-label")
                    yield Select[str](
                        [(kind.label, kind.value) for kind in NoteKind],
                        value=original["kind"],
                        allow_blank=False,
                        id="note-kind",
                    )
                with Vertical(classes="note-field", id="note-on-field"):
                    yield Static("Date", classes="note-label")
                    yield Input(
                        original["on"], placeholder="2013-03-14 or 14/03/2013", id="note-on"
                    )
                    yield Static("", id="note-on-error", classes="note-error")
                with Vertical(classes="note-field", id="note-tags-field"):
                    yield Static("Tags (comma-separated)", classes="note-label")
                    yield Input(original["tags"], placeholder="board, pensions", id="note-tags")
                with Vertical(classes="note-field", id="note-adviser-field"):
                    yield Static("Adviser", classes="note-label")
                    adviser = self.note.adviser if self.note else self.desk.actor
                    yield Static(Text(printable(adviser)), id="note-adviser")
            yield TextArea(
                original["body"],
                language="markdown",  # highlighted where tree-sitter is installed, else plain
                soft_wrap=True,
                show_line_numbers=False,
                id="note-body",
            )
            yield Static("", id="note-error", classes="note-error")
            yield Static(HINT, id="note-status")
        yield KeyBar()

    def _title(self) -> Text:
        text = Text(f"Edit note {self.note.id} — " if self.note else "New note — ", style="bold")
        text.append(self.subject)
        if self.title_text:
            text.append(f"  {printable(self.title_text)}")
        return text

    def on_mount(self) -> None:
        self.query_one("#note-body", TextArea).focus()
        draft = self.desk.notes.load_draft(self.draft_key)
        if draft is not None and self._fields_of_draft(draft) != self.original:
            self._offer_draft(draft)
        elif draft is not None:
            self.desk.notes.discard_draft(self.draft_key)

    # ------------------------------------------------------------------ fields

    def _fields_of(self, note: Note | None) -> dict[str, str]:
        if note is None:
            today = self.desk.core.today()
            return {"kind": NoteKind.OTHER.value, "on": today.isoformat(), "tags": "", "body": ""}
        return {
            "kind": note.kind.value,
            "on": note.on.isoformat(),
            "tags": ", ".join(note.tags),
            "body": note.body,
        }

    def _fields_of_draft(self, draft: dict[str, Any]) -> dict[str, str]:
        return {name: str(draft.get(name, self.original[name])) for name in FIELDS}

    def current(self) -> dict[str, str]:
        """What the fields hold now, exactly as typed."""
        kind = self.query_one("#note-kind", Select).value
        return {
            "kind": str(kind) if isinstance(kind, str) else self.original["kind"],
            "on": self.query_one("#note-on", Input).value,
            "tags": self.query_one("#note-tags", Input).value,
            "body": self.query_one("#note-body", TextArea).text,
        }

    def _fill(self, fields: dict[str, str]) -> None:
        if fields["kind"] in {kind.value for kind in NoteKind}:
            self.query_one("#note-kind", Select).value = fields["kind"]
        self.query_one("#note-on", Input).value = fields["on"]
        self.query_one("#note-tags", Input).value = fields["tags"]
        area = self.query_one("#note-body", TextArea)
        area.load_text(fields["body"])
        area.move_cursor(area.document.end)

    @property
    def unsaved(self) -> bool:
        """Whether the fields differ from the note as it was opened."""
        return self.current() != self.original

    # ------------------------------------------------------------------ drafts

    def _offer_draft(self, draft: dict[str, Any]) -> None:
        fields = self._fields_of_draft(draft)
        when = _local_time(draft.get("saved_at"), self.desk.core.now())
        first = next((line for line in fields["body"].splitlines() if line.strip()), "")
        message = f"Restore the draft from {when}?\n\n{printable(first[:70])}"

        def chosen(restore: bool | None) -> None:
            if restore:
                self._fill(fields)
                self._last_draft = self._latest = fields
            else:
                self.desk.notes.discard_draft(self.draft_key)

        self.app.push_screen(
            Confirm("Unsaved draft", message, yes="Restore", no="Start afresh"), chosen
        )

    @on(TextArea.Changed, "#note-body")
    @on(Input.Changed, "#note-on, #note-tags")
    @on(Select.Changed, "#note-kind")
    def _edited(self, event: Any) -> None:
        if isinstance(event, Input.Changed) and event.input.id == "note-on":
            self._check_date(event.value)
        self._latest = self.current()
        if self._draft_timer is None and not self._drafts_done:
            self._draft_timer = self.set_timer(DRAFT_INTERVAL, self._save_draft_soon)

    def _save_draft_soon(self) -> None:
        self._draft_timer = None
        fields = self.current()
        if fields == self._last_draft or self._drafts_done:
            return
        self._last_draft = fields
        self._revision += 1
        if fields == self.original:
            self._write_draft(self._revision, None)
        else:
            self._write_draft(self._revision, self._payload(fields))

    def _payload(self, fields: dict[str, str]) -> dict[str, Any]:
        return {**fields, "subject": self.subject, "note_id": self.note.id if self.note else None}

    @work(thread=True, group="note-draft")
    def _write_draft(self, revision: int, payload: dict[str, Any] | None) -> None:
        """Write (or, with None, discard) the draft off the UI thread, newest revision only."""
        with self._draft_lock:
            if self._drafts_done or revision <= self._written_revision:
                return
            if payload is None:
                self.desk.notes.discard_draft(self.draft_key)
            else:
                self.desk.notes.save_draft(self.draft_key, payload)
            self._written_revision = revision
        stamp = self.desk.core.now().astimezone().strftime("%H:%M:%S")
        message = HINT if payload is None else f"Draft saved {stamp}. Ctrl+S saves the note."
        self.app.call_from_thread(self._show_status, message)

    def _show_status(self, message: str) -> None:
        if self.is_mounted:
            self.query_one("#note-status", Static).update(message)

    def _finish_drafts(self, *, keep: bool) -> None:
        """Stop draft saving; keep the current text as the draft, or discard it."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        with self._draft_lock:
            self._drafts_done = True
            if keep and self._latest != self.original:
                self.desk.notes.save_draft(self.draft_key, self._payload(self._latest))
            else:
                self.desk.notes.discard_draft(self.draft_key)

    # ------------------------------------------------------------------ checks

    def _check_date(self, text: str) -> date | None:
        error = self.query_one("#note-on-error", Static)
        try:
            on_date = parse_date(text)
        except ValueError as problem:
            error.update(Text(str(problem)))
            return None
        error.update("")
        return on_date

    # ------------------------------------------------------------------ actions

    def action_save(self) -> None:
        """Save the note (add or edit); the draft goes once the note is on disk."""
        fields = self.current()
        on_date = self._check_date(fields["on"])
        if on_date is None:
            self.query_one("#note-on", Input).focus()
            return
        if not fields["body"].strip():
            self._show_error("Write something first: a note needs some text.")
            self.query_one("#note-body", TextArea).focus()
            return
        tags = fields["tags"].split(",")
        try:
            if self.note is None:
                saved = self.desk.notes.add(
                    self.subject, fields["body"], kind=fields["kind"], on=on_date, tags=tags
                )
            else:
                saved = self.desk.notes.edit(
                    self.note.id, body=fields["body"], kind=fields["kind"], on=on_date, tags=tags
                )
        except UserError as error:
            # Nothing typed is lost: the fields and the draft stay as they are.
            self._show_error(str(error))
            return
        self._finish_drafts(keep=False)
        self.dismiss(saved)

    def _show_error(self, message: str) -> None:
        self.query_one("#note-error", Static).update(Text(message))

    def action_leave(self) -> None:
        """Close; with unsaved text, ask whether to keep it as a draft or discard it."""
        if not self.unsaved:
            self._finish_drafts(keep=False)
            self.dismiss(None)
            return

        def chosen(choice: str | None) -> None:
            if choice in ("keep", "discard"):
                self._finish_drafts(keep=choice == "keep")
                self.dismiss(None)

        self.app.push_screen(LeaveNote(), chosen)

    def on_unmount(self) -> None:
        # Closed some other way (the app quit): keep whatever was typed.
        if not self._drafts_done:
            self._finish_drafts(keep=True)


def _local_time(stamp: object, now: datetime) -> str:
    """HH:MM (and the date if not today) of an ISO time, in the adviser's time zone."""
    try:
        moment = datetime.fromisoformat(str(stamp)).astimezone()
    except ValueError:
        return "earlier"
    if moment.date() == now.astimezone().date():
        return f"{moment:%H:%M}"
    return f"{moment:%H:%M} on {moment:%d %b %Y}"
