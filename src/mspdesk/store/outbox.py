"""The sync outbox: this desk's own events, in full, kept for other desks (docs/sync.md).

The snapshot keeps events without the data of the records they create, and the journal is
emptied at each checkpoint, so a desk that syncs writes its own events here first: at each
checkpoint (before the journal moves) and when a sync starts. Nothing is added to the write
path of a change: the outbox is written at most once per checkpoint or sync, one fsync per
segment touched.

Layout, inside the data folder: `sync/outbox.json` (this desk's id and the first change that
travels) and `sync/out/events/000001.jsonl`, … Each segment is named by the position of its
first event in this desk's sequence and holds up to SEGMENT_SIZE events or about
SEGMENT_BYTES, so the segment being appended to stays small; one JSON object a line,
append-only. The folder is the tree of this desk's branch in the sync repository. Each line
is the event as committed here; a line also carries `seen` (for every other desk, how many
of its events this desk had applied before this one) when that changed since the line
before, and always on a segment's first line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from mspdesk.store.files import (
    FILE_MODE,
    atomic_write,
    fsync_dir,
    private_dir,
    sync_to_disk,
    write_all,
)

SYNC_DIR = "sync"
OUT_DIR = "out"
STATE_NAME = "outbox.json"
SEGMENT_SIZE = 1000
SEGMENT_BYTES = 1 << 20


def segment_name(first: int) -> str:
    """The file name of the segment whose first event is number `first` (1-based)."""
    return f"{first:06d}.jsonl"


def events_dir(directory: Path) -> Path:
    return directory / SYNC_DIR / OUT_DIR / "events"


class Outbox:
    """Appends this desk's own full events to the segments; idempotent by change number."""

    def __init__(self, directory: Path, origin: str, first_seq: int) -> None:
        self.directory = directory
        self.origin = origin
        self.first_seq = first_seq
        self.count = 0
        self.last_seq = first_seq - 1
        self._segment_first = 1
        self._segment_lines = 0
        self._segment_bytes = 0
        self._last_seen: dict[str, int] | None = None
        self._pending: dict[int, list[bytes]] = {}
        self._unsent: dict[int, dict[str, Any]] = {}
        self._read_tail()

    @classmethod
    def open(cls, directory: Path, journal: Iterable[dict[str, Any]] = ()) -> Outbox | None:
        """The outbox of a desk that syncs, or None; `journal` holds the events the store
        read from its journal (those not yet in the outbox are kept for the next flush)."""
        try:
            state = orjson.loads((directory / SYNC_DIR / STATE_NAME).read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        outbox = cls(directory, str(state["origin"]), int(state["first_seq"]))
        for event in journal:
            outbox.keep(event)
        return outbox

    def keep(self, event: dict[str, Any]) -> None:
        """Hold a committed event (full) until the next flush."""
        if event["seq"] > self.last_seq:
            self._unsent[event["seq"]] = event

    def flush(self, history: Mapping[str, Any]) -> None:
        """Append the own events held (see `append`), then forget them all."""
        self.append(history, self._unsent)
        self._unsent.clear()

    def scrub(self, scrub_event: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """An erasure: the events held lose the erased data too."""
        self._unsent = {seq: scrub_event(e) for seq, e in self._unsent.items()}

    @classmethod
    def start(cls, directory: Path, origin: str, first_seq: int) -> Outbox:
        """Make the outbox: events from change `first_seq` on travel."""
        private_dir(directory / SYNC_DIR)
        private_dir(directory / SYNC_DIR / OUT_DIR)
        private_dir(events_dir(directory))
        state = {"origin": origin, "first_seq": first_seq}
        atomic_write(directory / SYNC_DIR / STATE_NAME, orjson.dumps(state))
        return cls(directory, origin, first_seq)

    def _segments(self) -> list[Path]:
        folder = events_dir(self.directory)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.name.endswith(".jsonl"))

    def _read_tail(self) -> None:
        """Count the lines written; cut a line torn by a crash (it is written again)."""
        segments = self._segments()
        if not segments:
            return
        last = segments[-1]
        raw = last.read_bytes()
        end = raw.rfind(b"\n") + 1
        if end < len(raw):
            with open(last, "r+b") as handle:
                handle.truncate(end)
                sync_to_disk(handle.fileno())
        lines = raw[:end].split(b"\n")[:-1]
        self._segment_first = int(last.name.split(".")[0])
        self._segment_lines = len(lines)
        self._segment_bytes = end
        self.count = self._segment_first - 1 + len(lines)
        if lines:
            self.last_seq = max(self.last_seq, _seq_of(lines[-1]))
        for line in reversed(lines):
            seen = seen_of(line)
            if seen is not None:
                self._last_seen = seen
                break

    def own(self, event: Mapping[str, Any]) -> bool:
        return event.get("origin") == self.origin and int(event["seq"]) >= self.first_seq

    def append(self, history: Mapping[str, Any], unsent: Mapping[int, dict[str, Any]]) -> None:
        """Write every own event of `unsent` (seq -> full event) not written yet, with what
        this desk had seen of the others (counted from `history`, the events table)."""
        wanted = sorted(s for s, e in unsent.items() if s > self.last_seq and self.own(e))
        if not wanted:
            return
        wanted_set = set(wanted)
        counts: dict[str, int] = {}
        for seq in range(1, wanted[-1] + 1):
            if seq in wanted_set:
                self._line(unsent[seq], counts)
                continue
            origin = (history.get(str(seq)) or {}).get("origin")
            if origin and origin != self.origin:
                counts[origin] = counts.get(origin, 0) + 1
        self._write()
        self.last_seq = wanted[-1]

    def _line(self, event: dict[str, Any], counts: dict[str, int]) -> bytes:
        line = dict(event)
        full = self._segment_lines >= SEGMENT_SIZE or self._segment_bytes >= SEGMENT_BYTES
        if full:
            self._segment_first = self.count + 1
            self._segment_lines = self._segment_bytes = 0
        if self._segment_lines == 0 or counts != self._last_seen:
            line["seen"] = dict(counts)  # last key: readers skip lines by finding it
            self._last_seen = dict(counts)
        data = orjson.dumps(line) + b"\n"
        self.count += 1
        self._segment_lines += 1
        self._segment_bytes += len(data)
        self._pending.setdefault(self._segment_first, []).append(data)
        return data

    def _write(self) -> None:
        folder = private_dir(events_dir(self.directory))
        created = False
        for first, chunk in sorted(self._pending.items()):
            path = folder / segment_name(first)
            created = created or not path.exists()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
            try:
                write_all(fd, b"".join(chunk))
                sync_to_disk(fd)
            finally:
                os.close(fd)
        self._pending.clear()
        if created:
            fsync_dir(folder)


SEEN_KEY = b',"seen":'


def seen_of(line: bytes) -> dict[str, int] | None:
    """The `seen` counts of a segment line, without parsing the event (always its last key:
    inside a JSON string the quotes would be escaped, so the text cannot occur there)."""
    at = line.rfind(SEEN_KEY)
    if at < 0:
        return None
    value: dict[str, int] = orjson.loads(line[at + len(SEEN_KEY) : line.rindex(b"}")])
    return value


def _seq_of(line: bytes) -> int:
    at = line.rfind(b',"seq":')
    if at < 0:
        return 0
    digits = line[at + 7 :].split(b",", 1)[0].split(b"}", 1)[0]
    return int(digits)
