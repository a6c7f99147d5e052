"""Community Right to Challenge: an expression of interest's life and its deadlines.

Localism Act 2011 Part 5 Chapter 2 (ss.81-86), in force 27 June 2012; rejection grounds in
SI 2012/1647 reg 4 and the Schedule. There is no statutory maximum for the decision or for
the gap between acceptance and procurement: each authority publishes its own periods, which
the adviser enters per case as `AuthorityPeriods`. All day counts are calendar days.

Besides accept / accept with modification / reject, an authority may refuse to consider an
EOI that arrived outside its published submission window (s.82; brief 1.6, S13/S26), hold it
until nearer the end of the current contract, and the group may withdraw it. A refusal or
rejection can be challenged by judicial review: the claim form must be filed promptly and in
any event within 3 months of the decision (CPR 54.5(1), as quoted by the LexisNexis practice
note on judicial review time limits and by Solicitors Journal, both read 2026-12-04). The
authority's publication duties (windows, acceptance-to-procurement periods, written and
published decisions: Explanatory Notes to ss.81-84, brief S9) are a checklist; those and the
warnings are in `challenge_warnings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from mspdesk.domain.choices import Choice
from mspdesk.domain.errors import InvalidRecord, UserError

NOTICE_DAYS = 30
"""Days the authority has to notify the body after receipt (or after its window closes)."""


class EoiState(Choice):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    ACCEPTED_WITH_MODIFICATION = "accepted-with-modification"
    REJECTED = "rejected"
    PROCUREMENT_STARTED = "procurement-started"
    CONTRACT_WON = "contract-won"
    CONTRACT_LOST = "contract-lost"
    REFUSED_OUTSIDE_WINDOW = "refused-outside-window"
    HELD = "held"
    WITHDRAWN = "withdrawn"


_S = EoiState
_DECISIONS = frozenset({_S.ACCEPTED, _S.ACCEPTED_WITH_MODIFICATION, _S.REJECTED})
_OPEN = frozenset({_S.HELD, _S.REFUSED_OUTSIDE_WINDOW, _S.WITHDRAWN})
REFUSALS = frozenset({_S.REJECTED, _S.REFUSED_OUTSIDE_WINDOW})
"""Decisions against the group that judicial review can challenge."""

TRANSITIONS: Mapping[EoiState, frozenset[EoiState]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    # The authority may decide without a separate 30-day notice.
    _S.SUBMITTED: frozenset({_S.ACKNOWLEDGED}) | _DECISIONS | _OPEN,
    _S.ACKNOWLEDGED: _DECISIONS | _OPEN,
    # A held EOI is taken up again nearer the end of the current contract.
    _S.HELD: frozenset({_S.ACKNOWLEDGED, _S.WITHDRAWN}) | _DECISIONS,
    # Refused as outside the window: the group may submit again in a later window.
    _S.REFUSED_OUTSIDE_WINDOW: frozenset({_S.SUBMITTED}),
    _S.ACCEPTED: frozenset({_S.PROCUREMENT_STARTED, _S.WITHDRAWN}),
    _S.ACCEPTED_WITH_MODIFICATION: frozenset({_S.PROCUREMENT_STARTED, _S.WITHDRAWN}),
    _S.PROCUREMENT_STARTED: frozenset({_S.CONTRACT_WON, _S.CONTRACT_LOST, _S.WITHDRAWN}),
    _S.REJECTED: frozenset(),
    _S.CONTRACT_WON: frozenset(),
    _S.CONTRACT_LOST: frozenset(),
    _S.WITHDRAWN: frozenset(),
}
"""Which state an EOI may move to from each state. Undo goes through the event history."""


class RejectionGround(BaseModel):
    """One statutory ground for rejecting an EOI (SI 2012/1647 Schedule)."""

    model_config = ConfigDict(frozen=True)

    code: str
    title: str
    detail: str
    wording_unverified: bool = False


REJECTION_GROUNDS: tuple[RejectionGround, ...] = tuple(
    RejectionGround(code=code, title=title, detail=detail, wording_unverified=code == "R10")
    for code, title, detail in (
        ("R1", "Does not meet the legal requirements",
         "Not from a relevant body, not in writing, or missing Schedule 1 information."),
        ("R2", "Information inadequate or inaccurate",
         "In the authority's opinion, inadequate or inaccurate in a material particular."),
        ("R3", "Body not suitable to provide the service",
         "The body, a consortium member or a named sub-contractor is not suitable."),
        ("R4", "Decision taken to stop the service",
         "A decision, evidenced in writing, has been taken to stop providing the service."),
        ("R5", "Integrated NHS service critical to users",
         "Users also get an integrated NHS service and continued integration is critical "
         "to their well-being."),
        ("R6", "Service already being procured",
         "The service is already the subject of a procurement exercise."),
        ("R7", "Negotiations with a third party under way",
         "The authority and a third party have entered into negotiations, at least partly "
         "in writing."),
        ("R8", "Authority plans an employee-led body",
         "The authority has published its intention to consider provision by a body that "
         "two or more specified employees propose to set up."),
        ("R9", "Frivolous or vexatious",
         "The authority considers the EOI frivolous or vexatious."),
        ("R10", "Acceptance would break the law or a statutory duty",
         "Acceptance is likely to lead to contravention of an enactment or rule of law, or a "
         "breach of statutory duty (wording completed from council summaries: UNVERIFIED)."),
    )
)  # fmt: skip

_GROUND_CODES = frozenset(ground.code for ground in REJECTION_GROUNDS)


def rejection_ground(code: str) -> RejectionGround:
    """The ground with `code` (R1..R10, any case); InvalidRecord if there is none."""
    wanted = code.strip().upper()
    for ground in REJECTION_GROUNDS:
        if ground.code == wanted:
            return ground
    raise InvalidRecord([("rejection_ground", f"{code!r} is not one of R1..R10")], "EOI")


def _state(value: Any) -> Any:
    return EoiState.parse(value) if isinstance(value, str) else value


class AuthorityPeriods(BaseModel):
    """The periods an authority publishes for its challenges, entered per case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_start: date | None = None
    window_end: date | None = None
    decision_period_days: Annotated[int | None, Field(ge=0, le=3650)] = None
    procurement_min_days: Annotated[int | None, Field(ge=0, le=3650)] = None
    procurement_max_days: Annotated[int | None, Field(ge=0, le=3650)] = None

    @model_validator(mode="after")
    def _ordered(self) -> AuthorityPeriods:
        if self.window_start and self.window_end and self.window_start > self.window_end:
            raise ValueError("window_start must not be after window_end")
        low, high = self.procurement_min_days, self.procurement_max_days
        if low is not None and high is not None and low > high:
            raise ValueError("procurement_min_days must not exceed procurement_max_days")
        return self

    def within_window(self, day: date) -> bool | None:
        """Whether `day` falls in the submission window; None if the authority has none."""
        if self.window_start is None and self.window_end is None:
            return None
        after_start = self.window_start is None or day >= self.window_start
        before_end = self.window_end is None or day <= self.window_end
        return after_start and before_end


