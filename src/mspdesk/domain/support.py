"""Support bought for cases: providers on the programme's framework, and packages of days.

The programme bought expert help (legal, HR, pensions, finance, tax, business planning) from
procured providers, in packages of days for each mutual. Money here is integer pence, never a
float, so every total agrees to the penny wherever it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from mspdesk.domain.choices import Choice
from mspdesk.domain.references import PACKAGES, PROVIDERS

PROVIDER_ID = PROVIDERS.pattern
PACKAGE_ID = PACKAGES.pattern
Pence = Annotated[int, Field(ge=0, le=100_000_000_000)]
_MONEY = re.compile(r"^(\d+(?:\.\d+)?)(k|m)?$")
_SCALE = {None: 1, "k": 1_000, "m": 1_000_000}


class PackageKind(Choice):
    LEGAL = "legal"
    HR = "hr"
    PENSIONS = "pensions"
    FINANCE = "finance"
    TAX = "tax"
    BUSINESS_PLANNING = "business-planning"
    GOVERNANCE = "governance"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "HR" if self is PackageKind.HR else super().label


class PackageStatus(Choice):
    COMMITTED = "committed"
    DELIVERED = "delivered"
    SIGNED_OFF = "signed-off"
    INVOICED = "invoiced"


STATUS_ORDER = tuple(PackageStatus)
"""committed → delivered → signed off → invoiced: each step only from the one before."""


def _choice(kind: type[Choice]) -> BeforeValidator:
    def parse(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, kind):
            return kind.parse(value)
        return value

    return BeforeValidator(parse)


def parse_pence(text: str) -> int:
    """Pence from money as typed: '£600', '2,500.50', '250k', '1.2m'. ValueError says why."""
    if not text.strip():
        raise ValueError("an amount is required (e.g. £600)")
    value = text.strip().casefold().replace(",", "").replace("£", "").replace(" ", "")
    value = value.removeprefix("gbp")
    match = _MONEY.match(value)
    if not match:
        raise ValueError(f"{text!r} is not an amount of money (e.g. £600 or 2,500.50)")
    try:
        pounds = Decimal(match.group(1)) * _SCALE[match.group(2)]
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"{text!r} is not an amount of money") from None
    pence = pounds * 100
    if pence != pence.to_integral_value():
        raise ValueError(f"{text!r} has fractions of a penny")
    return int(pence)


def parse_days(text: str) -> Decimal:
    """Days as typed: a positive number in halves ('5', '2.5')."""
    try:
        days = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number of days") from None
    if not days.is_finite() or days <= 0 or days > 1000:
        raise ValueError("days must be more than 0 and at most 1000")
    if (days * 2) != (days * 2).to_integral_value():
        raise ValueError("days are counted in halves (e.g. 2.5)")
    return days


def pounds(pence: int) -> str:
    """'£5,250.00' (a minus sign before the pound sign when negative)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def decimal_pounds(pence: int) -> str:
    """'5250.00': pounds as an exact decimal string, for JSON and spreadsheets."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def package_value(days: Decimal, rate_pence: int) -> int:
    """Days × day rate, in pence, rounded half up to the penny."""
    return int((days * rate_pence).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Provider(BaseModel):
    """A provider on the programme's framework."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    name: Annotated[str, Field(min_length=1, max_length=200)]
    lots: tuple[Annotated[str, Field(min_length=1, max_length=80)], ...]
    day_rate: Pence | None = None
    sme: bool = False
    contact: Annotated[str, Field(max_length=300)] = ""
    conflicts: Annotated[str, Field(max_length=2000)] = ""
    added_on: date

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not PROVIDER_ID.match(value):
            raise ValueError("provider id must look like SP-001 or SP-KM-001")
        return value

    @field_validator("lots")
    @classmethod
    def _lots(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name the framework lot (e.g. legal)")
        return tuple(dict.fromkeys(value))


class Package(BaseModel):
    """A package of days from one provider for one case."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    case_id: str
    provider_id: str
    kind: Annotated[PackageKind, _choice(PackageKind)]
    days: Annotated[Decimal, Field(gt=0, le=1000)]
    rate: Annotated[Pence, Field(gt=0)]
    """Day rate in pence."""
    deliverable: Annotated[str, Field(min_length=1, max_length=500)]
    due: date
    committed_on: date
    status: Annotated[PackageStatus, _choice(PackageStatus)] = PackageStatus.COMMITTED
    delivered_on: date | None = None
    signed_off_on: date | None = None
    invoiced_on: date | None = None
    invoice_amount: Pence | None = None
    over_budget: Annotated[str, Field(max_length=500)] = ""
    """Why the package was committed beyond the case's remaining budget."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not PACKAGE_ID.match(value):
            raise ValueError("package id must look like PK-0001 or PK-KM-0001")
        return value

    @property
    def value(self) -> int:
        """What the package commits, in pence."""
        return package_value(self.days, self.rate)


def next_status(package: Package, target: PackageStatus) -> None:
    """Raise ValueError unless `target` is the step after the package's status."""
    index = STATUS_ORDER.index(package.status)
    wanted = STATUS_ORDER.index(target)
    if wanted != index + 1:
        raise ValueError(
            f"{package.id} is {package.status.label.lower()}; it can only be "
            + (
                f"{STATUS_ORDER[index + 1].label.lower()} next"
                if index + 1 < len(STATUS_ORDER)
                else "left as it is"
            )
        )


@dataclass
class Money:
    """Committed, delivered, signed off and invoiced pence over some packages."""

    committed: int = 0
    delivered: int = 0
    """Value of packages delivered or further along."""
    signed_off: int = 0
    invoiced: int = 0
    """Invoice amounts."""
    packages: int = 0

    def add(self, record: Mapping[str, Any]) -> None:
        value = package_value(Decimal(str(record["days"])), int(record["rate"]))
        status = record.get("status", "committed")
        self.packages += 1
        self.committed += value
        if status != "committed":
            self.delivered += value
        if status in ("signed-off", "invoiced"):
            self.signed_off += value
        if status == "invoiced":
            self.invoiced += int(record.get("invoice_amount") or 0)

    def as_json(self) -> dict[str, Any]:
        return {
            "packages": self.packages,
            **{
                name: {"pence": getattr(self, name), "pounds": decimal_pounds(getattr(self, name))}
                for name in ("committed", "delivered", "signed_off", "invoiced")
            },
        }


@dataclass
class Rollup:
    """Packages rolled up by case, provider and kind, and for the programme as a whole."""

    total: Money = field(default_factory=Money)
    by_case: dict[str, Money] = field(default_factory=dict)
    by_provider: dict[str, Money] = field(default_factory=dict)
    by_kind: dict[str, Money] = field(default_factory=dict)


def roll_up(packages: Iterable[Mapping[str, Any]]) -> Rollup:
    """Totals over stored package dicts."""
    result = Rollup()
    for record in packages:
        result.total.add(record)
        result.by_case.setdefault(record["case_id"], Money()).add(record)
        result.by_provider.setdefault(record["provider_id"], Money()).add(record)
        result.by_kind.setdefault(str(record["kind"]), Money()).add(record)
    return result


def headroom(total_pence: int, committed_pence: int) -> int:
    """What is left to commit: the total less everything committed (negative if over)."""
    return total_pence - committed_pence
