"""Reading an import file into a table of rows, keeping each row's original text.

CSV may be UTF-8 (with or without a byte-order mark), UTF-16 with a BOM (Excel's
"Unicode text"), or Windows-1252 (also after a stray UTF-8 BOM); CRLF, LF or CR line
ends; comma, semicolon or tab separated. It is read as a stream: a row at a time, so
memory stays the same whatever the file's length. Excel workbooks (.xlsx) are read
directly (`xlsx_reader`), a row at a time (first sheet, or the one named). JSON is a
list of objects, or {"referrals": [...]}, checked whole (so it has a smaller size limit)
and then parsed an object at a time (`json_reader`).
Anything else is an `UnreadableFile` (exit code 2) with a one-line reason.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from mspdesk.domain.errors import UserError
from mspdesk.transfer.columns import ColumnMap, map_columns

MAX_BYTES = 512 * 1024 * 1024
"""CSV and Excel files are streamed; this only stops a wrong file (a disk image, a
video) from being read for minutes. 500,000 referral rows are about 100 MB."""
MAX_JSON_BYTES = 64 * 1024 * 1024
"""JSON is parsed whole; 10,000 referrals are about 5 MB."""

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 10
"""Title or notes rows above the header (common in spreadsheet exports) are skipped."""
SAMPLE_CHARS = 65536
CHUNK = 1024 * 1024
FIELD_LIMIT = csv.field_size_limit()
"""The CSV module's limit on one value (131,072 characters); a longer value is a bad row."""

_MAGIC = {
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook; save it as .xlsx or CSV and import that",
    b"%PDF": "a PDF; import needs a CSV, Excel (.xlsx) or JSON file",
}
_ZIP = b"PK\x03\x04"

Format = Literal["csv", "json", "xlsx"]


class UnreadableFile(UserError):
    """The file could not be read as CSV, Excel or JSON at all; nothing was imported."""

    exit_code = 2


@dataclass(slots=True)  # not frozen: made for every row, and frozen costs 3x to build
class Record:
    """One row of the file before any checking."""

    row: int
    """As a person counts it: a spreadsheet row (the header is row 1), or the
    position of a JSON object in its list, from 1."""
    cells: list[Any]
    """CSV: the row's values in column order. JSON: values aligned with the table header.
    Excel: the cells' values (numbers and dates as such)."""
    raw: str | dict[str, Any]
    """The original CSV text of the row (with its line end) or the original JSON object; for
    Excel "" (the rejects file writes the cells as a CSV line)."""
    note: str = ""
    """A problem found while reading this row (e.g. an unclosed quote)."""


@dataclass
class SourceTable:
    """An import file: its header, how it was written, and its rows (read on demand)."""

    path: Path
    format: Format
    encoding: str
    """A Python codec name: utf-8, utf-8-sig, utf-16 or cp1252."""
    header: list[str]
    columns: ColumnMap
    delimiter: str = ","
    header_text: str = ""
    """CSV: the header line as written (without a byte-order mark)."""
    newline: str = "\r\n"
    blank_rows: int = 0
    """Counted while the rows are read."""
    skipped_above_header: int = 0
    bom_skipped: bool = False
    """A UTF-8 byte-order mark followed by Windows-1252 text: the mark was left out."""
    sheet: str = ""
    """Excel: the sheet read."""
    _rows: Callable[[], Iterator[Record]] | None = field(default=None, repr=False)

    @property
    def encoding_label(self) -> str:
        """The encoding as a person would name it."""
        if self.format == "xlsx":
            return f"sheet {self.sheet!r}"
        label = {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8 with BOM",
            "utf-16": "UTF-16",
            "cp1252": "Windows-1252",
        }.get(self.encoding, self.encoding)
        return label + (" (after a UTF-8 BOM, left out)" if self.bom_skipped else "")

    def rows(self) -> Iterator[Record]:
        """The non-blank rows after the header, read from the file as they are asked for
        (each call reads the file again); blank rows are counted in `blank_rows`."""
        self.blank_rows = 0
        if self._rows is None:
            return iter(())
        return self._rows()

    @property
    def records(self) -> list[Record]:
        """Every row at once (for small files and tests; imports use `rows()`)."""
        return list(self.rows())


