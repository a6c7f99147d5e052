"""The in-memory part of note search: the notes changed since the saved index was written
(all notes when there is none), kept in step with the event log.

It keeps each live note's distinct lowercase tokens (its "haystack"), newest note first,
and a vocabulary of every token seen, joined into one string, with a postings array per
token (the notes holding it). A word found in few tokens is looked up in the vocabulary
with `str.find` at C speed, and only the notes in those tokens' postings are checked. A
word found in very many tokens ("e") matches most notes, so the haystacks are scanned
newest first and the scan stops after `limit` hits.

The vocabulary and postings are built only once more than SCAN_NOTES notes are held:
scanning a few thousand haystacks takes a millisecond or two, and most searches start with
the notes changed since the saved index, a few hundred, read as the search starts (the
command line's first search has no time to index them).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from mspdesk.desk import note_base
from mspdesk.desk.note_base import note_tokens, tokens_containing, vocabulary_of

TABLE = "notes"
SUBJECT_TABLES = ("referrals", "cases")
SCAN_NOTES = 3_000
"""Up to this many live notes, a search scans them all instead of building postings."""
OrderKey = tuple[str, str]
"""(date, note id): notes sort newest first by this, here and in the saved index."""


class RecordSource(Protocol):
    """What the index reads: the store, or (on the command line) the journal's changes."""

    @property
    def seq(self) -> int: ...

    def get(self, name: str, key: str) -> dict[str, Any] | None: ...

    def table(self, name: str) -> dict[str, Any]: ...

    def recent_events(self) -> Iterator[dict[str, Any]]: ...


def subject_title(source: RecordSource, subject: str) -> str:
    for table in SUBJECT_TABLES:
        record = source.get(table, subject)
        if record is not None:
            return str(record.get("organisation", ""))
    return ""


def _may_retitle(op: dict[str, Any]) -> bool:
    """Whether a change to a referral or case may change its organisation (a patch names
    the fields it changes; triage, status and dates leave the notes' text alone)."""
    return op["kind"] != "patch" or "organisation" in (op.get("data") or {})


