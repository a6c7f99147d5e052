"""Enumerations shared by the models, each with a human label and forgiving parsing."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound="Choice")


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class Choice(StrEnum):
    """A StrEnum whose members carry a label and parse from value, name or label."""

    @property
    def label(self) -> str:
        """The long label, for forms, detail panes and documents."""
        return _LABELS.get(self, self.value.replace("-", " ").capitalize())

    @property
    def short(self) -> str:
        """The short label, for table columns and status lines (the long one if no shorter)."""
        return _SHORT.get(self, self.label)

    @classmethod
    def label_of(cls, value: object, *, short: bool = False) -> str:
        """The label of a stored value; text that is not a member is shown as it is."""
        try:
            member = cls(str(value))
        except ValueError:
            return "" if value is None else str(value)
        return member.short if short else member.label

    @classmethod
    def parse(cls: type[E], text: str) -> E:
        """The member matching `text` by value, name or label, ignoring case and punctuation."""
        wanted = _squash(text)
        for member in cls:
            if wanted in (_squash(member.value), _squash(member.name), _squash(member.label)):
                return member
        for member in cls:
            if wanted and wanted in _ALIASES.get(member, ()):
                return member
        options = ", ".join(m.value for m in cls)
        raise ValueError(f"{text!r} is not one of: {options}")


V = TypeVar("V")


class _ByMember(dict[tuple[type, str], V]):
    """A dict keyed by enum member that keeps members of different enums apart.

    StrEnum members compare equal to their values, so Route.OTHER and
    ReferOnTo.OTHER would collide as plain dict keys.
    """

    def __init__(self, items: dict[Choice, V]) -> None:
        super().__init__()
        self.update(items)

    def update(self, items: dict[Choice, V]) -> None:  # type: ignore[override]
        for member, value in items.items():
            self[(type(member), member.value)] = value

    def get(self, member: Choice, default: V) -> V:  # type: ignore[override]
        return super().get((type(member), member.value), default)


class Source(Choice):
    """Where a referral came from. The stored value "dclg" is kept for old records; the
    department has been MHCLG since July 2024 (DCLG until 2018, then MHCLG, then DLUHC)."""

    MIS = "mis"
    LGA = "lga"
    DCLG = "dclg"
    NHS = "nhs"
    DIRECT = "direct"


class ParentBodyKind(Choice):
    LOCAL_AUTHORITY = "local-authority"
    NHS_BODY = "nhs-body"
    NHS_TRUST = "nhs-trust"
    NHS_FOUNDATION_TRUST = "nhs-foundation-trust"
    NHS_COMMISSIONER = "nhs-commissioner"
    CENTRAL_GOVERNMENT = "central-government"
    OTHER_PUBLIC = "other-public"


class ProposedModel(Choice):
    EMPLOYEE_OWNED = "employee-owned"
    MULTI_STAKEHOLDER = "multi-stakeholder"
    COMMUNITY_COOP = "community-coop"
    SOCIAL_ENTERPRISE = "social-enterprise"
    UNDECIDED = "undecided"


class Route(Choice):
    COMMISSIONER_LED = "commissioner-led"
    RIGHT_TO_CHALLENGE = "right-to-challenge"
    RIGHT_TO_PROVIDE = "right-to-provide"
    OTHER = "other"


class Stage(Choice):
    IDEA = "idea"
    EXPLORING = "exploring"
    OPTIONS_APPRAISAL = "options-appraisal"
    BUSINESS_CASE = "business-case"
    TRANSITION = "transition"
    SPUN_OUT = "spun-out"


class LawfulBasis(Choice):
    CONSENT = "consent"
    PUBLIC_TASK = "public-task"
    LEGITIMATE_INTERESTS = "legitimate-interests"
    CONTRACT = "contract"


class ReferralStatus(Choice):
    NEW = "new"
    AWAITING = "awaiting"
    ACCEPTED = "accepted"
    SIGNPOSTED = "signposted"
    DECLINED = "declined"
    REFERRED_ON = "referred-on"
    MERGED = "merged"
    """Merged into another referral (`Referral.merged_into`) after a duplicates review."""


class Region(Choice):
    NORTH_EAST = "north-east"
    NORTH_WEST = "north-west"
    YORKSHIRE = "yorkshire-and-the-humber"
    EAST_MIDLANDS = "east-midlands"
    WEST_MIDLANDS = "west-midlands"
    EAST = "east-of-england"
    LONDON = "london"
    SOUTH_EAST = "south-east"
    SOUTH_WEST = "south-west"
    NATIONAL = "national"


_LABELS: _ByMember[str] = _ByMember(
    {
        Source.MIS: "Mutuals Information Service",
        Source.LGA: "Local Government Association",
        Source.DCLG: "MHCLG community rights (formerly DCLG)",
        Source.NHS: "NHS",
        Source.DIRECT: "Direct",
        ParentBodyKind.LOCAL_AUTHORITY: "Local authority",
        ParentBodyKind.NHS_BODY: "NHS body (other, or not known which)",
        ParentBodyKind.NHS_TRUST: "NHS trust",
        ParentBodyKind.NHS_FOUNDATION_TRUST: "NHS foundation trust",
        ParentBodyKind.NHS_COMMISSIONER: "NHS commissioner (ICB; formerly CCG or PCT)",
        ParentBodyKind.CENTRAL_GOVERNMENT: "Central government department or agency",
        ParentBodyKind.OTHER_PUBLIC: "Other public body",
        ProposedModel.EMPLOYEE_OWNED: "Employee-owned mutual",
        ProposedModel.MULTI_STAKEHOLDER: "Multi-stakeholder co-operative",
        ProposedModel.COMMUNITY_COOP: "Community co-operative",
        ProposedModel.SOCIAL_ENTERPRISE: "Social enterprise / CIC",
        ProposedModel.UNDECIDED: "Undecided",
        Route.COMMISSIONER_LED: "Commissioner-led spin-out",
        Route.RIGHT_TO_CHALLENGE: "Community Right to Challenge",
        Route.RIGHT_TO_PROVIDE: "NHS Right to Provide",
        Route.OTHER: "Other",
        ReferralStatus.REFERRED_ON: "Referred on",
        Region.YORKSHIRE: "Yorkshire and the Humber",
        Region.EAST: "East of England",
        LawfulBasis.PUBLIC_TASK: "Public task",
        LawfulBasis.LEGITIMATE_INTERESTS: "Legitimate interests",
    }
)

_ALIASES: _ByMember[tuple[str, ...]] = _ByMember(
    {
        Source.MIS: ("informationservice", "mutualsinformationservice", "hotline"),
        Source.DCLG: ("communityrights", "dclgcommunityrights", "mhclg"),
        ParentBodyKind.LOCAL_AUTHORITY: ("council", "la", "localgovernment"),
        ParentBodyKind.NHS_BODY: ("nhs", "nhsbody"),
        ParentBodyKind.NHS_TRUST: ("nhstrust", "trust"),
        ParentBodyKind.NHS_FOUNDATION_TRUST: ("foundationtrust", "nhsft", "ft"),
        ParentBodyKind.NHS_COMMISSIONER: (
            "icb",
            "ccg",
            "pct",
            "integratedcareboard",
            "clinicalcommissioninggroup",
            "primarycaretrust",
        ),
        ParentBodyKind.CENTRAL_GOVERNMENT: ("centralgovernment", "department", "agency", "govdept"),
        ParentBodyKind.OTHER_PUBLIC: ("other", "otherpublicbody"),
        ProposedModel.EMPLOYEE_OWNED: ("mutual", "employeeownedmutual", "eo", "employeeled"),
        ProposedModel.MULTI_STAKEHOLDER: ("multistakeholdercoop", "msc"),
        ProposedModel.COMMUNITY_COOP: ("communitycooperative", "coop", "cooperative"),
        ProposedModel.SOCIAL_ENTERPRISE: ("cic", "socialenterprisecic", "se"),
        ProposedModel.UNDECIDED: ("unknown", "notsure", "tbc"),
        Route.COMMISSIONER_LED: ("commissionerledspinout", "spinout", "commissioner"),
        Route.RIGHT_TO_CHALLENGE: ("crtc", "rtc", "communityrighttochallenge"),
        Route.RIGHT_TO_PROVIDE: ("rtp", "nhsrighttoprovide"),
        Region.YORKSHIRE: ("yorkshire", "yorkshireandhumber"),
        Region.EAST: ("east", "eastofengland", "eastanglia"),
    }
)

IN_SCOPE_MODELS = frozenset({ProposedModel.EMPLOYEE_OWNED, ProposedModel.UNDECIDED})
"""The programme's remit is employee-owned/led mutuals; others are counted separately."""


