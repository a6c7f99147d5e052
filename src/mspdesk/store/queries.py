"""TinyDB's job: the desk's filtered reads, as TinyDB queries over the store's in-memory view.

`Store.db` is a TinyDB whose storage is the store's own dicts (read only: writes go through
the journal). `select` runs a query with `Table.search`, which tests every stored record
and keeps the answer in the table's query cache until the table next changes (the store
clears it on every write), so a filter asked again while nothing changed (a screen
refresh, cycling back to an adviser, the same `--status` twice in a script's process) is
a dictionary lookup. Results are the stored dicts themselves, not copies (see
`_RecordTable.document_class`): read only.

The conditions are TinyDB `QueryInstance`s built on one plain function of the record
rather than `Query().field == value`: TinyDB's path-walking test costs several Python
calls per record and measured 3-4x slower than the loops these reads replaced, at 100k
records (benchmarks/tinydb_queries.py). They still combine with `&`, `|` and `~`, and hash
by what they test, so equal conditions share a cached answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any

from tinydb.queries import QueryInstance

if TYPE_CHECKING:
    from mspdesk.store.tinystore import Store

__all__ = ["QueryInstance", "fields_equal", "matching", "select"]

Record = Mapping[str, Any]


def select(store: Store, table: str, condition: QueryInstance) -> list[dict[str, Any]]:
    """The stored records of `table` matching `condition`, in storage order."""
    store.table(table)  # a table loaded on first use is loaded before TinyDB reads it
    found: list[Any] = store.db.table(table).search(condition)
    return found


class _FieldsEqual(QueryInstance):
    """Records whose fields equal the wanted values: one Python call per record tested
    (a QueryInstance on a function adds a second, TinyDB's `Query().field == v` four,
    and `&` two more)."""

    def __init__(self, items: tuple[tuple[str, object, object], ...]) -> None:
        super().__init__(self.__call__, ("equal", items))
        self._items = items  # (field, wanted value, value when the field is missing)

    def __call__(self, record: Record) -> bool:
        # A plain loop, not all(<generator>): a generator per record costs more.
        for name, value, missing in self._items:  # noqa: SIM110
            if record.get(name, missing) != value:
                return False
        return True


def fields_equal(missing: Mapping[str, object] | None = None, /, **wanted: object) -> QueryInstance:
    """Records whose fields equal these values; a missing field counts as its value in
    `missing` (given first, by position), else None."""
    defaults = missing or {}
    return _FieldsEqual(tuple((k, v, defaults.get(k)) for k, v in sorted(wanted.items())))


def matching(test: Callable[[Record], bool], key: Hashable) -> QueryInstance:
    """Records for which `test(record)` is true. `key` names the test in the cache: two
    conditions with the same key must select the same records from the same table."""
    return QueryInstance(test, ("test", key))
