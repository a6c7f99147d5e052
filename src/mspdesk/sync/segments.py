"""Reading other desks' events from their branches (the layout is in store/outbox.py)."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from mspdesk.store.outbox import SEGMENT_SIZE
from mspdesk.sync.merge import Incoming
from mspdesk.sync.repo import Repo


def new_events(repo: Repo, desk: str, commit: str, applied: int) -> Iterator[Incoming]:
    """Events of `desk` after the first `applied` (which this desk already holds), with
    their position in that desk's sequence and what their author had seen."""
    segments = repo.segment_blobs(commit)
    first = applied // SEGMENT_SIZE
    blobs = [blob for _name, blob in segments[first:]]
    index = first * SEGMENT_SIZE
    for data in repo.read_blobs(blobs):
        seen: dict[str, int] = {}
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            event = orjson.loads(line)
            seen = event.pop("seen", seen)
            index += 1
            if index <= applied or event.get("origin") != desk:
                continue
            event.pop("seq", None)
            event.pop("v", None)
            yield Incoming(event, index, dict(seen))