class ExpressionOfInterest(BaseModel):
    """One EOI on a case. Move it between states with `move`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: Annotated[EoiState, BeforeValidator(_state)] = EoiState.DRAFT
    submitted_on: date | None = None
    received_on: date | None = None
    """The day the authority received it; the 30-day notice counts from here."""
    notice_on: date | None = None
    expected_decision_on: date | None = None
    """The decision date the authority's 30-day notice gave, if any."""
    decided_on: date | None = None
    rejection_ground: str | None = None
    procurement_started_on: date | None = None
    outcome_on: date | None = None
    refused_on: date | None = None
    """The day the authority refused to consider it as outside its submission window."""
    held_on: date | None = None
    held_until: date | None = None
    """The day the authority said it would take the held EOI up (e.g. the contract's end)."""
    withdrawn_on: date | None = None
    modification_agreed_on: date | None = None
    """The day the group agreed the authority's modification (accepted with modification)."""
    decision_published_on: date | None = None
    """The day the authority published its decision notice (a publication duty)."""

    @model_validator(mode="after")
    def _ground(self) -> ExpressionOfInterest:
        if self.state is EoiState.REJECTED and self.rejection_ground not in _GROUND_CODES:
            raise ValueError("a rejected EOI needs rejection_ground R1..R10")
        if self.state is not EoiState.REJECTED and self.rejection_ground is not None:
            raise ValueError("rejection_ground is only for rejected EOIs")
        return self

    @property
    def receipt(self) -> date | None:
        """When the authority received it: the recorded receipt, else the submission day."""
        return self.received_on or self.submitted_on


def can_move(current: EoiState, to: EoiState) -> bool:
    """Whether an EOI in `current` may move to `to`."""
    return to in TRANSITIONS[current]


