"""What this desk remembers about syncing (`sync/state.json`): no records, no personal data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mspdesk.store.files import atomic_write

STATE_NAME = "state.json"


@dataclass
class SyncState:
    remote: str = ""
    code: str = ""
    last_sync: str = ""
    """When the last sync finished (UTC, ISO), empty if never."""
    last_error: str = ""
    pushed: int = 0
    """How many of this desk's events the remote holds."""
    pushed_seq: int = 0
    """The desk's change number when it last pushed (what is newer waits to go out)."""
    scrubbed: list[str] = field(default_factory=list)
    """Tombstones whose erased data is already gone from this desk's branch."""
    tips: dict[str, str] = field(default_factory=dict)
    """Other desks' branch commits whose events are all applied here."""
    desks: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Other desks seen on the remote: id -> their desk.json (code, advisers)."""

    @classmethod
    def read(cls, sync_dir: Path) -> SyncState | None:
        try:
            raw = orjson.loads((sync_dir / STATE_NAME).read_bytes())
        except (FileNotFoundError, NotADirectoryError, orjson.JSONDecodeError):
            return None
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def write(self, sync_dir: Path) -> None:
        atomic_write(sync_dir / STATE_NAME, orjson.dumps(asdict(self)))
