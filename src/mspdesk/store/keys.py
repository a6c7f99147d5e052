"""Secret keys kept in the data directory (not records: never in the journal or undo).

The evidence export turns referral ids into pseudonyms with a keyed hash. The key must stay
the same from one export to the next (so the evidence base can follow a case over time)
and must never leave this directory (without it the pseudonyms cannot be linked back).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from mspdesk.store.errors import StoreError
from mspdesk.store.files import FILE_MODE, fsync_dir, sync_to_disk, write_all

KEY_BYTES = 32


def read_or_create_key(directory: Path, name: str, size: int = KEY_BYTES) -> bytes:
    """The key in `directory/name`, created (random, 0600, fsync'd) if there is none.

    Creation is race-free: the key is written to a temporary file and linked into place, so
    two processes creating it at once agree on the one that landed first. A read-only desk
    may call this too: it adds a new file and never changes an existing one.
    """
    existing = read_small_file(directory, name)
    if existing is not None:
        return existing
    import secrets  # only to make one (hmac and hashlib cost every command ~3 ms)

    return write_once(directory, name, secrets.token_hex(size).encode("ascii"))


def write_once(directory: Path, name: str, value: bytes) -> bytes:
    """Write `value` to `directory/name` (0600, fsync'd) unless the file is already there;
    returns what the file holds afterwards (the earlier value, if another was there).

    Race-free: the value is written to a temporary file and linked into place, so two
    processes writing at once agree on the one that landed first. Never replaces a file.
    """
    import secrets

    path = directory / name
    tmp = directory / f"{name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            write_all(fd, value)
            sync_to_disk(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # never replaces a value another process has just written
        fsync_dir(directory)
    except OSError as error:
        raise StoreError(f"cannot create the file {path}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    found = read_small_file(directory, name)
    if found is None:
        raise StoreError(f"the file {path} is empty or unreadable; move it aside")
    return found


def read_small_file(directory: Path, name: str) -> bytes | None:
    """The stripped bytes of `directory/name`, or None if it is missing or empty."""
    return _read(directory / name)


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes().strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot read the key file {path}: {error.strerror or error}") from None
    return data or None
