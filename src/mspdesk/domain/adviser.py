"""Advisers: who did what. Every event names its actor."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, field_validator

from mspdesk.domain.handles import handle_from as handle_from  # moved there; kept here

HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


class Adviser(BaseModel):
    """An adviser on the programme, known by a short handle."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    handle: str
    name: str = ""
    email: str = ""
    active: bool = True

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if not HANDLE.match(value):
            raise ValueError("handle must be lower-case letters, digits, '.', '_' or '-'")
        return value
