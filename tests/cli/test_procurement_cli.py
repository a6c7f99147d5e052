"""`mspdesk thresholds`, `mspdesk social-value` and `mspdesk route`: the contract other checks
rely on (JSON keys, exit codes), on the figures in force from 1 Jan 2026."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mspdesk.cli import main
from mspdesk.desk import Desk

TODAY = "2026-12-04"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_thresholds_today_are_the_2026_figures(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "thresholds", "--on", TODAY)
    assert isinstance(rows, list)
    assert [(r["kind"], r["amount"], r["from"]) for r in rows] == [
        ("central", 135018, "2026-01-01"),
        ("sub-central", 207720, "2026-01-01"),
        ("works", 5193000, "2026-01-01"),
        ("light-touch", 663540, "2026-01-01"),
    ]
    for row in rows:
        assert row["vat_basis"] == "including VAT"
        assert row["regime"] == "Procurement Act 2023"
        assert "SI 2025/1200" in row["source"]


def test_thresholds_on_a_past_day(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "thresholds", "--on", "31/12/2015")
    assert isinstance(rows, list)
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["sub-central"]["amount"] == 172514
    assert by_kind["sub-central"]["vat_basis"] == "excluding VAT"
    assert by_kind["sub-central"]["regime"] == "Public Contracts Regulations 2015"
    assert by_kind["light-touch"] == by_kind["light-touch"] | {
        "amount": 625050,
        "from": "2015-02-26",
    }


def test_thresholds_before_the_table_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "thresholds", "--on", "2011-06-01") == []


def test_thresholds_default_to_today(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["thresholds"]) == 0
    assert f"{date.today():%d %b %Y}" in capsys.readouterr().out


@pytest.mark.parametrize(("value", "applies"), [("£210,000", True), ("200k", False)])
def test_local_authority_today(
    capsys: pytest.CaptureFixture[str], value: str, applies: bool
) -> None:
    out = run_json(
        capsys, "social-value", "--value", value, "--body", "local-authority", "--on", TODAY
    )
    assert isinstance(out, dict)
    assert out["applies"] is applies
    assert out["threshold"] == 207720
    assert out["regime"] == "Procurement Act 2023"
    assert out["from"] == "2026-01-01" and "PPN 023" in out["source"]
    assert "£207,720" in out["reason"]


def test_nhs_trust_health_care_2025_is_psr(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys, "social-value", "--value", "2m", "--body", "nhs-trust", "--on", "2025-06-01",
        "--health-care",
    )  # fmt: skip
    assert out == out | {"applies": False, "threshold": None, "regime": "Provider Selection Regime"}


def test_nhs_trust_non_health_uses_the_central_figure(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys, "social-value", "--value", "150k", "--body", "nhs-trust", "--on", "2025-06-01"
    )
    assert out == out | {"applies": True, "threshold": 139688, "kind": "central"}
    assert out["regime"] == "Procurement Act 2023"


def test_unknown_figure_gives_null(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "social-value", "--value", "1", "--body", "la", "--on", "2011-01-01")
    assert isinstance(out, dict)
    assert out["applies"] is False  # before the Act's duty began
    assert out["threshold"] is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--value", "lots", "--body", "la"], "--value"),
        (["--value", "1", "--body", "parish"], "--body"),
        (["--value", "1", "--body", "la", "--on", "31/02/2026"], "--on"),
    ],
)
def test_bad_input_exits_1_naming_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["social-value", *argv]) == 1
    assert message in capsys.readouterr().err


def test_route_for_a_mutual_light_touch_contract(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys, "route", "--value", "800k", "--body", "la", "--on", TODAY, "--light-touch"
    )
    assert isinstance(out, dict)
    assert out["regime"] == "Procurement Act 2023"
    assert out["threshold"] == 663540 and out["above_threshold"] is True
    assert out["reserved_contract"]["available"] is True
    assert "s.33" in out["reserved_contract"]["basis"]
    assert any("5 years" in limit for limit in out["reserved_contract"]["limits"])
    assert out["standstill"].startswith("8 working days")


def test_route_without_a_case_or_value_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--body", "la"]) == 1
    assert "--case ID, or --value and --body" in capsys.readouterr().err


def test_route_for_a_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    with Desk.open(data, actor="tester") as desk:
        ref = desk.referrals.add(
            {"organisation": "Clinic Co", "parent_body": "Anytown Hospitals",
             "parent_body_kind": "nhs-trust", "received": date(2024, 2, 1)}
        )  # fmt: skip
        desk.triage.decide(ref.id, "accept", "promising")
        case_id = desk.referrals.get(ref.id).case_id
        assert case_id
        desk.cases.update(
            case_id,
            {"contract_value": 3_000_000, "procurement_on": date(2024, 6, 1), "health_care": True},
        )
    out = run_json(capsys, "--data-dir", str(data), "route", "--case", case_id)
    assert isinstance(out, dict)
    assert out["regime"] == "Provider Selection Regime"
    assert out["social_value"]["applies"] is False
    assert out["day"] == "2024-06-01"


def test_case_set_then_route_and_scope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    with Desk.open(data, actor="tester") as desk:
        ref = desk.referrals.add(
            {"organisation": "Therapy Co-op", "parent_body": "Anytown Hospitals",
             "parent_body_kind": "nhs-body", "proposed_model": "multi-stakeholder",
             "received": date(2025, 2, 1)}
        )  # fmt: skip
        desk.triage.decide(ref.id, "refer", "co-op", refer_to="co-operatives-uk")
        other = desk.referrals.add({"organisation": "Clinic", "parent_body": "Anytown Hospitals"})
        desk.triage.decide(other.id, "accept", "ok")
        case_id = desk.referrals.get(other.id).case_id
        assert case_id
    argv = [
        "--data-dir", str(data), "case", "set", case_id, "--contract-value", "2m",
        "--procurement-on", "2025-06-01", "--health-care", "yes",
        "--parent-body-kind", "nhs-trust", "--staff-votes", "60%", "--staff-board", "50",
    ]  # fmt: skip
    assert main(argv) == 0
    assert "changed contract_value, health_care" in capsys.readouterr().out
    out = run_json(capsys, "--data-dir", str(data), "route", "--case", case_id)
    assert isinstance(out, dict)
    assert out["regime"] == "Provider Selection Regime" and out["body"] == "nhs-trust"
    assert main(["--data-dir", str(data), "case", "set", case_id, "--staff-votes", "150"]) == 1
    assert "--staff-votes" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "case", "set", case_id]) == 1
