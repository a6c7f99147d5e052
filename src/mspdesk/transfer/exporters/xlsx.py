"""Excel workbooks (.xlsx, with openpyxl): one sheet per table, a bold header row frozen at
the top with filters, columns as wide as what they hold, and values of their real type:
dates are date cells, counts and days numbers, money numbers shown as pounds.

Text is always written as text: a name such as "=HYPERLINK(…)" is stored as a string cell
(never a formula), so no apostrophe is needed and none shows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mspdesk.transfer.exporters.casefile import clean

DATE_FORMAT = "dd mmm yyyy"
DATETIME_FORMAT = "dd mmm yyyy hh:mm"
POUNDS_FORMAT = '"£"#,##0'
WIDTH_LIMIT = 60
SHEET_NAME_LIMIT = 31


@dataclass(frozen=True)
class Pounds:
    """An amount of money in any column: a number shown as pounds."""

    amount: int | float


@dataclass(frozen=True)
class Sheet:
    """One table: its name, its columns and its rows (dicts by column, or sequences)."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Mapping[str, Any] | Sequence[Any]]
    pounds: frozenset[str] = frozenset()
    """Columns holding money, shown as £."""


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as the bytes of an .xlsx workbook."""
    from openpyxl import Workbook  # imported only when a workbook is asked for
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
        widths = [len(name) for name in sheet.columns]
        ws.append(list(sheet.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            values = (
                [row.get(name) for name in sheet.columns] if isinstance(row, Mapping) else list(row)
            )
            ws.append([None] * len(values))
            for index, value in enumerate(values):
                column = sheet.columns[index] if index < len(sheet.columns) else ""
                cell = ws.cell(row=ws.max_row, column=index + 1)
                shown = _put(cell, value, money=column in sheet.pounds)
                if index < len(widths):
                    widths[index] = max(widths[index], min(len(shown), WIDTH_LIMIT))
        ws.freeze_panes = "A2"
        if sheet.columns:
            ws.auto_filter.ref = ws.dimensions
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width + 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell: Any, value: Any, *, money: bool) -> str:
    """Store `value` in `cell` as its real type; returns how it reads (for the width)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Pounds):
        return _put(cell, value.amount, money=True)
    if isinstance(value, bool):
        cell.value = "yes" if value else "no"
        cell.data_type = "s"
        return str(cell.value)
    if isinstance(value, datetime):
        local = value.astimezone() if value.tzinfo else value
        cell.value = local.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
        return "00 Mmm 0000 00:00"
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return "00 Mmm 0000"
    if isinstance(value, int | float):
        cell.value = value
        if money:
            cell.number_format = POUNDS_FORMAT
            return f"£{value:,.0f}"
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = clean(value)
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return max(text.split("\n"), key=len)


def _sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in clean(title))
    return cleaned.strip()[:SHEET_NAME_LIMIT] or "Sheet"
