"""A JSON list of records that are JSON already (`mspdesk referrals list --json`): each
record's stored bytes written straight to stdout, never parsed, encoded or joined.

`[`, then one record a line, then `]`: the same JSON value as `print_json` of the parsed
records. orjson's ASCII output holds no control character; a record with non-ASCII text
has its C1 controls and bidi overrides written as \\uXXXX, as `print_json` writes them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mspdesk.cli.gate import json_text
from mspdesk.gc_paused import without_gc

if TYPE_CHECKING:
    from mspdesk.desk.referral_rows import Span

WRITE_BATCH = 1000
"""Buffers per os.writev call (at most IOV_MAX, 1024 on Linux)."""
BIG = 1 << 20
"""A buffer this long holds many records (the mapped snapshot); a shorter one, one."""
BLOCK_BITS = 16
"""Buffers are checked for non-ASCII bytes 64 KiB at a time, when first written from."""


def print_json_records(records: Iterable[Span]) -> None:
    """Print the JSON list of `records`, (key, buffer, start, end) each, the record's JSON
    being buffer[start:end]."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a stream in memory (tests)
        fd = -1
    if fd < 0 or not hasattr(os, "writev"):
        text = b"".join(bytes(part) for batch in _batches(records) for part in batch)
        out = getattr(sys.stdout, "buffer", None)
        if out is None:
            sys.stdout.write(text.decode())
        else:
            out.write(text)
        sys.stdout.flush()
        return
    with without_gc():  # the views and batches hold no cycles
        for batch in _batches(records):
            _write_all(fd, batch)


def _batches(records: Iterable[Span]) -> Iterator[list[Any]]:
    """The pieces of the list in order, WRITE_BATCH at most at a time: views into the
    records' own buffers where they are plain ASCII."""
    mapped: dict[int, tuple[Any, memoryview, bytearray]] = {}
    batch: list[Any] = []
    separator = b"[\n"
    last: Any = None
    view, blocks = memoryview(b""), bytearray()
    for _, data, start, end in records:
        record: Any
        if data is not last and len(data) < BIG:  # a record encoded on its own
            record = data[start:end]
            if not record.isascii():
                record = json_text(record.decode()).encode()
        else:  # a buffer many records share (the mapped snapshot): checked a block at a time
            if data is not last:
                found = mapped.get(id(data))
                if found is None:  # held in `mapped` with its view, so its id stays its own
                    found = mapped[id(data)] = (data, *_blocks(data))
                _, view, blocks = found
                last = data
            first, final = start >> BLOCK_BITS, (end - 1) >> BLOCK_BITS
            if blocks[first] == blocks[final] == 1 and final - first < 2:
                record = view[start:end]  # known ASCII: written from the buffer itself
            else:
                record = _checked(view, blocks, start, end)
        batch += (separator, record)
        separator = b",\n"
        if len(batch) >= WRITE_BATCH:
            yield batch
            batch = []
    batch.append(b"\n]\n" if separator != b"[\n" else b"[]\n")  # no record: []
    yield batch


def _blocks(data: Any) -> tuple[memoryview, bytearray]:
    """A view of `data` and, for each block of it, 0 (not checked yet), 1 (ASCII) or 2."""
    view = memoryview(data)
    return view, bytearray((len(view) >> BLOCK_BITS) + 1)


def _checked(view: memoryview, blocks: bytearray, start: int, end: int) -> Any:
    """view[start:end], checking the blocks it spans (once each); if not all ASCII, with
    its controls escaped."""
    for block in range(start >> BLOCK_BITS, ((end - 1) >> BLOCK_BITS) + 1):
        if not blocks[block]:
            piece = view[block << BLOCK_BITS : (block + 1) << BLOCK_BITS]
            blocks[block] = 1 if piece.tobytes().isascii() else 2
        if blocks[block] == 2:
            text = bytes(view[start:end])
            return text if text.isascii() else json_text(text.decode()).encode()
    return view[start:end]


def _write_all(fd: int, buffers: list[Any]) -> None:
    """os.writev, then os.write for whatever a pipe did not take."""
    written = os.writev(fd, buffers)
    if written < sum(map(len, buffers)):  # rare: the rest, copied once
        rest = memoryview(b"".join(buffers))[written:]
        while rest:
            rest = rest[os.write(fd, rest) :]
