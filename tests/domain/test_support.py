"""Money in pence: parsing, package values, roll-ups and the order of a package's steps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mspdesk.domain.support import (
    Package,
    PackageStatus,
    decimal_pounds,
    next_status,
    package_value,
    parse_days,
    parse_pence,
    pounds,
    roll_up,
)


@pytest.mark.parametrize(
    ("text", "pence"),
    [("£600", 60_000), ("2,500.50", 250_050), ("250k", 25_000_000), ("1.2m", 120_000_000),
     ("GBP 0.01", 1), ("£750.5", 75_050)],
)  # fmt: skip
def test_parse_pence(text: str, pence: int) -> None:
    assert parse_pence(text) == pence


@pytest.mark.parametrize("text", ["", "£6.005", "six hundred", "-5", "1e3"])
def test_parse_pence_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_pence(text)


def test_days_and_values_are_exact() -> None:
    assert parse_days("2.5") == Decimal("2.5")
    for bad in ("0", "1.25", "x", "1001", "nan"):
        with pytest.raises(ValueError):
            parse_days(bad)
    assert package_value(Decimal("0.5"), 33_333) == 16_667  # half a penny rounds up
    assert package_value(Decimal(3), 75_000) == 225_000
    assert pounds(-25_000) == "-£250.00" and pounds(999_475_000) == "£9,994,750.00"
    assert decimal_pounds(5) == "0.05"


def test_roll_up_by_case_provider_and_kind() -> None:
    rows = [
        {"id": "PK-0001", "case_id": "C-0001", "provider_id": "SP-001", "kind": "legal",
         "days": "5", "rate": 60_000, "status": "invoiced", "invoice_amount": 250_000},
        {"id": "PK-0002", "case_id": "C-0001", "provider_id": "SP-002", "kind": "hr",
         "days": "3", "rate": 75_000, "status": "delivered"},
        {"id": "PK-0003", "case_id": "C-0002", "provider_id": "SP-001", "kind": "legal",
         "days": "2.5", "rate": 65_000, "status": "committed"},
    ]  # fmt: skip
    rolled = roll_up(rows)
    assert rolled.total.committed == 300_000 + 225_000 + 162_500
    assert rolled.total.delivered == 525_000 and rolled.total.signed_off == 300_000
    assert rolled.total.invoiced == 250_000
    assert rolled.by_case["C-0001"].committed == 525_000
    assert rolled.by_provider["SP-001"].committed == 462_500
    assert rolled.by_kind["legal"].invoiced == 250_000


def test_steps_only_go_forward_one_at_a_time() -> None:
    package = Package(
        id="PK-0001", case_id="C-0001", provider_id="SP-001", kind="legal", days=Decimal(1),
        rate=100, deliverable="x", due=date(2013, 4, 1), committed_on=date(2013, 3, 1),
    )  # fmt: skip
    next_status(package, PackageStatus.DELIVERED)
    with pytest.raises(ValueError, match="only be delivered next"):
        next_status(package, PackageStatus.INVOICED)
    done = package.model_copy(update={"status": PackageStatus.INVOICED})
    with pytest.raises(ValueError, match="left as it is"):
        next_status(done, PackageStatus.DELIVERED)
