"""A case: an accepted referral that an adviser takes through the pre-spin-out phase."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from mspdesk.domain.choices import Choice, ProposedModel, Route

CASE_ID = re.compile(r"^C-\d{4,}$")


class CaseStatus(Choice):
    ACTIVE = "active"
    PAUSED = "paused"
    SPUN_OUT = "spun-out"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class Case(BaseModel):
    """One case. Milestones are stored as plain dicts until pathways are planned onto it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    referral_id: str
    organisation: str
    parent_body: str
    route: Route
    proposed_model: ProposedModel
    pathway: str = ""
    status: CaseStatus = CaseStatus.ACTIVE
    adviser: str = ""
    opened_on: date
    milestones: tuple[dict[str, Any], ...] = ()
    outcome: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CASE_ID.match(value):
            raise ValueError("case id must look like C-0017")
        return value


def case_id(number: int) -> str:
    """The id of the `number`th case."""
    return f"C-{number:04d}"
