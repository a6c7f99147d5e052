"""Public Services (Social Value) Act 2012: does its duty apply to a case's contract?

The Act's duty (ss.1-2, in force 31 January 2013) bites on services contracts to which the
procurement regulations apply, i.e. at or above the procurement threshold in force on the
relevant date. The thresholds are a dated table in content (`content/thresholds.toml`).
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
"""From this day NHS England and NHS foundation trusts count as central government (brief 2.1)."""

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


def authority_kind(parent_body_kind: ParentBodyKind, day: date) -> ThresholdKind:
    """Which services threshold a parent body uses on `day`.

    Central government departments use the central figure; NHS bodies do from 16 Aug 2021
    (the brief confirms this for NHS England and NHS foundation trusts) and the sub-central
    one before; local authorities and other public bodies use the sub-central figure.
    """
    if parent_body_kind is ParentBodyKind.CENTRAL_GOVERNMENT:
        return ThresholdKind.CENTRAL
    if parent_body_kind is ParentBodyKind.NHS_BODY and day >= NHS_CENTRAL_FROM:
        return ThresholdKind.CENTRAL
    return ThresholdKind.SUB_CENTRAL


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
    guidance: tuple[str, ...] = GUIDANCE


def social_value_check(
    contract_value: int | None,
    day: date,
    parent_body_kind: ParentBodyKind,
    table: ThresholdTable,
    light_touch: bool = False,
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
    """
    kind = authority_kind(parent_body_kind, day)
    threshold = threshold_on(table, day, ThresholdKind.LIGHT_TOUCH) if light_touch else None
    fallback = light_touch and threshold is None
    if threshold is None:
        threshold = threshold_on(table, day, kind)
    else:
        kind = ThresholdKind.LIGHT_TOUCH
    unverified = fallback or (threshold is not None and threshold.unverified)

    def result(applies: bool | None, reason: str) -> SocialValueCheck:
        return SocialValueCheck(
            applies=applies,
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
