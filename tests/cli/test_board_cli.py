"""With `board_approval` on, an accepted referral waits for the Board; approve, defer and
decline are recorded in history and undoable; a declined case never becomes active."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from clihelp import pin_clock, run

from mspdesk.desk import Desk
from mspdesk.locations import content_dir

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped programme.toml with board_approval switched on, and one referral."""
    path = tmp_path / "data"
    with Desk.open(path, clock=fixed_clock, actor="tester") as desk:
        shipped = (content_dir() / "programme.toml").read_text(encoding="utf-8")
        assert "board_approval = false" in shipped
        (path / "programme.toml").write_text(
            shipped.replace("board_approval = false", "board_approval = true"), encoding="utf-8"
        )
        desk.referrals.add(
            {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2013, 3, 1)}
        )

    pin_clock(monkeypatch, fixed_clock)
    return path


def status(capsys: pytest.CaptureFixture[str], data: Path) -> str:
    _, out, _ = run(capsys, data, "cases", "list", "--json")
    return str(json.loads(out)[0]["status"])


def accept(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    with Desk.open(data, clock=fixed_clock, actor="tester") as desk:
        desk.triage.decide("R-2013-0001", "accept", "promising")
        assert "(awaiting Board)" in desk.history("R-2013-0001")[-1].summary
    assert status(capsys, data) == "awaiting-board"
    _, out, _ = run(capsys, data, "agenda", "--json")
    assert json.loads(out)["counts"] == {"overdue": 0, "this_week": 0, "later": 0}


def test_awaiting_board_until_approved_and_undo(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    accept(capsys, data)
    code, out, _ = run(capsys, data, "board", "list", "--json")
    (paper,) = json.loads(out)
    assert paper["case_id"] == "C-0001" and paper["decisions"] == []

    code, out, err = run(
        capsys, data, "board", "decide", "C-0001", "--decision", "defer",
        "--minute", "Wants the staff survey first", "--on", "2013-03-20",
    )  # fmt: skip
    assert code == 0, err
    assert "now awaiting board" in out
    assert status(capsys, data) == "awaiting-board"
    code, out, err = run(
        capsys, data, "board", "decide", "C-0001", "--decision", "approve",
        "--minute", "Approved: 20 days of support", "--on", "2013-04-17",
    )  # fmt: skip
    assert code == 0, err
    assert out == "C-0001 Board approve 2013-04-17: now active\n"
    assert status(capsys, data) == "active"
    _, out, _ = run(capsys, data, "agenda", "--json")
    assert json.loads(out)["this_week"]  # its milestones are on the agenda now
    _, out, _ = run(capsys, data, "history", "C-0001")
    assert "Board deferred C-0001" in out and "Board approved C-0001" in out
    _, out, _ = run(capsys, data, "board", "list")
    assert out == "Nothing awaits the Board.\n"

    code, out, _ = run(capsys, data, "undo")
    assert code == 0 and "Board approved C-0001" in out
    assert status(capsys, data) == "awaiting-board"
    _, out, _ = run(capsys, data, "board", "list", "--json")
    assert [d["decision"] for d in json.loads(out)[0]["decisions"]] == ["defer"]


def test_declined_by_the_board_never_becomes_active(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    accept(capsys, data)
    code, _out, err = run(
        capsys, data, "board", "decide", "C-0001", "--decision", "decline",
        "--minute", "Not a public service mutual",
    )  # fmt: skip
    assert code == 0, err
    assert status(capsys, data) == "board-declined"
    with Desk.open(data, read_only=True, clock=fixed_clock) as desk:
        history = desk.history("C-0001")
        case = desk.cases.get("C-0001")
    assert case.outcome.startswith("Declined by the Board on 2013-03-14")
    # No change ever made it active: each status change on the case is recorded.
    statuses = [c for entry in history for c in entry.changes if c.field == "status"]
    assert statuses and all(c.new != "active" for c in statuses)
    code, _, err = run(
        capsys, data, "board", "decide", "C-0001", "--decision", "approve", "--minute", "x"
    )
    assert code == 1 and "not awaiting the Board" in err
    code, _, err = run(
        capsys, data, "package", "add", "C-0001", "--provider", "SP-001", "--kind", "legal",
        "--days", "1", "--rate", "1", "--deliverable", "x", "--due", "2013-04-01",
    )  # fmt: skip
    assert code == 1
    run(capsys, data, "undo")
    assert status(capsys, data) == "awaiting-board"


def test_bad_board_input(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    accept(capsys, data)
    code, _, err = run(capsys, data, "board", "decide", "C-0001", "--decision", "approve",
                       "--minute", "  ")  # fmt: skip
    assert code == 1 and "--minute" in err
    code, _, err = run(capsys, data, "board", "decide", "C-0001", "--decision", "approve",
                       "--minute", "ok", "--on", "2013-01-01")  # fmt: skip
    assert code == 1 and "before the case opened" in err


def test_eligibility_gate_checks_pass_or_fail_with_why_and_can_be_overridden(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    settings = data / "programme.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        .replace("eligibility_gate = false", "eligibility_gate = true")
        .replace("matched_funding_required = false", "matched_funding_required = true"),
        encoding="utf-8",
    )
    with Desk.open(data, clock=fixed_clock, actor="tester") as desk:
        desk.referrals.add(
            {
                "organisation": "Parks Co",
                "parent_body": "Anyshire County Council",
                "service_area": "Parks and open spaces",
                "region": "south-west",
                "received": date(2013, 3, 2),
            }
        )
    code, out, _ = run(capsys, data, "eligibility", "R-2013-0002", "--json")
    checks = {c["key"]: c for c in json.loads(out)["checks"]}
    assert not checks["staff-control"]["passed"]
    assert checks["staff-control"]["why"] == "staff control not measured"
    assert checks["england"]["passed"] and checks["public-services"]["passed"]
    assert not checks["sponsor"]["passed"] and not checks["matched-funding"]["passed"]

    code, out, _ = run(
        capsys, data, "eligibility", "R-2013-0002", "--staff-control", "20", "--sponsor",
        "Director of Place", "--matched-funding", "yes",
    )  # fmt: skip
    assert (
        "FAIL  Limb 3: significant staff influence or control: staff control 20% is under "
        "the 25% threshold"
    ) in out
    assert out.count("FAIL") == 1 and out.startswith("pass  Public service in England")

    argv = (
        "triage", "R-2013-0002", "--decision", "accept", "--reason", "promising",
        "--staff-control", "20", "--sponsor", "Director of Place", "--matched-funding", "yes",
    )  # fmt: skip
    code, out, err = run(capsys, data, *argv)
    assert (code, out) == (1, "")
    assert "eligibility.staff-control" in err and "--override-eligibility" in err
    code, out, err = run(capsys, data, *argv[:-6], "--staff-control", "60", "--sponsor", "D",
                         "--matched-funding", "yes")  # fmt: skip
    assert code == 0, err
    with Desk.open(data, read_only=True, clock=fixed_clock) as desk:
        (record,) = desk.core.store.table("eligibility").values()
        assert all(c["passed"] for c in record["checks"]) and record["override"] == ""
        desk_case = desk.referrals.get("R-2013-0002").case_id
    assert desk_case is not None
    run(capsys, data, "undo")

    code, out, err = run(
        capsys, data, *argv, "--override-eligibility", "Council owns 80% via trust"
    )
    assert code == 0, err
    with Desk.open(data, read_only=True, clock=fixed_clock) as desk:
        (record,) = desk.core.store.table("eligibility").values()
        assert record["override"] == "Council owns 80% via trust"
        assert [c["key"] for c in record["checks"] if not c["passed"]] == ["staff-control"]


def test_board_papers_are_one_word_document_per_meeting(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    import docx

    accept(capsys, data)
    with Desk.open(data, clock=fixed_clock, actor="tester") as desk:
        provider = desk.support.add_provider("Law LLP", ["legal"])
        from decimal import Decimal

        desk.support.add_package(
            "C-0001", provider_id=provider.id, kind="legal", days=Decimal(5), rate=60_000,
            deliverable="Articles \x1b[31mof association", due=date(2013, 5, 1),
            over_budget="Proposed to the Board",
        )  # fmt: skip
    path = tmp_path / "board.docx"
    code, out, err = run(capsys, data, "board", "papers", "-o", str(path), "--on", "2013-03-20")
    assert code == 0, err
    assert out.startswith("Saved the Board papers (1 cases)")
    assert (path.stat().st_mode & 0o777) == 0o600
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Mutuals Support Programme Board, 20 Mar 2013" in text
    assert "C-0001 Care Co" in text and "promising" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "PK-0001" in cells and "£3,000.00" in cells
    assert "Articles \ufffd[31mof association" in cells  # the escape cannot reach the reader
    code, _, err = run(capsys, data, "board", "papers", "-o", str(path))
    assert code != 0 and "exists" in err
