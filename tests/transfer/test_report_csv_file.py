"""Writing the report CSV: never replaces without being asked, all or nothing, inert cells."""

from __future__ import annotations

import csv
import errno
import os
from pathlib import Path

import pytest

from mspdesk.domain.errors import UserError
from mspdesk.transfer import report_csv
from mspdesk.transfer.report_csv import ExportExists, ExportFailed, write_report_csv

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
    with pytest.raises(ExportExists) as raised:
        write_report_csv(path, ROWS)
    assert raised.value.path == path and "already exists" in str(raised.value)
    assert path.read_text(encoding="utf-8") == "precious\n"
    write_report_csv(path, ROWS, replace=True)
    assert read_rows(path) == ROWS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_a_file_appearing_during_the_write_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.csv"
    real = report_csv._write_synced

    def racing(target: Path, data: bytes) -> None:
        real(target, data)
        path.write_text("theirs\n", encoding="utf-8")  # someone else got there first

    monkeypatch.setattr(report_csv, "_write_synced", racing)
    with pytest.raises(ExportExists):
        write_report_csv(path, ROWS)
    assert path.read_text(encoding="utf-8") == "theirs\n"
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


def test_a_missing_folder_or_a_folder_as_target_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        write_report_csv(tmp_path / "nowhere" / "r.csv", ROWS)
    with pytest.raises(UserError, match="is a folder"):
        write_report_csv(tmp_path, ROWS)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_reported_with_exit_code_5(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(ExportFailed, match="cannot write") as raised:
            write_report_csv(folder / "r.csv", ROWS)
        assert raised.value.exit_code == 5
    finally:
        folder.chmod(0o700)


def test_a_full_disk_leaves_no_file_and_exits_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = report_csv._write_synced

    def full(target: Path, data: bytes) -> None:
        real(target, data[:3])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report_csv, "_write_synced", full)
    with pytest.raises(ExportFailed, match="No space left on device") as raised:
        write_report_csv(tmp_path / "r.csv", ROWS)
    assert raised.value.exit_code == 5
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_the_file_is_renamed_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: Path, target: Path) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(report_csv.os, "link", no_links)
    written = write_report_csv(tmp_path / "r.csv", ROWS)
    assert read_rows(written) == ROWS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]
