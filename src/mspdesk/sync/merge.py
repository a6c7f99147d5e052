"""What an incoming event changes here: field by field, last writer wins, clashes listed.

Every field of a record takes its value from the event with the latest (hlc, desk id) stamp
that set it, whatever order the events arrived in, so desks holding the same events hold
the same records. A field set on two desks that had not seen each other's change (known
from the `seen` counts each event carries) to different values is a clash: the later stamp
wins for now (the same on every desk) and a clash record lists both for a person to settle.
Concurrent triage of one referral is a clash even when both reached the same decision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mspdesk.domain.hlc import ZERO

CLASHES = "clashes"
QUIET_FIELDS = frozenset({"updated_at"})
"""Fields that every edit touches: the later one wins without a clash."""
TRIAGE = "referral.triaged"
WHOLE = "*"
"""The field of a clash over a whole record: one key created on two desks."""


@dataclass(frozen=True)
class Stamp:
    """Who set a value, and when in the order every desk agrees on."""

    hlc: str
    origin: str
    event: str
    index: int
    """Position in its desk's sequence of events (0: made before sync, seen by everyone)."""
    kind: str = ""
    actor: str = ""
    at: str = ""

    @property
    def order(self) -> tuple[str, str]:
        return (self.hlc, self.origin)


NOBODY = Stamp(ZERO, "", "", 0)


@dataclass
class RecordClock:
    """The stamp of a record's last replacement and of each field set since."""

    base: Stamp = NOBODY
    fields: dict[str, tuple[Stamp, Any]] = field(default_factory=dict)

    def setter(self, name: str) -> tuple[Stamp, Any]:
        found = self.fields.get(name)
        if found is None or found[0].order < self.base.order:
            return self.base, None
        return found

    def newest(self) -> Stamp:
        stamps = [self.base, *(s for s, _ in self.fields.values())]
        return max(stamps, key=lambda s: s.order)

    def set(self, name: str, stamp: Stamp, value: Any) -> None:
        if stamp.order >= self.setter(name)[0].order:
            self.fields[name] = (stamp, value)

    def replace(self, stamp: Stamp, data: dict[str, Any] | None) -> None:
        if stamp.order >= self.base.order:
            self.base = stamp
        for name, value in (data or {}).items():
            self.set(name, stamp, value)


@dataclass(frozen=True)
class Incoming:
    """An event from another desk, with what its author had seen of each desk."""

    event: dict[str, Any]
    index: int
    seen: dict[str, int]

    @property
    def stamp(self) -> Stamp:
        e = self.event
        return Stamp(
            e.get("hlc") or ZERO,
            e.get("origin") or "",
            e["id"],
            self.index,
            e.get("kind", ""),
            e.get("actor", ""),
            e.get("at", ""),
        )


History = Callable[[str], list[dict[str, Any]]]
Current = Callable[[str, str], "dict[str, Any] | None"]


