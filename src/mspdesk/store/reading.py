"""Reading a store: its tables (parsed on first use) and the history of each record.

Kept apart from the writing half (tinystore.py) so each stays small; `Store` is both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

from mspdesk.gc_paused import without_gc
from mspdesk.store.record_bytes import Span, encoded, split_table, with_changes
from mspdesk.store.tables import Tables
from mspdesk.store.view import keys_of

EVENTS = "events"
_KEY = itemgetter("key")


class StoreReads:
    """The read API of `Store` over its tables (see tinystore.Store for the writing)."""

    _tables: Tables
    _by_key: dict[str, list[int]] | None
    _touched: set[str] | None = None
    _touched_seq = 0
    seq: int

    # ----------------------------------------------------------------- reading

    def table(self, name: str) -> dict[str, Any]:
        """The live records of one table, by key (parsed on first use). Read only: never
        mutate them (a checkpoint may be encoding them in another thread)."""
        return self._table(name)

    def _table(self, name: str) -> dict[str, Any]:
        found = self._tables.get(name)
        return {} if found is None else found

    def record_spans(self, name: str) -> list[Span]:
        """Each live record of table `name` as (key, buffer, start, end), its JSON being
        `buffer[start:end]`, in storage order: the compact JSON the snapshot holds, found
        without parsing a table not parsed yet (at 100k referrals a fraction of the time
        and memory of parsing). Changes the journal made since are applied record by
        record, as parsing applies them. The buffers are read only."""
        if not self._tables.is_unread(name):
            return [encoded(key, record) for key, record in self._table(name).items()]
        source = self._tables.source
        assert source is not None
        with without_gc():
            spans = split_table(*source.mapped(name), source.keys(name))
            return with_changes(spans, self._tables.waiting(name))

    def records_json(self, name: str) -> Iterator[tuple[str, bytes]]:
        """(key, JSON bytes) of each live record of table `name` (as `record_spans`)."""
        for key, data, start, end in self.record_spans(name):
            yield key, data[start:end]

    def is_parsed(self, name: str) -> bool:
        """Whether table `name` is in memory already (reading it whole costs nothing more)."""
        return not self._tables.is_unread(name)

    def keys(self, name: str) -> Iterable[str]:
        """The keys of one table's records; on a table not parsed yet this reads only the
        snapshot's key list (a cheap "does R-… exist" on a big desk)."""
        return self._tables.keys(name)

    def has(self, name: str, key: str) -> bool:
        """Whether table `name` holds a record `key` (without parsing the table)."""
        return key in self._tables.keys(name)

    def verify(self) -> None:
        """Check every table not parsed yet against its checksum (CorruptStore if damaged)."""
        if self._tables.source is not None:
            self._tables.source.verify()

    def table_names(self) -> list[str]:
        """Every table the desk holds, parsed or not."""
        return self._tables.names()

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        """Every table, all parsed (costly on a big desk: prefer `table`)."""
        return self._tables.all()

    def get(self, name: str, key: str) -> dict[str, Any] | None:
        """One record, or None."""
        found: dict[str, Any] | None = self._table(name).get(key)
        return found

    def record(self, name: str, key: str) -> dict[str, Any] | None:
        """One record without parsing its table if it was not parsed yet (only the part of
        the snapshot holding it): for a single look-up, such as one event by number."""
        found: dict[str, Any] | None = self._tables.record(name, key)
        return found

    def events_for(self, key: str) -> list[dict[str, Any]]:
        """Every event that touched record `key`, oldest first."""
        events = self._table(EVENTS)
        seqs = self._key_index().get(key, ())
        return [events[str(seq)] for seq in seqs if str(seq) in events]

    def touched_keys(self) -> Iterable[str]:
        """Every record key any event has touched, records since deleted included (what
        makes an id never issued twice). Without the per-key history index `events_for`
        builds: the keys alone, kept and brought up to date with the events since."""
        if self._by_key is not None:
            return self._by_key.keys()
        if self._touched is None or self._touched_seq > self.seq:
            self._touched, self._touched_seq = set(), 0
        events = self._table(EVENTS)
        for seq in range(self._touched_seq + 1, self.seq + 1):
            event = events.get(str(seq))
            if event is not None:
                self._touched.add(event["subject"])
                self._touched.update(map(_KEY, event["ops"]))
        self._touched_seq = self.seq
        return self._touched

    def recent_events(self) -> Iterator[dict[str, Any]]:
        """All events, newest first."""
        events = self._table(EVENTS)
        for seq in range(self.seq, 0, -1):
            event = events.get(str(seq))
            if event is not None:
                yield event

    def _key_index(self) -> dict[str, list[int]]:
        if self._by_key is None:
            index: dict[str, list[int]] = defaultdict(list)
            for key, event in self._table(EVENTS).items():
                for touched in keys_of(event):
                    index[touched].append(int(key))
            self._by_key = index
        return self._by_key
