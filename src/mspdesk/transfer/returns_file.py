"""Writing the quarterly return as CSV or as an Excel workbook the adviser chose.

Both go through the exports' `write_export`: atomically, user-only (0600), and never over an
existing file unless replacing was asked for. Text is stored as text, never as a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from mspdesk.transfer.exporters.output import write_export
from mspdesk.transfer.report_csv import write_report_csv

FORMATS = ("csv", "xlsx")
_WHOLE = re.compile(r"^-?\d{1,15}$")
_PENCE = re.compile(r"^-?\d{1,15}\.\d{1,2}$")


def write_returns(
    path: Path,
    rows: Sequence[Sequence[str]],
    fmt: str,
    *,
    replace: bool = False,
    data_dir: Path | None = None,
) -> Path:
    """Write (section, figure, value) `rows` to `path` as `fmt`; returns the path written."""
    if fmt == "csv":
        return write_report_csv(path, rows, replace=replace, data_dir=data_dir)
    target = path.expanduser().absolute()
    return write_export(target, xlsx_bytes(rows), force=replace, data_dir=data_dir)


def xlsx_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """A workbook with one sheet, "Return": the header row bold, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    for index, row in enumerate(rows):
        sheet.append([_cell(value) if index else value for value in row])
        for cell in sheet[index + 1]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, never a formula
        if index and isinstance(sheet.cell(index + 1, 3).value, Decimal):
            sheet.cell(index + 1, 3).number_format = "#,##0.00"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABC", (28, 56, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: str) -> str | int | Decimal:
    """A number where the text is one (counts; pounds to the penny as an exact Decimal),
    else the text itself (stored as a string cell)."""
    if _WHOLE.match(value):
        return int(value)
    if _PENCE.match(value):
        return Decimal(value)
    return value
