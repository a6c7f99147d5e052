"""The append-only journal: one JSON event per line, fsync'd before a write is acknowledged."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mspdesk.store.errors import CorruptStore, WriteFailed, os_error
from mspdesk.store.files import FILE_MODE, fsync_dir, private_dir, sync_to_disk, write_all

JOURNAL_NAME = "journal.jsonl"
REJECTED_DIR = "rejected"


@dataclass
class JournalRead:
    """What reading a journal found."""

    events: list[dict[str, Any]] = field(default_factory=list)
    good_size: int = 0
    """Byte length of the complete, valid lines; anything after is a torn tail."""
    torn_tail: bytes = b""


def read_journal(path: Path) -> JournalRead:
    """Every complete event in the journal, and any torn last line.

    A crash mid-append can leave a partial last line (or zeros after a power
    cut). That tail was never acknowledged, so it is set aside, not fatal.
    Garbage *followed by* valid events is not a crash artefact: that refuses.
    """
    result = JournalRead()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return result
    except OSError as error:
        raise os_error(error, f"cannot read the journal {path}", reading=True) from None
    offset = 0
    bad_at: int | None = None
    while offset < len(raw):
        end = raw.find(b"\n", offset)
        line = raw[offset:] if end == -1 else raw[offset:end]
        next_offset = len(raw) if end == -1 else end + 1
        event = _parse(line) if end != -1 else None
        if event is None:
            if bad_at is None:
                bad_at = offset
        elif bad_at is not None:
            line_no = raw.count(b"\n", 0, bad_at) + 1
            raise CorruptStore(
                f"{path} is damaged at line {line_no} with valid events after it; "
                "it was left untouched — restore from backups/ or run `mspdesk doctor`"
            )
        else:
            result.events.append(event)
            result.good_size = next_offset
        offset = next_offset
    if bad_at is not None:
        result.torn_tail = raw[bad_at:]
    return result


def _parse(line: bytes) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(value, dict) and isinstance(value.get("seq"), int):
        return value
    return None


def set_aside(directory: Path, tail: bytes) -> Path:
    """Keep a torn tail in `rejected/` so nothing is silently dropped; returns its path."""
    folder = private_dir(directory / REJECTED_DIR)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    # Two tails in the same second (same pid) must not collide: that would stop the open.
    attempt = 0
    while True:
        suffix = f"-{attempt}" if attempt else ""
        target = folder / f"journal-{stamp}-{os.getpid()}{suffix}.rejected"
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            break
        except FileExistsError:
            attempt += 1
    try:
        write_all(fd, tail)
        sync_to_disk(fd)
    finally:
        os.close(fd)
    fsync_dir(folder)
    return target


class JournalWriter:
    """Appends events; `append` returns only once the line is on disk."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        existed = path.exists()
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise os_error(error, f"cannot open the journal {path} for writing") from None
        try:
            # Anything past `size` is a torn tail already set aside: cut it off.
            os.ftruncate(self._fd, size)
            os.lseek(self._fd, size, os.SEEK_SET)
        except OSError as error:
            os.close(self._fd)
            raise os_error(error, f"cannot open the journal {path} for writing") from None
        self.size = size
        self._broken: str | None = None
        if not existed:
            fsync_dir(path.parent)

    def append(self, event: dict[str, Any]) -> None:
        """Write one event line and fsync; on failure the journal is rolled back."""
        if self._broken is not None:
            raise WriteFailed(
                f"the change was not saved: {self.path} could not be repaired after a failed "
                f"write ({self._broken}); close mspdesk and reopen it"
            )
        line = orjson.dumps(event) + b"\n"
        try:
            write_all(self._fd, line)
            sync_to_disk(self._fd)
        except OSError as error:
            self._roll_back()
            raise WriteFailed(
                f"the change was not saved: {error.strerror or error} writing {self.path}"
            ) from error
        self.size += len(line)

    def _roll_back(self) -> None:
        try:
            os.ftruncate(self._fd, self.size)
            os.lseek(self._fd, self.size, os.SEEK_SET)
        except OSError as error:
            # The journal may now end in a partial line. Appending after it would bury
            # acknowledged events behind garbage, so refuse; reopening sets the tail aside.
            self._broken = error.strerror or str(error)
            return
        with contextlib.suppress(OSError):
            sync_to_disk(self._fd)  # the next successful append syncs the size anyway

    def reset(self) -> None:
        """Empty the journal once a snapshot holds everything in it."""
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        sync_to_disk(self._fd)
        self.size = 0

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
