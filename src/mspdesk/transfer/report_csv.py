"""Writing the programme report as a CSV file the adviser chose.

The file is written by the exports' `write_export`: atomically (it appears whole or not at
all), user-only, and never over an existing file unless replacing was asked for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from mspdesk.transfer.exporters.output import ExportError, ExportExists, write_export

__all__ = ["ExportError", "ExportExists", "write_report_csv"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_report_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    replace: bool = False,
    data_dir: Path | None = None,
) -> Path:
    """Write `rows` to `path` as CSV (UTF-8 with a byte-order mark, so Excel shows "£").

    Returns the absolute path written. Raises ExportExists if `path` exists and `replace`
    is False, or ExportError (exit code 5) naming the path when it cannot be written, is not
    a regular file or is inside the data folder `data_dir`.
    """
    target = path.expanduser().absolute()
    return write_export(target, _csv_bytes(rows), force=replace, data_dir=data_dir)


def _csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_inert(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _inert(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (an adviser's name such as "=cmd|…"
    would be), leaving negative numbers alone."""
    if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
