"""A case: an accepted referral that an adviser takes through the pre-spin-out phase.

Stored as one record holding its milestones, people, conflicts, budget and Right to Challenge
state, so a change to any of them is one patch with its prior values (history and undo for
free). The shapes stay plain JSON: lists of small dicts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from mspdesk.domain.budget import CaseBudget
from mspdesk.domain.challenge import AuthorityPeriods, ExpressionOfInterest
from mspdesk.domain.choices import Choice, ParentBodyKind, ProposedModel, Route, Stage
from mspdesk.domain.conflicts import ConflictEntry, Role
from mspdesk.domain.milestone import Milestone
from mspdesk.domain.people import Person
from mspdesk.domain.references import CASES
from mspdesk.domain.scope import Scope, staff_control_scope

CASE_ID = CASES.pattern


class CaseStatus(Choice):
    ACTIVE = "active"
    PAUSED = "paused"
    SPUN_OUT = "spun-out"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    AWAITING_BOARD = "awaiting-board"
    """Accepted by the adviser; waits for the programme Board (board_approval on)."""
    BOARD_DECLINED = "board-declined"
    """Declined by the Board: it never became an active case."""


ENDED = frozenset(
    {CaseStatus.SPUN_OUT, CaseStatus.WITHDRAWN, CaseStatus.CLOSED, CaseStatus.BOARD_DECLINED}
)
"""Statuses that end a case; each records an outcome for the evidence base."""


def _choice(kind: type[Choice]) -> BeforeValidator:
    def parse(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, kind):
            return kind.parse(value)
        return value

    return BeforeValidator(parse)


class CaseChallenge(BaseModel):
    """A Community Right to Challenge case's expression of interest and the authority's
    published periods."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    eoi: ExpressionOfInterest = ExpressionOfInterest()
    periods: AuthorityPeriods = AuthorityPeriods()


class Case(BaseModel):
    """One case, with its milestones and everything the case screen shows."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    referral_id: str
    organisation: str
    parent_body: str
    parent_body_kind: Annotated[ParentBodyKind, _choice(ParentBodyKind)] = (
        ParentBodyKind.LOCAL_AUTHORITY
    )
    route: Annotated[Route, _choice(Route)]
    proposed_model: Annotated[ProposedModel, _choice(ProposedModel)]
    pathway: str = ""
    stage: Annotated[Stage, _choice(Stage)] = Stage.IDEA
    status: Annotated[CaseStatus, _choice(CaseStatus)] = CaseStatus.ACTIVE
    adviser: str = ""
    opened_on: date
    start_on: date | None = None
    """The day the plan counts from (default: the day the case opened)."""
    milestones: tuple[Milestone, ...] = ()
    outcome: Annotated[str, Field(max_length=5000)] = ""
    ended_on: date | None = None
    people: tuple[Person, ...] = ()
    authority_roles: tuple[Role, ...] = ()
    conflicts: tuple[ConflictEntry, ...] = ()
    budget: CaseBudget = CaseBudget()
    challenge: CaseChallenge | None = None
    contract_value: Annotated[int | None, Field(ge=0)] = None
    """Whole pounds, for the Social Value Act check (copied from the referral)."""
    procurement_on: date | None = None
    """When the service will be procured (the day the threshold in force is read)."""
    light_touch: bool = False
    health_care: bool = False
    """The service is a health care service (the Provider Selection Regime from 1 Jan 2024)."""
    staff_votes_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    """Share of members' votes held by staff (copied from the referral; domain/scope)."""
    staff_board_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    """Share of board seats held by staff (copied from the referral)."""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CASE_ID.match(value):
            raise ValueError("case id must look like C-0017 or C-KM-0017")
        return value

    @field_validator("authority_roles")
    @classmethod
    def _distinct_roles(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _outcome(self) -> Case:
        if self.status in ENDED and not self.outcome:
            raise ValueError(
                f"outcome: say how the case ended ({self.status.value}) for the evidence base"
            )
        return self

    @property
    def scope(self) -> Scope:
        """In scope by measured staff control, the model's label as a hint."""
        return staff_control_scope(
            self.proposed_model, self.staff_votes_percent, self.staff_board_percent
        )

    @property
    def plan_start(self) -> date:
        """The date milestones hanging from "start" count from."""
        return self.start_on or self.opened_on

    def milestone(self, code: str) -> Milestone | None:
        """The milestone with `code`, or None."""
        return next((m for m in self.milestones if m.code == code), None)

    @property
    def ordered_milestones(self) -> list[Milestone]:
        """Milestones in the order the adviser arranged them."""
        return sorted(self.milestones, key=lambda m: m.position)


def case_id(number: int, code: str | None = None) -> str:
    """The id of the `number`th case (of the desk with `code`, if any)."""
    return CASES.make(number, code)
