"""The store's read-only TinyDB view over its tables, and how events are kept for history."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from mspdesk.store.errors import ReadOnlyStore
from mspdesk.store.tables import Tables


class ViewStorage(Storage):
    """TinyDB storage over our dicts. Writes must go through the journal, never TinyDB."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def read(self) -> dict[str, dict[str, Any]]:
        # TinyDB only indexes what it reads (`tables[name]`): a mapping parsing on demand.
        return TableView(self.tables)  # type: ignore[return-value]

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise ReadOnlyStore("records change only through the desk (the journal), not TinyDB")


class TableView(Mapping[str, dict[str, Any]]):
    """What TinyDB reads: a table is parsed when a query first needs it."""

    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    def __getitem__(self, name: str) -> dict[str, Any]:
        found = self._tables.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables.names())

    def __len__(self) -> int:
        return len(self._tables.names())


def _as_stored(record: Any, key: str) -> Any:
    return record


class RecordTable(Table):
    # Our keys are human ids ("R-2013-0042"), not TinyDB's integers.
    document_id_class = str  # type: ignore[assignment]
    # Query results are the stored dicts themselves (read only), not a copy of each
    # (store/queries.py: the desk's filtered reads).
    document_class = staticmethod(_as_stored)  # type: ignore[assignment]


class RecordDB(TinyDB):
    table_class = RecordTable


def for_history(event: dict[str, Any]) -> dict[str, Any]:
    """The event as kept in the events table, without the full record a create carries.

    The record itself holds those values, and undoing a create needs only its key, so
    keeping them twice would double memory and snapshot size (measured: 164 -> 101 MiB peak
    RSS at 10k referrals). Replaced and deleted records keep their `prior` for undo.
    """
    if not any(op["kind"] == "put" and not op.get("prior") for op in event["ops"]):
        return event
    ops = [
        {k: v for k, v in op.items() if k != "data"}
        if op["kind"] == "put" and not op.get("prior")
        else op
        for op in event["ops"]
    ]
    return {**event, "ops": ops}


def keys_of(event: dict[str, Any]) -> set[str]:
    return {event["subject"], *(op["key"] for op in event["ops"])}
