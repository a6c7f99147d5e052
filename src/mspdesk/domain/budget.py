"""Support budget: days and pounds allocated and spent per case, against the programme total.

The programme's total is configuration (a small TOML file), not code: the Cabinet Office
committed at least GBP 10m when it launched the programme in December 2011.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.toml_text import load_toml
from mspdesk.domain.validation import problems_of

Days = Annotated[float, Field(ge=0, le=10_000)]
Pounds = Annotated[int, Field(ge=0, le=1_000_000_000)]


class CaseBudget(BaseModel):
    """Support allocated to one case and what has been spent of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days_allocated: Days = 0
    days_spent: Days = 0
    amount_allocated: Pounds = 0
    amount_spent: Pounds = 0

    @property
    def days_left(self) -> float:
        return self.days_allocated - self.days_spent

    @property
    def amount_left(self) -> int:
        return self.amount_allocated - self.amount_spent


class Programme(BaseModel):
    """Programme-wide budget settings (programme.toml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "Mutuals Support Programme"
    total_budget: Annotated[int, Field(gt=0)] = 10_000_000
    """Whole pounds for the programme as a whole."""
    warn_at_percent: Annotated[int, Field(ge=1, le=100)] = 90
    """Warn when this share of an allocation is spent."""
    board_approval: bool = False
    """Accepting a referral opens its case as awaiting the programme Board's approval."""
    eligibility_gate: bool = False
    """Accepting a referral needs the eligibility checks passed (or overridden with a reason)."""
    min_staff_control_percent: Annotated[int, Field(ge=1, le=100)] = 25
    matched_funding_required: bool = False
    source: str = ""


def parse_programme(text: str, name: str = "programme.toml") -> Programme:
    """Programme settings from TOML `text`; InvalidRecord names the field (or line)."""
    data = load_toml(text, name)
    try:
        return Programme.model_validate(data)
    except ValidationError as error:
        raise InvalidRecord(problems_of(error), name) from None


def budget_warnings(budget: CaseBudget, warn_at_percent: int = 90) -> list[tuple[str, str]]:
    """(level, message) pairs: "overdue" for overspend, "soon" when nearly used up."""
    found: list[tuple[str, str]] = []
    for what, allocated, spent, unit in (
        ("days", budget.days_allocated, budget.days_spent, _days),
        ("amount", budget.amount_allocated, budget.amount_spent, _pounds),
    ):
        if spent > allocated:
            found.append(
                ("overdue", f"Overspent {what}: {unit(spent)} spent of {unit(allocated)}.")
            )
        elif allocated and spent * 100 >= allocated * warn_at_percent:
            found.append(
                (
                    "soon",
                    f"{unit(spent)} of {unit(allocated)} used ({_share(spent, allocated)}).",
                )
            )
    return found


@dataclass(frozen=True)
class ProgrammeSummary:
    """Budget across every case, against the programme total."""

    total: int
    amount_allocated: int
    amount_spent: int
    days_allocated: float
    days_spent: float
    cases: int
    overspent_cases: tuple[str, ...]

    @property
    def unallocated(self) -> int:
        return self.total - self.amount_allocated

    def warnings(self) -> list[tuple[str, str]]:
        """Programme-level (level, message) pairs."""
        found: list[tuple[str, str]] = []
        if self.amount_allocated > self.total:
            found.append(
                (
                    "overdue",
                    f"Allocations {_pounds(self.amount_allocated)} exceed the programme total "
                    f"{_pounds(self.total)}.",
                )
            )
        if self.amount_spent > self.total:
            found.append(("overdue", f"Spending {_pounds(self.amount_spent)} exceeds the total."))
        if self.overspent_cases:
            found.append(
                (
                    "overdue",
                    f"{len(self.overspent_cases)} case(s) overspent: "
                    + ", ".join(self.overspent_cases[:8]),
                )
            )
        return found


def summarise(
    budgets: Iterable[tuple[str, Mapping[str, Any] | None]], programme: Programme
) -> ProgrammeSummary:
    """Totals over (case id, stored budget dict) pairs: plain dicts, so a large desk is cheap."""
    amount_allocated = amount_spent = cases = 0
    days_allocated = days_spent = 0.0
    overspent: list[str] = []
    for case_id, raw in budgets:
        if not raw:
            continue
        cases += 1
        amount_allocated += int(raw.get("amount_allocated", 0))
        amount_spent += int(raw.get("amount_spent", 0))
        days_allocated += float(raw.get("days_allocated", 0))
        days_spent += float(raw.get("days_spent", 0))
        if raw.get("amount_spent", 0) > raw.get("amount_allocated", 0) or raw.get(
            "days_spent", 0
        ) > raw.get("days_allocated", 0):
            overspent.append(case_id)
    return ProgrammeSummary(
        total=programme.total_budget,
        amount_allocated=amount_allocated,
        amount_spent=amount_spent,
        days_allocated=days_allocated,
        days_spent=days_spent,
        cases=cases,
        overspent_cases=tuple(sorted(overspent)),
    )


def _pounds(amount: float) -> str:
    return f"£{amount:,.0f}"


def _days(count: float) -> str:
    text = f"{count:g}"
    return f"{text} day" if text == "1" else f"{text} days"


def _share(part: float, whole: float) -> str:
    return f"{part * 100 / whole:.0f}%"
