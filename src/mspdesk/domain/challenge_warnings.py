"""Community Right to Challenge: the warnings an expression of interest's dates give the
adviser (the 30-day notice, the decision, procurement, a held EOI, the judicial-review
limit) and the authority's publication duties as a checklist. The EOI itself, its states
and dates are in `challenge`.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from mspdesk.domain.challenge import (
    REFUSALS,
    AuthorityPeriods,
    EoiState,
    ExpressionOfInterest,
    decision_due,
    notice_due,
    procurement_window,
)

Level = Literal["overdue", "soon", "note"]
"""How pressing a warning is."""


class DeadlineWarning(BaseModel):
    """A dated warning for the case screen: `days` is from today to `due` (negative = past)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    message: str
    due: date
    days: int
    level: Level


def challenge_warnings(
    eoi: ExpressionOfInterest, periods: AuthorityPeriods, today: date, warn_days: int = 14
) -> list[DeadlineWarning]:
    """Warnings for the EOI's next deadlines, soonest first.

    A deadline warns from `warn_days` before it (inclusive), on the day itself ("today") and
    every day after ("overdue by N days"); earlier than that it is silent. Messages read like
    "30-day notice due in 3 days (4 May 2013)" or "Decision overdue by 2 days (due 1 Jul 2013)".
    """
    found: list[DeadlineWarning] = []

    def deadline(kind: str, due: date, soon: str, late: str) -> None:
        """`soon`/`late` are templates with {when}, {late} and {due} filled in."""
        days = (due - today).days
        if days > warn_days:
            return
        text = late if days < 0 else soon
        message = text.format(when=_when(days), late=_days(-days), due=_day(due))
        level: Level = "overdue" if days < 0 else "soon"
        found.append(DeadlineWarning(kind=kind, message=message, due=due, days=days, level=level))

    receipt = eoi.receipt
    if eoi.state is EoiState.DRAFT:
        found.extend(_window_warnings(periods, today, warn_days))
    elif eoi.state in (EoiState.SUBMITTED, EoiState.ACKNOWLEDGED) and receipt is not None:
        if eoi.state is EoiState.SUBMITTED:
            deadline(
                "notice",
                notice_due(receipt, periods.window_end),
                "30-day notice due {when} ({due})",
                "30-day notice overdue by {late} (due {due})",
            )
        decision = decision_due(receipt, periods, eoi.expected_decision_on)
        if decision is not None:
            deadline(
                "decision",
                decision,
                "Decision due {when} ({due})",
                "Decision overdue by {late} (due {due})",
            )
        if periods.within_window(receipt) is False:
            message = (
                f"Received {_day(receipt)}, outside the submission window: "
                "the authority can refuse to consider it"
            )
            found.append(_warning("outside-window", message, receipt, today, "note"))
    elif eoi.state in (EoiState.ACCEPTED, EoiState.ACCEPTED_WITH_MODIFICATION) and eoi.decided_on:
        earliest, latest = procurement_window(eoi.decided_on, periods)
        if earliest is not None and 0 < (earliest - today).days <= warn_days:
            message = (
                f"Procurement may start from {_day(earliest)} ({_when((earliest - today).days)})"
            )
            found.append(_warning("procurement-earliest", message, earliest, today, "note"))
        if latest is not None:
            deadline(
                "procurement-latest",
                latest,
                "Procurement must start by {due} ({when})",
                "Procurement start overdue by {late} (was due by {due})",
            )
    elif eoi.state is EoiState.HELD and eoi.held_until is not None:
        deadline(
            "held",
            eoi.held_until,
            "Held EOI to be taken up {when} ({due})",
            "Held EOI was to be taken up by {due}: overdue by {late}",
        )
    decided = decision_day(eoi)
    if eoi.state in REFUSALS and decided is not None:
        last = judicial_review_deadline(decided)
        days = (last - today).days
        what = "rejection" if eoi.state is EoiState.REJECTED else "refusal"
        if days < 0:
            message = f"Judicial review time limit passed {_day(last)} (3 months after the {what})"
            found.append(_warning("judicial-review", message, last, today, "overdue"))
        else:
            message = (
                f"Judicial review: claim promptly, and in any event by {_day(last)} "
                f"({_when(days)}), 3 months after the {what} (CPR 54.5)"
            )
            level: Level = "soon" if days <= warn_days else "note"
            found.append(_warning("judicial-review", message, last, today, level))
    return sorted(found, key=lambda warning: warning.due)


