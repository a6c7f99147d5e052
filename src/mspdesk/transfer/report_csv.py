"""Writing the programme report as a CSV file the adviser chose.

The file is written by the exports' `write_export`: atomically (it appears whole or not at
all), user-only, and never over an existing file unless replacing was asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mspdesk.transfer.exporters.output import ExportError, ExportExists, write_export
from mspdesk.transfer.exporters.tables import csv_document

__all__ = ["ExportError", "ExportExists", "write_report_csv", "write_report_xlsx"]


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
    return write_export(target, csv_document(rows), force=replace, data_dir=data_dir)


def write_report_xlsx(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    replace: bool = False,
    data_dir: Path | None = None,
) -> Path:
    """Write `rows` (header, then section, label, value) to `path` as an Excel workbook,
    each figure a number (pounds shown as £) or a date. Raises as write_report_csv."""
    from mspdesk.transfer.exporters.workbooks import report_xlsx

    target = path.expanduser().absolute()
    return write_export(target, report_xlsx(rows), force=replace, data_dir=data_dir)
