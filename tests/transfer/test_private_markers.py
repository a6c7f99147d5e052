"""`[[private]]…[[/private]]` in notes: kept on the desk and in the subject-access bundle,
left out of every other export."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from mspdesk.cli import main
from mspdesk.desk import Desk
from mspdesk.domain.redaction import LEFT_OUT, without_private

BODY = "Met the board. [[private]]Zed mentioned a health matter.[[/private]] Vote in May."


def _text_of(path: Path) -> bytes:
    """The bytes of a file, or of every member of a .docx (a zip)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return path.read_bytes()


def test_without_private() -> None:
    assert without_private(BODY) == f"Met the board. {LEFT_OUT} Vote in May."
    assert without_private("a [[PRIVATE]]b\nc[[/Private]] d [[private]]e") == (
        f"a {LEFT_OUT} d {LEFT_OUT}"
    )
    assert without_private("plain") == "plain"


def test_private_passages_stay_out_of_exports_but_not_the_sar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    data = tmp_path / "data"
    with Desk.open(data, actor="tester") as desk:
        ref = desk.referrals.add(
            {
                "organisation": "Care Co",
                "parent_body": "Anyshire",
                "received": date(2013, 3, 1),
                "proposed_model": "employee-owned",
                "contact": {"name": "Zed Privateperson"},
            }
        )
        desk.triage.decide(ref.id, "accept", "Strong sponsor")
        case_id = desk.referrals.get(ref.id).case_id
        assert case_id
        note = desk.notes.add(case_id, "Zed Privateperson: " + BODY, on=date(2013, 4, 1))
        assert desk.notes.get(note.id).body.endswith(BODY)  # kept on the desk
    out = tmp_path / "out"
    assert main(["export", "all", "-o", str(out), "--data-dir", str(data)]) == 0
    exported = [p for p in out.rglob("*") if p.is_file()]
    assert exported
    texts = {path: _text_of(path) for path in exported}
    assert [p for p, text in texts.items() if b"health matter" in text] == []
    assert any(path.suffix == ".docx" for path in texts)
    assert len([p for p, text in texts.items() if b"Vote in May" in text]) >= 3
    sar = tmp_path / "sar"
    assert main(["sar", "Zed Privateperson", "-o", str(sar), "--data-dir", str(data)]) == 0
    bundle = json.loads((sar / "subject-access.json").read_text())
    assert any("health matter" in n["body"] for n in bundle["notes"])
    capsys.readouterr()
