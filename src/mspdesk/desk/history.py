"""History of a record, and undo, both read from the event log."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mspdesk.desk.core import DeskCore
from mspdesk.domain.errors import UserError
from mspdesk.domain.events import Event, Op, inverse
from mspdesk.store.keys import read_small_file

DESK_ID_FILE = "desk.id"

SKIPPED_FIELDS = frozenset({"updated_at", "created_at"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a record, for the history tab and `mspdesk history`."""

    at: datetime
    actor: str
    kind: str
    summary: str
    changes: list[FieldChange] = field(default_factory=list)
    undone: bool = False
    origin: str = ""
    """The id of the desk that recorded the change ("" before sync stamped events)."""
    desk: str = ""
    """That desk's code ("KM"), or "desk 1a2b3c" when its code is not known yet; "" on a
    desk that never synced (every change there is its own)."""

    @property
    def who(self) -> str:
        """The adviser and, once desks sync, the desk: "sam (KM)"."""
        return f"{self.actor} ({self.desk})" if self.desk else self.actor


def history(core: DeskCore, key: str) -> list[HistoryEntry]:
    """Every change to record `key`, oldest first, with the fields each one changed."""
    events = core.store.events_for(key)
    undone = {e.get("undoes") for e in core.store.recent_events() if e.get("undoes")}
    desk_of = desk_labels(core)
    entries = []
    for event in events:
        changes: list[FieldChange] = []
        for op in event["ops"]:
            if op["key"] != key:
                continue
            changes.extend(_changes_of(op))
        entries.append(
            HistoryEntry(
                at=datetime.fromisoformat(event["at"]),
                actor=event["actor"],
                kind=event["kind"],
                summary=event.get("summary", ""),
                changes=changes,
                undone=event["id"] in undone,
                origin=str(event.get("origin") or ""),
                desk=desk_of(event),
            )
        )
    return entries


def desk_labels(core: DeskCore) -> Callable[[dict[str, Any]], str]:
    """Who recorded an event, as history shows it: this desk's code for its own changes,
    the origin desk's code for synced ones (from the sync layer's list of desks)."""
    own_code = core.code
    stored = read_small_file(core.store.directory, DESK_ID_FILE)
    own_id = stored.decode("ascii", "replace") if stored else ""
    known: dict[str, str] | None = None

    def label(event: dict[str, Any]) -> str:
        nonlocal known
        origin = str(event.get("origin") or "")
        if not origin or origin == own_id:
            return own_code or ""
        if known is None:
            known = _known_desks(core)
        return known.get(origin) or f"desk {origin[:6]}"

    return label


def _known_desks(core: DeskCore) -> dict[str, str]:
    """Desk id -> desk code of every desk sync has seen; empty where sync is not built in.
    Imported by name: the sync layer (desk/sync.py) is optional to this module."""
    try:
        sync = importlib.import_module("mspdesk.desk.sync")
    except ImportError:
        return {}
    known = getattr(sync, "known_desks", None)
    return dict(known(core)) if known is not None else {}


def _changes_of(op: dict[str, Any]) -> list[FieldChange]:
    prior = op.get("prior") or {}
    data = op.get("data") or {}
    if op["kind"] == "delete":
        return [FieldChange("record", "present", "deleted")]
    if op["kind"] == "put" and not prior:
        return [FieldChange("record", None, "created")]
    return [
        FieldChange(name, prior.get(name), value)
        for name, value in data.items()
        if name not in SKIPPED_FIELDS and prior.get(name) != value
    ]


def last_undoable(core: DeskCore) -> dict[str, Any] | None:
    """The newest change that is not an undo and has not been undone."""
    undone: set[str] = set()
    erased = {key for row in core.store.table("erasures").values() for key in row["records"]}
    for event in core.store.recent_events():
        if event.get("undoes"):
            undone.add(event["undoes"])
            continue
        if event["kind"] == "erase" or (erased and _touches(event, erased)):
            continue  # erasure cannot be undone, nor can changes to what it erased
        if _from_elsewhere(core, event):
            continue  # another desk's change (sync) is theirs to undo
        if event["id"] not in undone:
            return event
    return None


def _from_elsewhere(core: DeskCore, event: dict[str, Any]) -> bool:
    origin = event.get("origin")
    if event["kind"] == "sync-baseline":
        return True
    return bool(origin) and not core.store.read_only and origin != core.origin


def _touches(event: dict[str, Any], keys: set[str]) -> bool:
    return event["subject"] in keys or any(op["key"] in keys for op in event["ops"])


REDO = "redo"
"""The kind of the event that redoes an undo: an ordinary change (so it can be undone)."""


def last_redoable(core: DeskCore) -> dict[str, Any] | None:
    """The newest undo not yet redone, while nothing new was changed since; else None.

    Reading back from the newest event: each redo accounts for one undo before it; the first
    undo left over is the one to redo. An ordinary change ends the search: after a new
    change there is nothing to redo.
    """
    redos = 0
    for event in core.store.recent_events():
        if event["kind"] == REDO:
            redos += 1
        elif event.get("undoes"):
            if redos == 0:
                return event
            redos -= 1
        else:
            return None
    return None


def redo(core: DeskCore) -> Event:
    """Apply again what the newest undo reversed, as a new event; returns that event."""
    target = last_redoable(core)
    if target is None:
        raise UserError("nothing to redo")
    ops = []
    for raw in reversed(target["ops"]):
        op = Op.model_validate(raw)
        ops.append(inverse(op, core.store.get(op.table, op.key)))
    summary = str(target.get("summary") or "")
    summary = f"Redid: {summary.removeprefix('Undid: ')}" if summary else "Redid the last undo"
    return core.commit(REDO, target["subject"], ops, summary)


def undo(core: DeskCore) -> Event:
    """Reverse the newest change not yet undone, as a new event; returns that event."""
    target = last_undoable(core)
    if target is None:
        raise UserError("nothing to undo")
    ops = []
    for raw in reversed(target["ops"]):
        op = Op.model_validate(raw)
        ops.append(inverse(op, core.store.get(op.table, op.key)))
    summary = f"Undid: {target.get('summary') or target['kind']}"
    return core.commit("undo", target["subject"], ops, summary, undoes=target["id"])
