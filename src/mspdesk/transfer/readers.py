"""Reading an import file into a table of rows, keeping each row's original text.

CSV may be UTF-8 (with or without a byte-order mark), UTF-16 with a BOM (Excel's
"Unicode text"), or Windows-1252; CRLF, LF or CR line ends; comma, semicolon
or tab separated. JSON is a list of objects, or {"referrals": [...]}.
Anything else is an `UnreadableFile` (exit code 2) with a one-line reason.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mspdesk.domain.errors import UserError
from mspdesk.transfer.columns import ColumnMap, map_columns

MAX_BYTES = 64 * 1024 * 1024
"""Far above any real referral list (10,000 rows is about 3 MB); stops a wrong file
from filling memory."""

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 10
"""Title or notes rows above the header (common in spreadsheet exports) are skipped."""

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_MAGIC = {
    b"PK\x03\x04": "an Excel workbook or zip archive; save it as CSV and import that",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook; save it as CSV and import that",
    b"%PDF": "a PDF; import needs a CSV or JSON file",
}


class UnreadableFile(UserError):
    """The file could not be read as CSV or JSON at all; nothing was imported."""

    exit_code = 2


@dataclass(frozen=True)
class Record:
    """One row of the file before any checking."""

    row: int
    """As a person counts it: a spreadsheet row (the header is row 1), or the
    position of a JSON object in its list, from 1."""
    cells: list[Any]
    """CSV: the row's values in column order. JSON: values aligned with the table header."""
    raw: str | dict[str, Any]
    """The original CSV text of the row (with its line end) or the original JSON object."""
    note: str = ""
    """A problem found while reading this row (e.g. an unclosed quote)."""


@dataclass
class SourceTable:
    """An import file, read: its header, its rows, and how it was written."""

    path: Path
    format: Literal["csv", "json"]
    encoding: str
    """A Python codec name: utf-8, utf-8-sig, utf-16 or cp1252."""
    header: list[str]
    columns: ColumnMap
    records: list[Record] = field(default_factory=list)
    delimiter: str = ","
    header_text: str = ""
    """CSV: the header line as written (without a byte-order mark)."""
    newline: str = "\r\n"
    blank_rows: int = 0
    skipped_above_header: int = 0

    @property
    def encoding_label(self) -> str:
        """The encoding as a person would name it."""
        return {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8 with BOM",
            "utf-16": "UTF-16",
            "cp1252": "Windows-1252",
        }.get(self.encoding, self.encoding)


def read_table(path: Path) -> SourceTable:
    """Read `path` as CSV or JSON (by extension, else by content). Raises UnreadableFile."""
    data = _read_bytes(path)
    text, encoding = decode(data, path)
    if not text.strip():
        raise UnreadableFile(f"cannot import {path}: the file is empty")
    suffix = path.suffix.casefold()
    looks_json = text.lstrip()[:1] in ("[", "{")
    if suffix == ".json" or (suffix not in (".csv", ".tsv", ".txt") and looks_json):
        return read_json(path, text, encoding)
    return read_csv(path, text, encoding)


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise UnreadableFile(f"cannot import {path}: it is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(
                f"cannot import {path}: it is {size // (1024 * 1024)} MB, more than the "
                f"{MAX_BYTES // (1024 * 1024)} MB an import file may be; split it"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"cannot import {path}: there is no such file") from None
    except PermissionError:
        raise UnreadableFile(f"cannot import {path}: permission denied") from None
    except OSError as error:
        raise UnreadableFile(f"cannot import {path}: {error.strerror or error}") from None


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text of an import file and the codec it was in; binary files are refused."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise UnreadableFile(f"cannot import {path}: it is {what}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFile(f"cannot import {path}: it is not valid UTF-16 text") from None
    if b"\x00" in data:
        raise UnreadableFile(
            f"cannot import {path}: it is a binary file (it holds NUL bytes), not CSV or JSON"
        )
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Not UTF-8: spreadsheets on Windows save "ANSI", i.e. Windows-1252 (£ is 0xA3).
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"cannot import {path}: the text is neither UTF-8 nor Windows-1252; "
            "save it as CSV UTF-8 and import that"
        ) from None


# ---------------------------------------------------------------------------- CSV


