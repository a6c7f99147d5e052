"""Statutory deadlines on a case: the Community Right to Challenge timeline and the Social
Value Act check.

An EOI moving on (submitted, acknowledged, decided, procurement started, won) closes the
pathway milestone for that step and fixes the dates the authority must meet; those dates and
everything hanging from them are re-planned. As with rescheduling, the change is previewed
(old -> new) and then applied as one undoable event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mspdesk import locations
from mspdesk.desk.core import DeskCore
from mspdesk.domain import milestone as rules
from mspdesk.domain.case import Case, CaseChallenge
from mspdesk.domain.challenge import (
    REFUSALS,
    AuthorityPeriods,
    EoiState,
    ExpressionOfInterest,
    challenge_dates,
    decision_due,
    move,
    notice_due,
    procurement_window,
)
from mspdesk.domain.challenge_warnings import (
    DeadlineWarning,
    Duty,
    challenge_warnings,
    judicial_review_deadline,
    publication_checklist,
)
from mspdesk.domain.choices import ParentBodyKind
from mspdesk.domain.errors import UserError
from mspdesk.domain.milestone import Change, Milestone, MilestoneStatus
from mspdesk.domain.procurement import ProcurementRoute, procurement_route
from mspdesk.domain.social_value import (
    SocialValueCheck,
    Threshold,
    ThresholdTable,
    parse_thresholds,
    social_value_check,
    thresholds_in_force,
)
from mspdesk.domain.validation import validated

if TYPE_CHECKING:
    from mspdesk.desk.cases import Cases

NOT_NOTIFIED = "the authority decided without a separate 30-day notice"

# Which pathway milestone each EOI step completes (right-to-challenge-bid.toml).
_CLOSES: Mapping[EoiState, str] = {
    EoiState.SUBMITTED: "C03",
    EoiState.ACKNOWLEDGED: "C04",
    EoiState.ACCEPTED: "C05",
    EoiState.ACCEPTED_WITH_MODIFICATION: "C05",
    EoiState.REJECTED: "C05",
    EoiState.PROCUREMENT_STARTED: "C06",
    EoiState.CONTRACT_WON: "M13",
}
_DECIDED = frozenset({EoiState.ACCEPTED, EoiState.ACCEPTED_WITH_MODIFICATION, EoiState.REJECTED})


@dataclass(frozen=True)
class ChallengePreview:
    """What an EOI move or new authority periods would change, before it is saved."""

    case_id: str
    challenge: CaseChallenge
    done: tuple[tuple[str, date], ...] = ()
    """Milestones this step marks done, with the day."""
    skipped: tuple[tuple[str, str], ...] = ()
    """Milestones this step skips, with the reason."""
    changes: list[Change] = field(default_factory=list)
    summary: str = ""


@dataclass(frozen=True)
class TimelineRow:
    """One line of the Right to Challenge timeline: what, when, and whether it happened."""

    label: str
    day: date | None
    state: str
    """"done", "due" or "" (information)."""


class Deadlines:
    """Right to Challenge steps and periods, deadline warnings, the Social Value check."""

    def __init__(self, core: DeskCore, cases: Cases) -> None:
        self._core = core
        self._cases = cases
        self._thresholds: ThresholdTable | None = None

    # ------------------------------------------------------------------ Right to Challenge

    def preview_eoi(
        self,
        case_id: str,
        to: EoiState | str,
        on: date | None = None,
        *,
        ground: str | None = None,
        expected_decision_on: date | None = None,
        held_until: date | None = None,
        agreed_on: date | None = None,
    ) -> ChallengePreview:
        """The EOI moved to `to` on `on` (default today), the milestone it closes and the
        dates that follow from it. Nothing is saved; pass the result to `apply`."""
        case = self._cases.get(case_id)
        current = case.challenge or CaseChallenge()
        try:
            state = EoiState.parse(to) if isinstance(to, str) else to
        except ValueError as error:
            raise UserError(f"EOI step: {error}") from None
        day = on or self._core.today()
        eoi = move(
            current.eoi,
            state,
            day,
            ground=ground,
            expected_decision_on=expected_decision_on,
            held_until=held_until,
            agreed_on=agreed_on,
        )
        done: list[tuple[str, date]] = []
        skipped: list[tuple[str, str]] = []
        closes = _CLOSES.get(state)
        if closes and _is_open(case, closes):
            done.append((closes, day))
        if state in _DECIDED and _is_open(case, "C04"):
            skipped.append(("C04", NOT_NOTIFIED))
        challenge = CaseChallenge(eoi=eoi, periods=current.periods)
        summary = f"{case.id} EOI {state.label.lower()} {day:%d %b %Y}"
        return self._preview(case, challenge, done, skipped, summary)

    def preview_published(self, case_id: str, on: date | None = None) -> ChallengePreview:
        """The authority's decision notice recorded as published on `on` (default today)."""
        case = self._cases.get(case_id)
        current = case.challenge or CaseChallenge()
        if current.eoi.decided_on is None:
            raise UserError(f"{case.id}: the authority has not decided on the EOI yet")
        day = on or self._core.today()
        if day < current.eoi.decided_on:
            raise UserError("the decision cannot be published before it was made")
        eoi = current.eoi.model_copy(update={"decision_published_on": day})
        challenge = CaseChallenge(eoi=eoi, periods=current.periods)
        summary = f"{case.id} EOI decision published {day:%d %b %Y}"
        return self._preview(case, challenge, [], [], summary)

    def checklist(self, case: Case) -> list[Duty]:
        """The authority's publication duties for the case's challenge (none without one)."""
        if case.challenge is None:
            return []
        return publication_checklist(case.challenge.eoi, case.challenge.periods)

    def preview_periods(
        self, case_id: str, periods: AuthorityPeriods | Mapping[str, Any]
    ) -> ChallengePreview:
        """The authority's published periods set to `periods`, and the dates that move."""
        case = self._cases.get(case_id)
        current = case.challenge or CaseChallenge()
        new = (
            periods
            if isinstance(periods, AuthorityPeriods)
            else validated(AuthorityPeriods, dict(periods), "authority periods")
        )
        challenge = CaseChallenge(eoi=current.eoi, periods=new)
        return self._preview(case, challenge, [], [], f"{case.id} authority periods recorded")

    def apply(self, preview: ChallengePreview) -> Case:
        """Save a preview as one event; UserError if the case changed since (preview again)."""
        case = self._cases.get(preview.case_id)
        milestones = _closed(case.milestones, preview.done, preview.skipped)
        milestones = rules.apply_changes(milestones, preview.changes)
        values = {"challenge": preview.challenge, "milestones": milestones}
        return self._cases.save(case, values, "case.challenge", preview.summary)

    def _preview(
        self,
        case: Case,
        challenge: CaseChallenge,
        done: list[tuple[str, date]],
        skipped: list[tuple[str, str]],
        summary: str,
    ) -> ChallengePreview:
        milestones = _closed(case.milestones, done, skipped)
        open_codes = {m.code for m in milestones if m.status is MilestoneStatus.OPEN}
        fixed = challenge_dates(challenge.eoi, challenge.periods)
        wanted = {code: day for code, day in fixed.items() if code in open_codes}
        changes = rules.replan(milestones, case.plan_start, wanted)
        if challenge == case.challenge and not done and not skipped and not changes:
            raise UserError(f"nothing changes on {case.id}")
        return ChallengePreview(
            case_id=case.id,
            challenge=challenge,
            done=tuple(done),
            skipped=tuple(skipped),
            changes=changes,
            summary=summary + (f"; {len(changes)} dates re-planned" if changes else ""),
        )

    def warnings(self, case: Case, today: date | None = None) -> list[DeadlineWarning]:
        """The EOI's next deadlines, soonest first (none for a case without a challenge)."""
        if case.challenge is None:
            return []
        day = today or self._core.today()
        return challenge_warnings(case.challenge.eoi, case.challenge.periods, day)

    def timeline(self, case: Case) -> list[TimelineRow]:
        """The challenge's dates in order: window, submission, notice, decision, procurement."""
        if case.challenge is None:
            return []
        eoi, periods = case.challenge.eoi, case.challenge.periods
        rows = [
            TimelineRow("Submission window opens", periods.window_start, ""),
            TimelineRow("Submission window closes", periods.window_end, ""),
            TimelineRow("EOI submitted", eoi.submitted_on, "done" if eoi.submitted_on else ""),
        ]
        receipt = eoi.receipt
        if receipt is not None:
            notice = eoi.notice_on or notice_due(receipt, periods.window_end)
            rows.append(TimelineRow("30-day notice", notice, "done" if eoi.notice_on else "due"))
            if eoi.decided_on is not None:
                decided_state = _decision_state(eoi)
                label = f"Decision: {decided_state.label.lower()}"
                if eoi.rejection_ground:
                    label += f" ({eoi.rejection_ground})"
                rows.append(TimelineRow(label, eoi.decided_on, "done"))
            elif eoi.state not in (EoiState.REFUSED_OUTSIDE_WINDOW, EoiState.WITHDRAWN):
                decision = decision_due(receipt, periods, eoi.expected_decision_on)
                rows.append(TimelineRow("Decision", decision, "due"))
        if eoi.decided_on is not None and _decision_state(eoi) is not EoiState.REJECTED:
            earliest, latest = procurement_window(eoi.decided_on, periods)
            if eoi.procurement_started_on:
                rows.append(TimelineRow("Procurement started", eoi.procurement_started_on, "done"))
            else:
                rows.append(TimelineRow("Procurement may start from", earliest, "due"))
                rows.append(TimelineRow("Procurement must start by", latest, "due"))
        if eoi.refused_on is not None:
            rows.append(
                TimelineRow("Refused: outside the submission window", eoi.refused_on, "done")
            )
        if eoi.held_on is not None:
            rows.append(TimelineRow("Held by the authority", eoi.held_on, "done"))
            if eoi.held_until is not None:
                taken_up = eoi.state is not EoiState.HELD
                rows.append(TimelineRow("Held until", eoi.held_until, "" if taken_up else "due"))
        if eoi.modification_agreed_on is not None:
            rows.append(
                TimelineRow("Modification agreed by the group", eoi.modification_agreed_on, "done")
            )
        if eoi.decision_published_on is not None:
            rows.append(TimelineRow("Decision notice published", eoi.decision_published_on, "done"))
        decided = eoi.refused_on if eoi.state is EoiState.REFUSED_OUTSIDE_WINDOW else eoi.decided_on
        if eoi.state in REFUSALS and decided is not None:
            rows.append(
                TimelineRow(
                    "Judicial review: last day (CPR 54.5)", judicial_review_deadline(decided), "due"
                )
            )
        if eoi.withdrawn_on is not None:
            rows.append(TimelineRow("Withdrawn by the group", eoi.withdrawn_on, "done"))
        if eoi.outcome_on is not None:
            rows.append(TimelineRow(eoi.state.label, eoi.outcome_on, "done"))
        return rows

    # ------------------------------------------------------------------ Social Value Act

    def thresholds(self) -> ThresholdTable:
        """The dated procurement threshold table (content/thresholds.toml), read once."""
        if self._thresholds is None:
            self._thresholds = load_thresholds()
        return self._thresholds

    def social_value(self, case: Case, today: date | None = None) -> SocialValueCheck:
        """Whether the Social Value Act's duty applies to the case's contract, read on its
        procurement date (or today when none is recorded yet)."""
        day = case.procurement_on or today or self._core.today()
        return social_value_check(
            case.contract_value,
            day,
            case.parent_body_kind,
            self.thresholds(),
            case.light_touch,
            health_care=case.health_care,
        )

    def procurement_route(self, case: Case, today: date | None = None) -> ProcurementRoute:
        """The regime, Social Value duty, reserved-contract route, notices and standstill for
        the case's contract, read on its procurement date (or today)."""
        day = case.procurement_on or today or self._core.today()
        return procurement_route(
            case.parent_body_kind,
            case.contract_value,
            day,
            self.thresholds(),
            health_care=case.health_care,
            light_touch=case.light_touch,
        )


