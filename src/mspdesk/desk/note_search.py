"""Searching notes across every referral and case, fast enough to run on each keystroke.

Matching is plain and predictable: a note matches if every word of the query occurs in
it, case-insensitively, anywhere (inside a word too: "commiss" finds "Commissioner").
The text searched is the body, tags, kind, ids, adviser, date and the subject's
organisation.

Two parts answer a query: the index saved in the data folder (`notes-index.bin`,
desk/note_base.py), trusted only up to the journal sequence it records, and an
in-memory index (desk/note_memory.py) of the notes changed since (every note when no
saved index can be used). A note the in-memory part has read hides its saved copy. A
desk that holds the writer lock writes the saved index when there is none (the first
search); at close, once the journal may no longer reach back to it, it saves the notes
changed since in the index's delta (`notes-index-delta.json`), and rewrites the index
only when very many have.

The command line answers from the saved index, its delta and the journal alone, without
loading the store (`search_folder`); when they cannot answer for sure it returns None
and the caller opens the desk.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from mspdesk.desk.note_base import SEPARATOR, BaseIndex, build_sections
from mspdesk.desk.note_journal import Delta, JournalView, UnknownRecord
from mspdesk.desk.note_memory import TABLE, MemoryIndex, OrderKey, RecordSource, subject_title
from mspdesk.domain.note_kind import NoteKind
from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store import Store, StoreError
from mspdesk.store import erasure as store_erasure
from mspdesk.store.notes_file import (
    DamagedIndex,
    index_path,
    read_notes_file,
    remove_notes_delta,
    write_notes_delta,
    write_notes_file,
)

T = TypeVar("T")
SNIPPET_WIDTH = 120
SNIPPET_LEAD = 30
REWRITE_NOTES = 2_000
"""Notes changed since the saved index above which closing the desk rewrites it (up to
it, the command line reads them from the delta and indexes them in some 50 ms)."""
REWRITE_EVENTS = 500
"""Changes since the saved index above which closing a desk that searched saves the delta.
Below it the journal and the segments backups/ keeps (three checkpoints of at least 200
changes) still hold every change since, so the command line can catch up without it."""


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
    """The saved index plus the notes changed since, kept in step with the log."""

    def __init__(self, source: RecordSource, store: Store | None = None) -> None:
        self._source = source
        self._store = store  # None on the command line's journal-only path
        self._lock = threading.Lock()  # searches may run in worker threads
        self._base: BaseIndex | None = None
        self._memory: MemoryIndex | None = None
        self._closed = False  # after close the lock is gone: never write again
        self._damaged = False  # the saved index failed a check: do not reopen it
        self.repaired = False
        """A damaged block of the saved index was noticed while searching (and the index
        rebuilt when this desk may write it)."""

    @classmethod
    def of_store(cls, store: Store) -> NoteIndex:
        return cls(store, store)

    @classmethod
    def over_journal(cls, base: BaseIndex, view: JournalView) -> NoteIndex:
        """The saved index, its delta and the journal's changes since (the command line's
        path)."""
        index = cls(view)
        index._base, index._memory = base, MemoryIndex(view, base.notes_of)
        index._memory.refresh(view.delta_notes)  # read as the journal left them
        index._memory.synced_seq = view.since
        return index

    def search(self, text: str, limit: int = 200) -> list[NoteHit]:
        """Live notes containing every word of `text` (case-insensitive), newest first."""
        words = _words(text)
        if not words or limit <= 0:
            return []
        with self._lock:
            return self._despite_damage(lambda: self._search(words, limit))

    def _search(self, words: list[str], limit: int) -> list[NoteHit]:
        memory = self._ready()
        found = self._changed_matches(memory, words, limit)
        if self._base is not None:
            found += _saved_matches(self._base, memory.slot_of, words, limit)
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [self._hit(record, words) for _, record in found[:limit]]

    def __len__(self) -> int:
        with self._lock:
            return self._despite_damage(self._count)

    def _count(self) -> int:
        memory = self._ready()
        saved = self._base.notes if self._base is not None else 0
        return saved + len(memory) - sum(1 for _ in self._shadowed(memory))

    def _despite_damage(self, call: Callable[[], T]) -> T:
        """A damaged block noticed while reading the saved index: rebuild, ask again."""
        try:
            return call()
        except DamagedIndex:
            self._drop()
            self._damaged = self.repaired = True
            return call()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()

    # ------------------------------------------------------------- the parts

    def _ready(self) -> MemoryIndex:
        if self._memory is None:
            if self._store is not None and not self._damaged:
                self._memory = self._caught_up()
            if self._memory is None:
                if self._store is not None:
                    saved = None if self._damaged else _open_saved(self._store)
                    self._base = saved or self._save()
                    self._damaged = False
                self._memory = self._from_store()
        self._memory.sync()
        return self._memory

    def _from_store(self) -> MemoryIndex:
        notes_of = self._base.notes_of if self._base is not None else _no_notes
        memory = MemoryIndex(self._source, notes_of)
        if self._base is not None:
            memory.synced_seq = self._base.seq
        return memory

    def _caught_up(self) -> MemoryIndex | None:
        """The notes changed since the saved index, read from its delta and the journal as
        the command line reads them, then handed over to the store: a new session's first
        search parses neither the history nor the notes table (seconds at 200,000 notes).
        None when the journal cannot vouch for every change up to the store's."""
        store = self._store
        if store is None or store_erasure.is_pending(store.directory):
            return None
        base = _trusted(store.directory, lambda seq, event_id: seq <= store.seq)
        if base is None:
            return None
        try:
            event_id = str(base.file.header.get("event_id", ""))
            delta = Delta.read(store.directory, base, event_id)
            view = JournalView.read(store.directory, base, event_id, delta)
            # The same history: the journal shows it, or else the store's own event does.
            same = view is not None and (view.verified or _event_id(store, base.seq) == event_id)
            if view is None or view.seq != store.seq or not same:
                base.close()
                return None
            memory = MemoryIndex(view, base.notes_of)
            memory.refresh(view.delta_notes)
            memory.synced_seq = view.since
            memory.sync()
        except (UnknownRecord, StoreError, ValueError, KeyError, TypeError):
            base.close()
            return None  # DamagedIndex is a ValueError: the store path finds it again
        self._base = base
        memory.source = self._source
        return memory

    def _save(self) -> BaseIndex | None:
        """Write the saved index from the store (only with the writer lock); None if not."""
        store = self._store
        if store is None or store.read_only or self._closed:
            return None
        if store_erasure.is_pending(store.directory):
            return None
        # The sequence first, then the notes (one C-level copy, safe against a commit on
        # another thread): a change landing in between is in the notes *and* re-read by
        # the in-memory part, which is harmless; the other order could miss it.
        seq = store.seq
        event_id = _event_id(store, seq)
        notes = list(store.table(TABLE).items())
        sections = build_sections(notes, lambda subject: subject_title(store, subject))
        try:
            write_notes_file(store.directory, seq, event_id, sections)
            remove_notes_delta(store.directory)  # it extends the index just replaced
        except OSError:
            return None  # a full disk: search works from memory, the desk carries on
        return _open_saved(store)

    def refresh_saved(self) -> None:
        """At close, after a session that searched notes: if the saved index is far behind
        (REWRITE_EVENTS), save the notes changed since in its delta (milliseconds), or once
        more than REWRITE_NOTES have changed, rewrite the index. A session that did not
        search (most commands) leaves both: the next search catches up, and saves them when
        it closes."""
        store = self._store
        if store is None or store.read_only or self._closed:
            return
        with self._lock:
            if self._memory is None or self._base is None:
                return  # no search this time, or the index could not be saved (full disk)
            self._memory.sync()
            behind = store.seq - self._base.seq
            changed = len(self._memory.slot_of)
            if changed > REWRITE_NOTES:
                self._drop()
                self._base = self._save()
            elif behind > REWRITE_EVENTS:
                self._save_delta(self._base, self._memory)

    def _save_delta(self, base: BaseIndex, memory: MemoryIndex) -> None:
        """Write the delta: every note changed since the saved index, as it is now."""
        store = self._store
        assert store is not None
        if store_erasure.is_pending(store.directory):
            return
        seq = memory.synced_seq  # every change up to it is in `memory.slot_of`
        notes = {note_id: memory.records.get(note_id) for note_id in memory.slot_of}
        titles = {str(record["subject"]): title for record, title in memory.shown.values()}
        payload = {
            "schema_version": SCHEMA_VERSION,
            "base_seq": base.seq,
            "base_event_id": str(base.file.header.get("event_id", "")),
            "seq": seq,
            "event_id": _event_id(store, seq),
            "notes": notes,
            "titles": titles,
        }
        with contextlib.suppress(OSError):  # a full disk: the next search catches up
            write_notes_delta(store.directory, payload)

    def _drop(self) -> None:
        if self._base is not None:
            self._base.close()
        self._base, self._memory = None, None

    def _shadowed(self, memory: MemoryIndex) -> Iterable[str]:
        if self._base is None:
            return ()
        return (key for key in memory.slot_of if self._base.slot_of(key) is not None)

    def _changed_matches(
        self, memory: MemoryIndex, words: list[str], limit: int
    ) -> list[tuple[OrderKey, dict[str, Any]]]:
        found = []
        for slot in memory.match(words, limit):
            record, title = memory.shown[slot]  # as indexed: never read again
            note_id = memory.note_of[slot]
            found.append((memory.order_key[slot], {**record, "id": note_id, "title": title}))
        return found

    def _hit(self, record: dict[str, Any], words: list[str]) -> NoteHit:
        snippet, spans = snippet_of(str(record["body"]), words)
        return NoteHit(
            note_id=str(record["id"]),
            subject=str(record["subject"]),
            subject_title=str(record["title"]),
            on=date.fromisoformat(str(record["on"])),
            kind=NoteKind(record.get("kind") or NoteKind.OTHER),
            adviser=str(record.get("adviser") or ""),
            snippet=snippet,
            spans=spans,
        )


