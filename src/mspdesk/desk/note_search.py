"""Searching notes across every referral and case, fast enough to run on each keystroke.

Matching is plain and predictable: a note matches if every word of the query occurs in
it, case-insensitively, anywhere (inside a word too: "commiss" finds "Commissioner").
The text searched is the body, tags, kind, ids, adviser, date and the subject's
organisation.

A query word never holds whitespace, so it matches a note exactly when it is inside one
of the note's whitespace-separated tokens. The index therefore keeps:

* each live note's distinct lowercase tokens (its "haystack"), newest note first;
* a vocabulary of every token seen, joined into one string, with a postings array per
  token (the notes holding it).

A word found in few tokens (most words once two or three letters are typed) is looked up
in the vocabulary with `str.find` at C speed, and only the notes in those tokens'
postings are checked. A word found in very many tokens ("e") matches most notes, so the
haystacks are scanned newest first and the scan stops after `limit` hits. The index
follows the event log: each search first applies the events committed since the last.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from mspdesk.domain.note import NoteKind
from mspdesk.store import Store

TABLE = "notes"
SUBJECT_TABLES = ("referrals", "cases")
SEPARATOR = "\x00"  # never in a query word, so no match spans two vocabulary tokens
TOKEN_CAP = 2_000
"""A word inside more vocabulary tokens than this is "dense": it is checked by scanning."""
DENSE_NOTES = 8_000
"""Candidates above this many: scanning newest-first (and stopping early) is cheaper."""
SNIPPET_WIDTH = 120
SNIPPET_LEAD = 30


@dataclass(frozen=True)
class NoteHit:
    """One note that matched: where it is, and a one-line snippet with the matches marked."""

    note_id: str
    subject: str
    subject_title: str
    on: date
    kind: NoteKind
    adviser: str
    snippet: str
    spans: tuple[tuple[int, int], ...]
    """(start, end) offsets in `snippet` of each matched word."""


class NoteIndex:
    """Tokens of every live note and the notes of every token, kept in step with the log."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()  # searches may run in worker threads
        self._synced_seq = -1
        # Notes, by a slot number that stays theirs while the index lives.
        self._slot_of: dict[str, int] = {}
        self._note_of: list[str] = []
        self._hays: dict[int, str] = {}  # live notes only: distinct tokens, space-joined
        self._order_key: dict[int, tuple[str, int]] = {}
        self._order: list[tuple[str, int]] = []  # (date, slot), oldest first
        self._subject_of: dict[int, str] = {}
        self._by_subject: dict[str, set[int]] = {}
        # The vocabulary. Postings only grow: a slot left behind by an edit is harmless
        # because every candidate is checked against its current haystack.
        self._token_id: dict[str, int] = {}
        self._postings: list[array[int]] = []
        self._vocabulary = ""
        self._token_starts: list[int] = []

    def search(self, text: str, limit: int = 200) -> list[NoteHit]:
        """Live notes containing every word of `text` (case-insensitive), newest first."""
        words = _words(text)
        if not words or limit <= 0:
            return []
        with self._lock:
            self._sync()
            found = [self._note_of[slot] for slot in self._match(words, limit)]
        return [hit for hit in (self._hit(note_id, words) for note_id in found) if hit]

    def __len__(self) -> int:
        with self._lock:
            self._sync()
            return len(self._hays)

    # ------------------------------------------------------------- matching

    def _match(self, words: list[str], limit: int) -> list[int]:
        sparse: list[tuple[int, list[int]]] = []  # (estimated notes, token ids) per word
        for word in words:
            tokens = self._tokens_containing(word)
            if tokens is not None:
                sparse.append((sum(len(self._postings[t]) for t in tokens), tokens))
        sparse.sort()
        if not sparse or sparse[0][0] > DENSE_NOTES:
            return self._scan(words, limit)
        candidates = self._notes_in(sparse[0][1])
        for estimate, tokens in sparse[1:]:
            if not candidates or estimate > DENSE_NOTES:
                break
            candidates &= self._notes_in(tokens)
        hays = self._hays
        matched = [
            slot
            for slot in candidates
            if (hay := hays.get(slot)) is not None and all(word in hay for word in words)
        ]
        return heapq.nlargest(limit, matched, key=self._order_key.__getitem__)

    def _scan(self, words: list[str], limit: int) -> list[int]:
        """Every word is common: walk the notes newest first until `limit` match."""
        hays = self._hays
        found: list[int] = []
        for _, slot in reversed(self._order):
            hay = hays[slot]
            if all(word in hay for word in words):
                found.append(slot)
                if len(found) >= limit:
                    break
        return found

    def _tokens_containing(self, word: str) -> list[int] | None:
        """Ids of the vocabulary tokens that contain `word`; None if there are too many."""
        vocabulary = self._vocabulary
        if vocabulary.count(word) > TOKEN_CAP:
            return None
        starts = self._token_starts
        tokens: list[int] = []
        position = vocabulary.find(word)
        while position != -1:
            token = bisect.bisect_right(starts, position) - 1
            tokens.append(token)
            following = token + 1
            position = vocabulary.find(
                word, starts[following] if following < len(starts) else len(vocabulary)
            )
        return tokens

    def _notes_in(self, tokens: list[int]) -> set[int]:
        return set(itertools.chain.from_iterable(self._postings[t] for t in tokens))

    def _hit(self, note_id: str, words: list[str]) -> NoteHit | None:
        record = self._store.get(TABLE, note_id)
        if record is None:
            return None
        snippet, spans = snippet_of(str(record["body"]), words)
        subject = str(record["subject"])
        return NoteHit(
            note_id=note_id,
            subject=subject,
            subject_title=_subject_title(self._store, subject),
            on=date.fromisoformat(str(record["on"])),
            kind=NoteKind(record.get("kind", NoteKind.OTHER)),
            adviser=str(record.get("adviser", "")),
            snippet=snippet,
            spans=spans,
        )

    # ------------------------------------------------------------- keeping up

    def _sync(self) -> None:
        """Apply every event committed since the last search (all notes the first time)."""
        seq = self._store.seq
        if self._synced_seq < 0:
            self._refresh(list(self._store.table(TABLE)), bulk=True)
        elif seq != self._synced_seq:
            self._refresh(self._changed_since(self._synced_seq))
        self._synced_seq = seq

    def _changed_since(self, seq: int) -> set[str]:
        changed: set[str] = set()
        for event in self._store.recent_events():
            if event["seq"] <= seq:
                break
            for op in event["ops"]:
                if op["table"] == TABLE:
                    changed.add(op["key"])
                elif op["table"] in SUBJECT_TABLES:
                    # The subject's organisation is part of its notes' haystacks.
                    slots = self._by_subject.get(op["key"], ())
                    changed.update(self._note_of[slot] for slot in slots)
        return changed

    def _refresh(self, note_ids: Iterable[str], *, bulk: bool = False) -> None:
        """Re-read these notes; `bulk` (the first build) sorts once instead of inserting."""
        new_tokens: list[str] = []
        token_ids, postings = self._token_id, self._postings  # locals: this loop is hot
        for note_id in note_ids:
            slot = self._slot_of.get(note_id)
            if slot is None:
                slot = self._slot_of[note_id] = len(self._note_of)
                self._note_of.append(note_id)
            old_hay = self._forget(slot)
            record = self._store.get(TABLE, note_id)
            if record is None or record.get("deleted"):
                continue
            tokens = _tokens(self._store, note_id, record)
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
            subject = str(record["subject"])
            key = (str(record["on"]), slot)
            self._hays[slot] = " ".join(tokens)
            self._order_key[slot] = key
            self._subject_of[slot] = subject
            self._by_subject.setdefault(subject, set()).add(slot)
            if bulk:
                self._order.append(key)
            else:
                bisect.insort(self._order, key)
        if bulk:
            self._order.sort()
        if new_tokens:
            self._extend_vocabulary(new_tokens)

    def _forget(self, slot: int) -> str:
        """Take a note out of the live set; returns the haystack it had ("" if none)."""
        hay = self._hays.pop(slot, None)
        if hay is None:
            return ""
        key = self._order_key.pop(slot)
        del self._order[bisect.bisect_left(self._order, key)]
        self._by_subject[self._subject_of.pop(slot)].discard(slot)
        return hay

    def _extend_vocabulary(self, tokens: list[str]) -> None:
        # Tokens are appended, so their ids stay their positions in the joined string.
        offset = len(self._vocabulary) + 1 if self._vocabulary else 0
        lengths = (len(token) + 1 for token in tokens)
        self._token_starts.extend(itertools.accumulate(lengths, initial=offset))
        self._token_starts.pop()  # the last "start" is past the end
        joined = SEPARATOR.join(tokens)
        self._vocabulary = f"{self._vocabulary}{SEPARATOR}{joined}" if offset else joined


