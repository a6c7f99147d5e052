"""Case notes: what happened at a meeting, call or decision, in the adviser's words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mspdesk.domain.note_kind import NoteKind
from mspdesk.domain.references import NOTES

NOTE_ID = NOTES.pattern

__all__ = ["NOTE_ID", "Note", "NoteKind", "note_id"]


class Note(BaseModel):
    """A note on a referral or a case (`subject` is its id)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    subject: str
    body: Annotated[str, Field(max_length=200_000)]
    kind: NoteKind = NoteKind.OTHER
    on: date
    adviser: str = ""
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool = False

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not NOTE_ID.match(value):
            raise ValueError("note id must look like N-00042 or N-KM-00042")
        return value

    @field_validator("body")
    @classmethod
    def _body(cls, value: str) -> str:
        if not value:
            raise ValueError("a note needs some text")
        return value


def note_id(number: int, code: str | None = None) -> str:
    """The id of the `number`th note (of the desk with `code`, if any)."""
    return NOTES.make(number, code)
