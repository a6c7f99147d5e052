"""`notes-index.bin`: the persisted notes search index, readable in parts.

A cache, never a record: the desk rebuilds it when it is missing, damaged, from another
version or no longer in step with the journal, and erasure deletes it (it holds the words
of every note). Only a desk holding the writer lock writes it, so an erasure (which also
holds the lock) can never race a stale copy back onto disk.

Layout: MAGIC, a 4-byte little-endian header length, the header (JSON: format version,
schema version, byte order, the journal sequence it reflects and the id of that change,
section offsets, a CRC-32 of the small sections), then the sections as raw bytes. The
file is memory-mapped: the small sections (vocabulary, offsets, block checksums) are
read whole at open; the large ones (postings, token lists, records) only where a query
needs them, each 16 KiB block checked against its CRC-32 the first time it is read. So
opening costs milliseconds at any size, and a damaged byte anywhere is noticed before
it is used (`DamagedIndex`), never searched or shown.

`notes-index-delta.json` (DELTA_MAGIC, a CRC-32 in hex, then JSON) holds the notes changed
since the index was written, so closing the desk far behind rewrites a few notes rather
than the whole index; it names the index it extends (sequence and change id).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import sys
import zlib
from array import array
from pathlib import Path
from typing import Any

import orjson

from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store.files import atomic_write

NOTES_INDEX_NAME = "notes-index.bin"
DELTA_NAME = "notes-index-delta.json"
DELTA_MAGIC = b"mspdesk-notes-delta 1\n"
MAGIC = b"mspdesk-notes-ix"
FORMAT = 2
SMALL_SECTIONS = ("vocab", "starts", "post_off", "hay_off", "rec_off")
LARGE_SECTIONS = (
    *("postings", "hays", "recs", "titles"),
    *(f"{key}_{part}" for key in ("id", "subject") for part in ("keys", "off", "slots")),
)
BLOCK = 16 * 1024
"""Bytes under one CRC-32: reading one note's record checks 16 KiB, not the whole file."""


class DamagedIndex(ValueError):
    """The index does not read back as written: rebuild it."""


