"""Files on a case: adding one (its bytes copied into the data directory, then its record
committed), listing them, reading one back. The same content is never stored twice on one
case; a different file with a name already used gets "name (2).ext".

The desk never opens or runs an attached file: it only copies and reads its bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mspdesk.desk.cases import TABLE as CASES
from mspdesk.desk.core import DeskCore
from mspdesk.domain.attachment import (
    Attachment,
    numbered_name,
    safe_file_name,
)
from mspdesk.domain.errors import NotFound
from mspdesk.domain.events import Op
from mspdesk.domain.references import ATTACHMENTS
from mspdesk.domain.validation import validated
from mspdesk.store import ReadOnlyStore
from mspdesk.store.attachments import (
    FILES_DIR,
    read_attachment,
    stored_content_matches,
    write_attachment,
)

TABLE = "attachments"
EVENT_KIND = "file.attached"


@dataclass(frozen=True)
class AttachResult:
    attachment: Attachment
    duplicate: bool
    """The same content was on the case already: nothing new was stored."""


class Attachments:
    """The files on each case, through the journal."""

    def __init__(self, core: DeskCore) -> None:
        self._core = core

    def add(
        self, case_id: str, name: str, data: bytes, *, note_id: str | None = None
    ) -> AttachResult:
        """Copy `data` into the case's folder as `name` and record it, once on disk."""
        store = self._core.store
        if case_id not in store.table(CASES):
            raise NotFound(f"no case {case_id}")
        if store.read_only:
            raise ReadOnlyStore("this desk is open read-only: nothing was attached")
        digest = hashlib.sha256(data).hexdigest()
        for existing in self.for_case(case_id):
            if existing.sha256 == digest:
                return AttachResult(existing, duplicate=True)
        stored_as = self.placed(case_id, safe_file_name(name), digest)
        present = stored_content_matches(store.directory, stored_as, digest)
        if not present:
            write_attachment(store.directory, stored_as, data)
        attachment = validated(
            Attachment,
            {
                "id": self._next_id(),
                "subject": case_id,
                "name": stored_as.rsplit("/", 1)[1],
                "sha256": digest,
                "size": len(data),
                "stored_as": stored_as,
                "added_at": self._core.now(),
                "added_by": self._core.actor,
                "note_id": note_id,
            },
            "attachment",
        )
        op = Op(table=TABLE, key=attachment.id, kind="put", data=attachment.model_dump(mode="json"))
        summary = f"{case_id}: attached {attachment.name} ({attachment.size:,} bytes)"
        self._core.commit(EVENT_KIND, case_id, [op], summary)
        return AttachResult(attachment, duplicate=False)

    def for_case(self, case_id: str) -> list[Attachment]:
        """The files on `case_id`, in the order they were added."""
        rows = [
            row
            for row in self._core.store.table(TABLE).values()
            if row.get("subject") == case_id and not row.get("deleted")
        ]
        found = [Attachment.model_validate(row) for row in rows]
        found.sort(key=lambda a: (a.added_at, a.id))
        return found

    def get(self, attachment_id_: str) -> Attachment:
        row = self._core.store.get(TABLE, attachment_id_)
        if row is None or row.get("deleted"):
            raise NotFound(f"no attached file {attachment_id_}")
        return Attachment.model_validate(row)

    def read(self, attachment: Attachment) -> bytes:
        """The file's bytes (checked against its hash)."""
        return read_attachment(self._core.store.directory, attachment.stored_as, attachment.sha256)

    def placed(self, case_id: str, name: str, digest: str, taken: Iterable[str] = ()) -> str:
        """Where a file named `name` goes on `case_id` (files/<case>/<name>): its own name
        unless another file on the case has it, or a different file is there on disk (then
        "name (2).ext", ...). A file left with the same content (by an attach that was
        undone) is used again."""
        used = {a.stored_as for a in self.for_case(case_id)} | set(taken)
        number = 1
        candidate = name
        while True:
            stored_as = f"{FILES_DIR}/{case_id}/{candidate}"
            if stored_as not in used:
                present = stored_content_matches(self._core.store.directory, stored_as, digest)
                if present is None or present:
                    return stored_as
            number += 1
            candidate = numbered_name(name, number)

    def _next_id(self) -> str:
        keys: Any = [*self._core.store.table(TABLE), *self._core.store.touched_keys()]
        return ATTACHMENTS.next(keys, self._core.code)
