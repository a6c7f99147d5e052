"""Turning pydantic's errors into field-named, one-line problems."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mspdesk.domain.errors import InvalidRecord

M = TypeVar("M", bound=BaseModel)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[+0-9][0-9 ()\-]{5,24}$")


def problems_of(error: ValidationError) -> list[tuple[str, str]]:
    """Each (dotted field name, message) pair from a pydantic ValidationError."""
    found: list[tuple[str, str]] = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "record"
        message = str(item["msg"])
        message = message.removeprefix("Value error, ")
        found.append((field, message))
    return found


def validated(model: type[M], data: dict[str, Any], what: str) -> M:
    """`model` validated from `data`, or InvalidRecord naming each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidRecord(problems_of(error), what) from None
