"""The durable store: an fsync'd journal of events, TinyDB as the in-memory view, snapshots.

The only code that writes record files. See storage-measurements.md for why.
"""

from mspdesk.store.errors import (
    CorruptStore,
    NewerVersion,
    ReadOnlyStore,
    StoreError,
    StoreLocked,
    WriteFailed,
)
from mspdesk.store.tinystore import Store

__all__ = [
    "CorruptStore",
    "NewerVersion",
    "ReadOnlyStore",
    "Store",
    "StoreError",
    "StoreLocked",
    "WriteFailed",
]
