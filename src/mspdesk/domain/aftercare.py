"""Life after spin-out: is the mutual still trading one, three and five years on?

A spun-out case moves to monitoring: check-ins fall due on the first, third and fifth
anniversaries of the spin-out, a re-tender alert 18 months before the first contract ends
(time enough to prepare a bid), and staff who keep Local Government Pension Scheme membership
through admitted-body status carry a pensions exit risk (a cessation debt when the last active
member leaves or the admission agreement ends).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

CHECKIN_YEARS = (1, 3, 5)
RETENDER_MONTHS = 18
LGPS_NOTE = (
    "Staff are in the LGPS: as an admitted body the mutual owes a cessation (exit) debt when "
    "its admission agreement ends or its last active member leaves; agree a pass-through or "
    "guarantee with the council and have the fund actuary value the exit position."
)


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (the last day of a shorter month if need be)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class CheckIn(BaseModel):
    """What a check-in found: trading, staff ownership, turnover, contracts, staff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: Annotated[int, Field(ge=1, le=10)]
    on: date
    trading: bool
    ownership_percent: Annotated[int | None, Field(ge=0, le=100)] = None
    turnover: Annotated[int | None, Field(ge=0)] = None
    """Whole pounds a year."""
    contracts_beyond_first: Annotated[int | None, Field(ge=0)] = None
    staff: Annotated[int | None, Field(ge=0)] = None


class Monitoring(BaseModel):
    """A spun-out mutual under monitoring (keyed by its case id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: str
    spun_out_on: date
    contract_end: date | None = None
    contract_value: Annotated[int | None, Field(ge=0)] = None
    """Whole pounds: the value of the contract the mutual runs."""
    staff: Annotated[int | None, Field(ge=0)] = None
    """Staff who transferred."""
    lgps: bool = False
    checkins: tuple[CheckIn, ...] = ()

    def checkin_due(self, year: int) -> date:
        return add_months(self.spun_out_on, 12 * year)

    @property
    def retender_on(self) -> date | None:
        if self.contract_end is None:
            return None
        return add_months(self.contract_end, -RETENDER_MONTHS)

    def checkin(self, year: int) -> CheckIn | None:
        return next((c for c in self.checkins if c.year == year), None)

    @property
    def trading(self) -> bool:
        """Still trading as far as the latest check-in knows (yes until told otherwise)."""
        latest = max(self.checkins, key=lambda c: (c.on, c.year), default=None)
        return True if latest is None else latest.trading

    def trading_on(self, day: date) -> bool:
        """Trading as the check-ins recorded up to `day` say (yes until told otherwise)."""
        known = [c for c in self.checkins if c.on <= day]
        latest = max(known, key=lambda c: (c.on, c.year), default=None)
        return True if latest is None else latest.trading

    @property
    def pensions_note(self) -> str:
        return LGPS_NOTE if self.lgps else ""

    def due(self) -> list[tuple[str, str, date]]:
        """(code, title, date) for what monitoring still waits on: check-ins not yet
        recorded and the re-tender alert (while the mutual is trading)."""
        if not self.trading:
            return []
        found = [
            (f"Y{year}", f"{year}-year check-in", self.checkin_due(year))
            for year in CHECKIN_YEARS
            if self.checkin(year) is None
        ]
        if self.retender_on is not None and self.contract_end is not None:
            found.append(
                (
                    "RETENDER",
                    f"Re-tender alert: contract ends {self.contract_end.isoformat()}",
                    self.retender_on,
                )
            )
        return sorted(found, key=lambda item: item[2])