class Decision(Choice):
    """What triage decided for a referral."""

    ACCEPT = "accept"
    SIGNPOST = "signpost"
    DECLINE = "decline"
    REFER = "refer"


class ReferOnTo(Choice):
    """Where a referral outside the programme's remit (or not ready) is sent."""

    LGA = "lga"
    DCLG = "dclg"
    CO_OPERATIVES_UK = "co-operatives-uk"
    OTHER = "other"


# Appended, not edited in place: the tables above belong to the lead.
_LABELS.update(
    {
        Decision.ACCEPT: "Accept into the programme",
        Decision.SIGNPOST: "Signpost and revisit",
        Decision.DECLINE: "Decline",
        Decision.REFER: "Refer on",
        ReferOnTo.LGA: "Local Government Association",
        ReferOnTo.DCLG: "MHCLG community rights (formerly DCLG)",
        ReferOnTo.CO_OPERATIVES_UK: "Co-operatives UK",
        ReferOnTo.OTHER: "Other (say where)",
    }
)
_ALIASES.update(
    {
        Decision.ACCEPT: ("accepted", "accept", "yes"),
        Decision.SIGNPOST: ("signposted", "revisit"),
        Decision.DECLINE: ("declined", "no", "reject"),
        Decision.REFER: ("referon", "referred", "referredon"),
        ReferOnTo.LGA: ("localgovernmentassociation",),
        ReferOnTo.DCLG: ("communityrights", "dclgcommunityrights", "mhclg"),
        ReferOnTo.CO_OPERATIVES_UK: ("coopsuk", "coopuk", "cooperativesuk", "cooperatives"),
    }
)

_SHORT: _ByMember[str] = _ByMember(
    {
        ProposedModel.EMPLOYEE_OWNED: "Employee-owned",
        ProposedModel.MULTI_STAKEHOLDER: "Multi-stakeholder",
        ProposedModel.COMMUNITY_COOP: "Community co-op",
        ProposedModel.SOCIAL_ENTERPRISE: "Social enterprise",
        Route.COMMISSIONER_LED: "Commissioner-led",
        Route.RIGHT_TO_CHALLENGE: "Right to Challenge",
        Route.RIGHT_TO_PROVIDE: "Right to Provide",
        Source.MIS: "Information Service",
        Source.LGA: "LGA",
        Source.DCLG: "DCLG",
        Decision.ACCEPT: "Accept",
        Decision.SIGNPOST: "Signpost",
        ReferOnTo.DCLG: "DCLG",
        ReferOnTo.OTHER: "Other",
    }
)
"""Short labels: one name per thing on every screen, shorter where columns are narrow."""
