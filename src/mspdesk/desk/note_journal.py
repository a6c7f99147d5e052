"""The command line's view of what changed since the saved notes index: the notes the
delta saved at close holds (`Delta`, notes-index-delta.json) and the journal's events after
it (after the index itself when there is no delta), read without loading the store.

`JournalView.read` gives None whenever the journal cannot vouch for every change since the
saved index (it has been folded into a snapshot since, was cut short, holds events of
another data version, or names a different change at the index's sequence), and `get`
raises UnknownRecord for a record neither the index nor the journal knows (a note on a
subject with no notes when the index was written). The caller then opens the store.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mspdesk.desk.note_base import BaseIndex
from mspdesk.desk.note_memory import SUBJECT_TABLES, TABLE
from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store.journal import JOURNAL_NAME, read_ack, read_journal
from mspdesk.store.notes_file import read_notes_delta
from mspdesk.store.snapshot import generations


class UnknownRecord(Exception):
    """A record the saved index and the journal cannot give: ask the store."""


@dataclass(frozen=True)
class Delta:
    """The notes changed between the saved index and change `seq` (None: removed), and the
    organisations of their subjects, as the desk saved them at close."""

    seq: int
    event_id: str
    notes: dict[str, dict[str, Any] | None]
    titles: dict[str, str]

    @classmethod
    def read(cls, directory: Path, base: BaseIndex, base_event_id: str) -> Delta | None:
        """The delta saved for this very index, else None (missing, damaged or older)."""
        payload = read_notes_delta(directory)
        if payload is None or payload.get("base_seq") != base.seq:
            return None
        if payload.get("base_event_id") != base_event_id or payload["seq"] < base.seq:
            return None
        notes, titles = payload["notes"], payload["titles"]
        if not isinstance(notes, dict) or not isinstance(titles, dict):
            return None
        return cls(int(payload["seq"]), str(payload["event_id"]), notes, titles)


class JournalView:
    """Notes and subject organisations as the delta and the journal's newer events left
    them."""

    def __init__(
        self,
        base: BaseIndex,
        events: list[dict[str, Any]],
        delta: Delta | None = None,
        *,
        verified: bool = False,
    ) -> None:
        self._base = base
        self.verified = verified
        """Whether the journal holds the change the delta (or the index) stops at, with the
        id they name: then this folder's history is theirs."""
        self._events: list[dict[str, Any]] = events
        self.since = delta.seq if delta else base.seq
        """The change up to which the index and the delta vouch for every note."""
        self.seq = events[-1]["seq"] if events else self.since
        self._notes: dict[str, dict[str, Any] | None] = dict(delta.notes) if delta else {}
        self._titles: dict[str, str] = dict(delta.titles) if delta else {}
        self.delta_notes = list(self._notes)
        for event in events:
            for op in event["ops"]:
                self._apply(op)

    @classmethod
    def read(
        cls, directory: Path, base: BaseIndex, event_id: str, delta: Delta | None = None
    ) -> JournalView | None:
        """The journal after the delta (or the index): None unless it holds every change
        since, following on from the very change the delta (or the index) stops at."""
        since, since_id = (delta.seq, delta.event_id) if delta else (base.seq, event_id)
        acknowledged = read_ack(directory)
        if acknowledged is None or acknowledged < since:
            return None
        events = read_journal(directory / JOURNAL_NAME).events
        if acknowledged > since and (not events or events[0]["seq"] > since + 1):
            events = _kept_segments_since(directory, since) + events
        if not events:
            return cls(base, [], delta) if acknowledged == since else None
        if any(b["seq"] != a["seq"] + 1 for a, b in itertools.pairwise(events)):
            return None
        first, last = events[0]["seq"], events[-1]["seq"]
        if first > since + 1 or last < acknowledged or last < since:
            return None  # folded into a snapshot since, or cut short: the store decides
        if first <= since and events[since - first].get("id") != since_id:
            return None
        newer = events[max(0, since + 1 - first) :]
        if any(event.get("v", 1) != SCHEMA_VERSION for event in newer):
            return None  # another data version: the store upgrades or refuses it
        return cls(base, newer, delta, verified=first <= since)

    def _apply(self, op: dict[str, Any]) -> None:
        key, kind, data = op["key"], op["kind"], op.get("data") or {}
        if op["table"] == TABLE:
            if kind == "put":
                self._notes[key] = data
            elif kind == "patch":
                self._notes[key] = {**self._note(key), **data}
            else:
                self._notes[key] = None
        elif op["table"] in SUBJECT_TABLES:
            if kind == "delete":
                self._titles[key] = ""
            elif kind == "put" or "organisation" in data:
                self._titles[key] = str(data.get("organisation", ""))

    def _note(self, key: str) -> dict[str, Any]:
        if key in self._notes:
            return self._notes[key] or {}
        slot = self._base.slot_of(key)
        if slot is None:
            raise UnknownRecord(key)  # e.g. a deleted note brought back by undo
        return self._base.record(slot)

    # ------------------------------------------------------------- RecordSource

    def get(self, name: str, key: str) -> dict[str, Any] | None:
        if name == TABLE:
            return self._notes[key] if key in self._notes else self._note(key)
        if name not in SUBJECT_TABLES:
            return None
        title = self._titles.get(key)
        if title is None:
            title = self._base.title(key)
        if title is None:
            raise UnknownRecord(key)
        return {"organisation": title}

    def table(self, name: str) -> dict[str, Any]:
        raise UnknownRecord(name)  # the whole table is the store's to give

    def recent_events(self) -> Iterator[dict[str, Any]]:
        return iter(self._events[::-1])


def _kept_segments_since(directory: Path, seq: int) -> list[dict[str, Any]]:
    """Events after `seq` from the journal segments checkpoints moved to backups/ (kept
    while a backup snapshot may need them); the caller checks that nothing is missing."""
    _, segments = generations(directory)
    bases = [int(path.stem.rpartition("-")[2]) for path in segments]
    events: list[dict[str, Any]] = []
    for path, following in zip(segments, [*bases[1:], None], strict=True):
        if following is None or following > seq:
            events += read_journal(path).events
    return events
