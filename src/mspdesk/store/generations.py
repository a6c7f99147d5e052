"""Which generation the desk is read from: the current snapshot and journal, or, if the
snapshot is lost or damaged, the newest backup snapshot with the journal segments kept
beside it in backups/ (a checkpoint moves the journal there rather than emptying it).
The checks that tell damage from a crash's leftovers across files are here too."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mspdesk.store.errors import CorruptStore
from mspdesk.store.files import fsync_dir, private_dir
from mspdesk.store.journal import JOURNAL_NAME, REJECTED_DIR, read_journal, recovery_steps
from mspdesk.store.snapshot import (
    SNAPSHOT_NAME,
    Snapshot,
    generations,
    read_snapshot,
    read_snapshot_file,
)

CURRENT = "current"
"""Generation.name when the desk was read from the current snapshot and journal."""


@dataclass
class Generation:
    """The snapshot to start from, the changes to replay on it, and where they came from."""

    snapshot: Snapshot
    events: list[dict[str, Any]]
    name: str = CURRENT
    warnings: list[str] = field(default_factory=list)


def choose_generation(
    directory: Path,
    journal: list[dict[str, Any]],
    acknowledged: int | None,
    *,
    verify: bool = True,
) -> Generation:
    """The snapshot to start from and the changes to replay on it.

    The current snapshot and the journal, if they are whole. If the snapshot is
    damaged or missing, the newest backup snapshot that reads, with the journal
    segments kept since it and the journal: two generations on disk, so losing one
    file loses nothing. Raises the first problem if no generation is whole.

    With `verify`, every table's checksum is checked now (a writer, which must fall back to
    a backup rather than build on damage); otherwise each table is checked when first read.
    """
    journal_path = directory / JOURNAL_NAME
    snapshot_path = directory / SNAPSHOT_NAME
    backups, segments = generations(directory)
    first_segment = directory / "backups" / "journal-0000000000.jsonl"
    if first_segment in segments:
        backups.append((0, first_segment))  # the start of it all: an empty desk
    try:
        snapshot = read_snapshot(directory)
        if verify and snapshot.source is not None:
            snapshot.source.verify()
        if not snapshot_path.exists() and backups:
            raise CorruptStore(
                f"{snapshot_path} is missing, but {directory / 'backups'} holds earlier snapshots"
            )
        events = [e for e in journal if e["seq"] > snapshot.seq]
        _check_follows(events, snapshot.seq, journal_path)
        _check_acknowledged(snapshot.seq, events, acknowledged, journal_path)
        return Generation(snapshot, events)
    except CorruptStore as problem:
        if not backups:
            raise
        first_problem = problem
    for seq, path in backups:
        try:
            base = Snapshot() if path == first_segment else read_snapshot_file(path, directory)
            if base is None:
                continue
            if base.source is not None:
                base.source.verify()
            chain = [e for segment in segments for e in read_journal(segment).events]
            events = [e for e in [*chain, *journal] if e["seq"] > base.seq]
            events = _without_repeats(events)
            _check_follows(events, base.seq, journal_path)
            _check_acknowledged(base.seq, events, acknowledged, journal_path)
        except CorruptStore:
            continue
        return Generation(
            base,
            events,
            f"previous generation: {path.name} (change #{seq}) and the journal since",
            [
                f"{snapshot_path.name} could not be used ({first_problem}); every change was "
                f"recovered from {path} and the journal kept since it"
            ],
        )
    raise first_problem


def _check_follows(events: list[dict[str, Any]], snapshot_seq: int, journal: Path) -> None:
    """Refuse a journal whose changes do not carry on exactly where the snapshot ends.

    A gap means changes are missing (typically an older snapshot was restored beside a
    newer journal); replaying past it would build records from changes made to another
    state. Nothing is modified.
    """
    expected = snapshot_seq + 1
    for event in events:
        if event["seq"] != expected:
            raise CorruptStore(
                f"{journal} goes on from change #{event['seq']}, but the changes before it "
                f"end at #{expected - 1}: change #{expected} is missing (was an older "
                f"snapshot restored?). Nothing was changed. To open the snapshot as it is, "
                f"move {journal.name} aside; the changes in it are then not applied"
            )
        expected += 1


def _check_acknowledged(
    base: int, events: list[dict[str, Any]], acknowledged: int | None, journal: Path
) -> None:
    """Refuse a journal that ends before the last change acknowledged: complete lines were
    cut off or overwritten (a crash only ever leaves an unfinished last line)."""
    last = events[-1]["seq"] if events else base
    if acknowledged is not None and acknowledged > last:
        raise CorruptStore(
            f"{journal} ends at change #{last}, but changes up to #{acknowledged} were saved: "
            f"{_missing(last + 1, acknowledged)} (the journal was cut short or replaced). "
            "Nothing was changed, and no new reference is given out until this is resolved. "
            f"{recovery_steps(journal.parent)}"
        )


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"change #{first} is missing"
    return f"changes #{first} to #{last} are missing"


def _without_repeats(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events in order with a change that appears twice (in a segment and in the journal,
    after a crash between a checkpoint's two steps) kept once."""
    seen: set[int] = set()
    kept = []
    for event in sorted(events, key=lambda e: int(e["seq"])):
        if event["seq"] not in seen:
            seen.add(event["seq"])
            kept.append(event)
    return kept


def set_aside_damaged(directory: Path) -> Path | None:
    """After a recovery, keep the unusable snapshot in rejected/ (never deleted)."""
    damaged = directory / SNAPSHOT_NAME
    if not damaged.exists():
        return None
    folder = private_dir(directory / REJECTED_DIR)
    kept = folder / f"snapshot-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.json"
    os.rename(damaged, kept)
    fsync_dir(folder)
    fsync_dir(directory)
    return kept
