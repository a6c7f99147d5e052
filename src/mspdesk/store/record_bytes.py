"""Each record of a table as JSON bytes, without parsing the table (the read API's
`StoreReads.record_spans`).

A snapshot table is `"key":{...},"key":{...}` (layout.py) and the snapshot lists its keys in
the same order, so a record starts right after its own `"key":` and ends just before the
first `,"next key":{` after it. Inside a JSON string every `"` is escaped, so that text is
either the next record or a nested object keyed by the next record's key. The second would
cut a record short, and the real boundary would then come later, inside what looks like the
next record: each record is checked not to hold its own key's boundary, and a table in any
doubt is parsed instead. Each record comes out as the very value stored.

A record is a span, (key, buffer, start, end): `buffer[start:end]` without the copy, which
at 100k referrals costs more than finding every boundary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

from mspdesk.store.errors import CorruptStore

Span = tuple[str, Any, int, int]
"""(key, buffer, start, end): bytes or a read-only memory map, never written to."""
_ESCAPED = re.compile(r'["\\\x00-\x1f]')
"""What JSON writes escaped in a key (then its mark is built by orjson, key by key)."""


def split_table(buffer: Any, start: int, end: int, keys: list[str]) -> list[Span]:
    """The span of every record in `buffer[start:end]`, a table whose keys are `keys`."""
    spans = _split(buffer, start, end, keys, _marks(keys)) if keys else []
    if spans is None:
        spans = _parsed(buffer[start:end])
    if len(spans) != len(keys):
        raise CorruptStore(f"a snapshot table lists {len(keys)} keys but holds {len(spans)}")
    return spans


def _marks(keys: list[str]) -> list[bytes]:
    """`,"key":{`, what precedes each record, built in a few calls (100k keys)."""
    if _ESCAPED.search("".join(keys)):  # a key JSON writes escaped
        return [b"," + orjson.dumps(key) + b":{" for key in keys]
    joined = "\0".join(keys).encode()
    return (b',"' + joined.replace(b"\0", b'":{\0,"') + b'":{').split(b"\0")


def _split(
    buffer: Any, start: int, end: int, keys: list[str], marks: list[bytes]
) -> list[Span] | None:
    """The records cut at their keys, or None if a cut is in doubt."""
    head = marks[0][1:]  # the first record has no comma before it
    if buffer.find(head, start, start + len(head)) != start:
        return None
    start += len(head) - 1
    found: list[Span] = []
    add, find = found.append, buffer.find
    for key, mark, after in zip(keys, marks, [*marks[1:], b"\0"], strict=True):
        stop = find(after, start, end)  # b"\0" (after the last) is never in JSON: the end
        if stop < 0:
            if after != b"\0":
                return None
            stop = end
        if find(mark, start, stop) >= 0:  # its own key's mark again: in doubt
            return None
        add((key, buffer, start, stop))
        start = stop + len(after) - 1
    return found


def _parsed(table_json: bytes) -> list[Span]:
    try:
        table: dict[str, Any] = orjson.loads(b"{" + table_json + b"}")
    except orjson.JSONDecodeError as error:
        raise CorruptStore(f"a snapshot table cannot be read ({error})") from None
    return [encoded(key, record) for key, record in table.items()]


def encoded(key: str, record: Any) -> Span:
    data = orjson.dumps(record)
    return key, data, 0, len(data)


def with_changes(spans: list[Span], ops: Sequence[dict[str, Any]]) -> list[Span]:
    """`spans` with journal operations applied in order, as tables.apply_op applies them
    to parsed records (a put keeps a key's place, a new key goes last)."""
    if not ops:
        return spans
    table: dict[str, Span | dict[str, Any]] = {span[0]: span for span in spans}
    for op in ops:
        key = op["key"]
        if op["kind"] == "put":
            table[key] = op["data"]
        elif op["kind"] == "patch":
            before = table.get(key, {})
            if isinstance(before, tuple):
                _, data, start, end = before
                before = orjson.loads(data[start:end])
            table[key] = {**before, **op["data"]}
        else:
            table.pop(key, None)
    return [
        value if isinstance(value, tuple) else encoded(key, value) for key, value in table.items()
    ]
