"""Triage: the adviser's decision on a referral, and the triage service level.

The rubric and scoring live in `rubric.py` and working days in `workdays.py`; the names
callers need are re-exported here so `from mspdesk.domain.triage import ...` is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from mspdesk.domain.choices import (
    IN_SCOPE_MODELS,
    Decision,
    ProposedModel,
    ReferOnTo,
    ReferralStatus,
)
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.references import REFERENCE
from mspdesk.domain.rubric import (
    SCORES,
    SLUG,
    Band,
    Criterion,
    Rubric,
    Score,
    choice_parser,
    parse_rubric,
    parse_scores,
    score,
)
from mspdesk.domain.validation import validated
from mspdesk.domain.workdays import (
    Holidays,
    add_working_days,
    english_bank_holidays,
    working_days_between,
)

__all__ = [
    "SCORES",
    "Band",
    "Criterion",
    "Decision",
    "ReferOnTo",
    "Rubric",
    "Score",
    "TriageDecision",
    "english_bank_holidays",
    "is_in_scope",
    "is_overdue_for_triage",
    "make_decision",
    "parse_rubric",
    "parse_scores",
    "score",
    "status_after",
    "suggested_band",
    "suggested_revisit",
    "triage_due",
    "working_days_between",
]

STATUS_AFTER: dict[Decision, ReferralStatus] = {
    Decision.ACCEPT: ReferralStatus.ACCEPTED,
    Decision.SIGNPOST: ReferralStatus.SIGNPOSTED,
    Decision.DECLINE: ReferralStatus.DECLINED,
    Decision.REFER: ReferralStatus.REFERRED_ON,
}


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class TriageDecision(BaseModel):
    """What an adviser decided about one referral, and why. Build with `make_decision`.

    Field order matters: the checks on later fields read `decision` and `decided_at`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    referral_id: str
    decision: Annotated[Decision, choice_parser(Decision)]
    decided_at: datetime
    adviser: Annotated[str, Field(max_length=200)]
    reason: Annotated[str, Field(max_length=20_000)]
    in_scope: bool
    scores: dict[str, int] = {}
    # validate_default: the "scored together" check must also run on fields left out.
    score_total: Annotated[int | None, Field(ge=0)] = Field(default=None, validate_default=True)
    score_percent: Annotated[float | None, Field(ge=0, le=100)] = Field(
        default=None, validate_default=True
    )
    band: str | None = Field(default=None, validate_default=True)
    signpost_pages: list[str] = []
    revisit_on: Annotated[date | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, validate_default=True
    )
    refer_to: Annotated[
        ReferOnTo | None, choice_parser(ReferOnTo), BeforeValidator(_blank_to_none)
    ] = Field(default=None, validate_default=True)
    refer_to_other: Annotated[str, Field(max_length=300)] = Field(default="", validate_default=True)
    """Where, when `refer_to` is other."""

    @field_validator("referral_id")
    @classmethod
    def _reference(cls, value: str) -> str:
        if not REFERENCE.match(value):
            raise ValueError("programme reference must look like R-2013-0042 or R-2013-KM-0042")
        return value

    @field_validator("adviser")
    @classmethod
    def _adviser(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty; who made the decision")
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value:
            raise ValueError("required; say why this decision was made")
        return value

    @field_validator("scores")
    @classmethod
    def _score_range(cls, value: dict[str, int]) -> dict[str, int]:
        for key, number in value.items():
            if number not in SCORES:
                raise ValueError(f"{key} must be 0 to 3, got {number}")
        return value

    @field_validator("score_total", "score_percent", "band")
    @classmethod
    def _scored_together(cls, value: Any, info: ValidationInfo) -> Any:
        scored = bool(info.data.get("scores"))
        if scored and value is None:
            raise ValueError("required when scores are given")
        if not scored and value is not None:
            raise ValueError("must be empty when nothing was scored")
        return value

    @field_validator("signpost_pages")
    @classmethod
    def _page_slugs(cls, value: list[str]) -> list[str]:
        bad = [page for page in value if not SLUG.match(page)]
        if bad:
            raise ValueError(f"not a guidance page slug: {', '.join(bad)}")
        return value

    @field_validator("revisit_on")
    @classmethod
    def _revisit(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None and info.data.get("decision") == Decision.SIGNPOST:
            raise ValueError("required for a signpost decision; give the date to revisit")
        decided_at = info.data.get("decided_at")
        if value is not None and decided_at is not None and value <= decided_at.date():
            raise ValueError("must be after the decision date")
        return value

    @field_validator("refer_to")
    @classmethod
    def _refer_to(cls, value: ReferOnTo | None, info: ValidationInfo) -> ReferOnTo | None:
        decision = info.data.get("decision")
        if value is None and decision == Decision.REFER:
            raise ValueError("required for a refer decision: lga, dclg, co-operatives-uk or other")
        if value is not None and decision is not None and decision != Decision.REFER:
            raise ValueError("only for a refer decision; leave empty")
        return value

    @field_validator("refer_to_other")
    @classmethod
    def _refer_to_other(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.data.get("refer_to") == ReferOnTo.OTHER:
            raise ValueError("say where the referral was sent when refer_to is other")
        return value

    @property
    def scored(self) -> bool:
        """True when the decision carries rubric scores."""
        return bool(self.scores)

    @property
    def status(self) -> ReferralStatus:
        """The referral's status after this decision."""
        return STATUS_AFTER[self.decision]


def make_decision(
    *,
    referral_id: str,
    decision: Decision | str,
    reason: str,
    adviser: str,
    decided_at: datetime,
    in_scope: bool,
    rubric: Rubric,
    scores: Mapping[str, int] | None = None,
    signpost_pages: Iterable[str] = (),
    revisit_on: date | None = None,
    refer_to: ReferOnTo | str | None = None,
    refer_to_other: str = "",
) -> TriageDecision:
    """A validated TriageDecision, scored against `rubric` when `scores` are given.

    Scores are all-or-nothing: either every criterion or none (an adviser may decline or
    refer on an obviously out-of-scope referral unscored). Raises InvalidRecord naming
    each bad field.
    """
    result: Score | None = None
    if scores:
        result = score(scores, rubric)
        if result.missing:
            raise InvalidRecord(
                [("scores", f"score every criterion or none; missing {', '.join(result.missing)}")],
                "triage decision",
            )
    data: dict[str, Any] = {
        "referral_id": referral_id,
        "decision": decision,
        "decided_at": decided_at,
        "adviser": adviser,
        "reason": reason,
        "in_scope": in_scope,
        "scores": dict(result.scores) if result else {},
        "score_total": result.total if result else None,
        "score_percent": result.percent if result else None,
        "band": result.band.key if result else None,
        "signpost_pages": list(signpost_pages),
        "revisit_on": revisit_on,
        "refer_to": refer_to,
        "refer_to_other": refer_to_other,
    }
    return validated(TriageDecision, data, "triage decision")


def status_after(decision: Decision) -> ReferralStatus:
    """The referral status a decision leads to (accept -> accepted, refer -> referred-on...)."""
    return STATUS_AFTER[decision]


def is_in_scope(model: ProposedModel) -> bool:
    """Whether a proposed model is within the programme's employee-owned/led remit."""
    return model in IN_SCOPE_MODELS


def suggested_band(rubric: Rubric, result: Score | None, in_scope: bool) -> Band | None:
    """The band to suggest: the rubric's out-of-scope band when out of scope, else the score's.

    None when the referral is in scope but not yet scored.
    """
    if not in_scope and rubric.out_of_scope_band:
        return rubric.band(rubric.out_of_scope_band)
    return result.band if result else None


def suggested_revisit(band: Band, decided_on: date) -> date | None:
    """The revisit date a band suggests (e.g. 90 days after a signpost), or None."""
    if band.revisit_after_days is None:
        return None
    return decided_on + timedelta(days=band.revisit_after_days)


def triage_due(received: date, service_level_days: int, holidays: Holidays = None) -> date:
    """The last day for triage: `service_level_days` working days after `received`.

    Weekends and English bank holidays are skipped (pass `holidays=()` for weekends only).
    """
    if holidays is None:
        return _due_in_england(received, service_level_days)
    return add_working_days(received, service_level_days, holidays)


@lru_cache(maxsize=8192)
def _due_in_england(received: date, service_level_days: int) -> date:
    # Cached: the inbox asks this for every row on every refresh.
    return add_working_days(received, service_level_days)


def is_overdue_for_triage(
    received: date, today: date, service_level_days: int, holidays: Holidays = None
) -> bool:
    """True once `today` is past the triage due date (the due date itself is not overdue)."""
    return today > triage_due(received, service_level_days, holidays)