def _saved_matches(
    base: BaseIndex, shadowed: dict[str, int], words: list[str], limit: int
) -> list[tuple[OrderKey, dict[str, Any]]]:
    """The newest `limit` saved notes holding every word, but not those changed since."""
    found = []
    for slot in base.newest_matching(words):
        record = base.record(slot)
        if record["id"] in shadowed:
            continue
        found.append(((str(record["on"]), str(record["id"])), record))
        if len(found) >= limit:
            break
    return found


def _no_notes(subject: str) -> list[str]:
    return []


def _event_id(source: Store, seq: int) -> str:
    """The id of change `seq`: the saved index names the change it stops at, so a folder
    whose history went another way is told apart from the one it was written for."""
    event = source.record("events", str(seq))  # parses one piece, not every event
    return str(event.get("id", "")) if event else ""


def _open_saved(store: Store) -> BaseIndex | None:
    """The saved index if it can be trusted for this store's history, else None."""
    if store_erasure.is_pending(store.directory):
        return None  # it may hold erased text until the erasure finishes
    return _trusted(store.directory, lambda s, e: s <= store.seq and _event_id(store, s) == e)


def _trusted(directory: Path, agrees: Callable[[int, str], bool]) -> BaseIndex | None:
    opened = read_notes_file(directory)
    if opened is None:
        return None
    try:
        base = BaseIndex(opened)
    except ValueError:
        opened.close()
        return None
    if not agrees(base.seq, str(opened.header.get("event_id", ""))):
        base.close()
        return None
    return base


