"""Words for record fields and stored values, for every screen and CLI text: one place, so
no internal code (`council-spin-out`, `authority_roles`, `mis`) reaches the adviser."""

from __future__ import annotations

from mspdesk.domain.case import CaseStatus
from mspdesk.domain.choices import (
    Choice,
    Decision,
    LawfulBasis,
    ParentBodyKind,
    ProposedModel,
    ReferOnTo,
    ReferralStatus,
    Region,
    Route,
    Source,
    Stage,
)
from mspdesk.domain.note import NoteKind

FIELD_LABELS = {
    "authority_roles": "parent body's roles",
    "parent_body": "parent body",
    "parent_body_kind": "kind of parent body",
    "proposed_model": "proposed model",
    "service_area": "service area",
    "staff_in_scope": "staff in scope",
    "contract_value": "contract value",
    "target_spin_out": "target spin-out date",
    "revisit_on": "revisit on",
    "lawful_basis": "lawful basis",
    "case_id": "case",
    "procurement_on": "procurement date",
    "light_touch": "light touch",
    "refer_to": "referred to",
    "signpost_pages": "guidance pages",
    "pathway": "pathway",
}
"""Field names that read badly with underscores turned into spaces (or not at all)."""

FIELD_CHOICES: dict[str, type[Choice]] = {
    "route": Route,
    "proposed_model": ProposedModel,
    "source": Source,
    "parent_body_kind": ParentBodyKind,
    "stage": Stage,
    "lawful_basis": LawfulBasis,
    "region": Region,
    "decision": Decision,
    "refer_to": ReferOnTo,
    "kind": NoteKind,
}
"""Fields whose stored value is a code with a label."""

STATUS_CHOICES: tuple[type[Choice], ...] = (ReferralStatus, CaseStatus)


def field_label(field: str) -> str:
    """A field name as words: `authority_roles` -> `parent body's roles`."""
    return FIELD_LABELS.get(field, field.replace("_", " "))


def value_label(field: str, value: object) -> str:
    """A stored value as the adviser knows it: `mis` -> `Mutuals Information Service`."""
    if value is None:
        return ""
    choice = FIELD_CHOICES.get(field)
    if choice is not None:
        return choice.label_of(value)
    if field == "status":
        for kind in STATUS_CHOICES:
            label = kind.label_of(value)
            if label != str(value):
                return label
    return str(value)