def decision_day(eoi: ExpressionOfInterest) -> date | None:
    """The day of the authority's decision on the EOI (a refusal counts), if any."""
    if eoi.state is EoiState.REFUSED_OUTSIDE_WINDOW:
        return eoi.refused_on
    return eoi.decided_on


def judicial_review_deadline(decided: date) -> date:
    """The outer limit for a judicial review claim: 3 calendar months after the decision (the
    same day number, or the month's last day when it has none). CPR 54.5 also requires the
    claim to be made promptly, so this is the latest, not the target."""
    month = decided.month + 2
    year, month = decided.year + month // 12, month % 12 + 1
    return date(year, month, min(decided.day, calendar.monthrange(year, month)[1]))


class Duty(BaseModel):
    """One of the authority's publication duties, and whether the record shows it met."""

    model_config = ConfigDict(frozen=True)

    code: str
    label: str
    done: bool | None
    """True when recorded, False when missing, None when not due yet (or not applicable)."""
    on: date | None = None
    """The day it was done, when recorded."""
    due: date | None = None
    """The day it is due, while pending (the 30-day notice)."""


def publication_checklist(eoi: ExpressionOfInterest, periods: AuthorityPeriods) -> list[Duty]:
    """The authority's publication and notification duties (Localism Act ss.82-83, as the
    Explanatory Notes describe them), ticked from what the case records."""
    has_window = periods.window_start is not None or periods.window_end is not None
    has_periods = (
        periods.procurement_min_days is not None and periods.procurement_max_days is not None
    )
    receipt = eoi.receipt
    decided = eoi.decided_on is not None
    return [
        Duty(
            code="P1",
            label="Submission windows published (if the authority uses them)",
            done=True if has_window else None,
        ),
        Duty(
            code="P2",
            label="Minimum and maximum periods from acceptance to procurement published",
            done=has_periods,
        ),
        Duty(
            code="P3",
            label="Group notified within 30 days (of receipt, or of the window's close)",
            done=True if eoi.notice_on is not None or decided else None,
            on=eoi.notice_on,
            due=notice_due(receipt, periods.window_end)
            if receipt is not None and eoi.notice_on is None and not decided
            else None,
        ),
        Duty(
            code="P4",
            label="Decision notified in writing, with reasons if rejected or modified",
            done=True if decided else None,
            on=eoi.decided_on,
        ),
        Duty(
            code="P5",
            label="Decision notice published",
            done=(eoi.decision_published_on is not None) if decided else None,
            on=eoi.decision_published_on,
        ),
    ]


def _window_warnings(
    periods: AuthorityPeriods, today: date, warn_days: int
) -> list[DeadlineWarning]:
    """Warnings about the submission window, for an EOI not yet submitted."""
    found: list[DeadlineWarning] = []
    start, end = periods.window_start, periods.window_end
    if start is not None and today < start:
        if (start - today).days <= warn_days:
            message = f"Submission window opens {_when((start - today).days)} ({_day(start)})"
            found.append(_warning("window-opens", message, start, today, "note"))
    elif end is not None:
        days = (end - today).days
        if days < 0:
            message = (
                f"Submission window closed {_day(end)}: an EOI sent now can be refused "
                "until the next window"
            )
            found.append(_warning("window-closed", message, end, today, "overdue"))
        elif days <= warn_days:
            message = f"Submission window closes {_when(days)} ({_day(end)})"
            found.append(_warning("window-closes", message, end, today, "soon"))
    return found


def _warning(kind: str, message: str, due: date, today: date, level: Level) -> DeadlineWarning:
    days = (due - today).days
    return DeadlineWarning(kind=kind, message=message, due=due, days=days, level=level)


def _when(days: int) -> str:
    return "today" if days == 0 else f"in {_days(days)}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
