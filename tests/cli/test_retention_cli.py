"""`mspdesk retention`: a declined referral three years old is listed, and erasing it from
the review removes its personal data from every file."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from clihelp import run

from mspdesk.desk import Desk
from mspdesk.domain.errors import InvalidRecord

THEN = datetime(2021, 6, 1, 10, 0, tzinfo=UTC)
SECRETS = ("Yolanda Oldcontact", "yolanda@example.org", "Called Yolanda")


def holding(directory: Path) -> list[str]:
    found = []
    for path in directory.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            found += [f"{path.name}: {s}" for s in SECRETS if s in text]
    return found


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MSPDESK_ADVISER", "dpo")
    path = tmp_path / "data"
    with Desk.open(path, actor="tester", clock=lambda: THEN) as desk:
        old = desk.referrals.add(
            {
                "organisation": "Old Co",
                "parent_body": "Anyshire",
                "received": date(2021, 5, 1),
                "contact": {"name": "Yolanda Oldcontact", "email": "yolanda@example.org"},
            }
        ).id
        desk.notes.add(old, "Called Yolanda about the decision", on=date(2021, 5, 20))
        desk.triage.decide(old, "decline", "Out of scope")
        desk.checkpoint()
    recent = datetime.now(UTC) - timedelta(days=100)  # decided under two years ago
    with Desk.open(path, actor="tester", clock=lambda: recent) as desk:
        received = recent.date() - timedelta(days=10)
        fresh = desk.referrals.add(
            {"organisation": "New Co", "parent_body": "Anyshire", "received": received}
        ).id
        assert fresh != "R-2021-0001"
        desk.triage.decide(fresh, "decline", "Out of scope")
    return path


def test_declined_three_years_ago_is_listed_and_erased(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, out, _ = run(capsys, data, "retention", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["id"], r["kind"], r["ended_on"]) for r in rows] == [
        ("R-2021-0001", "referral", "2021-06-01")
    ]
    assert rows[0]["keep_until"] == "2023-06-01"
    assert holding(data)

    with Desk.open(data, read_only=True) as desk:
        fresh = next(r["id"] for r in desk.referrals.rows() if r["organisation"] == "New Co")
    code, _, err = run(capsys, data, "retention", "erase", fresh, "--reason", "x")
    assert code == 1 and "not past its retention" in err
    code, out, _ = run(capsys, data, "retention", "erase", "R-2021-0001", "--reason", "2 years")
    assert code == 0 and "cannot be undone" in out
    assert holding(data) == []
    code, out, _ = run(capsys, data, "retention", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, data, "erasures", "--json")
    assert json.loads(out)[0]["reason"] == "retention: 2 years"
    code, out, err = run(capsys, data, "doctor")
    assert code == 0, out + err


def test_extend_holds_it_back(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    until = (date.today() + timedelta(days=90)).isoformat()
    code, out, err = run(
        capsys, data, "retention", "extend", "R-2021-0001", "--until", until, "--reason", "claim"
    )
    assert code == 0, err
    code, out, _ = run(capsys, data, "retention", "--json")
    assert json.loads(out) == []
    code, _, err = run(
        capsys, data, "retention", "extend", "R-2021-0001", "--until", until, "--reason", " "
    )
    assert code == 1 and "--reason" in err


def test_rules_from_the_data_folder(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    (data / "retention.toml").write_text("[retention]\ndeclined_referral_years = 10\n")
    code, out, _ = run(capsys, data, "retention", "--json")
    assert json.loads(out) == []
    (data / "retention.toml").write_text("[retention]\ndeclined_referral_years = -1\n")
    code, _, err = run(capsys, data, "retention")
    assert code == 1 and "declined_referral_years" in err
    with pytest.raises(InvalidRecord):
        from mspdesk.desk.retention import rules

        rules(data)