def move(
    eoi: ExpressionOfInterest,
    to: EoiState,
    on: date,
    *,
    ground: str | None = None,
    expected_decision_on: date | None = None,
    held_until: date | None = None,
    agreed_on: date | None = None,
) -> ExpressionOfInterest:
    """The EOI moved to `to` on `on`, recording the date for that step.

    Rejection needs `ground` (R1..R10); no other step takes one. Moving to acknowledged can
    record the decision date the authority's notice gave; held, the day it will be taken up
    (`held_until`); accepted with modification, the day the group agreed it (`agreed_on`,
    default `on`). UserError if the move is not allowed from the current state.
    """
    if not can_move(eoi.state, to):
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[eoi.state])) or "none"
        raise UserError(
            f"an EOI cannot go from {eoi.state.value} to {to.value} (allowed: {allowed})"
        )
    if ground and to is not EoiState.REJECTED:
        raise UserError("a rejection ground is only for a rejected EOI")
    if held_until is not None and (to is not EoiState.HELD or held_until < on):
        raise UserError("held until: only for a held EOI, and not before the day it is held")
    if agreed_on is not None and to is not EoiState.ACCEPTED_WITH_MODIFICATION:
        raise UserError("agreed on: only for an EOI accepted with a modification")
    changes: dict[str, Any] = {"state": to}
    if to is EoiState.SUBMITTED:
        resubmitted = eoi.state is EoiState.REFUSED_OUTSIDE_WINDOW
        received = on if resubmitted else (eoi.received_on or on)
        changes.update(submitted_on=on, received_on=received)
        if resubmitted:
            changes.update(notice_on=None, expected_decision_on=None)
    elif to is EoiState.ACKNOWLEDGED:
        changes.update(notice_on=eoi.notice_on if eoi.state is EoiState.HELD else on)
        changes.update(expected_decision_on=expected_decision_on or eoi.expected_decision_on)
    elif to in _DECISIONS:
        changes["decided_on"] = on
        if to is EoiState.REJECTED:
            changes["rejection_ground"] = rejection_ground(ground or "").code
        if to is EoiState.ACCEPTED_WITH_MODIFICATION:
            changes["modification_agreed_on"] = agreed_on or on
    elif to is EoiState.REFUSED_OUTSIDE_WINDOW:
        changes["refused_on"] = on
    elif to is EoiState.HELD:
        changes.update(held_on=on, held_until=held_until)
    elif to is EoiState.WITHDRAWN:
        changes["withdrawn_on"] = on
    elif to is EoiState.PROCUREMENT_STARTED:
        changes["procurement_started_on"] = on
    else:
        changes["outcome_on"] = on
    return ExpressionOfInterest.model_validate({**eoi.model_dump(), **changes})


def notice_due(received: date, window_end: date | None) -> date:
    """The last day for the authority's notice to the body: 30 days after it received the EOI,
    or, if the authority uses submission windows and received it on or before the window's
    last day, 30 days after the window closes.

    From the Act's explanatory notes and guidance (brief 1.6); the exact statutory wording of
    s.84 is UNVERIFIED. "Within 30 days" is counted as calendar days, so receipt on 1 April
    gives 1 May. An EOI received after the window closed counts from receipt.
    """
    base = window_end if window_end is not None and received <= window_end else received
    return base + timedelta(days=NOTICE_DAYS)


def decision_due(
    received: date, periods: AuthorityPeriods, expected_on: date | None = None
) -> date | None:
    """When the authority's decision is due, or None if nothing says.

    The date the authority's notice gave wins; otherwise the authority's published decision
    period, counted like the notice (from the window's close for an EOI received within a
    window, else from receipt). There is no statutory maximum to fall back on.
    """
    if expected_on is not None:
        return expected_on
    if periods.decision_period_days is None:
        return None
    end = periods.window_end
    base = end if end is not None and received <= end else received
    return base + timedelta(days=periods.decision_period_days)


def procurement_window(
    accepted_on: date, periods: AuthorityPeriods
) -> tuple[date | None, date | None]:
    """(earliest, latest) start of the procurement exercise after acceptance, from the
    authority's published minimum and maximum periods; None where it published none."""
    low, high = periods.procurement_min_days, periods.procurement_max_days
    earliest = accepted_on + timedelta(days=low) if low is not None else None
    latest = accepted_on + timedelta(days=high) if high is not None else None
    return earliest, latest


NOTICE_MILESTONE = "C04"
DECISION_MILESTONE = "C05"
PROCUREMENT_MILESTONE = "C06"
"""Codes of the right-to-challenge-bid pathway's milestones that the EOI's dates drive."""


def challenge_dates(eoi: ExpressionOfInterest, periods: AuthorityPeriods) -> dict[str, date]:
    """Milestone due dates the EOI and the authority's periods fix, for `replan(changed=...)`.

    30-day notice (C04) and decision (C05) once submitted; the latest procurement start (C06)
    once accepted. Only dates that can be worked out are included; drop codes the case does
    not have, or that are already done, before re-planning. Mark the submission milestone
    (C03) done on the receipt day first, so these dates are kept relative to it.
    """
    dates: dict[str, date] = {}
    receipt = eoi.receipt
    if receipt is not None and eoi.state in (EoiState.SUBMITTED, EoiState.ACKNOWLEDGED):
        dates[NOTICE_MILESTONE] = notice_due(receipt, periods.window_end)
        decision = decision_due(receipt, periods, eoi.expected_decision_on)
        if decision is not None:
            dates[DECISION_MILESTONE] = decision
    accepted = (EoiState.ACCEPTED, EoiState.ACCEPTED_WITH_MODIFICATION)
    if eoi.state in accepted and eoi.decided_on is not None:
        latest = procurement_window(eoi.decided_on, periods)[1]
        if latest is not None:
            dates[PROCUREMENT_MILESTONE] = latest
    return dates
