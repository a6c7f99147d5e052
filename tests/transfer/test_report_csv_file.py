"""Writing the report CSV: never replaces without being asked, inert cells. (Atomic writing
itself is `write_export`'s, tested with the exports.)"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mspdesk.transfer.report_csv import ExportError, ExportExists, write_report_csv

ROWS = [["section", "label", "value"], ["Budget", "Programme total (£)", "10000000"]]


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_writes_utf8_with_a_bom_crlf_and_user_only_permissions(tmp_path: Path) -> None:
    written = write_report_csv(tmp_path / "report.csv", ROWS)
    assert written == tmp_path / "report.csv"
    data = written.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert read_rows(written) == ROWS
    assert written.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]  # no temp file left


def test_an_existing_file_is_kept_unless_replacing_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("precious\n", encoding="utf-8")
    with pytest.raises(ExportExists, match="already exists; use --force to replace it"):
        write_report_csv(path, ROWS)
    assert path.read_text(encoding="utf-8") == "precious\n"
    write_report_csv(path, ROWS, replace=True)
    assert read_rows(path) == ROWS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_cells_that_a_spreadsheet_would_run_are_made_inert(tmp_path: Path) -> None:
    rows = [["Overdue", "=HYPERLINK(\"x\")", "1"], ["Budget", "Unallocated (£)", "-500"],
            ["Adviser", "@sum", "+3 days"]]  # fmt: skip
    written = write_report_csv(tmp_path / "r.csv", rows)
    assert read_rows(written) == [
        ["Overdue", '\'=HYPERLINK("x")', "1"],
        ["Budget", "Unallocated (£)", "-500"],  # a negative number stays a number
        ["Adviser", "'@sum", "'+3 days"],
    ]


def test_a_missing_folder_or_a_folder_as_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        write_report_csv(tmp_path / "nowhere" / "r.csv", ROWS)
    with pytest.raises(ExportError, match="is a folder"):
        write_report_csv(tmp_path, ROWS)


def test_a_relative_path_is_reported_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_report_csv(Path("r.csv"), ROWS) == tmp_path / "r.csv"
