"""Open milestones as an iCalendar file (RFC 5545) for Outlook, Google or Apple calendars.

Written by hand, it is small: one all-day VEVENT per open milestone with a due date. Lines
end in CRLF and are folded at 75 octets (never inside a UTF-8 character); TEXT values
escape backslash, semicolon, comma and newlines. Each event's UID is the case and milestone
code, so importing a newer export updates the events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mspdesk.domain.case import Case
from mspdesk.domain.milestone import Milestone, MilestoneStatus
from mspdesk.transfer.exporters.casefile import clean

LINE_OCTETS = 75
PRODID = "-//mspdesk//Mutuals Support Programme desk//EN"
UID_DOMAIN = "mspdesk.invalid"
"""A domain that is never anyone's (RFC 2606), so the UIDs cannot clash with real ones."""


@dataclass(frozen=True)
class CalendarItem:
    """One open milestone to put in the calendar."""

    case_id: str
    organisation: str
    milestone: Milestone


def open_milestones(cases: Iterable[Case]) -> list[CalendarItem]:
    """Every open milestone with a due date on `cases`, soonest first."""
    items = [
        CalendarItem(case.id, case.organisation, milestone)
        for case in cases
        for milestone in case.ordered_milestones
        if milestone.status is MilestoneStatus.OPEN and milestone.due is not None
    ]
    items.sort(key=lambda item: (item.milestone.due or date.min, item.case_id))
    return items


def milestones_ics(items: Iterable[CalendarItem], stamp: datetime, name: str) -> bytes:
    """The calendar `name` holding `items`, as UTF-8 bytes with CRLF line ends."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    dtstamp = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for item in items:
        lines += _event(item, dtstamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _event(item: CalendarItem, dtstamp: str) -> list[str]:
    milestone = item.milestone
    assert milestone.due is not None  # open_milestones keeps only dated ones
    start = milestone.due
    description = [f"Case {item.case_id}: {item.organisation}", f"Milestone {milestone.code}"]
    if milestone.done_when:
        description.append(f"Done when: {milestone.done_when}")
    if milestone.guidance:
        description.append("Guidance: " + ", ".join(milestone.guidance))
    return [
        "BEGIN:VEVENT",
        f"UID:{item.case_id}-{milestone.code}@{UID_DOMAIN}",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}",
        "SUMMARY:" + escape_text(f"{item.case_id} {milestone.code}: {milestone.title}"),
        "DESCRIPTION:" + escape_text("\n".join(description)),
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): \\ ; , escaped, newlines as \\n, controls dropped."""
    value = clean(text).replace("\ufffd", "").replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """`line` folded so no physical line exceeds 75 octets: CRLF and one space before each
    continuation. Splits only between characters, never inside a UTF-8 sequence."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
            limit = LINE_OCTETS - 1  # the leading space of a continuation line counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)
