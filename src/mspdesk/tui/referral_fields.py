"""The referral form's fields: what each is called, how its text is read, where problems go.

Pure (no widgets), so reading what an adviser typed is tested without a terminal. The
form holds every value as the text typed (or the choice picked), so nothing is lost when
a value cannot be read; `read_form` turns that text into referral fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

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
from mspdesk.domain.parsing import parse_count, parse_date, parse_money, parse_percent
from mspdesk.domain.referral import Referral

Kind = Literal["text", "date", "money", "count", "percent", "choice", "reference", "status", "area"]

OPEN_STATUSES = (ReferralStatus.NEW, ReferralStatus.AWAITING)
"""The statuses the form may set; decisions are recorded by triage, with a reason."""


@dataclass(frozen=True)
class FormField:
    """One field of the form. `name` is the referral field; contact fields are dotted."""

    name: str
    label: str
    kind: Kind = "text"
    choice: type[Choice] | None = None
    placeholder: str = ""
    optional_choice: bool = False
    """A choice that may be left blank (shown as "Not given")."""

    @property
    def widget_id(self) -> str:
        return "rform-" + self.name.replace(".", "-").replace("_", "-")

    @property
    def error_id(self) -> str:
        return self.widget_id + "-error"


DATE_HINT = "2013-02-28 or 28/02/2013"

SECTIONS: tuple[tuple[int, str, tuple[FormField, ...]], ...] = (
    (
        0,
        "Referral",
        (
            FormField("id", "Reference", "reference", placeholder="blank: the next free one"),
            FormField("received", "Received", "date", placeholder=DATE_HINT),
            FormField("source", "Source", "choice", Source),
            FormField("status", "Status", "status", ReferralStatus),
            FormField("revisit_on", "Revisit on", "date", placeholder=DATE_HINT),
        ),
    ),
    (
        0,
        "Organisation",
        (
            FormField("organisation", "Organisation *", placeholder="required"),
            FormField("parent_body", "Parent body *", placeholder="required: council, trust…"),
            FormField("parent_body_kind", "Kind of body", "choice", ParentBodyKind),
            FormField("service_area", "Service area", placeholder="e.g. adult social care"),
            FormField("region", "Region", "choice", Region, optional_choice=True),
            FormField("staff_in_scope", "Staff in scope", "count", placeholder="e.g. 120"),
            FormField(
                "contract_value", "Contract value", "money", placeholder="e.g. £1,200,000 or 1.2m"
            ),
        ),
    ),
    (
        1,
        "Proposal",
        (
            FormField("proposed_model", "Proposed model", "choice", ProposedModel),
            FormField("staff_votes_percent", "Staff % of votes", "percent", placeholder="e.g. 60%"),
            FormField("staff_board_percent", "Staff % of board", "percent", placeholder="e.g. 50%"),
            FormField("route", "Route", "choice", Route),
            FormField("stage", "Stage", "choice", Stage),
            FormField("target_spin_out", "Target spin-out", "date", placeholder=DATE_HINT),
        ),
    ),
    (
        1,
        "Contact",
        (
            FormField("contact.name", "Name"),
            FormField("contact.role", "Role", placeholder="e.g. head of service"),
            FormField("contact.email", "Email", placeholder="name@example.org"),
            FormField("contact.phone", "Phone", placeholder="0113 496 0000"),
            FormField("contact.lawful_basis", "Lawful basis", "choice", LawfulBasis),
        ),
    ),
)
ENQUIRY = FormField("enquiry", "Enquiry", "area")
FIELDS: tuple[FormField, ...] = (
    *(field for _, _, fields in SECTIONS for field in fields),
    ENQUIRY,
)
"""Every field, in the order the form shows (and focuses) them."""
BY_NAME = {field.name: field for field in FIELDS}
LABELS = {field.name: field.label.removesuffix(" *") for field in FIELDS}
"""A person's name for each referral field ("contact.email" -> "Email")."""

_PARSERS: dict[str, Callable[[str], Any]] = {
    "date": parse_date,
    "money": parse_money,
    "count": parse_count,
    "percent": parse_percent,
}


def initial_text(referral: Referral | None, today: date) -> dict[str, str]:
    """The text each field starts with: the referral's values, or a new referral's defaults."""
    if referral is None:
        referral = Referral(id="R-0000-0000", received=today, organisation="-", parent_body="-")
        blank_names = True
    else:
        blank_names = False
    values: dict[str, str] = {}
    for field in FIELDS:
        value = _value_of(referral, field.name)
        if field.kind == "money" and isinstance(value, int):
            values[field.name] = f"£{value:,}"
        elif field.kind == "percent" and isinstance(value, float):
            values[field.name] = f"{value:g}%"
        else:
            values[field.name] = "" if value is None else str(value)
    if blank_names:
        values.update(id="", organisation="", parent_body="")
    return values


def _value_of(referral: Referral, name: str) -> Any:
    head, _, rest = name.partition(".")
    value = getattr(referral, head)
    return getattr(value, rest) if rest else value


def read_form(text: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Referral fields from the form's text, and (field, message) for each value that could
    not be read. Only the fields in `text` are read; a blank optional value reads as None.

    A field that cannot be read is left out, so the rest can still be checked."""
    fields: dict[str, Any] = {}
    contact: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name, typed in text.items():
        field = BY_NAME.get(name)
        if field is None:
            continue
        try:
            value = _read(field, typed)
        except ValueError as error:
            problems.append((name, str(error)))
            continue
        if name == "id" and value is None:
            continue  # the desk gives a new referral the next free reference
        head, _, rest = name.partition(".")
        if rest:
            contact[rest] = value
        else:
            fields[head] = value
    if contact:
        fields["contact"] = contact
    return fields, problems


def _read(field: FormField, typed: str) -> Any:
    parser = _PARSERS.get(field.kind)
    if parser is not None:
        # Received is required; the other dates and amounts may be left blank.
        return parser(typed) if typed.strip() or field.name == "received" else None
    if field.kind == "reference":
        return typed.strip().upper() or None
    if field.kind in ("choice", "status"):
        return typed or None
    return typed


def place_of(problem_field: str) -> str | None:
    """The form field a problem belongs to ("contact.email" -> "contact.email"), or None
    when it is about the referral as a whole."""
    if problem_field in BY_NAME:
        return problem_field
    head = problem_field.split(".")[0]
    return head if head in BY_NAME else None
