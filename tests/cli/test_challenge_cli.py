"""`mspdesk challenge show | step | published`: the Right to Challenge states headless."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mspdesk.cli import main
from mspdesk.desk import Desk


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "data"
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with Desk.open(path, clock=lambda: now, actor="tester") as desk:
        referral = desk.referrals.add(
            {"organisation": "Leisure Co", "parent_body": "Anyshire Council",
             "route": "right-to-challenge", "received": date(2026, 2, 1)}
        )  # fmt: skip
        desk.triage.decide(referral.id, "accept", "ok")
        case_id = desk.referrals.get(referral.id).case_id
        assert case_id
    return path, case_id


def cli(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(path), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_rejection_then_judicial_review_warning(
    capsys: pytest.CaptureFixture[str], data: tuple[Path, str]
) -> None:
    path, case_id = data
    assert (
        cli(capsys, path, "challenge", "step", case_id, "submitted", "--on", "2026-03-02")[0] == 0
    )
    code, out, _ = cli(
        capsys,
        path,
        "challenge",
        "step",
        case_id,
        "rejected",
        "--on",
        "2026-04-03",
        "--ground",
        "R6",
    )
    assert code == 0 and "rejected" in out
    code, out, _ = cli(capsys, path, "challenge", "show", case_id, "--json")
    shown = json.loads(out)
    assert shown["state"] == "rejected"
    [review] = [w for w in shown["warnings"] if w["kind"] == "judicial-review"]
    assert review["due"] == "2026-07-03"
    assert [d["code"] for d in shown["duties"]] == ["P1", "P2", "P3", "P4", "P5"]
    code, out, _ = cli(capsys, path, "challenge", "published", case_id, "--on", "2026-04-05")
    assert code == 0 and "published" in out
    code, out, _ = cli(capsys, path, "challenge", "show", case_id)
    assert "✓ P5 Decision notice published (05 Apr 2026)" in out


def test_held_and_bad_input(capsys: pytest.CaptureFixture[str], data: tuple[Path, str]) -> None:
    path, case_id = data
    cli(capsys, path, "challenge", "step", case_id, "submitted", "--on", "2026-03-02")
    code, _, err = cli(capsys, path, "challenge", "step", case_id, "held", "--held-until", "soon")
    assert code == 1 and "--held-until" in err
    code, _, err = cli(capsys, path, "challenge", "step", case_id, "accepted", "--ground", "R1")
    assert code == 1 and "only for a rejected EOI" in err
    code, _, _ = cli(
        capsys, path, "challenge", "step", case_id, "held", "--on", "2026-03-10",
        "--held-until", "2027-03-31",
    )  # fmt: skip
    assert code == 0
    code, out, _ = cli(capsys, path, "challenge", "show", case_id, "--json")
    assert json.loads(out)["eoi"]["held_until"] == "2027-03-31"
