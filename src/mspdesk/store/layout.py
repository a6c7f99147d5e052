"""Snapshot layout 2: one JSON document of the first layout's shape (`format`, `schema_version`,
`seq`, `tables`), so older code still reads it whole, with an index first that lets a reader
parse only the tables it needs, a piece at a time.

    {"format":"mspdesk-snapshot","layout":2,"schema_version":1,"seq":42,
     "index":{"referrals":{"chunks":[o0,o1,...,on],"sums":[a1,...,an],"keys":[ks,ke,kc]}},
     "tables":{"referrals":{PIECE1,PIECE2,...}, ...},"keys":{"referrals":["R-…",...]}}

Offsets count from the byte after `"tables":{`. Each piece holds up to CHUNK_RECORDS records
(`"key":{...}` pairs; every piece but the first starts with a comma) and has its Adler-32 in
`sums`. A table is parsed piece by piece (peak memory is the records, not the file), and a
checkpoint copies the pieces of a table nobody parsed without parsing them. `keys` lists each
table's record keys, so "is there a referral R-…" needs no records parsed.
"""

from __future__ import annotations

import itertools
import mmap
import os
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from mspdesk.store.compact import Shape
from mspdesk.store.errors import CorruptStore

LAYOUT_2_START = b'{"format":"mspdesk-snapshot","layout":2,'
TABLES_KEY = b',"tables":{'
KEYS_KEY = b'},"keys":{'
MAX_HEADER = 1 << 20
CHUNK_RECORDS = 2000
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class Encoded:
    """One table ready to write: its pieces (made afresh each time they are asked for, so a
    big table is never held encoded whole), their lengths and checksums, and its key list."""

    def __init__(
        self, each: Callable[[], Iterator[bytes]], lengths: list[int], sums: list[int], keys: bytes
    ) -> None:
        self.each_piece = each
        self.lengths = lengths
        self.sums = sums
        self.keys = keys

    @property
    def pieces(self) -> list[bytes]:
        return list(self.each_piece())


KEEP_ENCODED = 16 * 1024 * 1024
"""A table encoding to at most this many bytes keeps its pieces from the first pass (which
measures them for the index); a bigger one is encoded again as it is written."""


def encode_table(table: dict[str, Any], chunk: int = CHUNK_RECORDS) -> Encoded:
    """A table in pieces of `chunk` records: each `orjson.dumps` holds the GIL only briefly,
    so a checkpoint in a thread leaves the UI thread running (one call on 100k records
    holds it for over 100 ms). The index before the records needs every piece's length
    and checksum, so a big table is encoded twice (a piece at a time) rather than held
    encoded whole: 100k referrals are 128 MB of JSON."""
    # `table` is the checkpoint's own copy (records replaced, never changed in place), so
    # encoding it again gives the same bytes.
    lengths: list[int] = []
    sums: list[int] = []
    kept: list[bytes] | None = []
    size = 0
    for piece in _pieces(table, chunk):
        lengths.append(len(piece))
        sums.append(zlib.adler32(piece))
        size += len(piece)
        if kept is not None and size <= KEEP_ENCODED:
            kept.append(piece)
        else:
            kept = None
    keys: list[bytes] = []
    names = iter(table)
    while some := list(itertools.islice(names, chunk * 5)):
        keys.append(orjson.dumps(some)[1:-1])
    listed = b"[" + b",".join(keys) + b"]"
    each = (lambda: iter(kept)) if kept is not None else (lambda: _pieces(table, chunk))
    return Encoded(each, lengths, sums, listed)


def _pieces(table: dict[str, Any], chunk: int) -> Iterator[bytes]:
    items = iter(table.items())
    first = True
    while piece := dict(itertools.islice(items, chunk)):
        encoded = orjson.dumps(piece)[1:-1]
        yield encoded if first else b"," + encoded
        first = False


