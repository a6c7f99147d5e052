"""The desk: the one application API that the TUI and the CLI both call.

Every change goes through here: validated with the domain models, recorded
as an event in the store's journal, acknowledged only once durable.
"""

from __future__ import annotations

from pathlib import Path

from mspdesk import locations
from mspdesk.desk.case_records import CaseRecords, gather, restore
from mspdesk.desk.cases import Cases
from mspdesk.desk.core import Clock, DeskCore, current_adviser, system_clock
from mspdesk.desk.history import HistoryEntry, history, last_redoable, last_undoable, redo, undo
from mspdesk.desk.notes import Notes
from mspdesk.desk.referrals import Referrals
from mspdesk.desk.triage import Triage
from mspdesk.domain.events import Event
from mspdesk.store import (
    CorruptStore,
    NewerVersion,
    ReadOnlyStore,
    Store,
    StoreLocked,
    WriteFailed,
)
from mspdesk.store.keys import read_or_create_key

EVIDENCE_KEY = "evidence.key"


class Desk:
    """An open data directory and everything an adviser can do with it."""

    def __init__(
        self, store: Store, *, clock: Clock = system_clock, actor: str | None = None
    ) -> None:
        self.core = DeskCore(store, clock, actor or current_adviser())
        self.referrals = Referrals(self.core)
        self.notes = Notes(self.core)
        self.cases = Cases(self.core)
        # The rubric file is only read when triage first needs it.
        rubric_path = locations.content_dir() / "triage.toml"
        self.triage = Triage(self.core, self.referrals, self.cases, rubric_path)

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
        return cls(Store.open(directory, read_only=read_only), clock=clock, actor=actor)

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

    def history(self, key: str) -> list[HistoryEntry]:
        """Every change to one record, oldest first."""
        return history(self.core, key)

    def undo(self) -> Event:
        """Reverse the last change not yet undone; returns the undo event."""
        return undo(self.core)

    def redo(self) -> Event:
        """Apply again what the last undo reversed (while nothing new changed since)."""
        return redo(self.core)

    def can_redo(self) -> str | None:
        """The summary of what `redo` would apply again, or None."""
        target = last_redoable(self.core)
        if target is None:
            return None
        return str(target.get("summary") or "").removeprefix("Undid: ") or target["kind"]

    def can_undo(self) -> str | None:
        """The summary of what `undo` would reverse, or None."""
        target = last_undoable(self.core)
        return None if target is None else str(target.get("summary") or target["kind"])

    def case_records(self, case_id: str) -> CaseRecords:
        """A case with its referral, triage decisions and live notes (for exports)."""
        return gather(case_id, self.cases, self.referrals, self.triage, self.notes)

    def restore_case(self, records: CaseRecords, *, source: str = "") -> CaseRecords:
        """Add an exported case with its referral, decisions and notes as one event (one
        undo); returns them as saved (a case or note id this desk uses is renumbered)."""
        restored = restore(self.core, records, source=source)
        # Ids were issued outside Notes and Referrals: they recount before issuing the next.
        self.notes._highest = None
        self.referrals._highest = None
        return restored

    def evidence_key(self) -> bytes:
        """The secret that makes evidence-export pseudonyms (created on first use, kept in
        the data directory so pseudonyms stay the same from one export to the next)."""
        return read_or_create_key(self.directory, EVIDENCE_KEY)

    def checkpoint(self) -> None:
        """Fold the journal into a fresh snapshot now."""
        self.core.store.checkpoint()

    def close(self, *, checkpoint: bool | None = None) -> None:
        """Release the data directory (checkpointing if asked, or if much is pending).
        Safe to call twice."""
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
    "ReadOnlyStore",
    "StoreLocked",
    "WriteFailed",
]
