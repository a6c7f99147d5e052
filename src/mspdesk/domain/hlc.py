"""Hybrid logical clock stamps: the order events from many desks are applied in.

A stamp is wall-clock milliseconds plus a counter, written as a fixed-width string
(`0001764859200123-00000`) so that comparing two stamps as strings compares them as clocks.
A desk's next stamp is always later than every stamp it has made or seen, even when its
own clock is behind another desk's, so an edit made after seeing another always wins over it.
Ties between desks are broken by the desk id (`order_key`).
"""

from __future__ import annotations

ZERO = "0000000000000-00000"


def make(wall_ms: int, counter: int) -> str:
    """The stamp for wall-clock `wall_ms` and `counter`."""
    return f"{wall_ms:013d}-{counter:05d}"


def parse(stamp: str) -> tuple[int, int]:
    """(wall milliseconds, counter) of a stamp."""
    wall, _, counter = stamp.partition("-")
    return int(wall), int(counter or 0)


def tick(last: str, now_ms: int) -> str:
    """The stamp for a new local event: after `last` and no earlier than `now_ms`."""
    wall, counter = parse(last or ZERO)
    if now_ms > wall:
        return make(now_ms, 0)
    return make(wall, counter + 1)


def seen(last: str, remote: str) -> str:
    """The clock after receiving an event stamped `remote`: the later of the two."""
    return max(last or ZERO, remote or ZERO)


def order_key(stamp: str | None, origin: str | None) -> tuple[str, str]:
    """The deterministic order of events across desks: by stamp, then by desk id."""
    return (stamp or ZERO, origin or "")