def assemble(seq: int, schema_version: int, tables: dict[str, Encoded]) -> Iterator[bytes]:
    """The snapshot file's bytes, in pieces to write one after the other (the records of
    each table made as they are written)."""
    index: dict[str, dict[str, list[int]]] = {}
    openings: list[bytes] = []
    offset = 0
    for number, (name, table) in enumerate(tables.items()):
        if not _TABLE_NAME.match(name):
            raise ValueError(f"unexpected table name {name!r}")
        opening = (b"," if number else b"") + orjson.dumps(name) + b":{"
        openings.append(opening)
        offset += len(opening)
        chunks = [offset]
        for length in table.lengths:
            offset += length
            chunks.append(offset)
        offset += 1
        index[name] = {"chunks": chunks, "sums": table.sums}
    offset += len(KEYS_KEY)
    for number, (name, table) in enumerate(tables.items()):
        offset += len(_keys_opening(number, name))
        index[name]["keys"] = [offset, offset + len(table.keys), zlib.adler32(table.keys)]
        offset += len(table.keys)
    header = orjson.dumps(
        {"format": "mspdesk-snapshot", "layout": 2, "schema_version": schema_version, "seq": seq}
    )
    yield header[:-1] + b',"index":' + orjson.dumps(index) + TABLES_KEY
    for opening, table in zip(openings, tables.values(), strict=True):
        yield opening
        yield from _checked(table)
        yield b"}"
    yield KEYS_KEY
    for number, (name, table) in enumerate(tables.items()):
        yield _keys_opening(number, name) + table.keys
    yield b"}}"


def _keys_opening(number: int, name: str) -> bytes:
    return (b"," if number else b"") + orjson.dumps(name) + b":"


def _checked(table: Encoded) -> Iterator[bytes]:
    """The table's pieces, each checked against the length and checksum the index was given
    for it: a table encoded again must give the same bytes (records are never changed in
    place), else no snapshot is written and every change stays in the journal."""
    for piece, length, checksum in zip(table.each_piece(), table.lengths, table.sums, strict=True):
        if len(piece) != length or zlib.adler32(piece) != checksum:
            raise CorruptStore("a table changed while its snapshot was written; not written")
        yield piece


def read_header(fd: int, size: int) -> tuple[dict[str, Any], int]:
    """The header and where the body starts (ValueError if it is not whole)."""
    head = os.pread(fd, min(size, MAX_HEADER), 0)
    end = head.find(TABLES_KEY)
    if end < 0:
        raise ValueError("its header is cut short")
    header = orjson.loads(head[:end] + b"}")
    if not isinstance(header.get("index"), dict) or int(header["seq"]) < 0:
        raise ValueError("its index is not an object")
    body = end + len(TABLES_KEY)
    last = body
    for entry in header["index"].values():
        if len(entry["chunks"]) != len(entry["sums"]) + 1:
            raise ValueError("its index does not add up")
        last = max(last, body + int(entry["keys"][1]))
    if size != last + 2:
        raise ValueError(f"it is {size} bytes long, not the {last + 2} its index says")
    return header, body


