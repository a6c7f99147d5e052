"""Snapshots: the whole current state, written atomically, with a few kept as backups."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store.errors import CorruptStore, NewerVersion, os_error
from mspdesk.store.files import atomic_write, fsync_dir, private_dir
from mspdesk.store.layout import (
    LAYOUT_2_START,
    Encoded,
    TableSource,
    assemble,
    encode_table,
    read_header,
)

SNAPSHOT_NAME = "snapshot.json"
BACKUP_DIR = "backups"
FORMAT = "mspdesk-snapshot"
KEEP_BACKUPS = 3


@dataclass
class Snapshot:
    """The state at journal position `seq`: the tables parsed so far, and the file the rest
    are parsed from when first asked for (`source`)."""

    seq: int = 0
    schema_version: int = SCHEMA_VERSION
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: TableSource | None = None
    added: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Records to write after those of a table copied from `source` (Tables.settle)."""

    def all_tables(self) -> dict[str, dict[str, Any]]:
        """Every table, parsing those not read yet (migrations and erasure need them all)."""
        if self.source is not None:
            for name in self.source.names():
                if name not in self.tables:
                    self.tables[name] = self.source.load(name)
        return self.tables


def read_snapshot(directory: Path) -> Snapshot:
    """The snapshot in `directory` (empty if none). Never modifies the file."""
    found = read_snapshot_file(directory / SNAPSHOT_NAME, directory)
    return Snapshot(schema_version=SCHEMA_VERSION) if found is None else found


def read_snapshot_file(path: Path, directory: Path) -> Snapshot | None:
    """The snapshot in the file `path` (None if there is no such file). Its tables are parsed
    when first used (layout 2, see layout.py); a file of the first layout is parsed whole."""
    try:
        with path.open("rb") as handle:
            fd = os.dup(handle.fileno())  # kept open: tables are read from it later
    except FileNotFoundError:
        return None
    except OSError as error:
        raise os_error(error, f"cannot read the snapshot {path}", reading=True) from None
    keep_open = False
    try:
        size = os.fstat(fd).st_size
        start = os.pread(fd, len(LAYOUT_2_START), 0)
        if start == LAYOUT_2_START:
            header, body = read_header(fd, size)
            source = TableSource(path, fd, header, body, _backup_hint(directory))
            keep_open = True
            snapshot = Snapshot(int(header["seq"]), _version(header), {}, source)
        else:
            snapshot = _read_whole(_read_all(fd, size))
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise CorruptStore(
            f"{path} cannot be read ({error}); it was left untouched. {_backup_hint(directory)}"
        ) from None
    except OSError as error:
        raise os_error(error, f"cannot read the snapshot {path}", reading=True) from None
    finally:
        if not keep_open:
            os.close(fd)
    if snapshot.schema_version > SCHEMA_VERSION:
        raise NewerVersion(
            f"{path} was written by a newer mspdesk (data version {snapshot.schema_version}, "
            f"this one reads up to {SCHEMA_VERSION}); upgrade mspdesk — the file was left "
            "untouched"
        )
    return snapshot


def _read_all(fd: int, size: int) -> bytes:
    data = os.pread(fd, size, 0)
    while len(data) < size:
        more = os.pread(fd, size - len(data), len(data))
        if not more:
            break
        data += more
    return data


def _read_whole(raw: bytes) -> Snapshot:
    """A snapshot of the first layout (one JSON document, no index): parsed at once."""
    doc = orjson.loads(raw)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not an mspdesk snapshot")
    snapshot = Snapshot(int(doc["seq"]), _version(doc), doc["tables"])
    if not isinstance(snapshot.tables, dict) or snapshot.seq < 0:
        raise ValueError("tables is not an object")
    return snapshot


def _version(doc: dict[str, Any]) -> int:
    version = int(doc["schema_version"])
    if version < 1:
        raise ValueError(f"data version {version} does not exist")
    return version


def encode(snapshot: Snapshot) -> bytes:
    """The snapshot as bytes on disk (tables parsed are encoded, the others copied)."""
    return b"".join(encode_parts(snapshot))


def encode_parts(snapshot: Snapshot) -> Iterator[bytes]:
    """`encode` in pieces, to write without joining them (a checkpoint in a thread: one
    join of 120 MB would hold the GIL for tens of milliseconds), made as they are written
    (the snapshot is never held encoded whole: 128 MB at 100k referrals)."""
    names = set(snapshot.tables) | set(snapshot.source.names() if snapshot.source else ())
    tables: dict[str, Encoded] = {}
    for name in sorted(names):
        if name in snapshot.tables:
            tables[name] = encode_table(snapshot.tables[name])
        else:
            assert snapshot.source is not None
            tables[name] = snapshot.source.encoded(name, snapshot.added.get(name))
    return assemble(snapshot.seq, snapshot.schema_version, tables)


def write_snapshot(directory: Path, data: bytes | Iterable[bytes], previous_seq: int) -> None:
    """Replace the snapshot atomically, keeping the one it replaces as a backup."""
    path = directory / SNAPSHOT_NAME
    if path.exists():
        backups = private_dir(directory / BACKUP_DIR)
        keep = backups / f"snapshot-{previous_seq:010d}.json"
        if not keep.exists():
            # A hard link costs nothing: the old inode lives on under the backup name.
            try:
                os.link(path, keep)
            except OSError:
                atomic_write(keep, path.read_bytes())
            fsync_dir(backups)
        _prune(backups)
    atomic_write(path, data)


def _prune(backups: Path) -> None:
    kept = sorted(backups.glob("snapshot-*.json"))
    for stale in kept[:-KEEP_BACKUPS]:
        with contextlib.suppress(OSError):
            stale.unlink()
    # A journal segment is kept while a kept backup can still need it.
    oldest = _seq_of(kept[-KEEP_BACKUPS:][0]) if kept else None
    for segment in backups.glob("journal-*.jsonl"):
        base = _seq_of(segment)
        if oldest is not None and base is not None and base < oldest:
            with contextlib.suppress(OSError):
                segment.unlink()


def _seq_of(path: Path) -> int | None:
    digits = path.stem.rpartition("-")[2]
    return int(digits) if digits.isdigit() else None


def segment_path(directory: Path, base: int) -> Path:
    """Where the journal holding the changes after `base` goes at a checkpoint."""
    return private_dir(directory / BACKUP_DIR) / f"journal-{base:010d}.jsonl"


def generations(directory: Path) -> tuple[list[tuple[int, Path]], list[Path]]:
    """Backup snapshots (newest first, with their change numbers) and journal segments
    (oldest first) in backups/."""
    folder = directory / BACKUP_DIR
    snapshots = [
        (seq, path) for path in folder.glob("snapshot-*.json") if (seq := _seq_of(path)) is not None
    ]
    segments = sorted(folder.glob("journal-*.jsonl"))
    return sorted(snapshots, reverse=True), segments


def latest_backup(directory: Path) -> Path | None:
    """The newest snapshot backup, if any."""
    found = sorted((directory / BACKUP_DIR).glob("snapshot-*.json"))
    return found[-1] if found else None


def _backup_hint(directory: Path) -> str:
    backup = latest_backup(directory)
    if backup is None:
        return "No backup snapshot exists yet; the journal may still hold recent changes."
    return (
        f"The last good backup is {backup}; mspdesk opens from it and the journal segments "
        f"in {directory / BACKUP_DIR} by itself when {SNAPSHOT_NAME} is moved aside (into a "
        "folder of your own; keep it for support). `mspdesk doctor` says what it would use."
    )
