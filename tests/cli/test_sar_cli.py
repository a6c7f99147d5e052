"""`mspdesk sar`: one person's records and notes, exactly; the request log and agenda."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from clihelp import run

from mspdesk.desk import Desk
from mspdesk.desk.sar import one_month_after

ZED = {"name": "Zed Privateperson", "email": "zed@example.org", "phone": "07700 900123"}


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MSPDESK_ADVISER", "dpo")
    path = tmp_path / "data"
    on = date(2024, 3, 1)
    with Desk.open(path, actor="tester") as desk:
        first = desk.referrals.add(
            {
                "organisation": "Anyshire Care",
                "parent_body": "Anyshire CC",
                "received": on,
                "contact": ZED,
            }
        ).id
        desk.referrals.add(
            {
                "organisation": "Anyshire Leisure",
                "parent_body": "Anyshire CC",
                "received": on,
                "contact": {"name": "Z. Privateperson", "email": "ZED@example.org"},
            }
        )
        other = desk.referrals.add(
            {
                "organisation": "Leeds Youth",
                "parent_body": "Leeds CC",
                "received": on,
                "contact": {"name": "Olive Other", "email": "olive@example.org"},
            }
        ).id
        accepted = desk.referrals.add(
            {
                "organisation": "Care Co",
                "parent_body": "Anyshire",
                "received": on,
                "proposed_model": "employee-owned",
                "contact": {"name": "Sandra Okafor"},
            }
        ).id
        desk.triage.decide(accepted, "accept", "Strong sponsor")
        case_id = desk.referrals.get(accepted).case_id
        assert case_id
        desk.cases.add_person(case_id, {"role": "other", **ZED})
        desk.notes.add(first, "Rang Zed Privateperson about the board", on=on)
        desk.notes.add(other, "Olive rang back", on=on)
        desk.notes.add(case_id, "Sent the plan to zed@example.org", on=on)
        desk.notes.add(accepted, "Sandra is keen", on=on)
    return path


def test_sar_returns_exactly_their_records_and_notes(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "sar"
    code, out, err = run(capsys, data, "sar", "zed@example.org", "-o", str(out_dir))
    assert code == 0, err
    assert out.startswith("S-00001: 2 referral(s), 1 case(s), 2 note(s)")
    bundle = json.loads((out_dir / "subject-access.json").read_text())
    assert [r["id"] for r in bundle["referrals"]] == ["R-2024-0001", "R-2024-0002"]
    assert [c["id"] for c in bundle["cases"]] == ["C-0001"]
    assert [n["body"] for n in bundle["notes"]] == [
        "Rang Zed Privateperson about the board",
        "Sent the plan to zed@example.org",
    ]
    assert "Olive" not in json.dumps(bundle) and "Sandra is keen" not in json.dumps(bundle)
    assert bundle["codes"]["LawfulBasis"]  # codes explained
    text = (out_dir / "subject-access.md").read_text()
    assert "# Subject access: zed@example.org" in text
    assert "    Rang Zed Privateperson about the board" in text
    assert "## What the codes mean" in text
    assert stat.S_IMODE((out_dir / "subject-access.json").stat().st_mode) == 0o600

    code, out, _ = run(capsys, data, "sar", "list", "--json")
    requests = json.loads(out)
    assert [(r["id"], r["answered_on"]) for r in requests] == [("S-00001", None)]
    received = date.fromisoformat(requests[0]["received"])
    assert requests[0]["due"] == one_month_after(received).isoformat()

    code, out, _ = run(capsys, data, "agenda", "--json")
    assert [r["id"] for r in json.loads(out)["subject_access"]] == ["S-00001"]
    code, out, _ = run(capsys, data, "agenda")
    assert "Subject access requests to answer (1)" in out

    code, out, _ = run(capsys, data, "sar", "done", "S-00001")
    assert code == 0 and out.startswith("S-00001 answered on ")
    code, out, _ = run(capsys, data, "agenda", "--json")
    assert json.loads(out)["subject_access"] == []


def test_sar_needs_an_output_folder_outside_the_data(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, _, err = run(capsys, data, "sar", "Zed")
    assert code == 1 and "-o DIR" in err
    code, _, err = run(capsys, data, "sar", "Zed", "-o", str(data / "out"))
    assert code != 0 and not (data / "out").exists()
    code, out, _ = run(capsys, data, "sar", "list", "--json")
    assert json.loads(out) == []  # nothing logged for a refused bundle


def test_one_month_after() -> None:
    assert one_month_after(date(2024, 1, 31)) == date(2024, 2, 29)
    assert one_month_after(date(2024, 12, 15)) == date(2025, 1, 15)
