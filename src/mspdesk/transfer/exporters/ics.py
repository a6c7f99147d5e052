"""A case's milestones as an iCalendar file (RFC 5545) for Outlook, Google or Apple calendars.

Written by hand, it is small: one all-day VEVENT per dated milestone. Lines end in CRLF and
are folded at 75 octets (never inside a UTF-8 character); TEXT values escape backslash,
semicolon, comma and newlines.

Calendars that imported an earlier file must follow every change, so:

- each event's UID is the case, the milestone and this desk's id (made once per data
  directory): importing a newer export updates the events, and C-0001 on two desks never
  collide in a shared team calendar;
- SEQUENCE counts the changes a calendar shows (date, status, title, the case's organisation
  or status) and LAST-MODIFIED says when the last was, so a moved date replaces the old one;
- a milestone done or skipped, or on a case that has ended, stays in the file with
  STATUS:CANCELLED, so calendars remove it rather than keep it forever.

The organisation is in every title; a reminder (VALARM) is added when the settings ask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mspdesk.desk.milestone_revisions import Revision
from mspdesk.domain.case import Case, CaseStatus
from mspdesk.domain.milestone import Milestone, MilestoneStatus
from mspdesk.transfer.exporters.casefile import clean, day

LINE_OCTETS = 75
PRODID = "-//mspdesk//Mutuals Support Programme desk//EN"
UID_DOMAIN = "mspdesk.invalid"
"""A domain that is never anyone's (RFC 2606), so the UIDs cannot clash with real ones."""
REMINDER_HOUR = 9


@dataclass(frozen=True)
class CalendarItem:
    """One dated milestone to put in the calendar."""

    case_id: str
    organisation: str
    milestone: Milestone
    cancelled: bool = False
    """Done, skipped, or on a case that has ended."""
    sequence: int = 0
    last_modified: datetime | None = None


def calendar_items(
    cases: Iterable[Case], revisions: Mapping[str, Mapping[str, Revision]]
) -> list[CalendarItem]:
    """Every dated milestone of `cases`, soonest first; `revisions` maps a case id to its
    milestones' revisions (Desk.milestone_revisions)."""
    items = []
    for case in cases:
        changes = revisions.get(case.id, {})
        for milestone in case.ordered_milestones:
            if milestone.due is None:
                continue
            revision = changes.get(milestone.code, Revision(0, None))
            cancelled = (
                milestone.status is not MilestoneStatus.OPEN or case.status is not CaseStatus.ACTIVE
            )
            changed = revision.last_modified or case.created_at
            items.append(
                CalendarItem(
                    case.id, case.organisation, milestone, cancelled, revision.sequence, changed
                )
            )
    items.sort(key=lambda item: (item.milestone.due or date.min, item.case_id))
    return items


def milestones_ics(
    items: Iterable[CalendarItem],
    stamp: datetime,
    name: str,
    desk_id: str,
    reminder_days: int | None = None,
) -> bytes:
    """The calendar `name` holding `items`, as UTF-8 bytes with CRLF line ends. `desk_id`
    makes the UIDs this desk's own; `reminder_days` adds a reminder at 09:00 that many days
    before each open milestone."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    dtstamp = _utc(stamp)
    for item in items:
        lines += _event(item, dtstamp, desk_id, reminder_days)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def event_uid(case_id: str, code: str, desk_id: str) -> str:
    """The UID of one milestone's event: the same in every export from this desk."""
    return f"{case_id}-{code}.{desk_id}@{UID_DOMAIN}"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(item: CalendarItem, dtstamp: str, desk_id: str, reminder_days: int | None) -> list[str]:
    milestone = item.milestone
    assert milestone.due is not None  # calendar_items keeps only dated ones
    start = milestone.due
    description = [f"Case {item.case_id}: {item.organisation}", f"Milestone {milestone.code}"]
    if milestone.status is MilestoneStatus.DONE:
        description.append(f"Done {day(milestone.done_on)}")
    elif milestone.status is MilestoneStatus.SKIPPED:
        description.append(f"Skipped: {milestone.skip_reason}")
    elif item.cancelled:
        description.append("The case has ended")
    if milestone.done_when:
        description.append(f"Done when: {milestone.done_when}")
    if milestone.guidance:
        description.append("Guidance: " + ", ".join(milestone.guidance))
    title = f"{item.organisation} ({item.case_id}) {milestone.code}: {milestone.title}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(item.case_id, milestone.code, desk_id)}",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}",
        f"SEQUENCE:{item.sequence}",
        "STATUS:" + ("CANCELLED" if item.cancelled else "CONFIRMED"),
        "SUMMARY:" + escape_text(title),
        "DESCRIPTION:" + escape_text("\n".join(description)),
        "TRANSP:TRANSPARENT",
    ]
    if item.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{_utc(item.last_modified)}")
    if reminder_days is not None and not item.cancelled:
        lines += _alarm(reminder_days, title)
    return [*lines, "END:VEVENT"]


def _alarm(days: int, title: str) -> list[str]:
    """A reminder at 09:00, `days` before the (all-day) event's start."""
    hours = days * 24 - REMINDER_HOUR
    trigger = f"-PT{hours}H" if hours > 0 else f"PT{-hours}H"
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:" + escape_text(title),
        f"TRIGGER:{trigger}",
        "END:VALARM",
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