# ---------------------------------------------------------------------- content-only look-ups
# These read the shipped content, never the records, so the CLI can answer without a data
# directory (and beside a running desk).


def load_thresholds() -> ThresholdTable:
    """The dated procurement threshold table (content/thresholds.toml)."""
    path = locations.content_dir() / "thresholds.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    return parse_thresholds(text, path.name)


def thresholds_on(day: date) -> list[Threshold]:
    """The figure of each kind in force on `day`."""
    return thresholds_in_force(load_thresholds(), day)


def check_social_value(
    value: int | None, body: ParentBodyKind, day: date, *, health_care: bool = False
) -> ProcurementRoute:
    """The Social Value Act check and the route for a services contract, without a case."""
    return procurement_route(body, value, day, load_thresholds(), health_care=health_care)


def _decision_state(eoi: ExpressionOfInterest) -> EoiState:
    """What the authority decided, even after later steps (procurement, withdrawal)."""
    if eoi.rejection_ground is not None:
        return EoiState.REJECTED
    if eoi.modification_agreed_on is not None:
        return EoiState.ACCEPTED_WITH_MODIFICATION
    return EoiState.ACCEPTED


def _is_open(case: Case, code: str) -> bool:
    milestone = case.milestone(code)
    return milestone is not None and milestone.status is MilestoneStatus.OPEN


def _closed(
    milestones: tuple[Milestone, ...],
    done: tuple[tuple[str, date], ...] | list[tuple[str, date]],
    skipped: tuple[tuple[str, str], ...] | list[tuple[str, str]],
) -> list[Milestone]:
    finished = dict(done)
    reasons = dict(skipped)
    result = []
    for milestone in milestones:
        if milestone.code in finished or milestone.code in reasons:
            if milestone.status is not MilestoneStatus.OPEN:
                raise UserError(f"{milestone.code} changed since the preview; preview again")
            if milestone.code in finished:
                milestone = rules.complete(milestone, finished[milestone.code])
            else:
                milestone = rules.skip(milestone, reasons[milestone.code])
        result.append(milestone)
    return result
