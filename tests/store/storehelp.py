"""Helpers for the store tests: events in the shape Store.commit takes, file snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def put_event(key: str, table: str = "things", **data: Any) -> dict[str, Any]:
    """An event that creates or replaces one record."""
    return {
        "kind": "test.put",
        "subject": key,
        "ops": [{"table": table, "key": key, "kind": "put", "data": {"id": key, **data}}],
    }


def patch_event(key: str, table: str = "things", **data: Any) -> dict[str, Any]:
    """An event that changes some fields of one record."""
    return {
        "kind": "test.patch",
        "subject": key,
        "ops": [{"table": table, "key": key, "kind": "patch", "data": data}],
    }


LOCK_FILE = "mspdesk.lock"


def file_bytes(directory: Path, *, with_lock: bool = False) -> dict[str, bytes]:
    """Every file under `directory` (relative path -> bytes), to prove nothing changed.

    The lock file only says who has the directory open, so it is left out unless asked.
    """
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and (with_lock or path.name != LOCK_FILE)
    }
