"""Notes on referrals and cases: adding, editing (versioned), deleting, drafts, search."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.desk.note_search import NoteHit, NoteIndex
from mspdesk.domain.errors import InvalidRecord, NotFound, UserError
from mspdesk.domain.events import Op, changed_fields
from mspdesk.domain.note import Note, NoteKind, note_id
from mspdesk.domain.references import NOTES
from mspdesk.domain.validation import validated
from mspdesk.store.drafts import DRAFTS_DIR, Drafts

TABLE = "notes"
SUBJECT_TABLES = ("referrals", "cases")
VERSIONED_FIELDS = ("body", "kind", "on", "tags", "deleted")


@dataclass(frozen=True)
class NoteVersion:
    """The note as one change left it (`note` is None if that change removed it)."""

    at: datetime
    actor: str
    change: str
    """The event kind: note.added, note.edited, note.deleted or undo."""
    summary: str
    note: Note | None
    undone: bool = False


class Notes:
    """Case notes, through the journal."""

    def __init__(self, core: DeskCore) -> None:
        self._core = core
        self._highest: int | None = None
        self._highest_code: str | None = None
        self._index = NoteIndex.of_store(core.store)
        self._drafts: Drafts | None = None

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
        if not any(self._core.store.has(t, subject) for t in SUBJECT_TABLES):
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
                "tags": clean_tags(tags),
                "created_at": moment,
                "updated_at": moment,
            },
            "note",
        )
        first_line = _first_line(note)
        self._core.commit(
            "note.added",
            subject,
            [
                Op(table=TABLE, key=note.id, kind="put", data=note.model_dump(mode="json")),
            ],
            f"Note {note.id} on {subject}: {first_line}",
        )
        issued = NOTES.number(note.id, self._core.code)
        if issued is not None and self._highest_code == self._core.code:
            self._highest = max(self._highest or 0, issued)
        return note

    def edit(
        self,
        note_id_: str,
        *,
        body: str | None = None,
        kind: NoteKind | str | None = None,
        on: date | None = None,
        tags: Iterable[str] | None = None,
    ) -> Note:
        """Durably change a note's text, kind, date or tags (None leaves a field as it is).

        The change is a patch event holding the prior values, so `versions` shows every
        earlier text and `Desk.undo` restores it. Returns the note as saved.
        """
        current = self.get(note_id_)
        if current.deleted:
            raise UserError(f"note {note_id_} is deleted; undo the delete to edit it")
        changes: dict[str, Any] = {}
        if body is not None:
            changes["body"] = body
        if kind is not None:
            changes["kind"] = _kind(kind)
        if on is not None:
            changes["on"] = on
        if tags is not None:
            changes["tags"] = clean_tags(tags)
        return self._patch(current, changes, "note.edited")

    def delete(self, note_id_: str) -> Note:
        """Soft-delete a note (it leaves every list and search); `Desk.undo` brings it back."""
        current = self.get(note_id_)
        if current.deleted:
            raise UserError(f"note {note_id_} is already deleted")
        return self._patch(current, {"deleted": True}, "note.deleted")

    def _patch(self, current: Note, changes: Mapping[str, Any], kind: str) -> Note:
        before = current.model_dump(mode="json")
        merged = {**before, **changes, "updated_at": self._core.now()}
        updated = validated(Note, merged, "note")
        after = updated.model_dump(mode="json")
        delta = changed_fields(before, after)
        if set(delta) <= {"updated_at"}:
            return current
        prior = {name: before.get(name) for name in delta}
        if kind == "note.deleted":
            summary = f"Deleted note {current.id} on {current.subject}: {_first_line(current)}"
        else:
            fields = ", ".join(name for name in VERSIONED_FIELDS if name in delta)
            summary = f"Edited note {current.id} on {current.subject} ({fields})"
        self._core.commit(
            kind,
            current.subject,
            [Op(table=TABLE, key=current.id, kind="patch", data=delta, prior=prior)],
            summary,
        )
        return updated

    def versions(self, note_id_: str) -> list[NoteVersion]:
        """The note after each change made to it, oldest first, read from the event log."""
        events = [e for e in self._core.store.events_for(note_id_) if _ops_on(e, note_id_)]
        if not events:
            raise NotFound(f"no note {note_id_}")
        undone = {e["undoes"] for e in self._core.store.recent_events() if e.get("undoes")}
        state = self._core.store.get(TABLE, note_id_)
        found: list[NoteVersion] = []
        for event in reversed(events):
            found.append(
                NoteVersion(
                    at=datetime.fromisoformat(event["at"]),
                    actor=event["actor"],
                    change=event["kind"],
                    summary=event.get("summary", ""),
                    note=None if state is None else Note.model_validate(state),
                    undone=event["id"] in undone,
                )
            )
            for op in reversed(_ops_on(event, note_id_)):
                state = _state_before(op, state)
        found.reverse()
        return found

    def get(self, note_id_: str) -> Note:
        """One note (deleted ones too); NotFound if there is none with that id."""
        record = self._core.store.get(TABLE, note_id_)
        if record is None:
            raise NotFound(f"no note {note_id_}")
        return Note.model_validate(record)

    def for_subject(self, subject: str) -> list[Note]:
        """The live (not deleted) notes on `subject`, oldest first."""
        found = [Note.model_validate(r) for r in self._rows() if r["subject"] == subject]
        return sorted((n for n in found if not n.deleted), key=lambda n: (n.on, n.id))

    def search(self, text: str, *, limit: int = 200) -> list[NoteHit]:
        """Live notes on any referral or case containing every word of `text`
        (case-insensitive, anywhere in a word), newest first, at most `limit`."""
        return self._index.search(text, limit)

    @property
    def search_index_repaired(self) -> bool:
        """Whether a search found a damaged block in the saved index (and rebuilt it if
        this desk may write it)."""
        return self._index.repaired

    def searchable(self) -> int:
        """How many live notes `search` looks through (building its index if need be, so
        call it from a worker to warm search up)."""
        return len(self._index)

    # ----------------------------------------------------------------- drafts

    @staticmethod
    def draft_key(*, subject: str | None = None, note_id: str | None = None) -> str:
        """Where the editor keeps unsaved text: per note being edited, or per subject for a
        new note."""
        if note_id:
            return f"edit-{note_id}"
        if subject:
            return f"new-{subject}"
        raise ValueError("a draft belongs to a note or to a subject")

    def save_draft(self, key: str, payload: Mapping[str, Any]) -> None:
        """Durably keep unsaved editor content (JSON-shaped) under `key`, stamped with the
        time; not a record, not in the journal, not undoable."""
        if self._core.store.read_only:
            return  # another mspdesk owns this data; its drafts are its own
        stamped = {**payload, "saved_at": self._core.now().isoformat()}
        self._draft_files().save(key, stamped)

    def load_draft(self, key: str) -> dict[str, Any] | None:
        """The draft saved under `key` (with "saved_at"), or None."""
        return self._draft_files().load(key)

    def discard_draft(self, key: str) -> None:
        """Forget the draft `key`, e.g. once its note is saved."""
        if not self._core.store.read_only:
            self._draft_files().discard(key)

    def drafts(self) -> list[str]:
        """The keys of every draft waiting on disk."""
        return self._draft_files().list()

    def _draft_files(self) -> Drafts:
        if self._drafts is None:
            self._drafts = Drafts(self._core.store.directory / DRAFTS_DIR)
            if not self._core.store.read_only:
                self._drafts.remove_leftovers()
        return self._drafts

    def _rows(self) -> Iterable[dict[str, Any]]:
        return self._core.store.table(TABLE).values()

    def _next_id(self) -> str:
        code = self._core.code
        if self._highest is None or self._highest_code != code:
            # Undone (deleted) notes count too: an id is never issued twice.
            store = self._core.store
            self._highest = NOTES.highest((*store.keys(TABLE), *store.touched_keys()), code)
            self._highest_code = code
        return note_id(self._highest + 1, code)


def _kind(kind: NoteKind | str) -> NoteKind:
    """The note kind from its value, name or label; an unknown one names the field."""
    try:
        return NoteKind.parse(kind)
    except ValueError as error:
        raise InvalidRecord([("kind", str(error))], "note") from None


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags stripped, blanks dropped, each once, in the order given."""
    return tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))


def _first_line(note: Note) -> str:
    return note.body.splitlines()[0][:60]


def _ops_on(event: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [op for op in event["ops"] if op["table"] == TABLE and op["key"] == key]


def _state_before(op: dict[str, Any], after: dict[str, Any] | None) -> dict[str, Any] | None:
    """The record as it was before `op` turned it into `after`."""
    prior: dict[str, Any] | None = op.get("prior")
    if op["kind"] == "patch":
        return {**(after or {}), **(prior or {})}
    return prior  # put: what it replaced (None if it created it); delete: what it removed