class MemoryIndex:
    """Tokens of the notes it was given and the notes of every token."""

    def __init__(self, source: RecordSource, notes_of: Callable[[str], Iterable[str]]) -> None:
        self.source = source
        """Where notes are read from; the desk hands over from the journal to the store."""
        self._saved_notes_of = notes_of  # notes of a subject in the saved index
        self.synced_seq = -1
        # Notes, by a slot number that stays theirs while the index lives.
        self.slot_of: dict[str, int] = {}
        """Every note this index has read: they shadow the saved index's copies."""
        self.note_of: list[str] = []
        self.records: dict[str, dict[str, Any] | None] = {}
        """Each note as last read (None: gone), so a hit or the delta never reads again."""
        self.shown: dict[int, tuple[dict[str, Any], str]] = {}  # live: (record, organisation)
        self._hays: dict[int, str] = {}  # live notes only: distinct tokens, space-joined
        self.order_key: dict[int, OrderKey] = {}
        self._order: list[tuple[str, str, int]] = []  # (date, id, slot), oldest first
        self._subject_of: dict[int, str] = {}
        self._by_subject: dict[str, set[int]] = {}
        # Postings only grow: a slot left behind by an edit is harmless because every
        # candidate is checked against its current haystack.
        self._token_id: dict[str, int] = {}
        self._postings: list[array[int]] = []
        self._vocabulary = ""
        self._token_starts: array[int] = array("I")
        self._listing = False  # postings built (and kept up) once past SCAN_NOTES

    def __len__(self) -> int:
        return len(self._hays)

    def match(self, words: list[str], limit: int) -> list[int]:
        """Slots of live notes holding every word, newest first, at most `limit`."""
        if not self._listing:
            if len(self._hays) <= SCAN_NOTES:
                return self._scan(words, limit)
            self._listing = True
            self._list(self._hays)
        sparse: list[tuple[int, list[int]]] = []  # (estimated notes, token ids) per word
        for word in words:
            tokens = tokens_containing(
                self._vocabulary, self._token_starts, word, note_base.TOKEN_CAP
            )
            if tokens is not None:
                sparse.append((sum(len(self._postings[t]) for t in tokens), tokens))
        sparse.sort()
        if not sparse or sparse[0][0] > note_base.DENSE_NOTES:
            return self._scan(words, limit)
        candidates = self._notes_in(sparse[0][1])
        for estimate, tokens in sparse[1:]:
            if not candidates or estimate > note_base.DENSE_NOTES:
                break
            candidates &= self._notes_in(tokens)
        hays = self._hays
        matched = [
            slot
            for slot in candidates
            if (hay := hays.get(slot)) is not None and all(word in hay for word in words)
        ]
        return heapq.nlargest(limit, matched, key=self.order_key.__getitem__)

    def _scan(self, words: list[str], limit: int) -> list[int]:
        """Every word is common: walk the notes newest first until `limit` match."""
        hays = self._hays
        found: list[int] = []
        for _, _, slot in reversed(self._order):
            if all(word in hays[slot] for word in words):
                found.append(slot)
                if len(found) >= limit:
                    break
        return found

    def _notes_in(self, tokens: list[int]) -> set[int]:
        return set(itertools.chain.from_iterable(self._postings[t] for t in tokens))

    # ------------------------------------------------------------- keeping up

    def sync(self) -> None:
        """Apply every event committed since the last sync (all notes the first time,
        unless `synced_seq` was set to the saved index's sequence)."""
        seq = self.source.seq
        if self.synced_seq < 0:
            self.refresh(list(self.source.table(TABLE)), bulk=True)
        elif seq != self.synced_seq:
            self.refresh(self._changed_since(self.synced_seq))
        self.synced_seq = seq

    def _changed_since(self, seq: int) -> set[str]:
        changed: set[str] = set()
        for event in self.source.recent_events():
            if event["seq"] <= seq:
                break
            for op in event["ops"]:
                if op["table"] == TABLE:
                    changed.add(op["key"])
                elif op["table"] in SUBJECT_TABLES and _may_retitle(op):
                    # The subject's organisation is part of its notes' haystacks.
                    slots = self._by_subject.get(op["key"], ())
                    changed.update(self.note_of[slot] for slot in slots)
                    changed.update(self._saved_notes_of(op["key"]))
        return changed

    def refresh(self, note_ids: Iterable[str], *, bulk: bool = False) -> None:
        """Re-read these notes; `bulk` (the first build) sorts once instead of inserting."""
        new_tokens: list[str] = []
        token_ids, postings = self._token_id, self._postings  # locals: this loop is hot
        for note_id in note_ids:
            slot = self.slot_of.get(note_id)
            if slot is None:
                slot = self.slot_of[note_id] = len(self.note_of)
                self.note_of.append(note_id)
            old_hay = self._forget(slot)
            record = self.records[note_id] = self.source.get(TABLE, note_id)
            if record is None or record.get("deleted"):
                continue
            subject = str(record["subject"])
            title = subject_title(self.source, subject)
            self.shown[slot] = (record, title)
            tokens = note_tokens(note_id, record, title)
            if self._listing:
                old_tokens = set(old_hay.split())
                for token in tokens:
                    token_id = token_ids.get(token)
                    if token_id is None:
                        token_id = token_ids[token] = len(postings)
                        postings.append(array("i"))
                        new_tokens.append(token)
                    elif token in old_tokens:
                        continue  # its postings already hold this note
                    postings[token_id].append(slot)
            key = (str(record["on"]), note_id)
            self._hays[slot] = " ".join(tokens)
            self.order_key[slot] = key
            self._subject_of[slot] = subject
            self._by_subject.setdefault(subject, set()).add(slot)
            if bulk:
                self._order.append((*key, slot))
            else:
                bisect.insort(self._order, (*key, slot))
        if bulk:
            self._order.sort()
        if new_tokens:
            self._extend_vocabulary(new_tokens)

    def _list(self, hays: dict[int, str]) -> None:
        """Postings (and vocabulary) for these live notes, as `refresh` keeps them."""
        token_ids, postings = self._token_id, self._postings
        new_tokens: list[str] = []
        for slot, hay in hays.items():
            for token in hay.split(" "):
                token_id = token_ids.get(token)
                if token_id is None:
                    token_id = token_ids[token] = len(postings)
                    postings.append(array("i"))
                    new_tokens.append(token)
                postings[token_id].append(slot)
        if new_tokens:
            self._extend_vocabulary(new_tokens)

    def _forget(self, slot: int) -> str:
        """Take a note out of the live set; returns the haystack it had ("" if none)."""
        hay = self._hays.pop(slot, None)
        if hay is None:
            return ""
        del self.shown[slot]
        key = self.order_key.pop(slot)
        del self._order[bisect.bisect_left(self._order, (*key, slot))]
        self._by_subject[self._subject_of.pop(slot)].discard(slot)
        return hay

    def _extend_vocabulary(self, tokens: list[str]) -> None:
        # Tokens are appended, so their ids stay their positions in the joined string.
        joined, starts = vocabulary_of(tokens)
        if self._vocabulary:
            offset = len(self._vocabulary) + 1
            starts = array("I", (start + offset for start in starts))
            joined = f"{self._vocabulary}{note_base.SEPARATOR}{joined}"
        self._token_starts.extend(starts)
        self._vocabulary = joined
