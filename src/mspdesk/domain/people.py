"""People and partners on a case: the adviser, a Mutual Ambassador, parent-body contacts,
and links at the LGA or DCLG."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from mspdesk.domain.choices import Choice
from mspdesk.domain.validation import EMAIL, PHONE


class PersonRole(Choice):
    CASE_ADVISER = "case-adviser"
    MUTUAL_AMBASSADOR = "mutual-ambassador"
    PARENT_BODY_CONTACT = "parent-body-contact"
    LGA_LINK = "lga-link"
    DCLG_LINK = "dclg-link"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ROLE_LABELS.get(self.value, super().label)


_ROLE_LABELS = {
    "case-adviser": "Case adviser",
    "mutual-ambassador": "Mutual Ambassador",
    "parent-body-contact": "Parent-body contact",
    "lga-link": "LGA link",
    "dclg-link": "MHCLG (formerly DCLG) link",
}


def _role(value: Any) -> Any:
    return PersonRole.parse(value) if isinstance(value, str) else value


ShortText = Annotated[str, Field(max_length=300)]


class Person(BaseModel):
    """One person involved in a case, and how to reach them."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    role: Annotated[PersonRole, BeforeValidator(_role)]
    name: Annotated[str, Field(min_length=1, max_length=300)]
    organisation: ShortText = ""
    email: ShortText = ""
    phone: ShortText = ""
    note: Annotated[str, Field(max_length=2000)] = ""

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
