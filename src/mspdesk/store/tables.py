"""The store's tables in memory: those parsed, and the snapshot's others parsed on first use.

A command reads only the tables it touches (`referrals list` never parses the history, `note
add` never parses the referrals of a desk it does not need). Journal changes to a table not
parsed yet wait in order and are applied when it is parsed, so the result is the same as
replaying them on the whole state.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

from mspdesk.store.compact import Shape, Shapes
from mspdesk.store.layout import TableSource
from mspdesk.store.snapshot import Snapshot

Table = dict[str, Any]


class Tables:
    """Every table by name; `get` parses a table the first time it is asked for."""

    def __init__(self) -> None:
        self.loaded: dict[str, Table] = {}
        self.source: TableSource | None = None
        self._waiting: dict[str, list[dict[str, Any]]] = {}
        """Operations on tables not parsed yet, oldest first."""
        self._keys: dict[str, dict[str, None]] = {}
        """Record keys of tables not parsed yet, read from the snapshot's key lists."""
        self.shapes = Shapes()
        """How each table's records are kept compact (store/compact.py)."""

    def start(self, snapshot: Snapshot) -> None:
        self.loaded = dict(snapshot.tables)
        self.source = snapshot.source
        self._waiting = {}
        self._keys = {}

    def replace_all(self, tables: dict[str, Table]) -> None:
        """After an erasure or a migration: these are every table, all parsed."""
        self.shapes = Shapes()  # its samples hold records of the tables replaced
        self.loaded = tables
        self.source = None
        self._waiting = {}
        self._keys = {}

    def names(self) -> list[str]:
        unread = [] if self.source is None else self.source.names()
        return [*self.loaded, *(name for name in unread if name not in self.loaded)]

    def is_unread(self, name: str) -> bool:
        return name not in self.loaded and self.source is not None and name in self.source.names()

    def get(self, name: str) -> Table | None:
        """The table (parsed now if it was not yet), or None if there is no such table."""
        if self.is_unread(name):
            self._load(name)
        return self.loaded.get(name)

    def _load(self, name: str) -> None:
        assert self.source is not None
        # Records hold no cycles: collecting while parsing, or walking them ever after,
        # only costs time (1.3 s at 100k referrals, storage-measurements.md).
        collecting = gc.isenabled()
        gc.disable()
        try:
            shape = self.shapes.of(name)
            table = self.source.load(name, shape)
            for op in self._waiting.pop(name, ()):
                apply_op(table, op, shape)
            self.loaded[name] = table
            self._keys.pop(name, None)
        finally:
            gc.freeze()
            if collecting:
                gc.enable()

    def record(self, name: str, key: str) -> Any | None:
        """One record; of a table not parsed yet, parsing only the snapshot piece holding it
        (then the changes waiting for it). For one look-up, e.g. one event by number."""
        if not self.is_unread(name):
            return (self.loaded.get(name) or {}).get(key)
        assert self.source is not None
        waiting = [op for op in self._waiting.get(name, ()) if op["key"] == key]
        found: Table = {}
        if not waiting or waiting[0]["kind"] == "patch":
            record = self.source.record(name, key)
            if record is not None:
                found[key] = record
        for op in waiting:
            apply_op(found, op)
        return found.get(key)

    def keys(self, name: str) -> Iterable[str]:
        """The table's record keys, without parsing its records if it was not parsed yet."""
        if not self.is_unread(name):
            return (self.loaded.get(name) or {}).keys()
        if name not in self._keys:
            assert self.source is not None
            keys = dict.fromkeys(self.source.keys(name))
            for op in self._waiting.get(name, ()):
                _note_key(keys, op)
            self._keys[name] = keys
        return self._keys[name].keys()

    def waiting(self, name: str) -> list[dict[str, Any]]:
        """The changes waiting for table `name` until it is parsed, oldest first (read only)."""
        return self._waiting.get(name, [])

    def setdefault(self, name: str) -> Table:
        found = self.get(name)
        if found is None:
            found = self.loaded[name] = {}
        return found

    def apply(self, op: dict[str, Any]) -> None:
        """One put/patch/delete, now or (for a table not parsed yet) when it is parsed."""
        name = op["table"]
        if self.is_unread(name):
            self._waiting.setdefault(name, []).append(op)
            if name in self._keys:
                _note_key(self._keys[name], op)
        else:
            apply_op(self.loaded.setdefault(name, {}), op, self.shapes.of(name))

    def settle(self) -> dict[str, Table]:
        """Before a checkpoint: a table not parsed is copied byte for byte into the next
        snapshot, so one with waiting changes is parsed first, unless they only add records
        the snapshot does not hold (most often the history's new events: parsing it would
        cost 45 MB at 100k referrals). Those records are returned, by table, to be written
        after the ones copied."""
        added: dict[str, Table] = {}
        for name, ops in list(self._waiting.items()):
            records = self._additions(name, ops)
            if records is None:
                self.get(name)
            else:
                added[name] = records
        return added

    def _additions(self, name: str, ops: list[dict[str, Any]]) -> Table | None:
        """The records `ops` add to a table not parsed, or None if they change one it has."""
        assert self.source is not None
        records: Table = {}
        for op in ops:
            if op["kind"] != "put":
                return None
            records[op["key"]] = op["data"]  # put twice: the last, where the first was
        held = set(self.source.keys(name))
        return None if any(key in held for key in records) else records

    def all(self) -> dict[str, Table]:
        """Every table, parsing those not read yet."""
        for name in self.names():
            self.get(name)
        return self.loaded


def _note_key(keys: dict[str, None], op: dict[str, Any]) -> None:
    if op["kind"] == "delete":
        keys.pop(op["key"], None)
    else:
        keys[op["key"]] = None


def apply_op(table: Table, op: dict[str, Any], shape: Shape | None = None) -> None:
    """Records are replaced, never changed in place: a checkpoint encodes a shallow copy of
    the table in another thread while the UI carries on. With a `shape`, the record kept is
    compact (a new dict); a put whose event keeps its data for undo (`prior`) keeps that very
    dict instead, so it is held once."""
    key = op["key"]
    if op["kind"] == "put":
        data = op["data"]
        table[key] = shape.compact(data) if shape and not op.get("prior") else data
    elif op["kind"] == "patch":
        merged = {**table.get(key, {}), **op["data"]}
        table[key] = shape.compact(merged) if shape else merged
    else:
        table.pop(key, None)
