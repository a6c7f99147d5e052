"""What every part of the desk shares: the store, the clock, who is acting, committing."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from mspdesk.domain import hlc
from mspdesk.store import Store

if TYPE_CHECKING:  # the models are imported when a change is made, not to read
    from mspdesk.domain.events import Event, Op

Clock = Callable[[], datetime]
ADVISER_ENV = "MSPDESK_ADVISER"
DESK_ID = "desk.id"
DESK_ID_BYTES = 8


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def current_adviser() -> str:
    """The acting adviser's handle: $MSPDESK_ADVISER, else `adviser` in the config file
    (`mspdesk config set adviser NAME`), else the login name."""
    import getpass

    from mspdesk.config import quiet_get
    from mspdesk.domain.handles import handle_from

    name = os.environ.get(ADVISER_ENV) or quiet_get("adviser")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "adviser"
    return handle_from(name)


class DeskCore:
    """The store plus the context every change is recorded with."""

    def __init__(self, store: Store, clock: Clock, actor: str | None = None) -> None:
        self.store = store
        self.clock = clock
        self._actor = actor
        self._device: str | None = None
        self.changes = 0
        self.code: str | None = None
        """The desk code new ids carry (desk/identity.py), None for a desk that never synced."""
        """Changes recorded since the desk was opened (the demo asks before they are lost)."""
        self._origin: str | None = None

    @property
    def actor(self) -> str:
        """Who makes the changes (`current_adviser` unless given): looked up on first use,
        as reading the config file costs a read-only command for nothing."""
        if self._actor is None:
            self._actor = current_adviser()
        return self._actor

    @property
    def device(self) -> str:
        """This machine's name, recorded with each change."""
        if self._device is None:
            import socket

            self._device = socket.gethostname() or "device"
        return self._device

    @property
    def origin(self) -> str:
        """This data directory's desk id (made once, kept in `desk.id`)."""
        if self._origin is None:
            from mspdesk.store.keys import read_or_create_key  # not to read

            key = read_or_create_key(self.store.directory, DESK_ID, DESK_ID_BYTES)
            self._origin = key.decode("ascii")
        return self._origin

    def stamp(self) -> str:
        """A hybrid logical clock stamp later than any event this desk has made or seen."""
        moment = self.clock()
        return hlc.tick(self.store.max_hlc, int(moment.timestamp() * 1000))

    def now(self) -> datetime:
        """The current time in UTC, to the millisecond."""
        moment = self.clock()
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def today(self) -> date:
        """Today's date where the adviser is."""
        return self.clock().astimezone().date()

    def commit(
        self, kind: str, subject: str, ops: Sequence[Op], summary: str, undoes: str | None = None
    ) -> Event:
        """Record one change durably and return it; raises if it was not saved."""
        from mspdesk.domain.events import Event

        stored = self.record(kind, subject, ops, summary, undoes)
        return Event.model_validate(stored)

    def record(
        self,
        kind: str,
        subject: str,
        ops: Sequence[Op | dict[str, Any]],
        summary: str,
        undoes: str | None = None,
    ) -> dict[str, Any]:
        """As `commit`, returning the event as stored (not validated again): for a change of
        thousands of records (an import), where validating it back costs a fifth of a second.
        An op may be given as the journal keeps it (a dict, taken as is, not copied)."""
        import uuid  # here: a command that only reads never needs it

        event: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "at": self.now().isoformat(timespec="milliseconds"),
            "actor": self.actor,
            "device": self.device,
            "kind": kind,
            "subject": subject,
            "summary": summary,
            "ops": [op if isinstance(op, dict) else op.model_dump(exclude_none=True) for op in ops],
        }
        if undoes:
            event["undoes"] = undoes
        if not self.store.read_only:
            event["origin"] = self.origin
            event["hlc"] = self.stamp()
        stored: dict[str, Any] = self.store.commit(event)
        self.changes += 1
        return stored
