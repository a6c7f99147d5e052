"""The eligibility gate: hard checks a referral passes before the programme accepts it.

From the programme's published eligibility (domain brief §4.1, §6): a public service in
England; the three limbs of a public service mutual (leaving the public sector, continuing to
deliver public services, a significant degree of staff influence or control, here measured
as a percentage against the programme's threshold); a named senior sponsor; a pre-spin-out
stage; and matched funding in cash where the programme asks for it. Each check passes or fails
with the reason; a failed gate can be overridden with a reason of its own.

The staff-control threshold is the programme's choice (programme.toml): 25% is the "blocking
stake" Francis Maude named for a mutual joint venture, not part of the official definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mspdesk.domain.choices import Stage
from mspdesk.domain.referral import Referral


class Answers(BaseModel):
    """What the adviser found out for the gate (beyond the referral itself)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    staff_control_percent: Annotated[int | None, Field(ge=0, le=100)] = None
    sponsor: Annotated[str, Field(max_length=200)] = ""
    matched_funding: bool | None = None


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    passed: bool
    why: str


def check_eligibility(
    referral: Referral,
    answers: Answers,
    *,
    min_staff_control_percent: int,
    matched_funding_required: bool,
) -> list[Check]:
    """Every check, in order, passed or failed with why."""
    region = referral.region
    checks = [
        Check(
            "england",
            "Public service in England",
            region is not None,
            f"region: {region.label}" if region is not None else "no region recorded",
        ),
        Check(
            "leaves-public-sector",
            "Limb 1: leaves the public sector",
            bool(referral.parent_body.strip()),
            f"spinning out of {referral.parent_body} ({referral.parent_body_kind.label})",
        ),
        Check(
            "public-services",
            "Limb 2: continues to deliver public services",
            bool(referral.service_area.strip()),
            f"service: {referral.service_area}"
            if referral.service_area.strip()
            else "no service area recorded",
        ),
        _staff_control(answers.staff_control_percent, min_staff_control_percent),
        Check(
            "sponsor",
            "A named senior sponsor",
            bool(answers.sponsor),
            f"sponsor: {answers.sponsor}" if answers.sponsor else "no senior sponsor named",
        ),
        Check(
            "stage",
            "Before spin-out",
            referral.stage is not Stage.SPUN_OUT,
            f"stage: {referral.stage.label}"
            if referral.stage is not Stage.SPUN_OUT
            else "already spun out: the programme supports the pre-spin-out phase",
        ),
        _matched(answers.matched_funding, matched_funding_required),
    ]
    return checks


def _staff_control(percent: int | None, threshold: int) -> Check:
    title = "Limb 3: significant staff influence or control"
    if percent is None:
        return Check("staff-control", title, False, "staff control not measured")
    passed = percent >= threshold
    return Check(
        "staff-control",
        title,
        passed,
        f"staff control {percent}% {'meets' if passed else 'is under'} the {threshold}% threshold",
    )


def _matched(matched: bool | None, required: bool) -> Check:
    title = "Matched funding in cash"
    if not required:
        return Check("matched-funding", title, True, "not asked for by this programme")
    if matched:
        return Check("matched-funding", title, True, "matched funding confirmed")
    return Check("matched-funding", title, False, "matched funding not confirmed")


def failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]
