"""Records kept compact in memory, as ordinary dicts.

A parsed referral is a 25-key dict of 1,168 bytes holding ~15 short strings that repeat from
record to record (status, dates, parent body, route: 50-90 bytes each, which no JSON parser
shares). Two CPython features make the same records less than half the size (100k synthetic
referrals: 347 to 156 MiB; benchmarks/memory_peak.py measures the TUI and CLI):

- a dict made as the `__dict__` of an instance shares its key table with the other instances
  of that class (PEP 412): 240 bytes for the 25 keys instead of 1,168. Each table (and each
  nested dict field) has a class of its own, so its records share one key table;
- the values of fields that repeat are interned (`sys.intern`: one copy of each distinct
  string; an interned string is freed like any other once nothing holds it, so an erased
  value does not outlive its records). Which fields repeat is learnt from the first records.

Records stay `dict`s with the same keys, order and values (only their memory differs), so
every caller, orjson and TinyDB see what they saw before; another Python merely gets
ordinary dicts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from operator import itemgetter
from typing import Any

Record = dict[str, Any]

SAMPLE = 500
"""Records seen before the repeating fields are chosen (a snapshot piece gives 2,000 at once)."""
MAX_SHARE = 0.5
"""A string field is interned when its distinct values number at most this share of the sample."""
_intern = sys.intern


class Shape:
    """How the records of one table (or one nested dict field of them) are kept."""

    def __init__(self, name: str) -> None:
        # Instances are never used: only the dicts they make, which share this class's keys.
        self._maker: Callable[[], Any] = type(f"Shared_{name}", (), {})
        self._name = name
        self._seen: list[Record] = []
        self._fields: tuple[str, ...] | None = None
        self._values: Callable[[Record], tuple[Any, ...]] = _nothing
        self._nested: dict[str, Shape] = {}
        self.compact: Callable[[Record], Record] = self._sampling
        """The same record as a compact dict (a new one; the record given is left as it was)."""

    def compact_all(self, records: dict[str, Any]) -> None:
        """Compact every record of `records` (key -> record) in place."""
        if self._fields is None and len(records) >= SAMPLE:
            self._learn([r for r in records.values() if type(r) is dict])
        compact = self.compact
        for key, record in records.items():
            if type(record) is dict:
                records[key] = compact(record)

    def _sampling(self, record: Record) -> Record:
        """`compact` until the fields to intern are chosen: the records made are the sample
        they are chosen by."""
        made = self._shared(record)
        self._seen.append(made)
        if len(self._seen) >= SAMPLE:
            self._learn(self._seen)
        return made

    def _shared(self, record: Record) -> Record:
        made: Record = self._maker().__dict__
        # Item by item (`.items()`), so it keeps the shared keys: given a dict, `update`
        # may copy that dict's own key table instead.
        made.update(record.items())
        return made

    def _compactor(self) -> Callable[[Record], Record]:
        """`compact` once the fields are chosen: one function with all it needs at hand, as
        it runs for every record parsed (100k referrals: ~0.5 s in all)."""
        new, fields, values = self._maker, self._fields, self._values
        intern_each = self._intern_each
        nested = tuple(self._nested.items())

        def compact(record: Record) -> Record:
            made: Record = new().__dict__
            made.update(record.items())  # `.items()`: see `_shared`
            if fields:
                try:
                    made.update(zip(fields, map(_intern, values(record)), strict=True))
                except (KeyError, TypeError):  # a field missing, or not a string, in this one
                    intern_each(made)
            for name, shape in nested:
                inner = made.get(name)
                if type(inner) is dict:
                    made[name] = shape.compact(inner)
            return made

        return compact

    def _intern_each(self, made: Record) -> None:
        for name in self._fields or ():
            value = made.get(name)
            if type(value) is str:
                made[name] = _intern(value)

    def _learn(self, sample: list[Record]) -> None:
        """Choose the fields to intern (strings in every record, few distinct values) and
        the nested dict fields, from `sample`."""
        self._seen = []
        if not sample:
            return
        values: dict[str, set[str]] = {}
        strings: dict[str, int] = {}  # records in which the field holds a string
        for record in sample:
            for name, value in record.items():
                kind = type(value)
                if kind is str:
                    values.setdefault(name, set()).add(value)
                    strings[name] = strings.get(name, 0) + 1
                elif kind is dict and name not in self._nested:
                    self._nested[name] = Shape(f"{self._name}_{name}")
        limit = max(1.0, len(sample) * MAX_SHARE)
        fields = tuple(
            name
            for name, seen in values.items()
            if strings[name] == len(sample) and len(seen) <= limit
        )
        self._fields = fields
        self._values = _getter(fields)
        for name, shape in self._nested.items():
            shape._learn([inner for r in sample if type(inner := r.get(name)) is dict])
        self.compact = self._compactor()


def _nothing(record: Record) -> tuple[Any, ...]:
    return ()


def _getter(fields: tuple[str, ...]) -> Callable[[Record], tuple[Any, ...]]:
    """The values of `fields` of a record, as a tuple (KeyError if one is missing)."""
    if not fields:
        return _nothing
    if len(fields) == 1:
        (only,) = fields
        return lambda record: (record[only],)
    found: Callable[[Record], tuple[Any, ...]] = itemgetter(*fields)
    return found


class Shapes:
    """A shape per table, made on first use (a new `Shapes` after an erasure: the samples of
    the old one hold records as they were)."""

    def __init__(self) -> None:
        self._by_table: dict[str, Shape] = {}

    def of(self, table: str) -> Shape:
        found = self._by_table.get(table)
        if found is None:
            found = self._by_table[table] = Shape(table)
        return found
