"""What every part of the desk shares: the store, the clock, who is acting, committing."""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from mspdesk.store import Store

if TYPE_CHECKING:  # the models are imported when a change is made, not to read
    from mspdesk.domain.events import Event, Op

Clock = Callable[[], datetime]
ADVISER_ENV = "MSPDESK_ADVISER"


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def current_adviser() -> str:
    """The acting adviser's handle: $MSPDESK_ADVISER, else `adviser` in the config file
    (`mspdesk config set adviser NAME`), else the login name."""
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

    def __init__(self, store: Store, clock: Clock, actor: str) -> None:
        self.store = store
        self.clock = clock
        self.actor = actor
        self.device = socket.gethostname() or "device"
        self.changes = 0
        """Changes recorded since the desk was opened (the demo asks before they are lost)."""

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
        self, kind: str, subject: str, ops: Sequence[Op], summary: str, undoes: str | None = None
    ) -> dict[str, Any]:
        """As `commit`, returning the event as stored (not validated again): for a change of
        thousands of records (an import), where validating it back costs a fifth of a second."""
        event: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "at": self.now().isoformat(timespec="milliseconds"),
            "actor": self.actor,
            "device": self.device,
            "kind": kind,
            "subject": subject,
            "summary": summary,
            "ops": [op.model_dump(exclude_none=True) for op in ops],
        }
        if undoes:
            event["undoes"] = undoes
        stored: dict[str, Any] = self.store.commit(event)
        self.changes += 1
        return stored
