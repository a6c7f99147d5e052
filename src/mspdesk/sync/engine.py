"""One sync: fetch every desk's branch, apply what is new here, push this desk's events.

Order, so that a kill at any moment loses nothing and the next sync completes it:
1. fetch (nothing here changes if the remote cannot be reached: exit 6);
2. apply incoming events in (hlc, desk id) order as ordinary journal commits that keep their
   id and origin, a few hundred per fsync: a crash keeps a prefix of that order, and how many
   of each desk's events are applied is counted from the events themselves;
3. write this desk's own events to its outbox segments, commit them to its branch and push.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from mspdesk.domain.hlc import ZERO
from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store import Store
from mspdesk.store.files import atomic_write
from mspdesk.store.outbox import OUT_DIR, SYNC_DIR, Outbox
from mspdesk.sync.merge import CLASHES, Incoming, Merger, Stamp
from mspdesk.sync.repo import TRACKING, Repo, SyncFailed
from mspdesk.sync.segments import new_events
from mspdesk.sync.state import SyncState

BATCH = 500
ERASE = "erase"
Eraser = Callable[[dict[str, Any]], None]
"""Applies an incoming erasure tombstone here (desk/privacy.py)."""


@dataclass
class SyncReport:
    came_in: dict[str, int] = field(default_factory=dict)
    """Desk id -> events applied here."""
    went_out: int = 0
    clashes: list[str] = field(default_factory=list)
    """New clashes found in this sync."""
    erasures: int = 0
    rewritten: bool = False
    """This desk's branch was rewritten without erased data."""


def sync_dir(store: Store) -> Path:
    return store.directory / SYNC_DIR


class EventIndex:
    """Where each event stands in its desk's sequence, counted from the events table."""

    def __init__(self, store: Store, origin: str, first_seq: int) -> None:
        self.origin = origin
        self.positions: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.ids: set[str] = set()
        events = store.table("events")
        for seq in range(1, store.seq + 1):
            event = events.get(str(seq))
            if event is None:
                continue
            self.ids.add(event["id"])
            desk = event.get("origin")
            if not desk or (desk == origin and seq < first_seq):
                continue
            self.add(desk, event["id"])

    def add(self, desk: str, event_id: str) -> None:
        self.counts[desk] = self.counts.get(desk, 0) + 1
        self.positions[event_id] = self.counts[desk]
        self.ids.add(event_id)

    def stamp(self, event: dict[str, Any]) -> Stamp:
        return Stamp(
            event.get("hlc") or ZERO,
            event.get("origin") or "",
            event["id"],
            self.positions.get(event["id"], 0),
            event.get("kind", ""),
            event.get("actor", ""),
            event.get("at", ""),
        )


