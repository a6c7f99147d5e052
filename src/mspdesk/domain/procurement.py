"""Which procurement rules apply to a contract, by date: regime, authority class, route.

Pure rules, no I/O and no clock: the threshold figures come in as a `ThresholdTable`
(content/thresholds.toml). The dates and rules below were checked on 2026-12-04 against the
sources named beside each; where a point could not be confirmed it says so and the result is
flagged `unverified`, never guessed.

Regimes, by the day a procurement starts:

- Public Contracts Regulations 2006 until 25 Feb 2015;
- Public Contracts Regulations 2015 from 26 Feb 2015 (mondaq.com, "New Flexibility In
  Public Procurement", read 2026-12-04);
- Procurement Act 2023 from 24 Feb 2025 (gov.uk guidance and NHS SBS "Procurement
  Regulations", read 2026-12-04);
- the Provider Selection Regime (Health Care Services (Provider Selection Regime)
  Regulations 2023, SI 2023/1348) from 1 Jan 2024, for health care services in England
  arranged by NHS England, ICBs, NHS trusts, NHS foundation trusts, local and combined
  authorities, whatever their value (sbs.nhs.uk; legislation.gov.uk/uksi/2023/1348; read
  2026-12-04). Those contracts are outside PCR 2015 and the Procurement Act.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from mspdesk.domain.choices import Choice, ParentBodyKind
from mspdesk.domain.social_value import (
    SocialValueCheck,
    Threshold,
    ThresholdKind,
    ThresholdTable,
    classify_authority,
    psr_applies,
    regime_on,
    social_value_check,
    threshold_on,
)

GUIDANCE = ("contract-routes", "procurement-thresholds", "social-value-act")


class Regime(Choice):
    PCR_2006 = "pcr-2006"
    PCR_2015 = "pcr-2015"
    PROCUREMENT_ACT = "procurement-act-2023"
    PSR = "provider-selection-regime"


REGIME_LABELS = {
    Regime.PCR_2006: "Public Contracts Regulations 2006",
    Regime.PCR_2015: "Public Contracts Regulations 2015",
    Regime.PROCUREMENT_ACT: "Procurement Act 2023",
    Regime.PSR: "Provider Selection Regime",
}

NOTIFIABLE_BELOW_THRESHOLD = {ThresholdKind.CENTRAL: 12_000, ThresholdKind.SUB_CENTRAL: 30_000}
"""Procurement Act 2023 s.87: a regulated below-threshold contract is notifiable from £12,000
(central government authorities) or £30,000 (others), including VAT (anthonycollins.com
'Procurement UnpACked: below-threshold contracts'; wardhadaway.com; read 2026-12-04)."""


class ReservedContract(BaseModel):
    """Whether the contract may be reserved to a public service mutual, and on what terms."""

    model_config = ConfigDict(frozen=True)

    available: bool | None
    """True/False, or None where it turns on facts the desk does not hold."""
    basis: str
    limits: tuple[str, ...] = ()


class ProcurementRoute(BaseModel):
    """What the rules of the day say for one contract."""

    model_config = ConfigDict(frozen=True)

    day: date
    parent_body_kind: ParentBodyKind
    health_care: bool
    light_touch: bool
    value: int | None
    regime: Regime
    regime_label: str
    authority: ThresholdKind
    authority_basis: str
    threshold: Threshold | None
    above_threshold: bool | None
    social_value: SocialValueCheck
    reserved: ReservedContract
    notices: tuple[str, ...]
    standstill: str
    unverified: bool
    guidance: tuple[str, ...] = GUIDANCE


def regime_for(parent: ParentBodyKind, day: date, health_care: bool) -> Regime:
    """The regime that governs the procurement started on `day`."""
    if psr_applies(parent, day, health_care):
        return Regime.PSR
    label = regime_on(day)
    return next(regime for regime, text in REGIME_LABELS.items() if text == label)


def procurement_route(
    parent: ParentBodyKind,
    value: int | None,
    day: date,
    table: ThresholdTable,
    *,
    health_care: bool = False,
    light_touch: bool = False,
) -> ProcurementRoute:
    """The regime, Social Value duty, reserved-contract route, notices and standstill for a
    contract of `value` (pounds, on the threshold's VAT basis) started on `day`."""
    light = light_touch or health_care  # health services are light-touch services
    regime = regime_for(parent, day, health_care)
    authority = classify_authority(parent, day)
    check = social_value_check(value, day, parent, table, light, health_care=health_care)
    threshold = None if regime is Regime.PSR else check.threshold
    if threshold is None and regime is not Regime.PSR:
        threshold = threshold_on(table, day, authority.kind)
    above: bool | None = None
    if regime is Regime.PSR:
        above = None
    elif threshold is not None and threshold.amount is not None and value is not None:
        above = value >= threshold.amount
    reserved = _reserved(regime, light, above)
    notices, standstill = _notices(regime, light, above, authority.kind, value)
    return ProcurementRoute(
        day=day,
        parent_body_kind=parent,
        health_care=health_care,
        light_touch=light,
        value=value,
        regime=regime,
        regime_label=REGIME_LABELS[regime],
        authority=authority.kind,
        authority_basis=authority.basis,
        threshold=threshold,
        above_threshold=above,
        social_value=check,
        reserved=reserved,
        notices=notices,
        standstill=standstill,
        unverified=check.unverified or authority.unverified,
    )


def _reserved(regime: Regime, light: bool, above: bool | None) -> ReservedContract:
    if regime is Regime.PSR:
        return ReservedContract(
            available=False,
            basis="The Provider Selection Regime has no reserved-contract route; its own "
            "processes (direct award A, B or C, most suitable provider, competitive) apply.",
        )
    if regime is Regime.PCR_2006:
        return ReservedContract(
            available=False,
            basis="PCR 2006 had no reservation for mutuals (regulation 77 came with PCR 2015).",
        )
    if not light:
        return ReservedContract(
            available=False,
            basis="Only light-touch services in the listed categories can be reserved to "
            "mutuals; record the contract as light-touch if it is one.",
        )
    if above is False:
        return ReservedContract(
            available=None,
            basis="Below the threshold the regime's procedures do not apply, so no "
            "reservation is needed; the authority's own standing orders govern.",
        )
    if regime is Regime.PCR_2015:
        return ReservedContract(
            available=True,
            basis="PCR 2015 regulation 77: reserved contracts for certain services "
            "(procurementpathway.civilservice.gov.uk, reg. 77; read 2026-12-04).",
            limits=(
                "services in the CPV codes listed in regulation 77(2) only",
                "contract no longer than 3 years",
                "the organisation pursues a public service mission linked to those services",
                "profits reinvested to achieve that objective (or distributed on "
                "participatory considerations)",
                "ownership or management based on employee ownership or participatory "
                "principles, or the active participation of employees, users or stakeholders",
                "not awarded a contract for the services by the same authority under "
                "regulation 77 in the past 3 years",
            ),
        )
    return ReservedContract(
        available=True,
        basis="Procurement Act 2023 s.33: reserving contracts to public service mutuals "
        "(legislation.gov.uk/ukpga/2023/54/section/33; read 2026-12-04).",
        limits=(
            "reservable light touch services (specified in regulations) only",
            "maximum term of 5 years or less",
            "mutual operates to deliver public services, mainly reservable light touch ones",
            "not-for-profit, or distributes profits only to members",
            "under the management and control of its employees",
            "no comparable contract (same services, same authority, under s.33) in the "
            "3 years ending on the award",
        ),
    )


def _notices(
    regime: Regime, light: bool, above: bool | None, kind: ThresholdKind, value: int | None
) -> tuple[tuple[str, ...], str]:
    if regime is Regime.PSR:
        return (
            (
                "Direct award A or B: publish the award (transparency) notice",
                "Direct award C, most suitable provider or competitive process: publish a "
                "notice of intention to award, then the award notice after standstill",
                "keep records of the decision (regulation 24)",
            ),
            "8 working days from the day after the notice of intention is published "
            "(SI 2023/1348 reg 12), for direct award C, most suitable provider and the "
            "competitive process; longer while representations are considered",
        )
    if above is False:
        if regime is Regime.PROCUREMENT_ACT:
            floor = NOTIFIABLE_BELOW_THRESHOLD.get(kind, 30_000)
            notifiable = value is not None and value >= floor
            notices: tuple[str, ...]
            if notifiable:
                notices = (
                    "below-threshold tender notice if the contract is advertised (s.86)",
                    "contract details notice once awarded (s.87)",
                )
            else:
                notices = (f"none required below £{floor:,} (including VAT)",)
            return notices, "none required below the threshold"
        return (
            ("Contracts Finder where the authority advertises (PCR 2015 Part 4)",)
            if regime is Regime.PCR_2015
            else ("none under the regulations; the authority's own rules apply",),
            "none required below the threshold",
        )
    if regime is Regime.PROCUREMENT_ACT:
        act_notices = (
            "tender notice (or a transparency notice for a direct award)",
            "contract award notice before entering into the contract (s.50)",
            "contract details notice after entering into it",
        )
        standstill = "8 working days from the day the contract award notice is published (s.51)"
        if light:
            standstill += (
                "; light-touch contracts may be exempt from the mandatory standstill "
                "(not confirmed in our sources: check s.51)"
            )
        return act_notices, standstill
    if regime is Regime.PCR_2015:
        if light:
            return (
                (
                    "contract notice or prior information notice (regulation 75)",
                    "contract award notice (may be grouped quarterly)",
                ),
                "10 days after award decision notices sent electronically, 15 by other "
                "means (regulation 87)",
            )
        return (
            (
                "contract notice (OJEU; Find a Tender Service from 1 Jan 2021) and "
                "Contracts Finder",
                "award decision notices to every bidder (regulation 86)",
                "contract award notice",
            ),
            "10 days after award decision notices sent electronically, 15 by other "
            "means (regulation 87)",
        )
    return (
        ("contract notice in the OJEU", "award decision notices", "contract award notice"),
        "standstill under PCR 2006 (reg 32A): length not confirmed in our sources",
    )


def route_lines(route: ProcurementRoute) -> list[str]:
    """The route as plain lines of text (CLI, the case screen's deadlines tab, case files)."""
    yes_no = {True: "yes", False: "no", None: "cannot tell"}
    lines = [f"Regime on {route.day:%d %b %Y}: {route.regime_label}"]
    threshold = route.threshold
    if threshold is not None and threshold.amount is not None:
        lines.append(
            f"Threshold: £{threshold.amount:,} {threshold.kind.value} ({threshold.vat_basis}, "
            f"from {threshold.starts:%d %b %Y}); above it: {yes_no[route.above_threshold]}"
        )
    lines.append(f"Body: {route.authority.value} ({route.authority_basis})")
    lines.append(f"Social Value Act duty: {yes_no[route.social_value.applies]}")
    lines.append(f"Reserved contract for a mutual: {yes_no[route.reserved.available]}")
    lines.append(f"  {route.reserved.basis}")
    lines.extend(f"  - {limit}" for limit in route.reserved.limits)
    lines.append("Notices:")
    lines.extend(f"  - {notice}" for notice in route.notices)
    lines.append(f"Standstill: {route.standstill}")
    if route.unverified:
        lines.append("Some of this is unverified in our sources: check before relying on it.")
    return lines
