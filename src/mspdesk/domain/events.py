"""Events: every change an adviser makes, as an immutable, id-keyed record.

An event holds one or more operations on records. Each operation keeps the
prior values it overwrote, which is what makes history and undo possible
without a second copy of the data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from mspdesk.domain.version import SCHEMA_VERSION

"""Version of the record and event shapes; bumped with a migration in store/migrations.py."""

OpKind = Literal["put", "patch", "delete"]


class Op(BaseModel):
    """One change to one record: create/replace (put), change fields (patch) or delete."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    table: str
    key: str
    kind: OpKind
    data: dict[str, Any] = {}
    prior: dict[str, Any] | None = None


class Event(BaseModel):
    """One acknowledged change. `seq` orders events within one data directory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    seq: int
    v: int = SCHEMA_VERSION
    at: datetime
    actor: str
    device: str
    kind: str
    subject: str
    summary: str = ""
    ops: tuple[Op, ...]
    undoes: str | None = None
    origin: str | None = None
    """The id of the desk where the change was made (sync: docs/sync.md)."""
    hlc: str | None = None
    """Its hybrid logical clock stamp (domain/hlc.py): the order desks apply changes in."""

    def touches(self, key: str) -> bool:
        """Whether any operation in this event changed the record `key`."""
        return self.subject == key or any(op.key == key for op in self.ops)


def inverse(op: Op, current: dict[str, Any] | None) -> Op:
    """The operation that undoes `op`, given the record as it is now."""
    if op.kind == "put":
        if op.prior is None:
            return Op(table=op.table, key=op.key, kind="delete", prior=current)
        return Op(table=op.table, key=op.key, kind="put", data=op.prior, prior=current)
    if op.kind == "patch":
        restore = dict(op.prior or {})
        now = {field: (current or {}).get(field) for field in restore}
        return Op(table=op.table, key=op.key, kind="patch", data=restore, prior=now)
    return Op(table=op.table, key=op.key, kind="put", data=op.prior or {}, prior=None)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields of `after` whose values differ from `before`."""
    return {key: value for key, value in after.items() if before.get(key) != value}
