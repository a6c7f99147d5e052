"""Reading other desks' events from their branches (the layout is in store/outbox.py)."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from mspdesk.store.outbox import seen_of
from mspdesk.sync.merge import Incoming
from mspdesk.sync.repo import ObjectReader


def new_events(
    reader: ObjectReader, desk: str, segments: list[tuple[str, str]], applied: int
) -> Iterator[Incoming]:
    """Events of `desk` after the first `applied` (which this desk already holds), with
    their position in that desk's sequence and what their author had seen. `segments` are
    (file name, blob) of its branch's events/ folder."""
    starts = sorted((int(name.split(".")[0]), blob) for name, blob in segments)
    first = 0
    for number, (start, _blob) in enumerate(starts):
        if start <= applied + 1:
            first = number
    wanted = starts[first:]
    if not wanted:
        return
    index = wanted[0][0] - 1
    for _start, blob in wanted:
        data = reader.get(blob) or b""
        seen: dict[str, int] = {}
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            index += 1
            if index <= applied:
                seen = seen_of(line) or seen
                continue
            event = orjson.loads(line)
            seen = event.pop("seen", seen)
            if event.get("origin") != desk:
                continue
            event.pop("seq", None)
            yield Incoming(event, index, dict(seen))
