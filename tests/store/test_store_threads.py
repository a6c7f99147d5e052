"""Two threads of one process saving at once (an import worker and the UI) lose nothing."""

from __future__ import annotations

import threading
from pathlib import Path

from storehelp import put_event

from mspdesk.store import Store, tinystore


def test_commits_from_two_threads_interleave_safely(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tinystore, "CHECKPOINT_EVENTS", 50)  # checkpoints race the commits too
    store = Store.open(tmp_path / "data")
    start = threading.Barrier(2)

    def save(prefix: str) -> None:
        start.wait()
        for n in range(300):
            store.commit(put_event(f"{prefix}-{n}"))

    workers = [threading.Thread(target=save, args=(p,)) for p in ("ui", "import")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert store.seq == 600
    store.close()
    with Store.open(tmp_path / "data") as reopened:
        assert len(reopened.table("things")) == 600
        assert reopened.seq == 600