def read_table(path: Path, *, sheet: str | None = None) -> SourceTable:
    """Open `path` as CSV, Excel or JSON (by extension, else by content) and read its
    header; the rows are read by `SourceTable.rows()`. Raises UnreadableFile."""
    size = _checked_size(path)
    head = _head(path)
    suffix = path.suffix.casefold()
    if head.startswith(_ZIP) or suffix in (".xlsx", ".xlsm"):
        from mspdesk.transfer.xlsx_reader import read_xlsx  # openpyxl only for workbooks

        return read_xlsx(path, sheet)
    if sheet is not None:
        raise UnreadableFile(f"cannot import {path}: --sheet is for Excel (.xlsx) files")
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise UnreadableFile(f"cannot import {path}: it is {what}")
    encoding, skip = sniff_encoding(path, head)
    looks_json = _first_text(head, encoding, skip)[:1] in ("[", "{")
    if suffix == ".json" or (suffix not in (".csv", ".tsv", ".txt") and looks_json):
        if size > MAX_JSON_BYTES:
            raise UnreadableFile(
                f"cannot import {path}: it is {size // (1024 * 1024)} MB, more than the "
                f"{MAX_JSON_BYTES // (1024 * 1024)} MB a JSON import file may be; "
                "split it, or export CSV"
            )
        text = open_text(path, encoding, skip).read()
        if not text.strip():
            raise UnreadableFile(f"cannot import {path}: the file is empty")
        from mspdesk.transfer.json_reader import read_json

        return read_json(path, text, encoding, skip)
    return read_csv(path, encoding, skip)


