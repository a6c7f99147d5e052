"""The Store: journal first, then TinyDB in memory; snapshots from time to time.

Order of one write (storage-measurements.md, "Design recommendation"):
validated event -> append line -> fsync -> apply in memory -> acknowledge.
Events are applied straight to the in-memory dicts because TinyDB's own
`Table.update` rebuilds the whole table on every call (O(N)).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store import erasure, migrations
from mspdesk.store.checkpoints import Checkpointer, CheckpointPlan, shallow_copies
from mspdesk.store.errors import CorruptStore, NewerVersion, ReadOnlyStore, os_error
from mspdesk.store.files import remove_stale_temp_files
from mspdesk.store.folder import claim, is_own_temp
from mspdesk.store.generations import CURRENT, choose_generation, set_aside_damaged
from mspdesk.store.journal import (
    JOURNAL_NAME,
    AckFile,
    JournalWriter,
    read_ack,
    read_journal,
    set_aside,
)
from mspdesk.store.lock import WriterLock, serialised
from mspdesk.store.outbox import Outbox
from mspdesk.store.reading import EVENTS, StoreReads
from mspdesk.store.snapshot import SNAPSHOT_NAME, Snapshot, segment_path, write_snapshot
from mspdesk.store.tables import Tables
from mspdesk.store.view import RecordDB, ViewStorage, for_history, keys_of

CHECKPOINT_EVENTS = 2000
CHECKPOINT_BYTES = 8 * 1024 * 1024
CHECKPOINT_ON_CLOSE = 200
"""Below this many pending events, close() leaves them in the journal: replay is cheap and a
one-shot CLI command should not rewrite a large snapshot."""


class Store(StoreReads):
    """Current state in memory, every change durable in the journal before it is applied."""

    def __init__(self, directory: Path, read_only: bool) -> None:
        self.directory = directory
        self.read_only = read_only
        self.warnings: list[str] = []
        self.read_only_reason = (
            "this desk is open read-only (another mspdesk is writing); changes are not saved"
        )
        self._tables = Tables()
        self.seq = 0
        self._snapshot_seq = 0
        self._since_checkpoint = 0
        self._lock = WriterLock(directory)
        self._journal: JournalWriter | None = None
        self._journal_base = 0
        self._ack = AckFile(None)
        self.generation = CURRENT
        """Which snapshot the desk was read from: the current one, or a backup after a
        recovery (doctor reports it)."""
        self._write_lock = threading.RLock()
        self._by_key: dict[str, list[int]] | None = None
        """Record key -> seqs of the events touching it: built when history is first asked."""
        self._checkpointer: Checkpointer | None = None
        self.on_checkpoint: list[Callable[[Store], None]] = []
        """Called (under the write lock) after each snapshot is written and the journal moved:
        caches kept beside the snapshot (an inbox head, a notes index) are written here."""
        self.on_close: list[Callable[[Store], None]] = []
        """Called (under the write lock, writers only) as the desk closes, before the lock is
        released and after any checkpoint."""
        self._outbox: Outbox | None = None  # own full events, on a desk that syncs
        self.max_hlc = ""  # the latest clock stamp of any event (domain/hlc.py)
        self.db = RecordDB(self._tables, storage=ViewStorage)

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, directory: Path, *, read_only: bool = False) -> Store:
        """Open (creating if needed) the store in `directory`.

        Raises StoreLocked if another writer has it, CorruptStore or NewerVersion
        if the files cannot be trusted; in those cases no file is modified.
        """
        # A folder that is not the desk's is refused before anything in it is touched.
        # Read-only on a directory that does not exist yet is simply empty: on a fresh
        # install `mspdesk referrals list` lists nothing, and nothing is created.
        writable = claim(directory, read_only=read_only)
        store = cls(directory, read_only or not writable)
        if not read_only and not writable:
            store.read_only_reason = (
                f"the data folder {directory} is read-only (no write permission); "
                "the desk is open read-only and changes are not saved"
            )
            store.warnings.append(store.read_only_reason)
        if os.name == "posix" and directory.is_dir() and directory.stat().st_mode & 0o077:
            store.warnings.append(
                f"the data folder {directory} can be read by others; run: chmod 700 '{directory}'"
            )
        if not store.read_only:
            store._lock.acquire()
        try:
            store._load()
        except OSError as error:
            store._abandon()
            raise os_error(error, f"cannot open the desk in {directory}") from None
        except BaseException:
            store._abandon()
            raise
        return store

    def _abandon(self) -> None:
        """After a failed open: let go of every file and the lock, write nothing more."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self._ack.close()
        self._lock.release()

    def _load(self) -> None:
        gc_was_enabled = gc.isenabled()
        gc.disable()  # 1.6-3.9x faster bulk loads (storage-measurements.md)
        try:
            # The acknowledged number first, then the journal, then the snapshot: a writer
            # records each in the opposite order, so a reader racing it never sees a gap.
            acknowledged = read_ack(self.directory)
            journal_path = self.directory / JOURNAL_NAME
            found = read_journal(journal_path)
            chosen = choose_generation(
                self.directory, found.events, acknowledged, verify=not self.read_only
            )
            snapshot, events, self.generation = chosen.snapshot, chosen.events, chosen.name
            self.warnings.extend(chosen.warnings)
            versions = [int(e.get("v", 1)) for e in events]
            newest = max(versions, default=snapshot.schema_version)
            if newest > SCHEMA_VERSION:
                raise NewerVersion(
                    f"{journal_path} holds changes from a newer mspdesk (data version {newest}); "
                    "upgrade mspdesk — the file was left untouched"
                )
            # With no snapshot yet, the journal's events alone say how old the data is.
            oldest = min([snapshot.schema_version, *versions])
            if oldest < SCHEMA_VERSION:
                snapshot, events = self._migrate(snapshot, events, oldest)
            self._tables.start(snapshot)
            self.seq = self._snapshot_seq = snapshot.seq
            for event in events:
                self._apply(event)
            if self.read_only:
                pending = erasure.read_pending(self.directory)
                if pending is not None:
                    self._scrub_memory(erasure.Scrubber(pending))
                    self.warnings.append(
                        "an erasure is unfinished; it completes when the desk is next "
                        "opened for writing"
                    )
                if found.torn_tail:
                    self.warnings.append("the last change in the journal is still being written")
                return
            for leftover in remove_stale_temp_files(self.directory, is_own_temp):
                self.warnings.append(f"removed a temp file left by a crash: {leftover.name}")
            if found.torn_tail:
                kept = set_aside(self.directory, found.torn_tail)
                self.warnings.append(
                    f"an unfinished change ({len(found.torn_tail)} bytes, never acknowledged) "
                    f"was found at the end of the journal and kept in {kept}"
                )
            self._outbox = Outbox.open(self.directory, events)
            self._journal = JournalWriter(journal_path, found.good_size)
            self._journal_base = found.events[0]["seq"] - 1 if found.events else self.seq
            self._ack = AckFile(self.directory)
            self._ack.record(self.seq)
            self._since_checkpoint = len(events)
            if self.generation != CURRENT:
                damaged = set_aside_damaged(self.directory)
                if damaged is not None:
                    self.warnings.append(f"the unusable {SNAPSHOT_NAME} was kept in {damaged}")
            first_layout = snapshot.source is None and bool(snapshot.tables)
            if oldest < SCHEMA_VERSION or self.generation != CURRENT or first_layout:
                # Keep the upgrade: the snapshot takes in the upgraded journal events too,
                # else the next open would replay them in their old shape. After a recovery,
                # a new snapshot makes the desk whole again. A snapshot of the first layout
                # is rewritten in the indexed one, so later opens parse only what they use.
                self._write_checkpoint()
            pending = erasure.read_pending(self.directory)
            if pending is not None:
                self._finish_erasure(pending)
                self.warnings.append(
                    f"an erasure interrupted earlier ({pending.get('target', '?')}) was finished"
                )
        finally:
            if gc_was_enabled:
                gc.enable()

    def _migrate(
        self, snapshot: Snapshot, events: list[dict[str, Any]], version: int
    ) -> tuple[Snapshot, list[dict[str, Any]]]:
        """The snapshot and events upgraded in memory; a writer backs the files up first."""
        if self.read_only:
            self.warnings.append(
                f"data is from version {version}; it is upgraded when opened for writing"
            )
        else:
            files = [self.directory / SNAPSHOT_NAME, self.directory / JOURNAL_NAME]
            kept = migrations.back_up_before_migration(self.directory, files, version)
            self.warnings.append(
                f"data upgraded from version {version} to {SCHEMA_VERSION}; "
                f"the old files are in {kept}"
            )
        tables, events = migrations.upgrade(snapshot.all_tables(), events, version, SCHEMA_VERSION)
        return Snapshot(snapshot.seq, SCHEMA_VERSION, tables), events

    # ----------------------------------------------------------------- writing

    @serialised
    def commit(self, event: dict[str, Any]) -> dict[str, Any]:
        """Make `event` durable, then apply it; returns it with its `seq`.

        When this returns, the change survives a crash. If it raises, nothing
        changed, on disk or in memory.
        """
        return self._commit_all([event])[0]

    @serialised
    def commit_batch(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """As `commit` for several events at once, with one fsync: each is its own journal
        line, so a crash keeps a prefix of them (sync applies incoming events this way)."""
        return self._commit_all(events) if events else []

    def _commit_all(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self._journal is None:
            raise ReadOnlyStore(self.read_only_reason)
        stamped = [
            {**event, "seq": self.seq + n, "v": SCHEMA_VERSION}
            for n, event in enumerate(events, start=1)
        ]
        self._journal.append_many(stamped)
        self._ack.record(stamped[-1]["seq"])
        for one in stamped:
            self._apply(one)
            if self._by_key is not None:
                for touched in keys_of(one):
                    self._by_key[touched].append(one["seq"])
            if self._outbox is not None:
                self._outbox.keep(one)
        self._since_checkpoint += len(stamped)
        self._collect_checkpoint()
        if self._since_checkpoint >= CHECKPOINT_EVENTS or self._journal.size >= CHECKPOINT_BYTES:
            self._checkpoint_in_background()
        return stamped

    def _checkpoint_or_warn(self) -> None:
        """Checkpoint after a change is already durable: a failure (disk full) must not
        make the caller think the change was lost. The journal keeps everything."""
        try:
            self._write_checkpoint()
        except OSError as error:
            self._snapshot_failed(error)

    def _snapshot_failed(self, error: OSError) -> None:
        self._since_checkpoint = 0  # try again after another batch, not on every change
        self.warnings.append(
            f"could not write a snapshot ({error.strerror or error}); "
            "every change is still safe in the journal"
        )

    def _apply(self, event: dict[str, Any]) -> None:
        for op in event["ops"]:
            self._tables.apply(op)
            self.db.table(op["table"]).clear_cache()
        history = for_history(event)
        self._tables.apply(
            {"table": EVENTS, "key": str(event["seq"]), "kind": "put", "data": history}
        )
        self.seq = event["seq"]
        stamp = event.get("hlc")
        if stamp and stamp > self.max_hlc:
            self.max_hlc = stamp

    @serialised
    def checkpoint(self) -> None:
        """Write a snapshot of everything and empty the journal (waiting for it)."""
        self._collect_checkpoint(wait=True)
        if self._journal is None or self.seq == self._snapshot_seq:
            return
        self._write_checkpoint()

    @property
    def checkpoint_running(self) -> bool:
        """Whether a snapshot is being written in the background right now."""
        running = self._checkpointer
        return running is not None and not running.done

    @serialised
    def finish_checkpoint(self) -> None:
        """Wait for a checkpoint being written in the background, and complete it."""
        self._collect_checkpoint(wait=True)

    def _plan_checkpoint(self) -> CheckpointPlan:
        assert self._journal is not None
        # The journal is about to move: this desk's own full events go to the outbox first
        # (here, on the calling thread, before any snapshot of these events is written).
        if self._outbox is not None:
            self._outbox.flush(self._table(EVENTS))
        added = self._tables.settle()
        return CheckpointPlan(
            seq=self.seq,
            previous_seq=self._snapshot_seq,
            journal_size=self._journal.size,
            schema_version=SCHEMA_VERSION,
            tables=shallow_copies(self._tables.loaded),
            source=self._tables.source,
            added=added,
        )

    def _write_plan(self, plan: CheckpointPlan) -> None:
        write_snapshot(self.directory, plan.encode(), plan.previous_seq)

    def _write_checkpoint(self) -> None:
        """Write a snapshot now, on this thread (close, erasure, migration, recovery)."""
        self._collect_checkpoint(wait=True)
        plan = self._plan_checkpoint()
        self._write_plan(plan)
        self._checkpoint_written(plan)

    def _checkpoint_in_background(self) -> None:
        """After many changes: the snapshot is written by another thread (see checkpoints.py);
        the journal moves once it is on disk, at the next change or close."""
        if self._checkpointer is not None:
            return
        try:
            plan = self._plan_checkpoint()
        except CorruptStore as error:  # a table damaged since opening: keep the journal
            self._since_checkpoint = 0
            self.warnings.append(f"could not write a snapshot: {error}")
            return
        self._checkpointer = Checkpointer(plan, self._write_plan)

    def _collect_checkpoint(self, *, wait: bool = False) -> None:
        """Finish a background checkpoint that has written its snapshot (or wait for it)."""
        running = self._checkpointer
        if running is None or not (wait or running.done):
            return
        plan = running.wait()
        self._checkpointer = None
        if plan.error is None:
            self._checkpoint_written(plan)
        elif isinstance(plan.error, OSError):
            self._snapshot_failed(plan.error)
        elif isinstance(plan.error, CorruptStore):
            self._since_checkpoint = 0
            self.warnings.append(f"could not write a snapshot: {plan.error}")
        else:
            raise plan.error

    def _checkpoint_written(self, plan: CheckpointPlan) -> None:
        assert self._journal is not None
        # The snapshot now holds every change up to plan.seq; a crash before the journal
        # moves is harmless because replay skips events with seq <= snapshot seq. The journal
        # goes to backups/ beside the previous snapshot (which write_snapshot kept there):
        # that pair is the second generation if this snapshot is ever lost.
        self._snapshot_seq = plan.seq
        self._since_checkpoint = self.seq - plan.seq
        segment = segment_path(self.directory, self._journal_base)
        if self.seq == plan.seq:
            moved = self._journal.rotate(segment)
        else:  # changes made while it was written stay in the journal
            moved = self._journal.rotate_keeping(segment, plan.journal_size)
        if moved:
            self._journal_base = plan.seq
        self._ack.record(self.seq)
        self._ack.sync()
        for hook in self.on_checkpoint:
            hook(self)

    # ----------------------------------------------------------------- sync outbox

    @serialised
    def start_outbox(self, origin: str) -> None:
        """Keep this desk's own full events for sync from the next change on."""
        if self._outbox is None and self._journal is not None:
            self._outbox = Outbox.start(self.directory, origin, self.seq + 1)

    @serialised
    def flush_outbox(self) -> Outbox | None:
        """Write every own event not yet in the outbox (a sync calls this first)."""
        if self._outbox is not None:
            self._outbox.flush(self._table(EVENTS))
        return self._outbox

    @serialised
    def erase(self, plan: dict[str, Any]) -> None:
        """Remove personal data from every copy: memory, snapshot, journal, backups, loose
        files (see store/erasure.py for the crash-safe order). `plan["event"]` is the
        tombstone, committed once. Cannot be undone."""
        if self._journal is None:
            raise ReadOnlyStore(self.read_only_reason)
        try:
            erasure.write_pending(self.directory, plan)
            self._finish_erasure(plan)
        except OSError as error:
            raise os_error(
                error, "the erasure could not finish; run the same command again"
            ) from None

    def _finish_erasure(self, plan: dict[str, Any]) -> None:
        scrubber = erasure.Scrubber(plan)
        self._collect_checkpoint(wait=True)  # its snapshot is scrubbed with the backups
        erasure.remove_attached_files(self.directory, plan)
        erasure.scrub_loose_files(self.directory, scrubber)
        self._scrub_memory(scrubber)
        event = plan["event"]
        events = self._table(EVENTS)
        if not any(e.get("id") == event["id"] for e in events.values()):
            self.commit(event)
        self._write_checkpoint()
        erasure.scrub_backups(self.directory, scrubber)
        erasure.clear_pending(self.directory)

    def _scrub_memory(self, scrubber: erasure.Scrubber) -> None:
        scrubbed = erasure.scrub_tables(self._tables.all(), scrubber, EVENTS)
        if self._outbox is not None:
            self._outbox.scrub(scrubber.event)
        self._tables.replace_all(scrubbed)  # the unscrubbed file is never read again
        self._by_key = None
        for name in scrubbed:
            self.db.table(name).clear_cache()

    @serialised
    def close(self, *, checkpoint: bool | None = None) -> None:
        """Release the lock, checkpointing first if asked (default: if many events are
        pending). Safe to call twice."""
        if checkpoint is None:
            checkpoint = self.pending_events >= CHECKPOINT_ON_CLOSE
        try:
            if self._journal is not None:
                self._collect_checkpoint(wait=True)
                if checkpoint and self.seq != self._snapshot_seq:
                    self._checkpoint_or_warn()
                for hook in self.on_close:
                    hook(self)
                self._journal.close()
                self._journal = None
                self._ack.close()
        finally:
            self._lock.release()

    @property
    def journal_size(self) -> int:
        return self._journal.size if self._journal else 0

    @property
    def pending_events(self) -> int:
        """Events in the journal that no snapshot holds yet."""
        return self.seq - self._snapshot_seq

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def now_ms() -> float:
    """Wall-clock milliseconds, for benchmarks and diagnostics."""
    return time.perf_counter() * 1000
