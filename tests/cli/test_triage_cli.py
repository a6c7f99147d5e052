"""`mspdesk triage` and `mspdesk rubric` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from clihelp import run

from mspdesk.cli import main
from mspdesk.desk import Desk

SCORES = [
    "scope=3",
    "leadership=2",
    "parent-support=2",
    "viability=2",
    "timescale=2",
    "evidence=2",
    "social-value=2",
]  # 35 of 48: 72.9%, promising


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory holding two referrals: one in scope, one a community co-op."""
    monkeypatch.setenv("MSPDESK_ADVISER", "tester")
    path = tmp_path / "data"
    with Desk.open(path, actor="tester") as desk:
        fields = {"parent_body": "Anyshire Council", "received": date(2013, 3, 1)}
        desk.referrals.add(
            {"organisation": "Care Co", "proposed_model": "employee-owned", **fields}
        )
        desk.referrals.add({"organisation": "Co-op", "proposed_model": "community-coop", **fields})
    return path


def test_accept_prints_band_and_case_once_saved(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    argv = ["triage", "R-2013-0001", "--score", *SCORES, "--decision", "accept"]
    code, out, err = run(capsys, data, *argv, "--reason", "Sponsor and business case")
    assert (code, err) == (0, "")
    assert out == "R-2013-0001: accept band promising (72.9%) case C-0001\n"
    with Desk.open(data, read_only=True) as desk:
        assert desk.referrals.get("R-2013-0001").case_id == "C-0001"
        [decision] = desk.triage.decisions_for("R-2013-0001")
        assert decision.reason == "Sponsor and business case" and decision.adviser == "tester"


def test_scores_may_also_be_given_one_flag_each(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    flags = [part for score in SCORES for part in ("--score", score)]
    code, out, _ = run(
        capsys, data, "triage", "R-2013-0001", *flags, "--decision", "decline", "--reason", "x"
    )
    assert code == 0 and "band promising" in out and "case" not in out


def test_signpost_defaults_revisit_to_the_band_interval(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, out, _ = run(
        capsys,
        data,
        *("triage", "R-2013-0001", "--decision", "signpost", "--reason", "Not yet"),
        *("--signpost-page", "options-appraisal", "--signpost-page", "pensions"),
    )
    assert code == 0
    revisit = (date.today() + timedelta(days=90)).isoformat()
    assert out == f"R-2013-0001: signpost revisit {revisit}\n"
    with Desk.open(data, read_only=True) as desk:
        [decision] = desk.triage.decisions_for("R-2013-0001")
        assert decision.signpost_pages == ["options-appraisal", "pensions"]


def test_signpost_with_uk_date(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    argv = ["triage", "R-2013-0001", "--decision", "signpost", "--reason", "Later"]
    code, out, _ = run(capsys, data, *argv, "--revisit", "01/06/2099")
    assert code == 0 and out.endswith("revisit 2099-06-01\n")


def test_refer_out_of_scope_is_flagged(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    argv = ["triage", "R-2013-0002", "--decision", "refer", "--reason", "Co-op model"]
    code, out, _ = run(capsys, data, *argv, "--refer-to", "co-operatives-uk")
    assert code == 0
    assert out == (
        "R-2013-0002: refer referred to co-operatives-uk (outside the employee-owned scope)\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["R-2013-0001", "--decision", "accept", "--reason", " "], "reason: required"),
        (["R-2013-0002", "--decision", "refer", "--reason", "x"], "refer_to: required"),
        (["R-2013-0009", "--decision", "decline", "--reason", "x"], "no referral R-2013-0009"),
        (["R-2013-0001", "--score", "scope=5", "--decision", "decline", "--reason", "x"], "scope"),
        (["R-2013-0001", "--score", "scope=2", "--decision", "decline", "--reason", "x"], "every"),
        (["R-2013-0001", "--score", "nope=2", "--decision", "decline", "--reason", "x"], "nope"),
        (["R-2013-0001", "--decision", "signpost", "--reason", "x", "--revisit", "soon"], "soon"),
    ],
)
def test_mistakes_give_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], data: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, data, "triage", *argv)
    assert code == 1 and out == ""
    assert err.startswith("mspdesk: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    with Desk.open(data, read_only=True) as desk:
        assert desk.triage.decisions_for("R-2013-0001") == []


def test_deciding_twice_is_refused(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    argv = ["triage", "R-2013-0001", "--decision", "decline", "--reason", "No"]
    assert run(capsys, data, *argv)[0] == 0
    code, _, err = run(capsys, data, *argv)
    assert code == 1 and "already triaged (declined)" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["R-2013-0001", "--reason", "x"],
        ["R-2013-0001", "--decision", "accept"],
        ["R-2013-0001", "--decision", "maybe", "--reason", "x"],
        ["R-2013-0001", "--decision", "refer", "--refer-to", "nowhere", "--reason", "x"],
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], data: Path, argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["triage", *argv, "--data-dir", str(data)])
    assert exit_.value.code == 2


def test_undo_reverses_a_cli_decision(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    argv = ["triage", "R-2013-0001", "--score", *SCORES, "--decision", "accept", "--reason", "x"]
    assert run(capsys, data, *argv)[0] == 0
    code, out, _ = run(capsys, data, "undo")
    assert code == 0 and out.startswith("Undid: Triaged R-2013-0001")
    with Desk.open(data, read_only=True) as desk:
        assert desk.referrals.get("R-2013-0001").status.value == "new"
        assert desk.cases.rows() == []


def test_rubric_text_and_json(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, data, "rubric")
    assert code == 0
    assert "scope (weight 3): Fit with the programme's scope" in out
    assert "    3 Clearly in scope" in out
    code, out, _ = run(capsys, data, "rubric", "--json")
    assert [c["key"] for c in json.loads(out)["criteria"]][:2] == ["scope", "leadership"]


def test_triage_never_imports_textual(data: Path) -> None:
    script = (
        "import sys; from mspdesk.cli import main; "
        f"code = main(['triage', 'R-2013-0001', '--decision', 'decline', '--reason', 'x', "
        f"'--data-dir', {str(data)!r}]); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(code)"
    )
    env = {**os.environ, "MSPDESK_ADVISER": "tester"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "R-2013-0001: decline\n"
