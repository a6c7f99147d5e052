"""Public Services (Social Value) Act 2012: does its duty apply to a case's contract?

The Act's duty (ss.1-2, in force 31 January 2013) bites on services contracts to which the
procurement rules apply, i.e. at or above the procurement threshold in force on the relevant
date. The thresholds are a dated table in content (`content/thresholds.toml`); which bodies
use the central figure, and when, is below (`classify_authority`). Health care services that
fall under the Provider Selection Regime (from 1 Jan 2024) are outside the procurement rules,
so the Act's duty does not reach them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mspdesk.domain.choices import Choice, ParentBodyKind
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.toml_text import load_toml, problems_with_lines

ACT_IN_FORCE = date(2013, 1, 31)
"""Sections 1-2 commenced 31 January 2013 (SI 2012/3173); before that there was no duty."""

NHS_CENTRAL_FROM = date(2021, 8, 16)
"""From this day NHS England and NHS foundation trusts are listed as central government
authorities in PCR 2015 Schedule 1 (SI 2021 "Agreement on Government Procurement (Amendment)
(No. 2)"; NHS trusts and the NHS Business Services Authority were listed already): mondaq.com
"Procurement Financial Thresholds For NHS Bodies Equalised From 16 August 2021" and
bevanbrittan.com (30/07/2021), both read 2026-12-04. The Procurement Regulations 2024
Schedule 2 carries the list over unchanged (farrer.co.uk "Procurement Act 2023: who needs to
comply?", read 2026-12-04)."""

PCR_2015_FROM = date(2015, 2, 26)
"""PCR 2015 applies to procurements started on or after 26 Feb 2015 (procurementportal.com,
read 2026-12-04)."""

PROCUREMENT_ACT_FROM = date(2025, 2, 24)
"""The Procurement Act 2023 applies to procurements started on or after 24 Feb 2025."""

CENTRAL_LTR_FROM = date(2016, 4, 18)
"""The light-touch rules of PCR 2015 reached central government authorities (NHS trusts
included) from this day; procurementportal.com dates NHS health care under the light-touch
regime from "April 2016" (read 2026-12-04), the day itself is from PCR 2015 reg 118 as we
recall it (UNVERIFIED), so checks in the gap are flagged."""

PSR_FROM = date(2024, 1, 1)
"""The Health Care Services (Provider Selection Regime) Regulations 2023 came into force."""

PSR_RELEVANT = frozenset(
    {
        ParentBodyKind.LOCAL_AUTHORITY,
        ParentBodyKind.NHS_BODY,
        ParentBodyKind.NHS_TRUST,
        ParentBodyKind.NHS_FOUNDATION_TRUST,
        ParentBodyKind.NHS_COMMISSIONER,
    }
)
"""PSR "relevant authorities": NHS England, ICBs, NHS trusts and foundation trusts, local and
combined authorities (sbs.nhs.uk "Procurement Regulations", read 2026-12-04)."""

PSR_LABEL = "Provider Selection Regime"

GUIDANCE = ("social-value-act", "procurement-thresholds")

VatBasis = Literal["excluding VAT", "including VAT"]


class ThresholdKind(Choice):
    CENTRAL = "central"
    SUB_CENTRAL = "sub-central"
    WORKS = "works"
    LIGHT_TOUCH = "light-touch"


def _kind(value: Any) -> Any:
    return ThresholdKind.parse(value) if isinstance(value, str) else value


class Threshold(BaseModel):
    """One threshold figure and the day it came into force."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    starts: date = Field(alias="from")
    kind: Annotated[ThresholdKind, BeforeValidator(_kind)]
    amount: Annotated[int | None, Field(gt=0)] = None
    """Whole pounds; None where our sources do not give the figure (then `unverified`)."""
    vat_basis: VatBasis
    regime: str = ""
    source: Annotated[str, Field(min_length=1)]
    unverified: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _flagged(self) -> Threshold:
        if self.amount is None and not self.unverified:
            raise ValueError("a row without an amount must say unverified = true")
        if self.unverified and not self.note:
            raise ValueError("an unverified row needs a note saying what is missing")
        return self


class ThresholdTable(BaseModel):
    """All threshold rows, sorted by kind then start date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: tuple[Threshold, ...]

    @field_validator("rows")
    @classmethod
    def _one_per_day(cls, rows: tuple[Threshold, ...]) -> tuple[Threshold, ...]:
        seen: set[tuple[ThresholdKind, date]] = set()
        for row in rows:
            key = (row.kind, row.starts)
            if key in seen:
                raise ValueError(f"two {row.kind.value} rows start on {row.starts}")
            seen.add(key)
        return tuple(sorted(rows, key=lambda row: (row.kind.value, row.starts)))


def parse_thresholds(text: str, name: str = "thresholds.toml") -> ThresholdTable:
    """The threshold table in TOML `text` (one `[[threshold]]` per figure).

    Raises InvalidRecord naming `name`, the line of the bad row and the field.
    """
    data = load_toml(text, name)
    try:
        return ThresholdTable.model_validate({"rows": data.get("threshold", ())})
    except ValidationError as error:
        problems = problems_with_lines(error, text, "threshold", "rows")
        raise InvalidRecord(problems, name) from None


def regime_on(day: date) -> str:
    """The general procurement rules for a procurement started on `day`."""
    if day >= PROCUREMENT_ACT_FROM:
        return "Procurement Act 2023"
    if day >= PCR_2015_FROM:
        return "Public Contracts Regulations 2015"
    return "Public Contracts Regulations 2006"


def psr_applies(parent_body_kind: ParentBodyKind, day: date, health_care: bool) -> bool:
    """True when a health care service bought by this body on `day` falls under the PSR
    (England only: the desk's programme is English)."""
    return health_care and day >= PSR_FROM and parent_body_kind in PSR_RELEVANT


class AuthorityClass(BaseModel):
    """Whether a body uses the central or the sub-central figure, and why."""

    model_config = ConfigDict(frozen=True)

    kind: ThresholdKind
    basis: str
    unverified: bool = False


def classify_authority(parent_body_kind: ParentBodyKind, day: date) -> AuthorityClass:
    """Which services threshold a parent body uses on `day`, by the list of the day.

    Central government authorities are those listed in PCR 2006/2015 Schedule 1 and, under
    the Procurement Act, Schedule 2 to the Procurement Regulations 2024 (same list). NHS
    trusts and the NHS BSA were on it before 16 Aug 2021; NHS England and foundation trusts
    from that day. Commissioners (ICBs, formerly CCGs and PCTs) were not among the bodies
    added in 2021; we found no source putting them on the list, so they are sub-central,
    flagged unverified. "NHS body" without more is read as a trust from 16 Aug 2021 (all
    trusts are central then) and flagged before it, when trusts and foundation trusts
    differed.
    """
    kind = parent_body_kind
    central, sub = ThresholdKind.CENTRAL, ThresholdKind.SUB_CENTRAL
    if kind is ParentBodyKind.CENTRAL_GOVERNMENT:
        return AuthorityClass(
            kind=central,
            basis="central government authorities are the departments and the bodies listed "
            "(PCR Schedule 1; Procurement Regulations 2024 Schedule 2): an agency not on the "
            "list uses the sub-central figure",
        )
    if kind is ParentBodyKind.NHS_TRUST:
        return AuthorityClass(
            kind=central,
            basis="NHS trusts are listed central government authorities",
            unverified=day < PCR_2015_FROM,
        )
    if kind in (ParentBodyKind.NHS_FOUNDATION_TRUST, ParentBodyKind.NHS_BODY):
        if day >= NHS_CENTRAL_FROM:
            return AuthorityClass(
                kind=central,
                basis="NHS England and NHS trusts and foundation trusts are listed central "
                "government authorities from 16 Aug 2021",
            )
        if kind is ParentBodyKind.NHS_FOUNDATION_TRUST:
            return AuthorityClass(
                kind=sub, basis="foundation trusts were sub-central until 16 Aug 2021"
            )
        return AuthorityClass(
            kind=sub,
            basis="before 16 Aug 2021 NHS trusts were central but foundation trusts and "
            "commissioners sub-central: record which kind of NHS body this is",
            unverified=True,
        )
    if kind is ParentBodyKind.NHS_COMMISSIONER:
        return AuthorityClass(
            kind=sub,
            basis="commissioners (ICBs, formerly CCGs and PCTs) were not among the NHS "
            "bodies listed as central in our sources",
            unverified=True,
        )
    if kind is ParentBodyKind.LOCAL_AUTHORITY:
        return AuthorityClass(kind=sub, basis="local authorities are sub-central")
    return AuthorityClass(
        kind=sub,
        basis="other public bodies are sub-central unless listed as central government "
        "authorities (some arm's-length bodies are)",
    )


def authority_kind(parent_body_kind: ParentBodyKind, day: date) -> ThresholdKind:
    """Which services threshold a parent body uses on `day` (see `classify_authority`)."""
    return classify_authority(parent_body_kind, day).kind


def thresholds_in_force(table: ThresholdTable, day: date) -> list[Threshold]:
    """The figure of each kind in force on `day`, in the order central, sub-central, works,
    light-touch (kinds with nothing in force yet are left out)."""
    found = (threshold_on(table, day, kind) for kind in ThresholdKind)
    return [row for row in found if row is not None]


def regime_of(row: Threshold, day: date) -> str:
    """The regime a threshold row is used under on `day`."""
    if row.kind is ThresholdKind.LIGHT_TOUCH and day < PCR_2015_FROM:
        return "Public Contracts Regulations 2006 (Part B services)"
    return regime_on(day)


def threshold_on(table: ThresholdTable, day: date, kind: ThresholdKind) -> Threshold | None:
    """The `kind` threshold in force on `day` (the latest row starting on or before it)."""
    current: Threshold | None = None
    for row in table.rows:
        if row.kind is kind and row.starts <= day:
            current = row  # rows are sorted by start date within a kind
    return current


class SocialValueCheck(BaseModel):
    """Whether the Act's duty applies, with the figure used and how far to trust it."""

    model_config = ConfigDict(frozen=True)

    applies: bool | None
    """True/False, or None when it cannot be told (no contract value, or figure unknown)."""
    reason: str
    day: date
    kind: ThresholdKind
    threshold: Threshold | None
    vat_basis: VatBasis | None
    unverified: bool
    regime: str = ""
    """The rules in force that day: PCR 2006, PCR 2015, the Procurement Act 2023 or the PSR."""
    guidance: tuple[str, ...] = GUIDANCE


def social_value_check(
    contract_value: int | None,
    day: date,
    parent_body_kind: ParentBodyKind,
    table: ThresholdTable,
    light_touch: bool = False,
    *,
    health_care: bool = False,
) -> SocialValueCheck:
    """Whether the Social Value Act's duty applies to a services contract procured on `day`.

    The duty applies when the contract value is **equal to or greater than** the threshold
    in force that day: the regulations apply from the threshold upwards ("not less than" /
    "equal to or greater than" — recalled wording, UNVERIFIED in our sources), and counting
    the boundary in is the safer reading for an adviser. Compare the value on the threshold's
    VAT basis (the check reports it). Before 31 Jan 2013 the duty was not in force. With
    `light_touch`, the light-touch figure is used; where the table has none for that day,
    the ordinary services figure is used and flagged unverified (PCR 2006 treated Part B
    services under the ordinary thresholds — an inference in the brief). Works contracts are
    outside the Act, so the works figures are never used here.

    With `health_care`, the service is a health care service: from 1 Jan 2024 one bought by a
    PSR relevant authority falls under the Provider Selection Regime, outside the procurement
    rules, and the duty does not apply whatever the value; otherwise it is a light-touch
    service.
    """
    authority = classify_authority(parent_body_kind, day)
    kind = authority.kind
    light_touch = light_touch or health_care
    if day >= ACT_IN_FORCE and psr_applies(parent_body_kind, day, health_care):
        return SocialValueCheck(
            applies=False,
            reason=f"A health care service bought by this body on {_day(day)} falls under the "
            "Provider Selection Regime (from 1 Jan 2024), outside the procurement rules, so "
            "the Social Value Act's duty does not apply; the PSR's own key criteria include "
            "social value.",
            day=day,
            kind=kind,
            threshold=None,
            vat_basis=None,
            unverified=False,
            regime=PSR_LABEL,
        )
    threshold = threshold_on(table, day, ThresholdKind.LIGHT_TOUCH) if light_touch else None
    fallback = light_touch and threshold is None
    central_part_b = (
        light_touch and kind is ThresholdKind.CENTRAL and PCR_2015_FROM <= day < CENTRAL_LTR_FROM
    )
    if central_part_b:
        # PCR 2015 reached central bodies' light-touch contracts only from April 2016; until
        # then their Part B services stayed under the old rule (the sub-central figure).
        threshold = threshold_on(table, day, ThresholdKind.SUB_CENTRAL)
        kind = ThresholdKind.LIGHT_TOUCH
    elif threshold is None:
        threshold = threshold_on(table, day, kind)
    else:
        kind = ThresholdKind.LIGHT_TOUCH
    unverified = fallback or central_part_b or (threshold is not None and threshold.unverified)
    if kind is not ThresholdKind.LIGHT_TOUCH:
        unverified = unverified or authority.unverified

    def result(applies: bool | None, reason: str) -> SocialValueCheck:
        if authority.unverified and kind is not ThresholdKind.LIGHT_TOUCH and applies is not None:
            reason += f" Which figure applies is unverified: {authority.basis}."
        return SocialValueCheck(
            applies=applies,
            regime=regime_of(threshold, day) if threshold else regime_on(day),
            reason=reason,
            day=day,
            kind=kind,
            threshold=threshold,
            vat_basis=threshold.vat_basis if threshold else None,
            unverified=unverified,
        )

    if day < ACT_IN_FORCE:
        return result(
            False, f"The Social Value Act's duty began on 31 Jan 2013; not in force on {_day(day)}."
        )
    if threshold is None:
        return result(None, f"No {kind.value} threshold in the table for {_day(day)}.")
    label = f"{kind.value} threshold in force on {_day(day)}"
    if threshold.amount is None:
        return result(None, f"The {label} is not in our sources (unverified): {threshold.note}")
    figure = f"{_pounds(threshold.amount)} {label} ({threshold.vat_basis})"
    if central_part_b:
        figure = (
            f"{_pounds(threshold.amount)} Part B services threshold for a central body on "
            f"{_day(day)}, before PCR 2015's light-touch rules reached central bodies in April "
            f"2016 ({threshold.vat_basis}; unverified)"
        )
    if fallback:
        figure += ", used because the table has no light-touch figure for that day (unverified)"
    if contract_value is None:
        return result(None, f"Record the contract value to compare it with the {figure}.")
    if contract_value >= threshold.amount:
        return result(
            True,
            f"Contract value {_pounds(contract_value)} is at or above the {figure}: the "
            "authority must consider social value before procuring.",
        )
    return result(
        False,
        f"Contract value {_pounds(contract_value)} is below the {figure}: the Act's duty does "
        "not apply, though the authority may still consider social value.",
    )


def _pounds(amount: int) -> str:
    return f"£{amount:,}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
