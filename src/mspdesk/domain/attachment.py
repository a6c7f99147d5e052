"""Files on a case: documents and emails an adviser received or sent, kept with the case.

The desk never opens or runs them: it stores their bytes, names and a SHA-256 of the
content (which also stops the same file being stored twice on one case).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mspdesk.domain.references import ATTACHMENTS

ATTACHMENT_ID = ATTACHMENTS.pattern
NAME_LIMIT = 200
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_HIDING = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class Attachment(BaseModel):
    """One file on a case (`subject` is the case id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    subject: str
    name: Annotated[str, Field(min_length=1, max_length=NAME_LIMIT)]
    """The file's name as it came (made safe: no folders, no control characters)."""
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size: Annotated[int, Field(ge=0)]
    stored_as: str
    """Where the bytes are, relative to the data directory: files/C-0001/<name>."""
    added_at: datetime
    added_by: str = ""
    note_id: str | None = None
    """The email note it came with, if any."""
    deleted: bool = False

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ATTACHMENT_ID.match(value):
            raise ValueError("attachment id must look like F-00042 or F-KM-00042")
        return value

    @field_validator("stored_as")
    @classmethod
    def _stored_as(cls, value: str) -> str:
        parts = value.split("/")
        if len(parts) != 3 or parts[0] != "files" or any(p in ("", ".", "..") for p in parts):
            raise ValueError("stored_as must be files/<case>/<name>")
        return value


def attachment_id(number: int, code: str | None = None) -> str:
    """The id of the `number`th attachment (of the desk with `code`, if any)."""
    return ATTACHMENTS.make(number, code)


def safe_file_name(name: str) -> str:
    """`name` as a file name that stays inside its folder and hides nothing: the last part
    of any path, characters that could not be in a file name (or that hide or reorder text)
    as "_", no leading dot, at most 200 characters with the extension kept."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    cleaned = _HIDING.sub("_", _UNSAFE.sub("_", base)).strip().strip(".") or "attachment"
    if len(cleaned) > NAME_LIMIT:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            cleaned = stem[: NAME_LIMIT - len(extension) - 1] + "." + extension
        else:
            cleaned = cleaned[:NAME_LIMIT]
    return cleaned


def numbered_name(name: str, number: int) -> str:
    """ "report (2).pdf" for ("report.pdf", 2)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({number})"
    return f"{stem} ({number}).{extension}"
