"""Retention: how long personal data is kept after a record's business ends."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NOT_TAKEN_ON = frozenset({"declined", "signposted", "referred-on"})
"""Referral statuses that end the referral without a case."""
ENDED_CASES = frozenset({"closed", "spun-out", "withdrawn"})


class RetentionRules(BaseModel):
    """Years to keep personal data, per kind of record (the defaults are the README's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    declined_referral_years: Annotated[int, Field(ge=0, le=100)] = 2
    """Referrals declined, signposted or referred on: years after the triage decision."""
    ended_case_years: Annotated[int, Field(ge=0, le=100)] = 6
    """Cases closed, spun out or withdrawn: years after the case ended."""


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a non-leap year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
