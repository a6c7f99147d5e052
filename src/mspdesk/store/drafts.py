"""Drafts: what an adviser is typing but has not saved yet, one small file per draft.

Drafts are not records: they never go in the journal (keystrokes would flood it and
undo). Each save replaces the draft's file atomically and fsyncs it, so a crash or a
kill leaves either the previous draft or the new one, never a torn file. The editor
saves about once a second while typing, which bounds what a crash can lose.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import orjson

from mspdesk.store.files import atomic_write, private_dir, remove_stale_temp_files

DRAFTS_DIR = "drafts"
SUFFIX = ".json"


def file_name(key: str) -> str:
    """The draft file name for `key`: reversible, and never a path outside the directory."""
    if not key:
        raise ValueError("a draft needs a key")
    return quote(key, safe="-_") + SUFFIX  # "/" is escaped, so a key is never a path


def _is_draft_temp(name: str) -> bool:
    """A draft's temp name as `atomic_write` makes it: "<file name>.tmp-<pid>"."""
    stem, _, pid = name.rpartition(".tmp-")
    return stem.endswith(SUFFIX) and pid.isdigit()


class Drafts:
    """Unsaved work in `directory` (created user-only on the first save)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        # One writer at a time: a save from a worker thread must not interleave with
        # another save or a discard of the same draft.
        self._lock = threading.Lock()

    def save(self, key: str, payload: dict[str, Any]) -> None:
        """Durably replace the draft `key` with `payload` (JSON-shaped); 0600, fsync'd."""
        data = orjson.dumps(payload)
        with self._lock:
            private_dir(self.directory)
            atomic_write(self.directory / file_name(key), data)

    def load(self, key: str) -> dict[str, Any] | None:
        """The draft saved under `key`, or None if there is none (or it cannot be read)."""
        path = self.directory / file_name(key)
        try:
            value = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return value if isinstance(value, dict) else None

    def discard(self, key: str) -> None:
        """Forget the draft `key` (no error if there is none)."""
        with self._lock, contextlib.suppress(FileNotFoundError):
            (self.directory / file_name(key)).unlink()

    def remove_leftovers(self) -> None:
        """Delete temp files a killed save left behind (call only as the data's writer)."""
        if self.directory.is_dir():
            with self._lock:
                remove_stale_temp_files(self.directory, _is_draft_temp)

    def list(self) -> list[str]:
        """The keys of every draft on disk, sorted."""
        if not self.directory.is_dir():
            return []
        return sorted(
            unquote(path.name.removesuffix(SUFFIX))
            for path in self.directory.iterdir()
            if path.name.endswith(SUFFIX)  # skips a crash's leftover "x.json.tmp-123"
        )
