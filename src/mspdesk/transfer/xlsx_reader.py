"""Reading an Excel workbook (.xlsx) for import: the first sheet or the one named, the header
found as for CSV, rows streamed a row at a time with dates as dates and numbers as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from mspdesk.transfer.columns import map_columns
from mspdesk.transfer.readers import HEADER_SEARCH_ROWS, Record, SourceTable, UnreadableFile


def read_xlsx(path: Path, sheet: str | None = None) -> SourceTable:
    """An Excel workbook's first sheet (or `sheet`): header found as for CSV; rows streamed
    with dates as dates and numbers as numbers."""
    book = _open_book(path)
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise UnreadableFile(
                f"cannot import {path}: there is no sheet {sheet!r} "
                f"(sheets: {', '.join(repr(n) for n in names)})"
            )
        chosen = sheet if sheet is not None else names[0]
        header_row: int | None = None
        header: list[str] = []
        worksheet = book[chosen]
        for number, values in enumerate(
            worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1
        ):
            cells = [_cell_text(value) for value in values]
            if map_columns(cells).complete:
                header_row, header = number, [cell.strip() for cell in cells]
                break
    except BaseException:
        book.close()
        raise
    if header_row is None:
        book.close()
        raise UnreadableFile(
            f"cannot import {path}: no header row naming at least the organisation and "
            f"parent body columns was found in the first {HEADER_SEARCH_ROWS} rows of "
            f"sheet {chosen!r}"
        )
    table = SourceTable(
        path=path,
        format="xlsx",
        encoding="utf-8-sig",
        header=header,
        columns=map_columns(header),
        header_text=_csv_line(header).rstrip("\r\n"),
        skipped_above_header=header_row - 1,
        sheet=chosen,
    )
    start = header_row + 1
    # The first reading of the rows uses the workbook opened here: opening one costs a
    # reading of the whole sheet when it does not say its size (a fifth of an import).
    held = [book]

    def rows() -> Iterator[Record]:
        book = held.pop() if held else _open_book(path)
        try:
            for number, values in enumerate(
                book[chosen].iter_rows(min_row=start, values_only=True), start=start
            ):
                cells = [
                    value.date() if type(value) is datetime and value.time() == _MIDNIGHT else value
                    for value in values
                ]
                while cells and cells[-1] is None:
                    cells.pop()
                if not any(_filled(cell) for cell in cells):
                    table.blank_rows += 1
                    continue
                # The CSV text of the row is only made if the row is rejected (see rejects).
                yield Record(number, cells, "")
        finally:
            book.close()

    table._rows = rows
    return table


def _open_book(path: Path) -> Any:
    """The workbook, read-only (rows parsed as they are read), cell values not formulas."""
    import zipfile

    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a dependency
        raise UnreadableFile(f"cannot import {path}: Excel support is not installed") from None
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(
            f"cannot import {path}: it is a zip archive but not an Excel workbook ({error})"
        ) from None


_MIDNIGHT = time()


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def row_text(cells: list[Any]) -> str:
    """An Excel row written as a CSV line (for the rejects file)."""
    return _csv_line([_cell_text(cell) for cell in cells])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()
