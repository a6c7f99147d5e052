"""Providers and support packages through the entry point: the money agrees to the penny in
every place it is shown; over-budget packages are refused unless a reason is given."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from clihelp import pin_clock, run

from mspdesk.desk import Desk

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One accepted case C-0001 with £10,000 allocated, and a fixed desk clock."""
    path = tmp_path / "data"
    with Desk.open(path, clock=fixed_clock, actor="tester") as desk:
        referral = desk.referrals.add(
            {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2013, 3, 1)}
        )
        desk.triage.decide(referral.id, "accept", "ok")
        desk.cases.budget.set("C-0001", amount_allocated=10_000)

    pin_clock(monkeypatch, fixed_clock)
    return path


def add_two_packages(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(
        capsys, data, "provider", "add", "--name", "Anytown Law LLP", "--lot", "legal",
        "--lot", "governance", "--day-rate", "£600", "--sme",
    )  # fmt: skip
    assert (code, out, err) == (0, "SP-001\n", "")
    code, out, err = run(
        capsys, data, "package", "add", "C-0001", "--provider", "SP-001", "--kind", "legal",
        "--days", "5", "--rate", "£600", "--deliverable", "Articles of association",
        "--due", "2013-04-30",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0] == "PK-0001"
    assert "committed £3,000.00 of £10,000.00, remaining £7,000.00" in out
    code, out, err = run(
        capsys, data, "package", "add", "C-0001", "--provider", "sp-001", "--kind", "HR",
        "--days", "3", "--rate", "750", "--deliverable", "TUPE consultation plan",
        "--due", "20/03/2013",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0] == "PK-0002"
    assert "committed £5,250.00 of £10,000.00, remaining £4,750.00" in out
    assert "programme headroom £9,994,750.00" in out


def test_two_packages_and_an_invoice_agree_to_the_penny_everywhere(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    add_two_packages(capsys, data)
    code, out, _ = run(capsys, data, "packages", "list", "--json")
    listing = json.loads(out)
    assert listing["cases"][0]["committed"] == {"pence": 525_000, "pounds": "5250.00"}
    assert listing["programme"]["headroom"]["pence"] == 1_000_000_000 - 525_000

    for verb in ("deliver", "signoff"):
        code, out, err = run(capsys, data, "package", verb, "PK-0001", "--on", "2013-03-20")
        assert code == 0, err
    code, out, err = run(
        capsys, data, "package", "invoice", "PK-0001", "--amount", "£2,500", "--on", "2013-03-25"
    )
    assert code == 0, err
    assert out.splitlines()[0] == "PK-0001 invoiced £2,500.00"
    assert "committed £5,250.00, invoiced £2,500.00, remaining £4,750.00" in out
    assert "programme headroom £9,994,750.00" in out

    code, out, _ = run(capsys, data, "packages", "list", "--json")
    listing = json.loads(out)
    case = listing["cases"][0]
    assert case["case_id"] == "C-0001"
    assert case["committed"]["pence"] == 525_000
    assert case["invoiced"]["pence"] == 250_000
    assert case["delivered"]["pence"] == 300_000
    assert case["remaining"]["pence"] == 475_000
    programme = listing["programme"]
    assert programme["headroom"] == {"pence": 999_475_000, "pounds": "9994750.00"}
    assert programme["invoiced"]["pence"] == 250_000
    by_id = {p["id"]: p for p in listing["packages"]}
    assert by_id["PK-0001"]["invoice_amount"]["pence"] == 250_000
    assert by_id["PK-0002"]["value"]["pence"] == 225_000
    assert by_id["PK-0002"]["kind"] == "hr"

    # The desk (what the case budget tab shows) says the same.
    with Desk.open(data, read_only=True, clock=fixed_clock) as desk:
        money = desk.support.case_money("C-0001")
        assert (money.money.committed, money.money.invoiced, money.remaining) == (
            525_000,
            250_000,
            475_000,
        )
        assert desk.support.programme_money().headroom == 999_475_000

    # The programme report carries the same package money.
    code, out, _ = run(capsys, data, "report", "--json")
    budget = json.loads(out)["budget"]
    assert budget["packages_committed_pence"] == 525_000
    assert budget["packages_invoiced_pence"] == 250_000
    assert budget["headroom_pence"] == 999_475_000

    # ... and so does the quarterly return.
    code, out, _ = run(capsys, data, "returns", "--quarter", "2013Q1", "--json")
    returns = json.loads(out)
    assert returns["spend"]["committed_to_date"]["pence"] == 525_000
    assert returns["spend"]["invoiced_to_date"]["pence"] == 250_000
    assert returns["spend"]["invoiced_to_date"]["records"] == ["PK-0001"]
    assert returns["spend_by_provider"]["SP-001"]["committed_to_date"]["pounds"] == "5250.00"
    assert returns["spend_by_kind"]["hr"]["committed_to_date"]["pence"] == 225_000
    assert returns["programme"]["headroom"] == programme["headroom"]
    assert returns["sme"]["percent"] == "100.0"

    code, out, _ = run(capsys, data, "packages", "list")
    assert "C-0001: allocated £10,000.00, committed £5,250.00" in out
    assert "headroom £9,994,750.00" in out


def test_over_budget_is_refused_without_a_reason(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    add_two_packages(capsys, data)
    argv = (
        "package", "add", "C-0001", "--provider", "SP-001", "--kind", "pensions",
        "--days", "10", "--rate", "£500", "--deliverable", "LGPS admission", "--due", "2013-05-01",
    )  # fmt: skip
    code, out, err = run(capsys, data, *argv)
    assert (code, out) == (1, "")
    assert "--over-budget" in err and "remaining budget £4,750.00" in err
    code, out, err = run(capsys, data, *argv, "--over-budget", "Board agreed extra pensions work")
    assert code == 0, err
    assert out.startswith("PK-0003\n") and "remaining -£250.00" in out
    code, out, _ = run(capsys, data, "history", "C-0001")
    assert code == 0 and "Package PK-0003 on C-0001" in out and "over budget: Board" in out
    code, out, _ = run(capsys, data, "undo")
    assert code == 0 and "PK-0003" in out
    code, out, _ = run(capsys, data, "packages", "list", "--case", "C-0001", "--json")
    assert [p["id"] for p in json.loads(out)["packages"]] == ["PK-0001", "PK-0002"]


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (("--days", "0"), "--days"),
        (("--days", "1.3"), "--days"),
        (("--rate", "£6.005"), "--rate"),
        (("--due", "someday"), "--due"),
        (("--kind", "astrology"), "kind"),
        (("--provider", "SP-999"), "provider"),
    ],
)
def test_bad_package_input_names_the_field(
    capsys: pytest.CaptureFixture[str], data: Path, argv: tuple[str, str], field: str
) -> None:
    add_two_packages(capsys, data)
    base = {
        "--provider": "SP-001", "--kind": "tax", "--days": "1", "--rate": "100",
        "--deliverable": "Advice", "--due": "2013-04-01",
    }  # fmt: skip
    base[argv[0]] = argv[1]
    flat = [item for pair in base.items() for item in pair]
    code, out, err = run(capsys, data, "package", "add", "C-0001", *flat)
    assert (code, out) == (1, "")
    assert field in err


def test_steps_go_in_order(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    add_two_packages(capsys, data)
    code, _, err = run(capsys, data, "package", "invoice", "PK-0002", "--amount", "100")
    assert code == 1 and "PK-0002 is committed; it can only be delivered next" in err
    code, _, err = run(capsys, data, "package", "deliver", "PK-0002", "--on", "2013-01-01")
    assert code == 1 and "before the package was committed" in err


def test_providers_list(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, data, "providers", "list")
    assert (code, out) == (0, "No providers. Add one with `mspdesk provider add`.\n")
    add_two_packages(capsys, data)
    code, out, _ = run(capsys, data, "providers", "list", "--json")
    (provider,) = json.loads(out)
    assert provider["id"] == "SP-001" and provider["sme"] is True
    assert provider["lots"] == ["legal", "governance"]
    assert provider["day_rate"] == {"pence": 60_000, "pounds": "600.00"}
    assert provider["money"]["committed"]["pence"] == 525_000
    code, _, err = run(capsys, data, "provider", "add", "--name", "anytown law llp", "--lot", "x")
    assert code == 1 and "SP-001 is already Anytown Law LLP" in err


def test_deliverables_due_are_on_the_agenda(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    add_two_packages(capsys, data)
    _, out, _ = run(capsys, data, "agenda", "--days", "60", "--json")
    agenda = json.loads(out)
    week = [(i["code"], i["due"], i["title"]) for i in agenda["this_week"]]
    assert ("PK-0002", "2013-03-20", "Deliverable: TUPE consultation plan") in week
    later = [(i["code"], i["due"]) for i in agenda["later"]]
    assert ("PK-0001", "2013-04-30") in later
    run(capsys, data, "package", "deliver", "PK-0002")
    _, out, _ = run(capsys, data, "agenda", "--json")
    assert "PK-0002" not in out


def test_returns_files(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    add_two_packages(capsys, data)
    run(capsys, data, "package", "deliver", "PK-0001")
    run(capsys, data, "package", "signoff", "PK-0001")
    run(capsys, data, "package", "invoice", "PK-0001", "--amount", "2,500.01")
    xlsx = tmp_path / "q1.xlsx"
    argv = ("returns", "--quarter", "2013Q1", "--format", "xlsx", "-o", str(xlsx))
    code, out, err = run(capsys, data, *argv)
    assert code == 0, err
    assert out.startswith("Saved the 2013Q1 return") and (xlsx.stat().st_mode & 0o777) == 0o600
    sheet = load_workbook(xlsx).active
    values = {(row[0], row[1]): row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("Spend", "Invoiced to date (£)")] == pytest.approx(2500.01)
    assert values[("Referrals", "Received")] == 1
    code, _, err = run(capsys, data, *argv)
    assert code != 0 and "exists" in err
    csv_path = tmp_path / "q1.csv"
    code, _, err = run(capsys, data, "returns", "--quarter", "2013Q1", "--format", "csv",
                       "-o", str(csv_path))  # fmt: skip
    assert code == 0, err
    assert "Programme,Headroom at quarter end (£),9994750.00" in csv_path.read_text("utf-8-sig")
    code, out, _ = run(capsys, data, "returns", "--quarter", "2013Q1")
    assert "Headroom at quarter end" in out and "£9,994,750.00" in out
    code, _, err = run(capsys, data, "returns", "--quarter", "Q1-2013")
    assert code == 1 and "--quarter" in err
    code, _, err = run(capsys, data, "returns", "--quarter", "2013Q1", "--format", "csv")
    assert code == 1 and "-o PATH" in err
