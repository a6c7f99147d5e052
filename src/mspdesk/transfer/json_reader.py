"""Reading a JSON import file: a list of referral objects, or {"referrals": [...]}.

The whole text is checked when the file is opened (an unreadable file is refused before any
row); the rows are then parsed again an object at a time as they are read, so the parsed file
is not held beside the referrals made from it (100,000 objects: a 48 MB file, 150 MB parsed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mspdesk.transfer.columns import map_columns
from mspdesk.transfer.readers import Record, SourceTable, UnreadableFile, open_text


def read_json(path: Path, text: str, encoding: str, skip: int = 0) -> SourceTable:
    """Rows of a JSON list of objects; a nested "contact" object becomes contact.* columns.

    The whole text is checked here (an unreadable file is refused before any row); the
    rows are then parsed again an object at a time as they are read, so the parsed file is
    not held beside the referrals made from it (a 48 MB file of 100,000 objects is 150 MB
    parsed). As for CSV, the file is read again if the rows are read again."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"cannot import {path}: not valid JSON at line {error.lineno}, "
            f"column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise UnreadableFile(f"cannot import {path}: the JSON is nested too deeply") from None
    wrapped = isinstance(document, dict) and isinstance(document.get("referrals"), list)
    if wrapped:
        document = document["referrals"]
    if not isinstance(document, list):
        raise UnreadableFile(
            f"cannot import {path}: the JSON must be a list of referral objects "
            '(or {"referrals": [...]})'
        )
    keys: dict[str, None] = {}
    for position, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            raise UnreadableFile(
                f"cannot import {path}: item {position} of the list is "
                f"{type(item).__name__}, not an object; the JSON must be a list of objects"
            )
        keys.update(dict.fromkeys(_flatten(item)))
    objects = len(document)
    del document  # parsed again an object at a time by rows()
    header = list(keys)
    columns = map_columns(header)
    if objects and not columns.complete:
        raise UnreadableFile(
            f"cannot import {path}: no object names both an organisation and a parent body "
            f"(keys found: {', '.join(repr(key) for key in header[:8]) or 'none'})"
        )
    start = _list_start(text, wrapped)
    held = [text]  # for the first reading of the rows; it is not kept after that
    stamp = _stamp(path)

    def rows() -> Iterator[Record]:
        body = held.pop() if held else _text_again(path, encoding, skip, stamp)
        for position, item in enumerate(_list_items(body, start), start=1):
            values = _flatten(item)
            yield Record(position, [values.get(key) for key in header], item)

    return SourceTable(
        path=path, format="json", encoding=encoding, header=header, columns=columns, _rows=rows
    )


_DECODER = json.JSONDecoder()


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _text_again(path: Path, encoding: str, skip: int, stamp: tuple[int, int]) -> str:
    """The text of a JSON file read again, if it is still the file that was checked."""
    try:
        if _stamp(path) == stamp:
            with open_text(path, encoding, skip) as stream:
                return stream.read()
    except OSError as error:
        raise UnreadableFile(f"cannot import {path}: {error.strerror or error}") from None
    raise UnreadableFile(f"cannot import {path}: it changed while it was imported; import again")


def _space_from(text: str, index: int) -> int:
    """The index of the first character at or after `index` that is not JSON white space."""
    while text[index] in " \t\n\r":
        index += 1
    return index


def _list_start(text: str, wrapped: bool) -> int:
    """Where the list of objects starts in a JSON text already checked whole: the text
    itself, or the (last, as json.loads takes it) "referrals" value of its object."""
    index = _space_from(text, 0)
    if not wrapped:
        return index
    found = index
    index = _space_from(text, index + 1)
    while text[index] != "}":
        key, index = _DECODER.raw_decode(text, index)
        index = _space_from(text, _space_from(text, index) + 1)  # past the colon
        if key == "referrals":
            found = index
        _, index = _DECODER.raw_decode(text, index)  # the value, skipped
        index = _space_from(text, index)
        if text[index] == ",":
            index = _space_from(text, index + 1)
    return found


def _list_items(text: str, start: int) -> Iterator[Any]:
    """Each value of the JSON list at text[start] ("["), parsed one at a time."""
    index = _space_from(text, start + 1)
    while text[index] != "]":
        item, index = _DECODER.raw_decode(text, index)
        yield item
        index = _space_from(text, index)
        if text[index] == ",":
            index = _space_from(text, index + 1)


def _flatten(item: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict) and key.strip().casefold() == "contact":
            for inner, inner_value in value.items():
                values[f"contact.{inner}"] = inner_value
        elif isinstance(value, dict) and key.strip().casefold() == "source_fields":
            # The desk's own JSON export: its kept columns come back as columns.
            values.update((str(inner), inner_value) for inner, inner_value in value.items())
        else:
            values[str(key)] = value
    return values
