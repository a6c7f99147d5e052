"""The append-only journal: one JSON event per line, fsync'd before a write is acknowledged."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mspdesk.domain.version import SCHEMA_VERSION
from mspdesk.store.errors import CorruptStore, WriteFailed, describe, os_error
from mspdesk.store.files import (
    FILE_MODE,
    atomic_write,
    fsync_dir,
    private_dir,
    sync_to_disk,
    write_all,
)

JOURNAL_NAME = "journal.jsonl"
ACK_NAME = "journal.ack"
"""The number of the last change acknowledged, so a journal cut back through complete
lines is told apart from one that simply ends (see AckFile)."""
REJECTED_DIR = "rejected"


@dataclass
class JournalRead:
    """What reading a journal found."""

    events: list[dict[str, Any]] = field(default_factory=list)
    good_size: int = 0
    """Byte length of the complete, valid lines; anything after is a torn tail."""
    torn_tail: bytes = b""


def read_journal(path: Path) -> JournalRead:
    """Every event in the journal, and any torn last line.

    Only an unterminated last line is a torn write: an append killed or cut off before its
    newline was never acknowledged, so it is set aside, not fatal. Anything else that does
    not read (a complete line that is not a valid change, a gap or a step back in the change
    numbers) is damage: CorruptStore names the line, and nothing is changed.
    """
    result = JournalRead()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return result
    except OSError as error:
        raise os_error(error, f"cannot read the journal {path}", reading=True) from None
    end = raw.rfind(b"\n") + 1
    result.good_size = end
    result.torn_tail = raw[end:]
    previous: int | None = None
    for line_no, line in enumerate(raw[:end].split(b"\n")[:-1], start=1):
        event, why = _parse(line)
        if event is None:
            raise _damaged(path, line_no, why)
        if previous is not None and event["seq"] != previous + 1:
            raise _damaged(
                path, line_no, f"change #{event['seq']} follows #{previous}, so changes are missing"
            )
        previous = event["seq"]
        result.events.append(event)
    return result


def _damaged(path: Path, line_no: int, why: str) -> CorruptStore:
    return CorruptStore(
        f"{path} is damaged at line {line_no}: {why}. Only a half-written last line is a "
        "crash's leftover; this is not, so the file was left untouched. "
        + recovery_steps(path.parent, keep_lines=line_no - 1)
    )


def recovery_steps(directory: Path, *, keep_lines: int | None = None) -> str:
    """What to do about a damaged or cut-short journal in `directory`, exactly (one line)."""
    journal, ack = directory / JOURNAL_NAME, directory / ACK_NAME
    keep = (
        f"keep only its first {keep_lines} line(s), which are intact (e.g. "
        f"`head -n {keep_lines} {journal} > journal.kept && mv journal.kept {journal}`), "
        "then "
        if keep_lines
        else ""
    )
    return (
        f"Steps: 1. copy the whole folder {directory} somewhere safe; 2. if you have an "
        f"earlier copy of the folder, put its {JOURNAL_NAME} back and run `mspdesk doctor`; "
        f"3. otherwise, to open the desk without the lost changes, {keep}move {ack} into "
        "a folder of your own; references those changes gave out may then be given out "
        "again, so check new ones against what you sent"
    )


_KINDS = ("put", "patch", "delete")


def _parse(line: bytes) -> tuple[dict[str, Any] | None, str]:
    """The event on `line`, or None and why it is not one."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None, "it is not JSON" if line.strip(b" \x00") else "it is blank"
    if not isinstance(value, dict):
        return None, "it is not a change record"
    seq = value.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return None, "it has no change number"
    version = value.get("v", 1)
    if not isinstance(version, int) or version < 1:
        return None, f"change #{seq} has an impossible data version ({version!r})"
    if version > SCHEMA_VERSION:
        return value, ""  # a newer shape: refused as NewerVersion, not judged here
    ops = value.get("ops")
    if not isinstance(value.get("subject"), str) or not isinstance(ops, list):
        return None, f"change #{seq} is missing its subject or operations"
    for op in ops:
        if not (
            isinstance(op, dict)
            and isinstance(op.get("table"), str)
            and isinstance(op.get("key"), str)
            and op.get("kind") in _KINDS
            and (op["kind"] == "delete" or isinstance(op.get("data"), dict))
        ):
            return None, f"change #{seq} has a malformed operation"
    return value, ""


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
        self.append_many([event])

    def append_many(self, events: list[dict[str, Any]]) -> None:
        """Write one line per event, then fsync once; on failure the journal is rolled back."""
        if self._broken is not None:
            raise WriteFailed(
                f"the change was not saved: {self.path} could not be repaired after a failed "
                f"write ({self._broken}); close mspdesk and reopen it"
            )
        written = 0
        try:
            for piece in _joined(line for event in events for line in encoded_pieces(event)):
                write_all(self._fd, piece)
                written += len(piece)
            sync_to_disk(self._fd)
        except OSError as error:
            self._roll_back()
            raise WriteFailed(
                f"the change was not saved: {describe(error)} (writing {self.path})"
            ) from error
        except BaseException:
            self._roll_back()  # an event that cannot be encoded, after some was written
            raise
        self.size += written

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

    def rotate(self, segment: Path) -> bool:
        """Once a snapshot holds every change in the journal, move the journal to `segment`
        (kept with the previous snapshot, so losing the new snapshot loses nothing) and
        start an empty one. Returns False if the journal was empty (nothing moved).

        If the move fails nothing changed; if the new journal cannot be created after it,
        writes are refused until the desk is reopened (which finds the segment)."""
        if self.size == 0:
            return False
        if _same_file(self.path, segment):
            # A crash inside rotate_keeping left the segment a second name of this very
            # journal; rename() would do nothing there, so drop the journal's own name.
            os.unlink(self.path)
        else:
            os.rename(self.path, segment)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except OSError as error:
            self._broken = error.strerror or str(error)
            raise
        os.close(self._fd)
        self._fd = fd
        self.size = 0
        fsync_dir(segment.parent)
        fsync_dir(self.path.parent)
        return True

    def rotate_keeping(self, segment: Path, keep_from: int) -> bool:
        """As `rotate`, when a snapshot holds the changes up to byte `keep_from` only (it was
        written in the background while more were made): the whole journal goes to
        `segment`, and a journal of the changes after `keep_from` replaces it atomically.

        At any crash, `journal.jsonl` is either the whole old journal or the new one (replay
        skips changes the snapshot holds), and the segment is a link to the old one."""
        if keep_from >= self.size:
            return self.rotate(segment)
        with self.path.open("rb") as journal:
            journal.seek(keep_from)
            tail = journal.read(self.size - keep_from)
        if len(tail) != self.size - keep_from:
            raise OSError(f"{self.path} is shorter than written")
        linked = segment.with_name(f"{segment.name}.tmp-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            linked.unlink()
        os.link(self.path, linked)
        os.replace(linked, segment)
        with contextlib.suppress(FileNotFoundError):
            linked.unlink()  # still there if segment already was this file (replace did nothing)
        fsync_dir(segment.parent)
        atomic_write(self.path, tail)
        try:
            fd = os.open(self.path, os.O_WRONLY, FILE_MODE)
            os.lseek(fd, 0, os.SEEK_END)
        except OSError as error:
            self._broken = error.strerror or str(error)
            raise
        os.close(self._fd)
        self._fd = fd
        self.size = len(tail)
        return True

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


PIECE_OPS = 2000
"""An event with more operations than this (an import of 100,000 referrals is one event, a
95 MB line) is encoded a piece at a time: the whole line is never held in memory."""
PIECE_BYTES = 1024 * 1024
"""Small events are written together, up to this many bytes per write."""


def encoded_pieces(event: dict[str, Any]) -> Iterator[bytes]:
    """The event's journal line, `orjson.dumps(event)` and a newline, in pieces."""
    ops = event.get("ops")
    if not isinstance(ops, list) or len(ops) <= PIECE_OPS:
        yield orjson.dumps(event, option=orjson.OPT_APPEND_NEWLINE)
        return
    keys = list(event)
    at = keys.index("ops")
    before = orjson.dumps({key: event[key] for key in keys[:at]})  # b'{...}'
    after = orjson.dumps({key: event[key] for key in keys[at + 1 :]})
    yield before[:-1] + (b"," if len(before) > 2 else b"") + b'"ops":['
    for start in range(0, len(ops), PIECE_OPS):
        listed = orjson.dumps(ops[start : start + PIECE_OPS])  # b'[...]'
        yield (b"," if start else b"") + listed[1:-1]
    yield b"]" + (b"," + after[1:] if len(after) > 2 else b"}") + b"\n"


def _joined(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces, small ones joined up to PIECE_BYTES (one write for a batch of events)."""
    held: list[bytes] = []
    size = 0
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size >= PIECE_BYTES:
            yield b"".join(held)
            held, size = [], 0
    if held:
        yield b"".join(held)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except FileNotFoundError:
        return False


def read_ack(directory: Path) -> int | None:
    """The last change number acknowledged by a writer of `directory` (None if unknown)."""
    try:
        raw = (directory / ACK_NAME).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise os_error(error, f"cannot read {directory / ACK_NAME}", reading=True) from None
    text = raw.strip(b"\x00 \n")
    return int(text) if text.isdigit() else None


class AckFile:
    """`journal.ack`: the last change number acknowledged, rewritten in place after each
    append. It is written after the journal's fsync, so it never claims more than is on
    disk; it is not fsync'd per change (that would double the cost of a write), so after a
    power cut it may lag, which only makes the check less strict, never wrong."""

    def __init__(self, directory: Path | None) -> None:
        self._fd: int | None = None
        if directory is None:
            return  # a read-only desk records nothing
        self.path = directory / ACK_NAME
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError:
            self._fd = None  # a detector only: the desk works without it

    def record(self, seq: int) -> None:
        if self._fd is None:
            return
        line = b"%020d\n" % seq
        with contextlib.suppress(OSError):
            if hasattr(os, "pwrite"):
                os.pwrite(self._fd, line, 0)
            else:  # pragma: no cover - Windows
                os.lseek(self._fd, 0, os.SEEK_SET)
                os.write(self._fd, line)

    def sync(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                sync_to_disk(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            self.sync()
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