class Syncer:
    """Runs one sync of an open, writable store."""

    def __init__(self, store: Store, origin: str, erase: Eraser) -> None:
        self.store = store
        self.origin = origin
        self.erase = erase
        self.dir = sync_dir(store)
        state = SyncState.read(self.dir)
        if state is None or not state.remote:
            raise SyncFailed("this desk does not sync yet: run `mspdesk sync init REMOTE` first")
        self.state = state
        self.repo = Repo(self.dir, origin)

    def run(self, now: datetime | None = None) -> SyncReport:
        report = SyncReport()
        self.repo.clear_stale_locks()
        forced = self.repo.fetch()
        tips = self.repo.tracking()
        outbox = self.store.flush_outbox()
        assert outbox is not None
        index = EventIndex(self.store, self.origin, outbox.first_seq)
        incoming: list[Incoming] = []
        changed = {
            desk: commit
            for desk, commit in sorted(tips.items())
            if desk != self.origin and self.state.tips.get(desk) != commit
        }
        if changed:
            with self.repo.reader() as reader:
                for desk, commit in changed.items():
                    segments, desk_file = reader.branch_files(commit)
                    self._remember_desk(desk, desk_file)
                    applied = index.counts.get(desk, 0)
                    incoming.extend(new_events(reader, desk, segments, applied))
        incoming.sort(key=lambda one: (one.event.get("hlc") or ZERO, one.event["origin"]))
        self._apply(incoming, index, report)
        self._push(report)
        if forced or report.rewritten or report.erasures:
            self.repo.forget_old_objects()
        self.state.tips = {desk: sha for desk, sha in tips.items() if desk != self.origin}
        self.state.last_sync = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        self.state.last_error = ""
        self.state.write(self.dir)
        return report

    # ----------------------------------------------------------------- applying

    def _apply(self, incoming: list[Incoming], index: EventIndex, report: SyncReport) -> None:
        overlay: dict[tuple[str, str], dict[str, Any] | None] = {}

        def current(table: str, key: str) -> dict[str, Any] | None:
            if (table, key) in overlay:
                return overlay[(table, key)]
            return self.store.get(table, key)

        merger = Merger(self.store.events_for, current, index.stamp)
        merger.clash_ids.update(self.store.table(CLASHES))
        batch: list[dict[str, Any]] = []
        for one in incoming:
            event = one.event
            if event["id"] in index.ids:
                continue
            if int(event.get("v", 1)) > SCHEMA_VERSION:
                raise SyncFailed(
                    f"desk {event['origin']} uses a newer mspdesk (data version {event['v']}); "
                    "upgrade mspdesk, then sync again — nothing after that change was applied"
                )
            index.add(event["origin"], event["id"])
            report.came_in[event["origin"]] = report.came_in.get(event["origin"], 0) + 1
            if event.get("kind") == ERASE:
                self._commit(batch, overlay)
                self.erase(_local(event, event["ops"]))
                report.erasures += 1
                merger = Merger(self.store.events_for, current, index.stamp)
                merger.clash_ids.update(self.store.table(CLASHES))
                continue
            ops = merger.apply(one)
            for op in ops:
                overlay[(op["table"], op["key"])] = _after(current(op["table"], op["key"]), op)
                if op["table"] == CLASHES:
                    report.clashes.append(op["key"])
            batch.append(_local(event, ops))
            if len(batch) >= BATCH:
                self._commit(batch, overlay)
        self._commit(batch, overlay)
        self._erase_late_arrivals(incoming, report)

    def _erase_late_arrivals(self, incoming: list[Incoming], report: SyncReport) -> None:
        """Changes made elsewhere before they saw an erasure (a note on the erased referral)
        arrive after it: the erasure runs again over them."""
        touched: set[str] = set()
        for one in incoming:
            if one.event.get("kind") != ERASE:
                touched.add(str(one.event.get("subject")))
                touched.update(str(op.get("key")) for op in one.event.get("ops", ()))
        if not touched:
            return
        for stone in list(self.store.table("erasures").values()):
            covered = {str(stone.get("target")), *stone.get("records", ())}
            if not covered & touched:
                continue
            for event in self.store.events_for(str(stone.get("target"))):
                if event.get("kind") == ERASE:
                    self.erase(_local(event, event["ops"]))
                    report.erasures += 1
                    break

    def _commit(
        self, batch: list[dict[str, Any]], overlay: dict[tuple[str, str], dict[str, Any] | None]
    ) -> None:
        if batch:
            self.store.commit_batch(batch)
        batch.clear()
        overlay.clear()

    # ----------------------------------------------------------------- pushing

    def _push(self, report: SyncReport) -> None:
        outbox = self.store.flush_outbox()
        assert outbox is not None
        stones = sorted(self.store.table("erasures"))
        rewrite = any(stone not in self.state.scrubbed for stone in stones)
        changed = write_desk_file(self.dir, self.origin, self.state.code, self.store)
        if changed or self.state.pushed != outbox.count or rewrite:
            self.repo.commit_tree(f"desk {self.origin}: {outbox.count} events", orphan=rewrite)
            self.repo.push(force=rewrite)
            # Our own branch as fetched must not keep an older (perhaps erased) tree alive.
            head = self.repo.head()
            if head:
                self.repo.run("update-ref", f"{TRACKING}{self.origin}", head)
        report.went_out = max(0, outbox.count - self.state.pushed)
        report.rewritten = rewrite
        self.state.pushed = outbox.count
        self.state.pushed_seq = self.store.seq
        self.state.scrubbed = stones

    def _remember_desk(self, desk: str, desk_file: bytes | None) -> None:
        if desk_file is None:
            return
        try:
            self.state.desks[desk] = orjson.loads(desk_file)
        except orjson.JSONDecodeError:
            return


def write_desk_file(directory: Path, origin: str, code: str, store: Store) -> bool:
    """`desk.json` on this desk's branch: its id, code and the advisers who wrote here.
    True if it changed."""
    advisers = sorted(
        {str(e.get("actor")) for e in store.table("events").values() if e.get("origin") == origin}
    )
    data = {"desk": origin, "code": code, "advisers": advisers}
    path = directory / OUT_DIR / "desk.json"
    new = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    if path.exists() and path.read_bytes() == new:
        return False
    atomic_write(path, new)
    return True


def _local(event: dict[str, Any], ops: list[dict[str, Any]]) -> dict[str, Any]:
    """The incoming event as committed here: its own id, origin and stamp, the operations
    that apply here."""
    keep = ("id", "at", "actor", "device", "kind", "subject", "summary", "undoes", "origin", "hlc")
    local = {name: event[name] for name in keep if event.get(name) is not None}
    local["ops"] = ops
    return local


def _after(record: dict[str, Any] | None, op: dict[str, Any]) -> dict[str, Any] | None:
    if op["kind"] == "put":
        data: dict[str, Any] = op["data"]
        return data
    if op["kind"] == "patch":
        return {**(record or {}), **op["data"]}
    return None


def outbox_of(store: Store) -> Outbox | None:
    return Outbox.open(store.directory)