def read_csv(path: Path, text: str, encoding: str) -> SourceTable:
    """Rows of a CSV text, the separator and header found by what the header names."""
    delimiter, header_index = _find_header(text)
    if header_index is None:
        first = next(csv.reader(_lines(text[:65536]), delimiter=delimiter), [])
        shown = ", ".join(repr(cell) for cell in first[:8]) or "nothing"
        raise UnreadableFile(
            f"cannot import {path}: no header row naming at least the organisation and "
            f"parent body columns was found (the first line has {shown})"
        )
    table: SourceTable | None = None
    for number, cells, raw, note in _records(text, delimiter):
        if table is None:
            if number - 1 < header_index:
                continue
            header = [str(cell).strip() for cell in cells]
            table = SourceTable(
                path=path,
                format="csv",
                encoding=encoding,
                header=header,
                columns=map_columns(header),
                delimiter=delimiter,
                header_text=raw.rstrip("\r\n"),
                newline=_newline_of(raw),
                skipped_above_header=header_index,
            )
            continue
        if not note and not any(str(cell).strip() for cell in cells):
            table.blank_rows += 1
            continue
        table.records.append(Record(number, cells, raw, note))
    assert table is not None  # _find_header found it in the same text
    return table


def _lines(text: str) -> Iterator[str]:
    """Physical lines with their own line ends (str.splitlines would also split on
    form feeds and Unicode separators, which are data inside a cell)."""
    for match in _LINE.finditer(text):
        yield match.group()


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], str, str]]:
    """(row number, cells, original text, problem) for each CSV record, in order."""
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        for line in _lines(text):
            consumed.append(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    number = position = 0
    while True:
        note = ""
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader cannot go on: keep everything left as one rejected row.
            cells = []
            consumed[:] = [text[position:]]
            note = f"the rest of the file is not readable CSV ({error})"
        raw = "".join(consumed)
        consumed.clear()
        position += len(raw)
        at_end = position == len(text)
        if not note and at_end and raw.count('"') % 2 and len(list(_lines(raw))) > 1:
            note = "a quoted value is never closed, so the rest of the file was read into it"
        number += 1
        yield number, cells, raw, note
        if position >= len(text):
            return


def _find_header(text: str) -> tuple[str, int | None]:
    """The separator, and the index of the first record that names the required columns;
    of the separators that find one, the one whose header names the most fields."""
    sample = text[:65536]
    best: tuple[int, int, str, int | None] = (-1, 0, ",", None)
    for delimiter in DELIMITERS:
        rows = csv.reader(_lines(sample), delimiter=delimiter)
        try:
            for index, cells in enumerate(rows):
                if index >= HEADER_SEARCH_ROWS:
                    break
                columns = map_columns([str(cell) for cell in cells])
                if columns.complete:
                    score = (len(columns.positions), len(cells))
                    if score > best[:2]:
                        best = (*score, delimiter, index)
                    break
        except csv.Error:
            continue
    return best[2], best[3]


def _newline_of(raw: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if raw.endswith(ending):
            return ending
    return "\r\n"


# ---------------------------------------------------------------------------- JSON


def read_json(path: Path, text: str, encoding: str) -> SourceTable:
    """Rows of a JSON list of objects; a nested "contact" object becomes contact.* columns."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"cannot import {path}: not valid JSON at line {error.lineno}, "
            f"column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise UnreadableFile(f"cannot import {path}: the JSON is nested too deeply") from None
    if isinstance(document, dict) and isinstance(document.get("referrals"), list):
        document = document["referrals"]
    if not isinstance(document, list):
        raise UnreadableFile(
            f"cannot import {path}: the JSON must be a list of referral objects "
            '(or {"referrals": [...]})'
        )
    flat: list[dict[str, Any]] = []
    keys: dict[str, None] = {}
    for position, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            raise UnreadableFile(
                f"cannot import {path}: item {position} of the list is "
                f"{type(item).__name__}, not an object; the JSON must be a list of objects"
            )
        values = _flatten(item)
        flat.append(values)
        keys.update(dict.fromkeys(values))
    header = list(keys)
    columns = map_columns(header)
    if flat and not columns.complete:
        raise UnreadableFile(
            f"cannot import {path}: no object names both an organisation and a parent body "
            f"(keys found: {', '.join(repr(key) for key in header[:8]) or 'none'})"
        )
    records = [
        Record(position, [values.get(key) for key in header], item)
        for position, (values, item) in enumerate(zip(flat, document, strict=True), start=1)
    ]
    return SourceTable(
        path=path,
        format="json",
        encoding=encoding,
        header=header,
        columns=columns,
        records=records,
    )


def _flatten(item: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict) and key.strip().casefold() == "contact":
            for inner, inner_value in value.items():
                values[f"contact.{inner}"] = inner_value
        else:
            values[str(key)] = value
    return values