def _words(text: str) -> list[str]:
    """The distinct words of a query, longest (most selective) first."""
    words = set(text.replace(SEPARATOR, " ").casefold().split())
    return sorted(words, key=lambda word: (-len(word), word))


def _tokens(store: Store, note_id: str, record: dict[str, Any]) -> list[str]:
    """The distinct lowercase whitespace-separated tokens of everything searched."""
    subject = str(record["subject"])
    parts = [
        str(record["body"]),
        " ".join(record.get("tags") or ()),
        str(record.get("kind", "")),
        note_id,
        subject,
        _subject_title(store, subject),
        str(record.get("adviser", "")),
        str(record["on"]),
    ]
    text = "\n".join(parts).replace(SEPARATOR, " ").casefold()
    return list(dict.fromkeys(text.split()))


def _subject_title(store: Store, subject: str) -> str:
    for table in SUBJECT_TABLES:
        record = store.get(table, subject)
        if record is not None:
            return str(record.get("organisation", ""))
    return ""


def snippet_of(body: str, words: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One line of `body` around the first match, and the spans of every word in it."""
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    flat = " ".join(body.split())
    first = pattern.search(flat)
    start = 0 if first is None else max(0, first.start() - SNIPPET_LEAD)
    if start:
        # Start at a word boundary rather than mid-word.
        space = flat.find(" ", start, first.start() if first else None)
        start = space + 1 if space != -1 else start
    window = flat[start : start + SNIPPET_WIDTH]
    prefix = "…" if start else ""
    suffix = "…" if start + SNIPPET_WIDTH < len(flat) else ""
    spans = tuple(
        (match.start() + len(prefix), match.end() + len(prefix))
        for match in pattern.finditer(window)
    )
    return prefix + window + suffix, spans
