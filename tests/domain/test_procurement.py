"""The procurement route: regime by date and body, reserved contracts, notices, standstill."""

from __future__ import annotations

from datetime import date

import pytest

from mspdesk.domain.choices import ParentBodyKind
from mspdesk.domain.procurement import Regime, procurement_route, regime_for
from mspdesk.domain.social_value import ThresholdTable, parse_thresholds
from mspdesk.locations import content_dir

LA = ParentBodyKind.LOCAL_AUTHORITY
TRUST = ParentBodyKind.NHS_TRUST
CENTRAL = ParentBodyKind.CENTRAL_GOVERNMENT
OTHER = ParentBodyKind.OTHER_PUBLIC


@pytest.fixture(scope="module")
def table() -> ThresholdTable:
    return parse_thresholds((content_dir() / "thresholds.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("body", "day", "health", "regime"),
    [
        (LA, date(2015, 2, 25), False, Regime.PCR_2006),
        (LA, date(2015, 2, 26), False, Regime.PCR_2015),
        (LA, date(2025, 2, 23), False, Regime.PCR_2015),
        (LA, date(2025, 2, 24), False, Regime.PROCUREMENT_ACT),
        (TRUST, date(2023, 12, 31), True, Regime.PCR_2015),
        (TRUST, date(2024, 1, 1), True, Regime.PSR),
        (LA, date(2024, 1, 1), True, Regime.PSR),  # public health bought by a council
        (CENTRAL, date(2025, 6, 1), True, Regime.PROCUREMENT_ACT),  # not a relevant authority
        (OTHER, date(2025, 6, 1), True, Regime.PROCUREMENT_ACT),
    ],
)
def test_regime(body: ParentBodyKind, day: date, health: bool, regime: Regime) -> None:
    assert regime_for(body, day, health) is regime


def test_psr_route_has_no_reserved_contract_and_its_own_standstill(
    table: ThresholdTable,
) -> None:
    route = procurement_route(TRUST, 2_000_000, date(2025, 6, 1), table, health_care=True)
    assert route.regime is Regime.PSR and route.regime_label == "Provider Selection Regime"
    assert route.threshold is None and route.above_threshold is None
    assert route.social_value.applies is False
    assert route.reserved.available is False
    assert "8 working days" in route.standstill and "reg 12" in route.standstill


@pytest.mark.parametrize(
    ("day", "years", "section"),
    [(date(2020, 6, 1), "3 years", "regulation 77"), (date(2025, 6, 1), "5 years", "s.33")],
)
def test_reserved_contract_limits_by_regime(
    table: ThresholdTable, day: date, years: str, section: str
) -> None:
    route = procurement_route(LA, 900_000, day, table, light_touch=True)
    assert route.reserved.available is True
    assert section in route.reserved.basis
    assert any(years in limit for limit in route.reserved.limits)


def test_no_reservation_before_pcr_2015_or_for_ordinary_services(table: ThresholdTable) -> None:
    assert not procurement_route(
        LA, 900_000, date(2014, 6, 1), table, light_touch=True
    ).reserved.available
    assert procurement_route(LA, 900_000, date(2025, 6, 1), table).reserved.available is False


def test_below_threshold_under_the_act(table: ThresholdTable) -> None:
    route = procurement_route(LA, 50_000, date(2026, 12, 4), table)
    assert route.above_threshold is False
    assert any("contract details notice" in notice for notice in route.notices)
    small = procurement_route(LA, 20_000, date(2026, 12, 4), table)
    assert small.notices == ("none required below £30,000 (including VAT)",)
    central = procurement_route(CENTRAL, 20_000, date(2026, 12, 4), table)
    assert any("contract details" in n for n in central.notices)  # £12,000 for central


def test_above_threshold_under_the_act(table: ThresholdTable) -> None:
    route = procurement_route(LA, 210_000, date(2026, 12, 4), table)
    assert route.above_threshold is True and route.social_value.applies is True
    assert route.threshold is not None and route.threshold.amount == 207720
    assert route.standstill.startswith("8 working days") and "s.51" in route.standstill
