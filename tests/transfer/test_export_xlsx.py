"""Excel exports opened with openpyxl: real dates, numbers and pounds, a frozen bold header,
a sheet per table, widths from content, and no cell ever a formula; and one CSV writer with
one formula guard for every CSV."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_data import NASTY_ORG, fill_case, fixed_desk

from mspdesk.transfer.exporters import case_bytes, evidence_bytes, export_all, notes_bytes
from mspdesk.transfer.exporters.tables import csv_cell, csv_document
from mspdesk.transfer.report_csv import write_report_xlsx

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "data"
    fill_case(path)
    with fixed_desk(path) as desk:
        desk.notes.add("C-0001", FORMULA, kind="email", on=date(2013, 3, 1))
        desk.cases.add_person("C-0001", {"role": "other", "name": "+cmd|' /C calc'!A0"})
    return path


def book(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content))


def cells(workbook: Any) -> list[Any]:
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


def column(ws: Any, name: str) -> list[Any]:
    header = [cell.value for cell in ws[1]]
    index = header.index(name)
    return [row[index] for row in ws.iter_rows(min_row=2)]


def assert_no_formulas(workbook: Any) -> None:
    for cell in cells(workbook):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])


def test_case_workbook(data: Path) -> None:
    with fixed_desk(data, read_only=True) as desk:
        workbook = book(case_bytes(desk, "C-0001", "xlsx"))
    assert workbook.sheetnames == ["Case", "Referral", "Decisions", "Milestones", "Notes",
                                   "People", "Conflicts"]  # fmt: skip
    assert_no_formulas(workbook)
    (received,) = column(workbook["Referral"], "received")
    assert received.is_date and received.value == datetime(2013, 1, 2)
    (value,) = column(workbook["Referral"], "contract_value")
    assert value.data_type == "n" and value.value == 1_250_000
    assert "£" in value.number_format
    (organisation,) = column(workbook["Case"], "organisation")
    assert organisation.value == NASTY_ORG and organisation.data_type == "s"
    (days,) = column(workbook["Case"], "days_spent")
    assert days.data_type == "n" and days.value == 12.5
    due = column(workbook["Milestones"], "due")
    assert all(cell.is_date for cell in due)
    # Text that looks like a formula is text, shown as typed (no apostrophe).
    bodies = [cell.value for cell in column(workbook["Notes"], "body")]
    assert FORMULA in bodies
    names = [cell.value for cell in column(workbook["People"], "name")]
    assert "+cmd|' /C calc'!A0" in names
    # Columns are as wide as their content (the milestone titles are long).
    ws = workbook["Milestones"]
    assert ws.column_dimensions["D"].width > ws.column_dimensions["C"].width >= 6


def test_notes_evidence_and_all_cases(data: Path, tmp_path: Path) -> None:
    with fixed_desk(data, read_only=True) as desk:
        notes = book(notes_bytes(desk, "xlsx"))
        evidence = book(evidence_bytes(desk, "xlsx"))
    assert notes.sheetnames == ["Notes"] and evidence.sheetnames == ["Evidence"]
    assert_no_formulas(notes)
    assert_no_formulas(evidence)
    assert all(cell.is_date for cell in column(notes["Notes"], "on"))
    assert all(cell.is_date for cell in column(notes["Notes"], "created_at"))
    assert any(cell.data_type == "n" for cell in column(evidence["Evidence"], "days_to_triage"))
    assert any("£" in c.number_format for c in column(evidence["Evidence"], "amount_allocated"))
    with fixed_desk(data) as desk:
        export_all(desk, tmp_path / "all")
    everything = book((tmp_path / "all" / "cases.xlsx").read_bytes())
    assert everything.sheetnames == ["Cases", "Referrals", "Milestones"]
    assert_no_formulas(everything)
    assert (tmp_path / "all" / "C-0001.xlsx").is_file()
    assert (tmp_path / "all" / "notes.xlsx").is_file()
    assert (tmp_path / "all" / "evidence.xlsx").stat().st_mode & 0o777 == 0o600


def test_report_workbook(tmp_path: Path) -> None:
    rows = [
        ["section", "label", "value"],
        ["Report", "Date", "2013-03-14"],
        ["Referrals", "Received", "12"],
        ["Conversion", "Accepted of triaged (%)", "41.7"],
        ["Budget", "Spent (£)", "25000"],
        ["Budget", "Overspent cases", "=1+1"],
        ["Time to triage", "Median days waiting", ""],
    ]
    path = write_report_xlsx(tmp_path / "report.xlsx", rows)
    ws = book(path.read_bytes())["Figures"]
    values = {row[1].value: row[2] for row in ws.iter_rows(min_row=2)}
    assert values["Date"].is_date
    assert values["Received"].value == 12 and values["Received"].data_type == "n"
    assert values["Accepted of triaged (%)"].value == 41.7
    assert values["Spent (£)"].value == 25000 and "£" in values["Spent (£)"].number_format
    assert values["Overspent cases"].data_type == "s"
    assert values["Median days waiting"].value is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 20", "'+44 20"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("-5", "-5"),
        ("-1.5", "-1.5"),
        ("-nan", "'-nan"),
        ("- note", "'- note"),
        (-5, "-5"),
        (2.5, "2.5"),
        (True, "yes"),
        (date(2013, 1, 2), "2013-01-02"),
        (None, ""),
    ],
)
def test_one_csv_guard(value: object, expected: str) -> None:
    assert csv_cell(value) == expected


def test_one_csv_writer_for_every_csv(data: Path, tmp_path: Path) -> None:
    from mspdesk.transfer.report_csv import write_report_csv

    rows = [["section", "label", "value"], ["Budget", "=x", "-3"]]
    path = write_report_csv(tmp_path / "r.csv", rows)
    assert path.read_bytes() == csv_document(rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"'=x" in path.read_bytes()
