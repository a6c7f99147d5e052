"""Which column of an import file holds which referral field.

Headers are matched ignoring case, spaces and punctuation ("Contract value (£)"
and "contract_value" are the same), against the field's own name and the
names spreadsheets in the wild use for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REQUIRED = ("organisation", "parent_body")

ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "programme reference",
        "programme ref",
        "program reference",
        "referral id",
        "referral reference",
        "referral ref",
        "msp reference",
        "msp ref",
    ),
    "source_ref": (
        "ref",
        "reference",
        "ref no",
        "reference number",
        "source reference",
        "source ref",
        "mis ref",
        "mis reference",
        "mis id",
        "mis ref no",
        "enquiry id",
        "enquiry ref",
        "enquiry reference",
        "enquiry number",
        "inquiry id",
        "inquiry reference",
        "case reference",
        "case ref",
    ),
    "received": (
        "date received",
        "received on",
        "received date",
        "date",
        "referral date",
        "date referred",
        "referred on",
        "date of referral",
    ),
    "source": ("referral source", "referred by", "referrer", "referred from", "channel"),
    "organisation": (
        "organization",
        "org",
        "org name",
        "organisation name",
        "organization name",
        "service name",
        "mutual",
        "mutual name",
        "proposed mutual",
        "spin out",
        "spinout name",
    ),
    "parent_body": (
        "parent",
        "parent organisation",
        "parent organization",
        "council/trust",
        "council",
        "trust",
        "council or trust",
        "commissioner",
        "public body",
        "parent body name",
        "local authority",
        "authority",
        "host body",
    ),
    "parent_body_kind": (
        "parent body type",
        "parent type",
        "parent kind",
        "type of parent body",
        "body type",
        "kind of parent body",
    ),
    "service_area": ("service", "services", "area of service", "service type", "sector"),
    "staff_in_scope": (
        "staff",
        "no. of staff",
        "number of staff",
        "staff numbers",
        "staff count",
        "headcount",
        "employees",
        "no. of employees",
        "number of employees",
        "fte",
    ),
    "contract_value": (
        "contract value (£)",
        "value",
        "contract value gbp",
        "annual contract value",
        "contract value per year",
        "annual value",
        "budget",
        "turnover",
    ),
    "proposed_model": (
        "model",
        "mutual model",
        "legal model",
        "ownership model",
        "type of mutual",
        "mutual type",
        "proposed structure",
        "structure",
    ),
    "route": ("route in", "spin out route", "mechanism"),
    "stage": ("current stage", "stage of development"),
    "target_spin_out": (
        "target date",
        "target spin out date",
        "spin out date",
        "go live date",
        "target go live",
        "launch date",
        "transfer date",
        "planned spin out",
    ),
    "region": ("government region", "english region"),
    "contact.name": ("contact", "contact name", "contact person", "main contact", "lead contact"),
    "contact.role": ("contact role", "role", "job title", "contact job title", "position"),
    "contact.email": ("contact email", "email", "e-mail", "email address", "contact e-mail"),
    "contact.phone": (
        "contact phone",
        "phone",
        "telephone",
        "tel",
        "phone number",
        "contact number",
        "contact telephone",
        "mobile",
    ),
    "contact.lawful_basis": (
        "lawful basis",
        "gdpr basis",
        "legal basis",
        "lawful basis for processing",
    ),
    "enquiry": (
        "inquiry",
        "notes",
        "description",
        "details",
        "summary",
        "comments",
        "enquiry details",
        "reason for referral",
        "referral reason",
        "message",
        "query",
    ),
    "status": ("referral status",),
    "revisit_on": ("revisit", "revisit date"),
}
"""Each importable field (contact fields dotted) and the other names its column goes by."""

NOT_IMPORTED = (
    "case_id",
    "created_at",
    "updated_at",
    "reject_reason",
    "possible_duplicate_of",
    "duplicate_reason",
    "merged_into",
    "merged_source_refs",
)
"""Columns we recognise (our own exports, a rejects file) but deliberately do not import:
cases are created by triage, timestamps by the desk, and reasons are ours."""

REJECT_REASON = "reject_reason"
"""The column/field a rejects file adds; ignored when that file is imported again."""


def squash(name: str) -> str:
    """A header reduced to lower-case letters and digits: 'No. of staff' -> 'noofstaff'."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, aliases in ALIASES.items():
        for alias in (name, *aliases):
            key = squash(alias)
            if key in table and table[key] != name:
                raise AssertionError(f"header alias {alias!r} is ambiguous")
            table[key] = name
    return table


_FIELD_BY_HEADER = _lookup()
_NOT_IMPORTED = frozenset(squash(name) for name in NOT_IMPORTED)


def field_for(header: str) -> str | None:
    """The referral field a header names, or None if it names none."""
    return _FIELD_BY_HEADER.get(squash(header))


@dataclass(frozen=True)
class ColumnMap:
    """Where each field is in a row, and what in the header was not used."""

    positions: dict[str, int]
    """Field -> index of its column (the first, if several columns name it)."""
    headers: dict[str, str]
    """Field -> the header as the file writes it, for messages."""
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    width: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    """Columns the desk has no field for: header -> index. Their values are kept on each
    referral as source fields (the first column of a repeated header wins)."""
    """How many columns the header has."""

    @property
    def complete(self) -> bool:
        """Whether the required columns (organisation and parent body) are all there."""
        return all(name in self.positions for name in REQUIRED)

    def notes(self) -> list[str]:
        """One line for each kind of column that will be left out of the import."""
        found = []
        if self.kept:
            found.append(
                "columns with no field on the desk, kept on each referral as source fields: "
                + _listed(list(self.kept))
            )
        dropped = [text for text in self.unknown if text.strip() not in self.kept]
        if dropped:
            found.append("columns not kept (repeated or unreadable names): " + _listed(dropped))
        if self.repeated:
            found.append(
                "columns naming a field already taken by an earlier column, not imported: "
                + _listed(self.repeated)
            )
        if self.not_imported:
            found.append("columns mspdesk sets itself, not imported: " + _listed(self.not_imported))
        return found


def map_columns(header: list[str]) -> ColumnMap:
    """Match each header to a field; the first column naming a field wins."""
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    not_imported: list[str] = []
    kept: dict[str, int] = {}
    for index, text in enumerate(header):
        name = field_for(text)
        if name is None:
            if squash(text) in _NOT_IMPORTED:
                if squash(text) != squash(REJECT_REASON):
                    not_imported.append(text)
            elif text.strip():
                unknown.append(text)
                if text.strip() not in kept and _readable(text):
                    kept[text.strip()] = index
        elif name in positions:
            repeated.append(text)
        else:
            positions[name] = index
            headers[name] = text
    return ColumnMap(positions, headers, unknown, repeated, not_imported, len(header), kept)


def _readable(text: str) -> bool:
    """Whether a header can be stored as text (a lone surrogate from JSON cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _listed(headers: list[str]) -> str:
    return ", ".join(repr(text) for text in headers)