def search_folder(directory: Path, text: str, limit: int = 200) -> list[NoteHit] | None:
    """Search the desk in `directory` from its saved index and journal, without loading
    the store; None when those cannot answer for sure (open the desk instead)."""
    if store_erasure.is_pending(directory):
        return None
    try:
        base = _trusted(directory, lambda seq, event_id: True)
        if base is None:
            return None
        try:
            event_id = str(base.file.header.get("event_id", ""))
            delta = Delta.read(directory, base, event_id)
            view = JournalView.read(directory, base, event_id, delta)
            if view is None:
                return None
            return NoteIndex.over_journal(base, view).search(text, limit)
        finally:
            base.close()
    except (UnknownRecord, StoreError, ValueError, KeyError, TypeError):
        return None  # anything unexpected: the store itself decides


def saved_index_problem(directory: Path) -> str | None:
    """Why the saved index cannot be used at all ("missing", "damaged": damaged or from
    another version), or None if it opens (it may still be behind the journal, which is
    fine, or hold a damaged block that only a search reading it notices)."""
    if not index_path(directory).exists():
        return "missing"
    opened = read_notes_file(directory)
    if opened is None:
        return "damaged"
    try:
        BaseIndex(opened)
    except ValueError:
        return "damaged"
    finally:
        opened.close()
    return None


def _words(text: str) -> list[str]:
    """The distinct words of a query, longest (most selective) first."""
    words = set(text.replace(SEPARATOR, " ").casefold().split())
    return sorted(words, key=lambda word: (-len(word), word))


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