class Merger:
    """Turns incoming events into the operations to commit here."""

    def __init__(
        self, history: History, current: Current, stamp_of: Callable[[dict[str, Any]], Stamp]
    ) -> None:
        self._history = history
        self._current = current
        self._stamp_of = stamp_of
        self._clocks: dict[str, RecordClock] = {}
        self.clash_ids: set[str] = set()

    def clock(self, key: str) -> RecordClock:
        found = self._clocks.get(key)
        if found is None:
            found = RecordClock()
            for event in self._history(key):
                stamp = self._stamp_of(event)
                for op in event.get("ops", ()):
                    if op.get("key") == key:
                        _note(found, stamp, op)
            self._clocks[key] = found
        return found

    def apply(self, incoming: Incoming) -> list[dict[str, Any]]:
        """The operations that make this desk hold what `incoming` says, clashes included."""
        stamp = incoming.stamp
        ops: list[dict[str, Any]] = []
        for op in incoming.event.get("ops", ()):
            clock = self.clock(op["key"])
            now = self._current(op["table"], op["key"])
            if op["kind"] == "patch":
                ops.extend(self._clashes(incoming, op, clock))
                made = _patch(op, stamp, clock, now)
            elif op["kind"] == "put":
                if now is not None and not op.get("prior"):
                    ops.extend(self._same_key(incoming, op, clock, now))
                made = _put(op, stamp, clock, now)
            else:
                made = _delete(op, stamp, clock, now)
            _note(clock, stamp, op)
            if made is not None:
                ops.append(made)
        return ops

    def _clashes(
        self, incoming: Incoming, op: dict[str, Any], clock: RecordClock
    ) -> list[dict[str, Any]]:
        stamp = incoming.stamp
        found = []
        for name, value in op.get("data", {}).items():
            if name in QUIET_FIELDS:
                continue
            other, other_value = clock.setter(name)
            if not other.origin or other.origin == stamp.origin or other.index == 0:
                continue
            if other.index <= incoming.seen.get(other.origin, 0):
                continue  # its author had seen this change: an ordinary later edit
            triage = stamp.kind == TRIAGE and other.kind == TRIAGE and name == "status"
            if other_value == value and not triage:
                continue
            record = _clash(op, name, (other, other_value), (stamp, value))
            if record["id"] not in self.clash_ids:
                self.clash_ids.add(record["id"])
                found.append({"table": CLASHES, "key": record["id"], "kind": "put", "data": record})
        return found

    def _same_key(
        self, incoming: Incoming, op: dict[str, Any], clock: RecordClock, now: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Two desks created a record under one key (ids made before desk codes existed):
        a clash over the whole record (field WHOLE), never a silent merge of the two."""
        other, stamp = clock.base, incoming.stamp
        if not other.origin or other.origin == stamp.origin or other.index == 0:
            return []
        if other.index <= incoming.seen.get(other.origin, 0) or now == op.get("data"):
            return []
        record = _clash(op, WHOLE, (other, now), (stamp, op.get("data", {})))
        if record["id"] in self.clash_ids:
            return []
        self.clash_ids.add(record["id"])
        return [{"table": CLASHES, "key": record["id"], "kind": "put", "data": record}]


def clash_id(table: str, key: str, name: str, events: list[str]) -> str:
    """The same id on every desk that finds this clash."""
    text = "\n".join([table, key, name, *sorted(events)])
    return "X-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def _clash(op: dict[str, Any], name: str, *sides_given: tuple[Stamp, Any]) -> dict[str, Any]:
    sides = sorted(sides_given, key=lambda side: side[0].order)
    return {
        "id": clash_id(op["table"], op["key"], name, [s.event for s, _ in sides]),
        "table": op["table"],
        "record": op["key"],
        "field": name,
        "sides": [
            {"event": s.event, "origin": s.origin, "actor": s.actor, "at": s.at, "value": v}
            for s, v in sides
        ],
        "provisional": sides[-1][1],
        "status": "open",
    }


def _note(clock: RecordClock, stamp: Stamp, op: dict[str, Any]) -> None:
    if op["kind"] == "patch":
        for name, value in op.get("data", {}).items():
            clock.set(name, stamp, value)
    else:
        clock.replace(stamp, op.get("data") if op["kind"] == "put" else None)


def _patch(
    op: dict[str, Any], stamp: Stamp, clock: RecordClock, now: dict[str, Any] | None
) -> dict[str, Any] | None:
    if now is None and clock.base.order > stamp.order:
        return None  # deleted here after this change was made
    data = {
        name: value
        for name, value in op.get("data", {}).items()
        if stamp.order > clock.setter(name)[0].order
    }
    if not data:
        return None
    prior = {name: (now or {}).get(name) for name in data}
    return {"table": op["table"], "key": op["key"], "kind": "patch", "data": data, "prior": prior}


def _put(
    op: dict[str, Any], stamp: Stamp, clock: RecordClock, now: dict[str, Any] | None
) -> dict[str, Any] | None:
    if clock.base.order > stamp.order:
        return None  # replaced or deleted here later: the later one stands
    data = dict(op.get("data", {}))
    if now is not None:
        # Fields changed here after this put keep their later values.
        later = {n: v for n, v in now.items() if clock.setter(n)[0].order > stamp.order}
        data.update(later)
    made: dict[str, Any] = {"table": op["table"], "key": op["key"], "kind": "put", "data": data}
    if now is not None:
        made["prior"] = now
    return made


def _delete(
    op: dict[str, Any], stamp: Stamp, clock: RecordClock, now: dict[str, Any] | None
) -> dict[str, Any] | None:
    if now is None or clock.newest().order > stamp.order:
        return None
    return {"table": op["table"], "key": op["key"], "kind": "delete", "prior": now}
