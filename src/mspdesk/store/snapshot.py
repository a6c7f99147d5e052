"""Snapshots: the whole current state, written atomically, with a few kept as backups."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mspdesk.domain.events import SCHEMA_VERSION
from mspdesk.store.errors import CorruptStore, NewerVersion, os_error
from mspdesk.store.files import atomic_write, fsync_dir, private_dir

SNAPSHOT_NAME = "snapshot.json"
BACKUP_DIR = "backups"
FORMAT = "mspdesk-snapshot"
KEEP_BACKUPS = 3


@dataclass
class Snapshot:
    """The state at journal position `seq`."""

    seq: int = 0
    schema_version: int = SCHEMA_VERSION
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_snapshot(directory: Path) -> Snapshot:
    """The snapshot in `directory` (empty if none). Never modifies the file."""
    found = read_snapshot_file(directory / SNAPSHOT_NAME, directory)
    return Snapshot(schema_version=SCHEMA_VERSION) if found is None else found


def read_snapshot_file(path: Path, directory: Path) -> Snapshot | None:
    """The snapshot in the file `path` (None if there is no such file)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise os_error(error, f"cannot read the snapshot {path}", reading=True) from None
    try:
        doc = orjson.loads(raw)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("not an mspdesk snapshot")
        version = int(doc["schema_version"])
        if version < 1:
            raise ValueError(f"data version {version} does not exist")
        snapshot = Snapshot(int(doc["seq"]), version, doc["tables"])
        if not isinstance(snapshot.tables, dict) or snapshot.seq < 0:
            raise ValueError("tables is not an object")
    except (ValueError, KeyError, TypeError) as error:
        raise CorruptStore(
            f"{path} cannot be read ({error}); it was left untouched. {_backup_hint(directory)}"
        ) from None
    if version > SCHEMA_VERSION:
        raise NewerVersion(
            f"{path} was written by a newer mspdesk (data version {version}, this one reads up "
            f"to {SCHEMA_VERSION}); upgrade mspdesk — the file was left untouched"
        )
    return snapshot


def encode(snapshot: Snapshot) -> bytes:
    """The snapshot as bytes on disk."""
    doc = {
        "format": FORMAT,
        "schema_version": snapshot.schema_version,
        "seq": snapshot.seq,
        "tables": snapshot.tables,
    }
    return orjson.dumps(doc)


def write_snapshot(directory: Path, data: bytes, previous_seq: int) -> None:
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
