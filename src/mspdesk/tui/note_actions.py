"""Note actions any screen can offer: write, edit, delete (confirmed, undoable), search.

Screens call these with the app; the palette's "Search notes…" comes from NoteCommands.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from mspdesk.tui.access import open_desk, records_changed, report, writable_desk

if TYPE_CHECKING:
    from textual.app import App

    from mspdesk.desk.note_search import NoteHit
    from mspdesk.domain.note import Note

SEARCH_COMMAND = "Search notes…"
SEARCH_HELP = "Find words in the notes of every referral and case, as you type"
ROWS_WAIT_STEPS = 100
ROWS_WAIT_SECONDS = 0.05

Done = Callable[["Note | None"], None]


_writable_desk = writable_desk
_refresh = records_changed


def write_note(
    app: App[Any],
    subject: str,
    *,
    note: Note | None = None,
    title: str = "",
    done: Done | None = None,
) -> None:
    """Open the note editor for a new note on `subject` (or to edit `note`)."""
    from mspdesk.tui.screens.note_editor import NoteEditor

    desk = _writable_desk(app)
    if desk is None:
        return

    def saved(result: Note | None) -> None:
        if result is not None:
            verb = "Saved" if note is None else "Updated"
            app.notify(f"{verb} note {result.id} on {result.subject}.", title="Note", markup=False)
            _refresh(app)
        if done is not None:
            done(result)

    app.push_screen(NoteEditor(desk, subject, note, title=title), saved)


def delete_note(app: App[Any], note: Note, done: Callable[[bool], None] | None = None) -> None:
    """Ask, then soft-delete `note`; Ctrl+Z brings it back."""
    from mspdesk.domain.errors import UserError
    from mspdesk.tui.screens.confirm import Confirm

    desk = _writable_desk(app)
    if desk is None:
        return
    first = next((line for line in note.body.splitlines() if line.strip()), "")[:70]

    def chosen(yes: bool | None) -> None:
        if yes:
            try:
                desk.notes.delete(note.id)
            except UserError as error:
                report(app, error)
                yes = False
            else:
                app.notify(
                    f"Deleted note {note.id}. Ctrl+Z brings it back.", title="Note", markup=False
                )
                _refresh(app)
        if done is not None:
            done(bool(yes))

    message = f"Delete note {note.id} ({note.on:%d %b %Y}, {note.kind.label})?\n\n{first}"
    app.push_screen(Confirm("Delete note", message, yes="Delete", no="Keep"), chosen)


def show_versions(app: App[Any], note: Note) -> None:
    """Show every version of `note`, oldest first."""
    from mspdesk.tui.screens.note_versions import NoteVersions

    desk = open_desk(app)
    if desk is not None:
        app.push_screen(NoteVersions(note.id, desk.notes.versions(note.id)))


def search_notes(app: App[Any], query: str = "") -> None:
    """Open note search; choosing a hit opens its referral or case."""
    from mspdesk.tui.screens.notes_search import NotesSearch

    desk = open_desk(app)
    if desk is None:
        app.notify("The data is still opening; try again in a moment.", severity="warning")
        return

    def chosen(hit: NoteHit | None) -> None:
        if hit is not None:
            open_subject(app, hit.subject)

    app.push_screen(NotesSearch(desk, query), chosen)


def open_subject(app: App[Any], subject: str) -> None:
    """Show the referral or case `subject`: a case on its case screen, a referral selected
    in the referrals list."""
    from mspdesk.tui.screens.referrals import ReferralsScreen
    from mspdesk.tui.widgets.record_table import RecordTable

    desk = open_desk(app)
    if desk is None:
        return
    if desk.cases.exists(subject):
        app.run_worker(_show_case(app, subject), group="open-subject", exclusive=True)
        return
    referral = subject

    async def show_referral() -> None:
        await app.switch_mode("referrals")
        screen = app.screen
        if not isinstance(screen, ReferralsScreen):
            return
        # A screen opened just now loads its rows in a worker: wait for them (briefly).
        table = screen.query_one(RecordTable)
        for _ in range(ROWS_WAIT_STEPS):
            if table.rows:
                break
            await asyncio.sleep(ROWS_WAIT_SECONDS)
        screen.jump_to(referral)

    app.run_worker(show_referral(), group="open-subject", exclusive=True)


async def _show_case(app: App[Any], case_id: str) -> None:
    """The case screen over the Cases list (as "Find case…" opens it)."""
    from mspdesk.tui.screens.case import CaseScreen

    await app.switch_mode("cases")
    await app.push_screen(CaseScreen(case_id))


class NoteCommands(Provider):
    """'Search notes…' in the command palette (Ctrl+P)."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match(SEARCH_COMMAND)
        if score > 0:
            yield Hit(score, matcher.highlight(SEARCH_COMMAND), self._open, help=SEARCH_HELP)
        elif query.strip():
            # Anything else typed: offer to search the notes for it.
            text = Content(f"Search notes for “{query.strip()}”")
            yield Hit(0.2, text, partial(self._open, query.strip()), help=SEARCH_HELP)

    async def discover(self) -> Hits:
        yield DiscoveryHit(SEARCH_COMMAND, self._open, help=SEARCH_HELP)

    def _open(self, query: str = "") -> None:
        search_notes(self.app, query)
