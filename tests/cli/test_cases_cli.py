"""`mspdesk cases list`, `mspdesk agenda` and `mspdesk milestone done` through the entry point,
with the desk's clock fixed on 14 Mar 2013."""

from __future__ import annotations

import json
import subprocess
import sys
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
    """Two accepted cases (C-0001 held by tester, C-0002 by alex) and a fixed desk clock."""
    path = tmp_path / "data"
    with Desk.open(path, clock=fixed_clock, actor="tester") as desk:
        for org in ("Care Co", "Parks Co"):
            referral = desk.referrals.add(
                {"organisation": org, "parent_body": "Anyshire", "received": date(2013, 3, 1)}
            )
            desk.triage.decide(referral.id, "accept", "ok")
        desk.cases.set_adviser("C-0002", "alex")

    pin_clock(monkeypatch, fixed_clock)
    return path


def test_cases_list_text_and_adviser_filter(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, data, "cases", "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line[:6] for line in lines] == ["C-0002", "C-0001"]
    assert "next M01 2013-03-14" in lines[1] and lines[1].endswith("Care Co")
    code, out, _ = run(capsys, data, "cases", "list", "--adviser", "alex")
    assert code == 0 and out.splitlines()[0].startswith("C-0002") and len(out.splitlines()) == 1
    code, out, _ = run(capsys, data, "cases", "list", "--adviser", "nobody")
    assert (code, out) == (0, "No cases held by nobody.\n")


def test_cases_list_json(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, data, "cases", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [row["id"] for row in rows] == ["C-0002", "C-0001"]
    first = rows[1]
    assert first["adviser"] == "tester" and first["status"] == "active"
    assert first["next_milestone"] == {
        "code": "M01",
        "title": "Idea or expression of interest logged",
        "due": "2013-03-14",
    }
    assert first["overdue"] == 0 and first["open_milestones"] == 17


def test_agenda_json_for_the_fixed_today(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, data, "agenda", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["today"] == "2013-03-14" and document["days"] == 30
    assert document["counts"] == {"overdue": 0, "this_week": 2, "later": 2}
    assert [(i["case_id"], i["code"], i["days"]) for i in document["this_week"]] == [
        ("C-0001", "M01", 0),
        ("C-0002", "M01", 0),
    ]
    assert [i["code"] for i in document["later"]] == ["M02", "M02"]  # due in exactly 30 days
    code, out, _ = run(capsys, data, "agenda", "--days", "29", "--json")
    assert json.loads(out)["later"] == []
    code, out, _ = run(capsys, data, "agenda", "--adviser", "alex", "--json")
    assert {i["case_id"] for i in json.loads(out)["this_week"]} == {"C-0002"}


def test_agenda_text(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, data, "agenda", "--days", "7")
    assert code == 0
    assert out.splitlines()[0] == "Agenda on 14 Mar 2013, looking 7 days ahead"
    assert "\nOverdue (0)\n" in out and "\nThis week (2)\n" in out and "\nLater (0)\n" in out
    assert "2013-03-14  today         C-0001/M01    Idea or expression of interest logged" in out


def test_milestone_done_prints_once_saved(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, data, "milestone", "done", "C-0001", "m02", "--on", "23/04/2013")
    assert (code, err) == (0, "")
    assert out.startswith("C-0001 M02 done 2013-04-23; ") and "later dates moved" in out
    with Desk.open(data, read_only=True) as desk:
        milestone = desk.cases.get("C-0001").milestone("M02")
        assert milestone is not None and milestone.done_on == date(2013, 4, 23)
        assert desk.history("C-0001")[-1].kind == "milestone.done"
    code, out, _ = run(capsys, data, "milestone", "done", "C-0001", "M01")
    assert out == "C-0001 M01 done 2013-03-14\n"  # on time: nothing moves
    code, out, err = run(capsys, data, "milestone", "done", "C-0001", "M01")
    assert (code, out) == (1, "")
    assert err == "mspdesk: C-0001 M01 is already done (on 2013-03-14)\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["C-0099", "M01"], "mspdesk: no case C-0099 (see `mspdesk cases list`)\n"),
        (["C-0001", "Q77"], "mspdesk: C-0001 has no milestone 'Q77' (it has: M01, M02,"),
        (["C-0001", "M01", "--on", "soon"], "mspdesk: invalid date: --on: "),
    ],
)
def test_milestone_done_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], data: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, data, "milestone", "done", *argv)
    assert (code, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


def test_bad_days_is_a_usage_error(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["agenda", "--days", "-3", "--data-dir", str(data)])
    assert exit_info.value.code == 2
    assert "days must be between 0 and 3650" in capsys.readouterr().err


def test_agenda_never_imports_textual(data: Path) -> None:
    script = (
        "import sys; from mspdesk.cli import main; "
        f"code = main(['agenda', '--json', '--data-dir', {str(data)!r}]); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["days"] == 30