class NotesFile:
    """An open index file: its header, its small sections, and checked reads of the rest."""

    def __init__(self, header: dict[str, Any], mapped: mmap.mmap, base: int) -> None:
        self.header = header
        self.seq = int(header["seq"])
        self._map = mapped
        self._view = memoryview(mapped)
        self._at = {name: base + at for name, (at, _) in header["sections"].items()}
        self.sizes = {name: size for name, (_, size) in header["sections"].items()}
        self._crcs: dict[str, array[int]] = {}
        self._checked: set[tuple[str, int]] = set()

    def small(self, name: str) -> bytes:
        start = self._at[name]
        return bytes(self._view[start : start + self.sizes[name]])

    def read(self, name: str, start: int, end: int) -> memoryview:
        """Bytes [start, end) of a large section, every block under them checked."""
        if not 0 <= start <= end <= self.sizes[name]:
            raise DamagedIndex(f"a read past the end of {name}")
        for block in range(start // BLOCK, (end - 1) // BLOCK + 1 if end > start else 0):
            if (name, block) not in self._checked:
                self._check(name, block)
        offset = self._at[name]
        return self._view[offset + start : offset + end]

    def _check(self, name: str, block: int) -> None:
        crcs = self._crcs.get(name)
        if crcs is None:
            crcs = self._crcs[name] = array("I")
            crcs.frombytes(self.small(f"crc_{name}"))
        offset = self._at[name] + block * BLOCK
        stop = min(offset + BLOCK, self._at[name] + self.sizes[name])
        if block >= len(crcs) or zlib.crc32(self._view[offset:stop]) != crcs[block]:
            raise DamagedIndex(f"block {block} of {name} is damaged")
        self._checked.add((name, block))

    def close(self) -> None:
        self._view.release()
        with contextlib.suppress(BufferError):
            self._map.close()


def index_path(directory: Path) -> Path:
    return directory / NOTES_INDEX_NAME


def write_notes_file(directory: Path, seq: int, event_id: str, sections: dict[str, bytes]) -> None:
    """Replace the index with one reflecting every change up to `seq` (0600, atomic);
    `event_id` names change `seq`, so a history that went another way is told apart."""
    parts = dict(sections)
    for name in LARGE_SECTIONS:
        parts[f"crc_{name}"] = _block_crcs(sections[name])
    small = (*SMALL_SECTIONS, *(f"crc_{name}" for name in LARGE_SECTIONS))
    names = (*small, *LARGE_SECTIONS)
    offsets: dict[str, list[int]] = {}
    position = 0
    crc = 0
    for name in names:
        offsets[name] = [position, len(parts[name])]
        position += len(parts[name])
        if name in small:
            crc = zlib.crc32(parts[name], crc)
    header = orjson.dumps(
        {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "byteorder": sys.byteorder,
            "seq": seq,
            "event_id": event_id,
            "small": small,
            "sections": offsets,
            "crc": crc,
            "block": BLOCK,
        }
    )
    head = MAGIC + len(header).to_bytes(4, "little") + header
    atomic_write(index_path(directory), [head, *(parts[name] for name in names)])


def _block_crcs(data: bytes) -> bytes:
    view = memoryview(data)
    crcs = array("I", (zlib.crc32(view[at : at + BLOCK]) for at in range(0, len(data), BLOCK)))
    return crcs.tobytes()


def read_notes_file(directory: Path) -> NotesFile | None:
    """The index, or None if it is missing, damaged or from another version."""
    try:
        with open(index_path(directory), "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size < len(MAGIC) + 4:
                return None
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    opened = _parse(mapped, size)
    if opened is None:
        mapped.close()
    return opened


def _parse(mapped: mmap.mmap, size: int) -> NotesFile | None:
    if mapped[: len(MAGIC)] != MAGIC:
        return None
    start = len(MAGIC) + 4
    length = int.from_bytes(mapped[len(MAGIC) : start], "little")
    try:
        header = orjson.loads(mapped[start : start + length])
        fits = (
            header["format"] == FORMAT
            and header["block"] == BLOCK
            and header["schema_version"] == SCHEMA_VERSION
            and header["byteorder"] == sys.byteorder
            and sum(n for _, n in header["sections"].values()) == size - start - length
        )
        small = [str(name) for name in header["small"]]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None
    if not fits:
        return None
    try:
        opened = NotesFile(header, mapped, start + length)
    except (KeyError, TypeError, ValueError):
        return None
    try:
        crc = 0
        for name in small:
            crc = zlib.crc32(opened.small(name), crc)
    except KeyError:
        crc = -1
    if crc != header["crc"]:
        opened.close()
        return None
    return opened


def write_notes_delta(directory: Path, payload: dict[str, Any]) -> None:
    """Replace the delta: the notes changed since the index was written, as JSON-shaped
    `payload`, with a CRC-32 so a damaged copy is never used (0600, atomic)."""
    body = orjson.dumps(payload)
    check = f"{zlib.crc32(body):08x}\n".encode()
    atomic_write(directory / DELTA_NAME, [DELTA_MAGIC, check, body])


def read_notes_delta(directory: Path) -> dict[str, Any] | None:
    """The delta's payload, or None if it is missing, damaged or from another version."""
    try:
        data = (directory / DELTA_NAME).read_bytes()
    except OSError:
        return None
    check, _, body = data[len(DELTA_MAGIC) :].partition(b"\n")
    if not data.startswith(DELTA_MAGIC) or check != f"{zlib.crc32(body):08x}".encode():
        return None
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict) or payload.get("schema_version") != SCHEMA_VERSION:
        return None
    return payload


def remove_notes_delta(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (directory / DELTA_NAME).unlink()


def remove_notes_file(directory: Path) -> None:
    """Delete the index and its delta (erasure: they hold the words of erased notes)."""
    remove_notes_delta(directory)
    with contextlib.suppress(FileNotFoundError):
        index_path(directory).unlink()