class TableSource:
    """The tables of a layout-2 snapshot not parsed yet. The file stays open (a checkpoint
    replacing it leaves this open copy as it was), and each piece is checked against its
    checksum as it is read."""

    def __init__(self, path: Path, fd: int, header: dict[str, Any], body: int, hint: str) -> None:
        self.path = path
        self._fd = fd
        self._index: dict[str, dict[str, list[int]]] = header["index"]
        self._body = body
        self._hint = hint

    def names(self) -> list[str]:
        return list(self._index)

    def _read(self, name: str, start: int, end: int, checksum: int) -> bytes:
        data = os.pread(self._fd, end - start, self._body + start)
        if len(data) != end - start or zlib.adler32(data) != checksum:
            raise CorruptStore(
                f"{self.path} is damaged (table {name} does not match its checksum); it was "
                f"left untouched. {self._hint}"
            )
        return data

    def pieces(self, name: str) -> Iterator[bytes]:
        entry = self._index[name]
        chunks, sums = entry["chunks"], entry["sums"]
        for number, checksum in enumerate(sums):
            yield self._read(name, chunks[number], chunks[number + 1], checksum)

    def encoded(self, name: str, added: dict[str, Any] | None = None) -> Encoded:
        """The table as the file has it, to copy into the next snapshot: its pieces are read
        (and checked) one at a time as they are written; then one more piece holding the
        records `added` (keys it does not have)."""
        start, end, checksum = self._index[name]["keys"]
        keys = self._read(name, start, end, checksum)
        chunks = self._index[name]["chunks"]
        lengths = [b - a for a, b in itertools.pairwise(chunks)]
        sums = list(self._index[name]["sums"])
        if not added:
            return Encoded(lambda: self.pieces(name), lengths, sums, keys)
        extra = (b"," if lengths else b"") + orjson.dumps(added)[1:-1]
        more = orjson.dumps(list(added))[1:-1]
        keys = keys[:-1] + (b"," if keys != b"[]" else b"") + more + b"]"

        def each() -> Iterator[bytes]:
            yield from self.pieces(name)
            yield extra

        return Encoded(each, [*lengths, len(extra)], [*sums, zlib.adler32(extra)], keys)

    def load(self, name: str, shape: Shape | None = None) -> dict[str, Any]:
        """The table parsed, piece by piece (CorruptStore if it is damaged); its records made
        compact by `shape` a piece at a time, so the plain form never exists whole."""
        table: dict[str, Any] = {}
        for piece in self.pieces(name):
            try:
                records = orjson.loads(b"{" + piece.removeprefix(b",") + b"}")
            except orjson.JSONDecodeError as error:
                raise CorruptStore(f"{self.path} cannot be read ({error}). {self._hint}") from None
            if shape is not None:
                shape.compact_all(records)
            table.update(records)
        return table

    def record(self, name: str, key: str) -> Any | None:
        """One record, parsing only the piece that holds it (pieces hold CHUNK_RECORDS
        records each, in the order of the key list; any other split is parsed whole)."""
        keys = self.keys(name)
        if key not in keys:
            return None
        sums = self._index[name]["sums"]
        if len(sums) != -(-len(keys) // CHUNK_RECORDS):
            return self.load(name).get(key)
        number = keys.index(key) // CHUNK_RECORDS
        chunks = self._index[name]["chunks"]
        piece = self._read(name, chunks[number], chunks[number + 1], sums[number])
        try:
            found: dict[str, Any] = orjson.loads(b"{" + piece.removeprefix(b",") + b"}")
        except orjson.JSONDecodeError as error:
            raise CorruptStore(f"{self.path} cannot be read ({error}). {self._hint}") from None
        return found.get(key)

    def keys(self, name: str) -> list[str]:
        """The table's record keys, without parsing its records."""
        start, end, checksum = self._index[name]["keys"]
        found = orjson.loads(self._read(name, start, end, checksum))
        if not isinstance(found, list):
            raise CorruptStore(f"{self.path} cannot be read (keys of {name}). {self._hint}")
        return found

    def verify(self) -> None:
        """Check every piece's checksum without parsing (a writer does this on opening, so
        damage is found while the previous generation can still be used instead)."""
        for name in self._index:
            for _piece in self.pieces(name):
                pass
            self.keys(name)

    def mapped(self, name: str) -> tuple[Any, int, int]:
        """The table's pieces back to back (`"key":{...},"key":{...}`) as (a read-only
        memory map of the file, start, end), each piece checked against its checksum on the
        map: read without copying (i17cli: `referrals list --json`, store/record_bytes.py)."""
        chunks, sums = self._index[name]["chunks"], self._index[name]["sums"]
        start, end = self._body + chunks[0], self._body + chunks[-1]
        if start == end:
            return b"", 0, 0
        whole = mmap.mmap(self._fd, 0, access=mmap.ACCESS_READ)
        view = memoryview(whole)
        try:
            for number, checksum in enumerate(sums):
                piece = view[self._body + chunks[number] : self._body + chunks[number + 1]]
                if (
                    len(piece) != chunks[number + 1] - chunks[number]
                    or zlib.adler32(piece) != checksum
                ):
                    raise CorruptStore(
                        f"{self.path} is damaged (table {name} does not match its checksum); "
                        f"it was left untouched. {self._hint}"
                    )
        finally:
            view.release()
        return whole, start, end

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()
