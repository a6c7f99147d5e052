"""A checkpoint's snapshot encoded and written in a thread, so the thread that made the
change (the UI's) carries on at once.

The plan is taken under the store's write lock: the change number, and a shallow copy of
every parsed table (records are replaced, never changed in place, so the copy stays as it
was while new changes land in the store's own dicts). Tables never parsed are copied from
the current snapshot file byte for byte. The encoding goes in pieces (snapshot.encode_table)
so the GIL is given back between them. Moving the journal to backups/ is left to the store,
under its lock, once the snapshot is on disk (see Store._collect_checkpoint).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mspdesk.store.layout import TableSource
from mspdesk.store.snapshot import Snapshot, encode_parts


@dataclass
class CheckpointPlan:
    """What one checkpoint writes."""

    seq: int
    previous_seq: int
    """The change number of the snapshot it replaces (its backup's name)."""
    journal_size: int
    """The journal's length at `seq`: changes after it stay in the journal."""
    schema_version: int
    tables: dict[str, dict[str, Any]]
    source: TableSource | None
    added: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Records added to tables copied from `source` (Tables.settle)."""
    error: BaseException | None = field(default=None)

    def encode(self) -> Iterator[bytes]:
        snapshot = Snapshot(self.seq, self.schema_version, self.tables, self.source, self.added)
        return encode_parts(snapshot)


def shallow_copies(tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: dict(table) for name, table in tables.items()}


class Checkpointer:
    """One background checkpoint: `write` (encode and write the snapshot) in a thread."""

    def __init__(self, plan: CheckpointPlan, write: Callable[[CheckpointPlan], None]) -> None:
        self.plan = plan
        self._write = write
        self._thread = threading.Thread(target=self._run, name="mspdesk-checkpoint")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._write(self.plan)
        except BaseException as error:  # reported by the store, on its own thread
            self.plan.error = error

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> CheckpointPlan:
        self._thread.join()
        return self.plan
