"""Imports, case files and CLI arguments accept references with a desk code, and a desk
with a code numbers what it imports in its own series."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from export_data import fill_case, fixed_desk

from mspdesk.cli import main
from mspdesk.desk import Desk
from mspdesk.transfer.case_import import import_case_file
from mspdesk.transfer.exporters import export_case
from mspdesk.transfer.importers import apply_import, plan_import

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
HEADER = "Programme reference,Organisation,Council/Trust,Date received\n"


def test_a_file_of_coded_and_short_references_keeps_them(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        HEADER
        + "R-2013-AB-0004,From desk AB,Leeds City Council,01/02/2013\n"
        + "R-2013-0009,From a desk that never synced,York Council,02/02/2013\n"
        + "R-2013-KM-0005,Made here before,Hull Council,02/02/2013\n"
        + ",New row,Bath Council,03/02/2013\n",
        encoding="utf-8",
    )
    with Desk.open(tmp_path / "d", clock=lambda: NOW, actor="tester") as desk:
        desk.identity.set_code("KM")
        plan = plan_import(source, desk)
        apply_import(plan, desk)
        keys = sorted(desk.core.store.table("referrals"))
    # The new row is numbered after the file's KM references, never after AB's or the short.
    assert keys == ["R-2013-0009", "R-2013-AB-0004", "R-2013-KM-0005", "R-2013-KM-0006"]


def test_an_imported_case_is_renumbered_into_the_desks_own_series(tmp_path: Path) -> None:
    fill_case(tmp_path / "source")
    with fixed_desk(tmp_path / "source", read_only=True) as desk:
        path = export_case(desk, "C-0001", "json", tmp_path / "C-0001.json")
    with fixed_desk(tmp_path / "busy") as desk:
        desk.identity.set_code("KM")
        ref = desk.referrals.add(
            {"organisation": "Here first", "parent_body": "X", "received": date(2012, 5, 1)}
        )
        desk.triage.decide(ref.id, "accept", "ok")
        assert desk.referrals.get(ref.id).case_id == "C-KM-0001"
        (saved,) = import_case_file(path, desk)
        # C-0001 was free on this desk: the case keeps its id, as before.
        assert saved.case.id == "C-0001"
        (again,) = import_case_file_renamed(tmp_path, path, desk)
        assert again.case.id == "C-KM-0002"
        assert all(n.id.startswith("N-KM-") for n in again.notes)


def import_case_file_renamed(tmp_path: Path, path: Path, desk: Desk) -> tuple[object, ...]:
    """The same case file with another referral reference: its case id is now taken."""
    text = path.read_text(encoding="utf-8").replace("R-2013-0001", "R-2013-AB-0001")
    other = tmp_path / "other.json"
    other.write_text(text, encoding="utf-8")
    return tuple(import_case_file(other, desk))


def test_cli_arguments_take_coded_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "d"
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    with Desk.open(data, clock=lambda: NOW, actor="tester") as desk:
        desk.identity.set_code("KM")
        ref = desk.referrals.add(
            {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2013, 3, 1)}
        )
    assert ref.id == "R-2013-KM-0001"
    where = ["--data-dir", str(data)]
    assert main(["triage", ref.id, "--decision", "accept", "--reason", "ok", *where]) == 0
    assert main(["note", "add", "C-KM-0001", "Call with the council", *where]) == 0
    capsys.readouterr()
    assert main(["history", "C-KM-0001", *where]) == 0
    out = capsys.readouterr().out
    assert "C-KM-0001" in out and " tester (KM): " in out  # adviser and desk
