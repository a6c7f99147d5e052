"""Export files: never over an existing file unless forced, written atomically (a failure
part-way leaves the target absent or unchanged, and no temp file), user-only; and the CSV
and JSON tables of cases and notes."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from export_data import fill_case, fixed_desk

from mspdesk.transfer.exporters import (
    ExportError,
    ExportExists,
    all_file_names,
    export_all,
    export_case,
    export_notes,
    write_export,
)
from mspdesk.transfer.exporters import output as output_module


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "data"
    fill_case(path)
    return path


def test_new_file_is_private(tmp_path: Path) -> None:
    path = write_export(tmp_path / "out.txt", b"hello")
    assert path.read_bytes() == b"hello"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"precious")
    with pytest.raises(ExportExists, match="already exists; use --force"):
        write_export(target, b"new")
    assert target.read_bytes() == b"precious"
    write_export(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_a_file_that_appears_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    real = output_module._write_all

    def racing(fd: int, data: bytes) -> None:
        target.write_bytes(b"someone else's")  # created after the check, before the rename
        real(fd, data)

    monkeypatch.setattr(output_module, "_write_all", racing)
    with pytest.raises(ExportExists):
        write_export(target, b"mine")
    assert target.read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.parametrize("existing", [None, b"the old export"])
def test_failure_part_way_leaves_the_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bytes | None
) -> None:
    target = tmp_path / "case.md"
    if existing is not None:
        target.write_bytes(existing)

    def half_then_fail(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_module, "_write_all", half_then_fail)
    with pytest.raises(ExportError, match="No space left on device"):
        write_export(target, b"x" * 10_000, force=True)
    if existing is None:
        assert not target.exists()
    else:
        assert target.read_bytes() == existing
    assert [p.name for p in tmp_path.iterdir()] == ([] if existing is None else ["case.md"])


def test_a_case_export_that_fails_writes_nothing(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(fd: int, data: bytes) -> None:
        os.write(fd, data[:100])
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(output_module, "_write_all", fail)
    with fixed_desk(data, read_only=True) as desk, pytest.raises(ExportError):
        export_case(desk, "C-0001", "docx", tmp_path / "C-0001.docx")
    assert not any(tmp_path.iterdir())


def test_bad_targets(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a folder"):
        write_export(tmp_path, b"x")
    with pytest.raises(ExportError, match="does not exist"):
        write_export(tmp_path / "missing" / "x.csv", b"x")


def test_export_all_refuses_before_writing_anything(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.csv").write_bytes(b"mine")
    with fixed_desk(data, read_only=True) as desk:
        with pytest.raises(ExportExists, match=r"notes\.csv"):
            export_all(desk, folder)
        assert [p.name for p in folder.iterdir()] == ["notes.csv"]
        steps: list[tuple[int, int, str]] = []
        result = export_all(desk, folder, force=True, progress=lambda *s: steps.append(s))
    assert sorted(p.name for p in result.paths) == sorted(all_file_names(["C-0001"]))
    assert (folder / "notes.csv").read_bytes() != b"mine"
    assert steps[0][:2] == (1, 2) and steps[0][2].startswith("C-0001 ") and steps[-1][:2] == (2, 2)
    fresh = tmp_path / "fresh"
    with fixed_desk(data, read_only=True) as desk:
        export_all(desk, fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


def test_cases_csv(data: Path, tmp_path: Path) -> None:
    with fixed_desk(data, read_only=True) as desk:
        path = export_case(desk, "C-0001", "csv", tmp_path / "case.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    (row,) = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    assert row["id"] == "C-0001" and row["organisation"].startswith("# Kids | [First]")
    assert row["milestones"] == "17" and row["milestones_done"] == "1"
    assert row["milestones_skipped"] == "1" and row["milestones_overdue"] == "1"
    assert row["next_milestone"] == "M02" and row["next_due"] == "2013-02-09"
    assert row["days_spent"] == "12.5" and row["authority_roles"] == "incubator;commissioner"


def test_notes_csv_and_json_since(data: Path, tmp_path: Path) -> None:
    with fixed_desk(data) as desk:
        desk.notes.add("C-0001", '=HYPERLINK("http://evil")', on=date(2013, 3, 1))
        desk.notes.delete(desk.notes.add("C-0001", "deleted", on=date(2013, 3, 2)).id)
        since = date(2013, 1, 20)
        csv_path = export_notes(desk, "csv", tmp_path / "n.csv", since=since)
        json_path = export_notes(desk, "json", tmp_path / "n.json", since=since)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == ["N-00003", "N-00002", "N-00004"]  # by date, live only
    assert rows[1]["tags"] == "board; tupe" and rows[1]["subject_title"].startswith("# Kids")
    assert rows[1]["body"].startswith("# Not a heading\n| not | a | table |")
    assert rows[2]["body"] == '\'=HYPERLINK("http://evil")'  # never a formula in Excel
    document = json.loads(json_path.read_bytes())
    assert document["format"] == "mspdesk-notes" and document["since"] == "2013-01-20"
    assert [n["id"] for n in document["notes"]] == ["N-00003", "N-00002", "N-00004"]
    assert document["notes"][2]["body"] == '=HYPERLINK("http://evil")'  # JSON keeps it as is
    assert set(document["subjects"]) == {"C-0001"}


def test_unknown_format_and_case(data: Path, tmp_path: Path) -> None:
    from mspdesk.domain.errors import NotFound, UserError

    with fixed_desk(data, read_only=True) as desk:
        with pytest.raises(UserError, match="case exports are md, docx, json, csv, ics"):
            export_case(desk, "C-0001", "pdf", tmp_path / "x.pdf")
        with pytest.raises(NotFound, match="no case C-0099"):
            export_case(desk, "C-0099", "md", tmp_path / "x.md")
    assert not any(tmp_path.iterdir())
