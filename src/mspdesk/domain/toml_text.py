"""Reading shipped TOML content from text, with errors that name the file and line."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from pydantic import ValidationError

from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.validation import problems_of


def load_toml(text: str, name: str) -> dict[str, Any]:
    """The TOML document in `text`, or InvalidRecord naming `name` and the line that is wrong."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message already ends with "(at line N, column M)".
        raise InvalidRecord([("syntax", str(error))], name) from None


def table_line(text: str, table: str, index: int) -> int | None:
    """The 1-based line of the `index`th (0-based) `[[table]]` header in `text`, if present."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            if seen == index:
                return number
            seen += 1
    return None


def located(text: str, table: str, field: str, model_field: str | None = None) -> str:
    """`field` (a dotted pydantic location such as "milestones.3.after") with its line.

    Array-of-tables entries are reported as `line N, milestone[4].after` (1-based, as an author
    counts) so the author can jump to the table that holds the mistake. `model_field` is the
    model's name for the array when it differs from the TOML table name.
    """
    parts = field.split(".")
    if len(parts) >= 2 and parts[0] == (model_field or table) and parts[1].isdigit():
        index = int(parts[1])
        rest = ".".join(parts[2:])
        where = f"{table}[{index + 1}]" + (f".{rest}" if rest else "")
        line = table_line(text, table, index)
        return f"line {line}, {where}" if line is not None else where
    return field


def problems_with_lines(
    error: ValidationError, text: str, table: str, model_field: str | None = None
) -> list[tuple[str, str]]:
    """pydantic's problems, each field name prefixed with the line of its `[[table]]` entry."""
    return [
        (located(text, table, field, model_field), message) for field, message in problems_of(error)
    ]
