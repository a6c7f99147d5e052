"""A referral: an enquiry passed to the Support Programme, waiting for triage."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from mspdesk.domain.choices import (
    Choice,
    LawfulBasis,
    ParentBodyKind,
    ProposedModel,
    ReferralStatus,
    Region,
    Route,
    Source,
    Stage,
)
from mspdesk.domain.references import REFERENCE
from mspdesk.domain.scope import Scope, staff_control_scope
from mspdesk.domain.validation import EMAIL, PHONE


def _choice(kind: type[Choice]) -> BeforeValidator:
    """Accept a member's value, name or label in any case."""

    def parse(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, kind):
            return kind.parse(value)
        return value

    return BeforeValidator(parse)


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Text = Annotated[str, Field(max_length=20_000)]
Count = Annotated[int, Field(ge=0)]
ShortText = Annotated[str, Field(max_length=300)]
OptionalDate = Annotated[date | None, BeforeValidator(_blank_to_none)]


def _percent(value: Any) -> Any:
    """'60%', '60' or 60 -> 60; blank -> None."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a percentage (e.g. 60 or 60%)") from None
    return value


Percent = Annotated[Annotated[float, Field(ge=0, le=100)] | None, BeforeValidator(_percent)]
"""A share in percent, 0-100, or None when not recorded."""


class Contact(BaseModel):
    """The person at the referred organisation, and why we may hold their details."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: ShortText = ""
    role: ShortText = ""
    email: ShortText = ""
    phone: ShortText = ""
    lawful_basis: Annotated[LawfulBasis, _choice(LawfulBasis)] = LawfulBasis.PUBLIC_TASK

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not EMAIL.match(value):
            raise ValueError("not a valid email address")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not PHONE.match(value):
            raise ValueError("not a valid phone number (digits, spaces, +, -, brackets)")
        return value


class Referral(BaseModel):
    """One referral as stored. Build new ones through `Desk.add_referral`."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    received: date
    source: Annotated[Source, _choice(Source)] = Source.MIS
    organisation: ShortText
    parent_body: ShortText
    parent_body_kind: Annotated[ParentBodyKind, _choice(ParentBodyKind)] = (
        ParentBodyKind.LOCAL_AUTHORITY
    )
    service_area: ShortText = ""
    staff_in_scope: Annotated[Count | None, BeforeValidator(_blank_to_none)] = None
    staff_votes_percent: Percent = None
    """Share of the members' votes held by staff in the proposed organisation."""
    staff_board_percent: Percent = None
    """Share of the board seats held by staff (elected by or from the staff)."""
    contract_value: Annotated[Count | None, BeforeValidator(_blank_to_none)] = None
    proposed_model: Annotated[ProposedModel, _choice(ProposedModel)] = ProposedModel.UNDECIDED
    route: Annotated[Route, _choice(Route)] = Route.COMMISSIONER_LED
    stage: Annotated[Stage, _choice(Stage)] = Stage.IDEA
    target_spin_out: OptionalDate = None
    region: Annotated[Region | None, BeforeValidator(_blank_to_none), _choice(Region)] = None
    contact: Contact = Contact()
    enquiry: Text = ""
    status: Annotated[ReferralStatus, _choice(ReferralStatus)] = ReferralStatus.NEW
    case_id: str | None = None
    revisit_on: OptionalDate = None
    source_ref: ShortText = ""
    """The reference the source gave it (e.g. the Information Service's MIS-2013-0006): any
    text; with `source`, what makes a re-imported row the same referral."""
    source_fields: dict[str, Text] = {}
    """Columns of the imported file the desk has no field for, kept as given (header -> text)."""
    possible_duplicate_of: str | None = None
    """Set when it was added while another referral had the same organisation and parent
    body; cleared by keeping both (with `duplicate_reason`) or merging."""
    duplicate_reason: ShortText = ""
    """Why an adviser kept it apart from the referral it looked like."""
    merged_into: str | None = None
    """The referral this one was merged into (its status is then merged)."""
    merged_source_refs: tuple[str, ...] = ()
    """Source references of referrals merged into this one."""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("id")
    @classmethod
    def _reference(cls, value: str) -> str:
        if not REFERENCE.match(value):
            raise ValueError("programme reference must look like R-2013-0042 or R-2013-KM-0042")
        return value

    @field_validator("organisation", "parent_body")
    @classmethod
    def _required(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @property
    def scope(self) -> Scope:
        """In scope by measured staff control, the model's label as a hint (domain/scope)."""
        return staff_control_scope(
            self.proposed_model, self.staff_votes_percent, self.staff_board_percent
        )

    @property
    def in_scope(self) -> bool:
        """Whether the referral is within the programme's remit (see `scope`)."""
        return self.scope.in_scope

    def age_days(self, today: date) -> int:
        """Calendar days since the referral was received."""
        return (today - self.received).days


EDITABLE_FIELDS = frozenset(Referral.model_fields) - {
    "id",
    "created_at",
    "updated_at",
    "case_id",
    "possible_duplicate_of",
    "duplicate_reason",
    "merged_into",
    "merged_source_refs",
}
"""Fields an adviser may change with `update_referral`."""
