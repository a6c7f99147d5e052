"""Notes on referrals and cases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.domain.errors import InvalidRecord, NotFound
from mspdesk.domain.events import Op
from mspdesk.domain.note import NOTE_ID, Note, NoteKind, note_id
from mspdesk.domain.validation import validated

TABLE = "notes"
SUBJECT_TABLES = ("referrals", "cases")


class Notes:
    """Case notes, through the journal."""

    def __init__(self, core: DeskCore) -> None:
        self._core = core
        self._highest: int | None = None

    def add(
        self,
        subject: str,
        body: str,
        *,
        kind: NoteKind | str = NoteKind.OTHER,
        on: date | None = None,
        tags: Iterable[str] = (),
    ) -> Note:
        """Durably add a note to the referral or case `subject`; returns it once on disk."""
        if not any(subject in self._core.store.table(t) for t in SUBJECT_TABLES):
            raise NotFound(f"no referral or case {subject}")
        moment = self._core.now()
        note = validated(
            Note,
            {
                "id": self._next_id(),
                "subject": subject,
                "body": body,
                "kind": _kind(kind),
                "on": on or self._core.today(),
                "adviser": self._core.actor,
                "tags": tuple(tags),
                "created_at": moment,
                "updated_at": moment,
            },
            "note",
        )
        first_line = note.body.splitlines()[0][:60]
        self._core.commit(
            "note.added",
            subject,
            [
                Op(table=TABLE, key=note.id, kind="put", data=note.model_dump(mode="json")),
            ],
            f"Note {note.id} on {subject}: {first_line}",
        )
        self._highest = max(self._highest or 0, int(note.id[2:]))
        return note

    def get(self, note_id_: str) -> Note:
        record = self._core.store.get(TABLE, note_id_)
        if record is None:
            raise NotFound(f"no note {note_id_}")
        return Note.model_validate(record)

    def for_subject(self, subject: str) -> list[Note]:
        """The live (not deleted) notes on `subject`, oldest first."""
        found = [Note.model_validate(r) for r in self._rows() if r["subject"] == subject]
        return sorted((n for n in found if not n.deleted), key=lambda n: (n.on, n.id))

    def _rows(self) -> Iterable[dict[str, Any]]:
        return self._core.store.table(TABLE).values()

    def _next_id(self) -> str:
        if self._highest is None:
            # Undone (deleted) notes count too: an id is never issued twice.
            store = self._core.store
            keys = [k for k in (*store.table(TABLE), *store.touched_keys()) if NOTE_ID.match(k)]
            self._highest = max((int(k[2:]) for k in keys), default=0)
        return note_id(self._highest + 1)


def _kind(kind: NoteKind | str) -> NoteKind:
    """The note kind from its value, name or label; an unknown one names the field."""
    try:
        return NoteKind.parse(kind)
    except ValueError as error:
        raise InvalidRecord([("kind", str(error))], "note") from None
