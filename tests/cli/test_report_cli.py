"""`mspdesk report` as text, --json and --csv, with the desk's clock fixed on 14 Mar 2013."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from clihelp import pin_clock, run

from mspdesk.cli import main
from mspdesk.desk import Desk

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three referrals (one accepted with an overspent budget, one co-op referred on, one
    waiting) and a fixed desk clock."""
    path = tmp_path / "data"
    with Desk.open(path, clock=fixed_clock, actor="tester") as desk:
        care = desk.referrals.add(
            {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2012, 12, 20)}
        )
        coop = desk.referrals.add(
            {"organisation": "Parks Co-op", "parent_body": "Anyshire",
             "received": date(2013, 3, 4), "proposed_model": "multi-stakeholder",
             "source": "lga"}
        )  # fmt: skip
        desk.referrals.add(
            {"organisation": "Library Mutual", "parent_body": "Anyshire",
             "received": date(2013, 3, 12)}
        )  # fmt: skip
        desk.triage.decide(care.id, "accept", "Promising")
        desk.triage.decide(coop.id, "refer", "Co-op model", refer_to="co-operatives-uk")
        desk.cases.budget.set("C-0001", amount_allocated=20_000, amount_spent=25_000)

    pin_clock(monkeypatch, fixed_clock, adviser=None)
    return path


def line_with(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


def test_report_as_text(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, data, "report")
    assert (code, err) == (0, "")
    assert out.startswith("Programme report, 14 Mar 2013\n")
    assert line_with(out, "Referrals received").split()[2:4] == ["3", "(2"]
    assert "(2 in scope, 1 out of scope)" in out
    assert [line_with(out, m).split()[-1] for m in ("Dec 2012", "Jan 2013", "Mar 2013")] == [
        "1", "0", "2"
    ]  # fmt: skip
    assert line_with(out, "Multi-stakeholder co-operative (out of scope)").split()[-2:] == [
        "1", "0"
    ]  # fmt: skip
    assert line_with(out, "Accept into the programme").split()[-2:] == ["1", "0"]
    assert line_with(out, "Refer on").split()[-2:] == ["0", "1"]
    assert "Accepted 1 of 2 triaged (50.0%); 1 case from 3 referrals (33.3%)" in out
    # 84 days (20 Dec -> 14 Mar) and 10 days (4 Mar -> 14 Mar): the median is 47.
    assert "Median 47 days from received to first decision (2 referrals)" in out
    assert "Waiting for triage: 1, median 2 days old, oldest 2 days" in out
    assert line_with(out, "Overdue milestones").split()[2] == "0"
    assert line_with(out, "Spent").split()[1] == "£25,000"
    assert "! 1 case(s) overspent: C-0001" in out


def test_report_as_json(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, data, "report", "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["today"] == "2013-03-14"
    assert document["referrals"]["by_month"] == {
        "2012-12": 1, "2013-01": 0, "2013-02": 0, "2013-03": 2
    }  # fmt: skip
    assert document["referrals"]["by_source"]["lga"] == 1
    triage = document["triage"]
    outcomes = {o["decision"]: (o["in_scope"], o["out_of_scope"]) for o in triage["outcomes"]}
    assert outcomes == {"accept": (1, 0), "signpost": (0, 0), "decline": (0, 0), "refer": (0, 1)}
    assert document["triage"]["median_days_to_decision"] == 47
    assert document["triage"]["accept_rate"] == 0.5
    assert document["cases"]["total"] == 1 and document["cases"]["by_stage"]["idea"] == 1
    assert document["budget"]["overspent_cases"] == ["C-0001"]


def test_report_csv_refuses_to_replace_without_force(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.csv"
    code, out, err = run(capsys, data, "report", "--csv", str(target))
    assert (code, err) == (0, "")
    assert out.startswith("Saved the programme report (") and out.rstrip().endswith(str(target))
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["section", "label", "value"]
    assert ["Triage outcomes, out of scope", "Refer on", "1"] in rows
    first = target.read_bytes()

    code, out, err = run(capsys, data, "report", "--csv", str(target))
    assert code == 1 and out == ""
    assert err == f"mspdesk: {target} already exists; use --force to replace it\n"
    assert target.read_bytes() == first

    code, out, err = run(capsys, data, "report", "--csv", str(target), "--force")
    assert (code, err) == (0, "") and target.read_bytes() == first


def test_json_and_csv_cannot_be_combined(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["report", "--json", "--csv", "x.csv", "--data-dir", str(data)])
    assert raised.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_report_on_an_empty_desk(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, tmp_path / "empty", "report")
    assert (code, err) == (0, "")
    assert line_with(out, "Referrals received").split()[2] == "0"
    assert "Accepted 0 of 0 triaged (n/a)" in out
    assert "Waiting for triage: none" in out


def test_report_never_imports_textual(data: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from mspdesk.cli import main

        code = main(sys.argv[1:])
        assert not [m for m in sys.modules if m.split(".")[0] == "textual"], "textual imported"
        sys.exit(code)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "report", "--json", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["referrals"]["received"] == 3


def test_report_as_a_workbook(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    import openpyxl

    target = tmp_path / "report.xlsx"
    code, out, err = run(capsys, data, "report", "--xlsx", str(target))
    assert code == 0 and "Saved the programme report" in out and str(target) in out
    ws = openpyxl.load_workbook(target)["Figures"]
    values = {row[1].value: row[2] for row in ws.iter_rows(min_row=2)}
    assert values["Received"].data_type == "n"
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    code, _, err = run(capsys, data, "report", "--xlsx", str(target))
    assert code == 1 and "--force" in err
