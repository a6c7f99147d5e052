"""The desk: the one application API that the TUI and the CLI both call.

Every change goes through here: validated with the domain models, recorded
as an event in the store's journal, acknowledged only once durable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mspdesk import locations
from mspdesk.desk.core import Clock, DeskCore, system_clock
from mspdesk.desk.identity import DeskIdentity
from mspdesk.store import (
    CorruptStore,
    NewerVersion,
    ReadOnlyStore,
    Store,
    StoreLocked,
    WriteFailed,
)

# The parts of the desk (and the models they validate with) are imported when first used:
# a CLI command pays only for what it touches (importing all of them costs ~0.2 s).
if TYPE_CHECKING:
    from mspdesk.desk import retention
    from mspdesk.desk.agenda import Agenda
    from mspdesk.desk.attachments import Attachments
    from mspdesk.desk.board import Board
    from mspdesk.desk.case_records import CaseRecords
    from mspdesk.desk.cases import Cases
    from mspdesk.desk.duplicates import Duplicates, PossibleDuplicate
    from mspdesk.desk.history import HistoryEntry
    from mspdesk.desk.milestone_revisions import Revision
    from mspdesk.desk.notes import Notes
    from mspdesk.desk.privacy import PersonHit, Tombstone
    from mspdesk.desk.referral_rows import ReferralRows
    from mspdesk.desk.referrals import Referrals
    from mspdesk.desk.sar import SarBundle, SarRequest
    from mspdesk.desk.support import Support
    from mspdesk.desk.sync import Sync
    from mspdesk.desk.triage import Triage
    from mspdesk.domain.events import Event
    from mspdesk.domain.note import Note

_LAZY_NAMES = {
    "CaseRecords": "mspdesk.desk.case_records",
    "HistoryEntry": "mspdesk.desk.history",
    "PossibleDuplicate": "mspdesk.desk.duplicates",
}


def __getattr__(name: str) -> Any:
    """`from mspdesk.desk import CaseRecords` and the like, imported on first use."""
    if name in _LAZY_NAMES:
        import importlib

        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


EVIDENCE_KEY = "evidence.key"


class Desk:
    """An open data directory and everything an adviser can do with it."""

    def __init__(
        self, store: Store, *, clock: Clock = system_clock, actor: str | None = None
    ) -> None:
        self.core = DeskCore(store, clock, actor or None)  # the adviser looked up when needed
        self.identity = DeskIdentity(self.core, self.desk_id)
        self._closed = False

    @cached_property
    def referrals(self) -> Referrals:
        from mspdesk.desk.referrals import Referrals

        return Referrals(self.core)

    @cached_property
    def referral_rows(self) -> ReferralRows:
        """Reading referrals only: without the models a change validates with (a listing
        starts faster); `referrals` reads the same way and writes too."""
        from mspdesk.desk.referral_rows import ReferralRows

        return ReferralRows(self.core)

    @cached_property
    def notes(self) -> Notes:
        from mspdesk.desk.notes import Notes

        return Notes(self.core)

    @cached_property
    def cases(self) -> Cases:
        from mspdesk.desk.cases import Cases

        return Cases(self.core)

    @cached_property
    def attachments(self) -> Attachments:
        from mspdesk.desk.attachments import Attachments

        return Attachments(self.core)

    @cached_property
    def duplicates(self) -> Duplicates:
        from mspdesk.desk.duplicates import Duplicates

        return Duplicates(self.core)

    @property
    def support(self) -> Support:
        return self.cases.support

    @cached_property
    def board(self) -> Board:
        from mspdesk.desk.board import Board

        return Board(self.core, self.cases)

    @cached_property
    def triage(self) -> Triage:
        from mspdesk.desk.triage import Triage

        # The rubric file is only read when triage first needs it.
        rubric_path = locations.content_dir() / "triage.toml"
        return Triage(self.core, self.referrals, self.cases, rubric_path)

    @cached_property
    def sync(self) -> Sync:
        from mspdesk.desk.sync import Sync

        return Sync(self.core, self.identity, self._forget_counts)

    def _forget_counts(self) -> None:
        """After records came from other desks: numbers and indexes are counted again."""
        from mspdesk.desk.note_search import NoteIndex

        self.notes._highest = None
        self.notes._index.close()
        self.notes._index = NoteIndex.of_store(self.core.store)
        self.referrals._highest = None

    @classmethod
    def open(
        cls,
        directory: Path,
        *,
        read_only: bool = False,
        clock: Clock = system_clock,
        actor: str | None = None,
    ) -> Desk:
        """Open the desk on `directory`. Raises a UserError subclass if it cannot."""
        desk = cls(Store.open(directory, read_only=read_only), clock=clock, actor=actor)
        if not desk.read_only:
            # Made by the writer, so a read-only export never has to add a file to the folder.
            desk.desk_id()
        return desk

    @staticmethod
    def is_desk_folder(directory: Path) -> bool:
        """Whether `directory` carries the desk's marker (so mspdesk may write a log in it)."""
        from mspdesk.store.folder import MARKER_NAME

        return (directory / MARKER_NAME).is_file()

    @property
    def directory(self) -> Path:
        return self.core.store.directory

    @property
    def read_only(self) -> bool:
        return self.core.store.read_only

    @property
    def warnings(self) -> list[str]:
        """What opening the store found and handled (torn tail set aside, temp files)."""
        return self.core.store.warnings

    @property
    def actor(self) -> str:
        return self.core.actor

    @property
    def changes_this_session(self) -> int:
        """How many changes were recorded since this desk was opened."""
        return self.core.changes

    def agenda(
        self, today: date | None = None, days: int = 30, adviser: str | None = None
    ) -> Agenda:
        """Open milestones across active cases, deliverables due and what monitoring waits
        on: overdue, due this week, due in `days` days (as `cases.agenda`, without
        importing the case models)."""
        from mspdesk.desk.agenda import desk_agenda

        day = today or self.core.today()
        return desk_agenda(self.core.store, day, days=days, adviser=adviser)

    def history(self, key: str) -> list[HistoryEntry]:
        """Every change to one record, oldest first."""
        from mspdesk.desk.history import history

        return history(self.core, key)

    def undo(self) -> Event:
        """Reverse the last change not yet undone; returns the undo event."""
        from mspdesk.desk.history import undo

        return undo(self.core)

    def redo(self) -> Event:
        """Apply again what the last undo reversed (while nothing new changed since)."""
        from mspdesk.desk.history import redo

        return redo(self.core)

    def can_redo(self) -> str | None:
        """The summary of what `redo` would apply again, or None."""
        from mspdesk.desk.history import last_redoable

        target = last_redoable(self.core)
        if target is None:
            return None
        return str(target.get("summary") or "").removeprefix("Undid: ") or target["kind"]

    def can_undo(self) -> str | None:
        """The summary of what `undo` would reverse, or None."""
        from mspdesk.desk.history import last_undoable

        target = last_undoable(self.core)
        return None if target is None else str(target.get("summary") or target["kind"])

    def find_people(self, text: str) -> list[PersonHit]:
        """Every record holding a matching name, email or phone, or a note mentioning it."""
        from mspdesk.desk.privacy import find_people

        return find_people(self.core, text)

    def erase(self, target: str, reason: str = "") -> Tombstone:
        """Erase the personal data of a note, a referral or a case person ("C-0001/2") from
        every copy the desk keeps, leaving a tombstone. Cannot be undone."""
        from mspdesk.desk.note_search import NoteIndex
        from mspdesk.desk.privacy import erase

        stone = erase(self.core, target, reason)
        # The saved index was deleted with the erased text; the next search rebuilds it.
        self.notes._index.close()
        self.notes._index = NoteIndex.of_store(self.core.store)
        return stone

    def erasures(self) -> list[Tombstone]:
        """The tombstones: what was erased, when, by whom and why (no personal data)."""
        from mspdesk.desk.privacy import tombstones

        return tombstones(self.core)

    def past_retention(self) -> list[retention.PastRetention]:
        """Referrals not taken on and ended cases past their retention period, today."""
        from mspdesk.desk import retention

        return retention.past_retention(self.core)

    def extend_retention(self, key: str, until: date, reason: str) -> None:
        """Keep a record's personal data until `until`, for `reason`."""
        from mspdesk.desk import retention

        retention.extend(self.core, key, until, reason)

    def subject_access(self, text: str) -> SarBundle:
        """Every referral, case and note holding the data of the person matching `text`."""
        from mspdesk.desk import sar

        return sar.gather(self.core, text)

    def log_subject_access(self, person: str) -> SarRequest:
        """Log a subject access request received today (answer due in one month)."""
        from mspdesk.desk import sar

        return sar.log_request(self.core, person)

    def subject_access_done(self, request_id: str) -> SarRequest:
        """Mark a subject access request answered today."""
        from mspdesk.desk import sar

        return sar.mark_done(self.core, request_id)

    def subject_access_requests(self) -> list[SarRequest]:
        """Every subject access request, oldest first."""
        from mspdesk.desk import sar

        return sar.requests(self.core)

    def case_records(self, case_id: str) -> CaseRecords:
        """A case with its referral, triage decisions and live notes (for exports: private
        passages in notes are left out)."""
        from mspdesk.desk.case_records import gather

        records = gather(
            case_id, self.cases, self.referrals, self.triage, self.notes, self.attachments
        )
        notes = tuple(exportable_note(note) for note in records.notes)
        return dataclasses.replace(records, notes=notes)

    def restore_case(
        self,
        records: CaseRecords,
        *,
        source: str = "",
        files: Mapping[str, bytes] | None = None,
    ) -> CaseRecords:
        """Add an exported case with its referral, decisions, notes and attached files as
        one event (one undo); returns them as saved (a case, note or file id this desk uses
        is renumbered). `files` maps each attachment's SHA-256 to its bytes."""
        from mspdesk.desk.case_records import restore

        restored = restore(self.core, records, source=source, files=files or {})
        # Ids were issued outside Notes and Referrals: they recount before issuing the next.
        self.notes._highest = None
        self.referrals._highest = None
        return restored

    def evidence_key(self) -> bytes:
        """The secret that makes evidence-export pseudonyms (created on first use, kept in
        the data directory so pseudonyms stay the same from one export to the next)."""
        from mspdesk.store.keys import read_or_create_key

        return read_or_create_key(self.directory, EVIDENCE_KEY)

    def desk_id(self) -> str:
        """This data directory's id (16 hex digits, made once, kept in `desk.id`): it tells
        this desk's records apart from another's with the same ids, as in calendar UIDs."""
        return self.core.origin

    def milestone_revisions(self, case_id: str) -> dict[str, Revision]:
        """Milestone code -> how often and when last it changed as a calendar shows it."""
        from mspdesk.desk.milestone_revisions import milestone_revisions

        return milestone_revisions(self.core, case_id)

    def checkpoint(self) -> None:
        """Fold the journal into a fresh snapshot now."""
        self.core.store.checkpoint()

    def close(self, *, checkpoint: bool | None = None) -> None:
        """Release the data directory (checkpointing if asked, or if much is pending).
        Safe to call twice."""
        # Notes never asked for have no index open (and importing them costs a listing).
        notes: Notes | None = self.__dict__.get("notes")
        try:
            if not self._closed and notes is not None:
                notes._index.refresh_saved()  # while the writer lock is still held
        finally:
            self._closed = True
            if notes is not None:
                notes._index.close()
            self.core.store.close(checkpoint=checkpoint)

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "CaseRecords",
    "CorruptStore",
    "Desk",
    "HistoryEntry",
    "NewerVersion",
    "PossibleDuplicate",
    "ReadOnlyStore",
    "StoreLocked",
    "WriteFailed",
]


def exportable_note(note: Note) -> Note:
    """The note as exports show it: private passages left out."""
    from mspdesk.domain.redaction import has_private, without_private

    if not has_private(note.body):
        return note
    return note.model_copy(update={"body": without_private(note.body)})
