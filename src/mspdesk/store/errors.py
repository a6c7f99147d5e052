"""What can go wrong with the data directory, each with a message that says what to do."""

from __future__ import annotations

import errno

from mspdesk.domain.errors import UserError


class StoreError(UserError):
    """A problem with the data directory."""


class StoreLocked(StoreError):
    """Another mspdesk holds the write lock on this data directory."""

    exit_code = 3


class ReadOnlyStore(StoreError):
    """A change was attempted on a store opened read-only."""

    exit_code = 3


class CorruptStore(StoreError):
    """A snapshot or journal cannot be read; the files are left untouched."""

    exit_code = 4


class NewerVersion(StoreError):
    """The data was written by a newer mspdesk; the files are left untouched."""

    exit_code = 4


class WriteFailed(StoreError):
    """A change could not be made durable (disk full, I/O error); it was not saved."""

    exit_code = 5


class NotADeskFolder(StoreError):
    """--data-dir names a file, or a folder of other things: refused, nothing touched."""

    exit_code = 1


class UnreadableData(StoreError):
    """A file or folder of the desk cannot be read (permission denied, I/O error)."""

    exit_code = 2


_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and try again",
    errno.EDQUOT: "the disk quota is used up: free some space and try again",
    errno.EROFS: "the file system is read-only: open the desk from a writable disk",
    errno.EACCES: "check who owns the folder and its files (ls -la)",
    errno.EPERM: "check who owns the folder and its files (ls -la)",
    errno.EISDIR: "a folder is where a file should be: move that folder aside",
    errno.ENOTDIR: "a file is where a folder should be: move that file aside",
    errno.EIO: "the disk reported an error: copy the folder to a healthy disk",
}


def os_error(error: OSError, context: str, *, reading: bool = False) -> StoreError:
    """A StoreError with a plain message and the documented exit code for `error`.

    A folder where a desk file should be is damage (4); anything else while reading is
    unreadable data (2); while writing, the change was not made (5)."""
    message = f"{context}: {describe(error)}; nothing was changed"
    if error.errno == errno.EISDIR:
        return CorruptStore(message)
    if reading:
        return UnreadableData(message)
    return WriteFailed(message)


def describe(error: OSError) -> str:
    """What an OS error means for the user, and what to do about it."""
    what = error.strerror or str(error)
    hint = _HINTS.get(error.errno or 0)
    return f"{what} ({hint})" if hint else what
