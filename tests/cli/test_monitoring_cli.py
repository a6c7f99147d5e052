"""After spin-out: `mspdesk case spun-out`, `monitoring`, `checkin`, and the agenda on the
right dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from clihelp import pin_clock, run

from mspdesk.desk import Desk
from mspdesk.domain.aftercare import LGPS_NOTE, Monitoring, add_months

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """C-0001: a council service (LGPS by default); C-0002: an NHS one."""
    path = tmp_path / "data"
    with Desk.open(path, clock=fixed_clock, actor="tester") as desk:
        for org, kind in (("Care Co", "local-authority"), ("Nurse Co", "nhs-body")):
            referral = desk.referrals.add(
                {
                    "organisation": org,
                    "parent_body": "Anyshire",
                    "parent_body_kind": kind,
                    "received": date(2013, 3, 1),
                }
            )
            desk.triage.decide(referral.id, "accept", "ok")

    pin_clock(monkeypatch, fixed_clock)
    return path


def spin_out(capsys: pytest.CaptureFixture[str], data: Path) -> str:
    code, out, err = run(
        capsys, data, "case", "spun-out", "C-0001", "--on", "2013-04-01",
        "--contract-end", "31/03/2016", "--contract-value", "£12m", "--staff", "250",
    )  # fmt: skip
    assert code == 0, err
    return out


def test_spun_out_case_has_check_ins_and_re_tender_alert_on_the_agenda(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    out = spin_out(capsys, data)
    assert out.splitlines()[0] == "C-0001 spun out 2013-04-01; monitoring"
    assert "2014-09-30  RETENDER" in out and "Pensions: Staff are in the LGPS" in out

    expected = {
        "Y1": date(2014, 4, 1),
        "RETENDER": date(2014, 9, 30),  # 18 months before 31 Mar 2016
        "Y3": date(2016, 4, 1),
        "Y5": date(2018, 4, 1),
    }
    with Desk.open(data, read_only=True, clock=fixed_clock) as desk:
        assert desk.cases.get("C-0001").status.value == "spun-out"
        for code, due in expected.items():
            # On the day itself it is due "today"; the day after, overdue; a week before, soon.
            today_items = desk.cases.agenda(today=due, days=0).this_week
            assert (due, "C-0001", code) in [(i.due, i.case_id, i.code) for i in today_items]
            late = desk.cases.agenda(today=date.fromordinal(due.toordinal() + 1)).overdue
            assert code in [i.code for i in late if i.case_id == "C-0001"]
            before = desk.cases.agenda(today=date.fromordinal(due.toordinal() - 8), days=7)
            assert code not in [i.code for i in before.items]
        # Milestones of a spun-out case leave the agenda; only monitoring stays.
        items = desk.cases.agenda(today=date(2013, 4, 2), days=3650).items
        assert not [i for i in items if i.case_id == "C-0001" and i.code.startswith("M")]
        assert [i for i in items if i.case_id == "C-0002" and i.code.startswith("M")]

    code, out, _ = run(capsys, data, "monitoring", "--json")
    (item,) = json.loads(out)
    assert item["case_id"] == "C-0001" and item["organisation"] == "Care Co"
    assert item["staff"] == 250 and item["contract_value"] == 12_000_000
    assert item["lgps"] is True and item["pensions_note"] == LGPS_NOTE
    assert [(d["code"], d["due"]) for d in item["due"]] == [
        (code, day.isoformat()) for code, day in expected.items()
    ]


def test_spin_out_is_one_undoable_change(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    spin_out(capsys, data)
    code, out, _ = run(capsys, data, "history", "C-0001")
    assert "spun out on 2013-04-01" in out
    code, out, _ = run(capsys, data, "undo")
    assert code == 0
    code, out, _ = run(capsys, data, "monitoring")
    assert out.startswith("No mutuals under monitoring.")
    with Desk.open(data, read_only=True, clock=fixed_clock) as desk:
        assert desk.cases.get("C-0001").status.value == "active"


def test_check_ins_and_not_trading(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    spin_out(capsys, data)
    code, out, err = run(
        capsys, data, "checkin", "C-0001", "--year", "1", "--trading", "yes",
        "--ownership", "100", "--turnover", "£13m", "--contracts", "2", "--staff", "260",
        "--on", "2014-04-03",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, data, "monitoring", "--json")
    (item,) = json.loads(out)
    assert [d["code"] for d in item["due"]] == ["RETENDER", "Y3", "Y5"]
    assert item["checkins"][0]["turnover"] == 13_000_000
    run(capsys, data, "checkin", "C-0001", "--year", "3", "--trading", "no", "--on", "2015-06-01")
    code, out, _ = run(capsys, data, "monitoring")
    assert "not trading" in out


def test_an_nhs_spin_out_has_no_lgps_note_unless_told(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, out, _ = run(capsys, data, "case", "spun-out", "C-0002", "--on", "2013-04-01")
    assert code == 0 and "Pensions" not in out
    assert [line.split()[1] for line in out.splitlines()[1:]] == ["Y1", "Y3", "Y5"]
    code, _, err = run(capsys, data, "case", "spun-out", "C-0002", "--on", "2013-04-01")
    assert code == 1 and "already spun out" in err
    code, _, err = run(capsys, data, "case", "spun-out", "C-0001", "--on", "2013-01-01")
    assert code == 1 and "before the case opened" in err
    code, _, err = run(
        capsys, data, "case", "spun-out", "C-0001", "--on", "2013-04-01",
        "--contract-end", "2013-03-01",
    )  # fmt: skip
    assert code == 1 and "--contract-end" in err


def test_months_clamp_to_the_end_of_a_shorter_month() -> None:
    assert add_months(date(2012, 2, 29), 12) == date(2013, 2, 28)
    assert add_months(date(2016, 8, 31), -18) == date(2015, 2, 28)
    record = Monitoring(case_id="C-0001", spun_out_on=date(2012, 2, 29))
    assert record.checkin_due(1) == date(2013, 2, 28)
    assert record.pensions_note == ""
