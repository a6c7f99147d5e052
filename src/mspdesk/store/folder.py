"""Whose folder is this? The data directory is the desk's, or it is refused.

A desk's folder carries a marker file. `--data-dir` pointed at any other folder that
already holds files (a home folder, a shared folder, /etc) is refused before anything in it
is read, created, chmod'ed or cleaned. A folder made before the marker existed is known by
the desk's own files and gets the marker when it is next opened for writing. A folder the
user made read-only is opened read-only, never made writable.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from mspdesk.store.errors import NotADeskFolder, StoreError, WriteFailed, os_error
from mspdesk.store.files import DIR_MODE, FILE_MODE, fsync_dir, sync_to_disk, write_all

MARKER_NAME = "mspdesk-data.txt"
MARKER_TEXT = (
    b"This folder holds an mspdesk desk: referrals, cases and notes (personal data).\n"
    b"Keep it private. Back it up by copying the whole folder; see the mspdesk README.\n"
)

DESK_NAMES = frozenset(
    {
        MARKER_NAME,
        "snapshot.json",
        "journal.jsonl",
        "journal.ack",
        "mspdesk.lock",
        "mspdesk.log",
        "evidence.key",
        "backups",
        "rejected",
        "drafts",
        "generations",
        "content",
        "desk.id",
        "desk.code",
        "files",
        "erasure-pending.json",
        "retention.toml",
        "sync",
        "inbox-head.json",
        "notes-index.bin",
        "notes-index-delta.json",
    }
)
"""Everything an mspdesk of any version puts in its folder. A folder holding only these
(and no marker) is a desk made before the marker: it is adopted, not refused."""

RECORD_FILES = ("snapshot.json", "journal.jsonl")

_OWN_TEMP = re.compile(
    r"^(snapshot\.json|mspdesk-data\.txt|evidence\.key|desk\.id|desk\.code|journal\.jsonl|"
    r"erasure-pending\.json|inbox-head\.json|notes-index\.bin|notes-index-delta\.json|"
    r"snapshot-\d+\.json|journal-\d+\.jsonl)\.tmp-\d+(-[0-9a-f]+)?$"
)
"""Temporary names the store itself writes (`atomic_write`, the key file); only these are
ever cleaned up after a crash."""


def is_own_temp(name: str) -> bool:
    """Whether `name` is a temporary file the store writes (and may delete after a crash)."""
    return bool(_OWN_TEMP.match(name))


def claim(directory: Path, *, read_only: bool) -> bool:
    """Check that `directory` is a desk's (or empty, or not there yet) before it is opened.

    For a writer, creates the folder (0700) with its marker if need be, and marks a
    pre-marker desk. Returns False when the folder is read-only to us (the desk must then
    open read-only). Raises NotADeskFolder for a file or a folder of other things, and a
    StoreError for a folder that cannot be read or created. Never changes an existing
    folder's mode and never deletes anything.
    """
    try:
        entries = _entries(directory)
    except FileNotFoundError:
        if read_only:
            return True  # a fresh install lists nothing and creates nothing
        _create(directory)
        return True
    if MARKER_NAME not in entries:
        foreign = sorted(entries - DESK_NAMES)
        if foreign:
            shown = ", ".join(foreign[:3]) + (
                f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            )
            raise NotADeskFolder(
                f"{directory} is not an mspdesk data folder: it holds other files ({shown}) and "
                f"no {MARKER_NAME}. Nothing in it was read or changed. Give --data-dir a new "
                "or empty folder, or the folder of an existing desk"
            )
    writable = _writable(directory)
    if not read_only and writable and MARKER_NAME not in entries:
        write_marker(directory)
    return writable


def _entries(directory: Path) -> set[str]:
    try:
        if not directory.is_dir():
            if directory.exists():
                raise NotADeskFolder(
                    f"{directory} is a file, not a folder: give --data-dir a folder "
                    "(it is created if it does not exist)"
                )
            raise FileNotFoundError(directory)
        return {entry.name for entry in os.scandir(directory)}
    except PermissionError as error:
        raise os_error(error, f"cannot read the data folder {directory}", reading=True) from None


def _writable(directory: Path) -> bool:
    """False for a folder without the owner's write bit (checked as bits, since root's
    os.access says yes to everything) or one the OS says we cannot write to."""
    try:
        mode = directory.stat().st_mode
    except OSError as error:
        raise os_error(error, f"cannot read the data folder {directory}", reading=True) from None
    if os.name == "posix" and not mode & 0o200:
        return False
    return os.access(directory, os.W_OK)


def _create(directory: Path) -> None:
    try:
        directory.mkdir(mode=DIR_MODE, parents=True)
    except FileExistsError:
        pass  # created by a racing process a moment ago: fine, it is ours or checked next
    except OSError as error:
        raise os_error(error, f"cannot create the data folder {directory}") from None
    write_marker(directory)


def write_marker(directory: Path) -> None:
    """Put the marker in `directory` (created exclusively; an existing one is kept)."""
    path = directory / MARKER_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    except OSError as error:
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return  # a read-only folder is opened read-only; it needs no marker to be read
        raise os_error(error, f"cannot write {path}") from None
    try:
        write_all(fd, MARKER_TEXT)
        sync_to_disk(fd)
    except OSError as error:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise WriteFailed(f"cannot write {path}: {error.strerror or error}") from None
    os.close(fd)
    fsync_dir(directory)


__all__ = ["MARKER_NAME", "StoreError", "claim", "is_own_temp", "write_marker"]
