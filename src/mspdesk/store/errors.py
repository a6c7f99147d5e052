"""What can go wrong with the data directory, each with a message that says what to do."""

from __future__ import annotations

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