def _checked_size(path: Path) -> int:
    try:
        if path.is_dir():
            raise UnreadableFile(f"cannot import {path}: it is a folder, not a file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableFile(f"cannot import {path}: there is no such file") from None
    except OSError as error:
        raise UnreadableFile(f"cannot import {path}: {error.strerror or error}") from None
    if size > MAX_BYTES:
        raise UnreadableFile(
            f"cannot import {path}: it is {size // (1024 * 1024)} MB, more than the "
            f"{MAX_BYTES // (1024 * 1024)} MB an import file may be; split it"
        )
    if size == 0:
        raise UnreadableFile(f"cannot import {path}: the file is empty")
    return size


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(SAMPLE_CHARS)
    except PermissionError:
        raise UnreadableFile(f"cannot import {path}: permission denied") from None
    except OSError as error:
        raise UnreadableFile(f"cannot import {path}: {error.strerror or error}") from None


def sniff_encoding(path: Path, head: bytes) -> tuple[str, int]:
    """The codec of a text file, and how many leading bytes to skip (a UTF-8 byte-order
    mark before Windows-1252 text). Reads the file once in chunks; binary is refused."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    nuls = head.count(b"\x00")
    if nuls > 16 or nuls * 20 > len(head):  # one NUL in a text row is a bad row, not binary
        raise UnreadableFile(
            f"cannot import {path}: it is a binary file (it holds NUL bytes), not CSV or JSON"
        )
    bom = head.startswith(codecs.BOM_UTF8)
    if _decodes(path, "utf-8"):
        return ("utf-8-sig" if bom else "utf-8"), 0
    # Not UTF-8: spreadsheets on Windows save "ANSI", i.e. Windows-1252 (£ is 0xA3); some
    # tools put a UTF-8 byte-order mark in front of it all the same.
    skip = len(codecs.BOM_UTF8) if bom else 0
    if _decodes(path, "cp1252", skip):
        return "cp1252", skip
    raise UnreadableFile(
        f"cannot import {path}: the text is neither UTF-8 nor Windows-1252; "
        "save it as CSV UTF-8 and import that"
    )


def _decodes(path: Path, codec: str, skip: int = 0) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        with path.open("rb") as stream:
            stream.seek(skip)
            while chunk := stream.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    except OSError as error:
        raise UnreadableFile(f"cannot import {path}: {error.strerror or error}") from None
    return True


def _first_text(head: bytes, encoding: str, skip: int) -> str:
    return head[skip:].decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")


def open_text(path: Path, encoding: str, skip: int) -> IO[str]:
    """The file as text in `encoding`, after `skip` bytes, each line keeping its own end."""
    raw = path.open("rb")
    raw.seek(skip)
    # newline="" keeps each line's own end (CRLF, LF or CR): the rejects file copies it.
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text of a small import file held in memory, and its codec (kept for callers
    that have bytes, not a file)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFile(f"cannot import {path}: it is not valid UTF-16 text") from None
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"cannot import {path}: the text is neither UTF-8 nor Windows-1252; "
            "save it as CSV UTF-8 and import that"
        ) from None


# ---------------------------------------------------------------------------- CSV


def read_csv(path: Path, encoding: str, skip: int = 0) -> SourceTable:
    """A CSV file's header (found by what it names) and separator; rows are streamed."""
    with open_text(path, encoding, skip) as stream:
        sample = stream.read(SAMPLE_CHARS)
    sample = sample.lstrip("\ufeff")
    if not sample.strip():
        raise UnreadableFile(f"cannot import {path}: the file is empty")
    delimiter, header_index = _find_header(sample)
    if header_index is None:
        first = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), [])
        shown = ", ".join(repr(cell) for cell in first[:8]) or "nothing"
        raise UnreadableFile(
            f"cannot import {path}: no header row naming at least the organisation and "
            f"parent body columns was found (the first line has {shown})"
        )
    table: SourceTable | None = None
    for number, cells, raw, _note in _records(_stream_lines(path, encoding, skip), delimiter):
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
            bom_skipped=bool(skip),
        )
        break
    assert table is not None  # _find_header found it in the same text
    found = table

    def rows() -> Iterator[Record]:
        for number, cells, raw, note in _records(_stream_lines(path, encoding, skip), delimiter):
            if number - 1 <= header_index:
                continue
            if not note and not any(str(cell).strip() for cell in cells):
                found.blank_rows += 1
                continue
            yield Record(number, cells, raw, note)

    table._rows = rows
    return table


def _stream_lines(path: Path, encoding: str, skip: int) -> Iterator[str]:
    """Physical lines with their own line ends; the byte-order mark left out."""
    with open_text(path, encoding, skip) as stream:
        first = True
        for line in stream:
            if first:
                line = line.lstrip("\ufeff")
                first = False
            yield line


def _records(lines: Iterator[str], delimiter: str) -> Iterator[tuple[int, list[str], str, str]]:
    """(row number, cells, original text, problem) for each CSV record, in order. A record
    the CSV module cannot read (a value over its limit) is one row with a problem; reading
    goes on with the next line."""
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    number = 0
    while True:
        note = ""
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            cells = []
            note = _csv_problem(error)
        raw = "".join(consumed)
        lines_read = len(consumed)
        consumed.clear()
        if not note and raw.count('"') % 2 and lines_read > 1:
            note = "a quoted value is never closed, so the rest of the file was read into it"
        number += 1
        yield number, cells, raw, note


def _csv_problem(error: csv.Error) -> str:
    if "field limit" in str(error):
        return (
            f"a value is longer than {FIELD_LIMIT:,} characters, the most a CSV value "
            "may hold (is a closing quote missing?)"
        )
    return f"not readable CSV ({error})"


def _find_header(sample: str) -> tuple[str, int | None]:
    """The separator, and the index of the first record that names the required columns;
    of the separators that find one, the one whose header names the most fields."""
    best: tuple[int, int, str, int | None] = (-1, 0, ",", None)
    for delimiter in DELIMITERS:
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
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
