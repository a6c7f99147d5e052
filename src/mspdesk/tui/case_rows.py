"""Cases, milestones and agenda items as table rows: plain strings, never markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from mspdesk.desk.agenda import Agenda, AgendaItem
from mspdesk.desk.cases import CaseRow
from mspdesk.desk.sar import SarRequest
from mspdesk.domain.case import CaseStatus
from mspdesk.domain.choices import Route
from mspdesk.domain.milestone import Milestone, MilestoneStatus, days_late
from mspdesk.tui.widgets.record_table import Column, Row

CASE_COLUMNS = [
    Column("id", "Case", 7, priority=3),
    Column("status", "Status", 9, priority=2),
    Column("adviser", "Adviser", 10, priority=1, min_width=7),
    Column("next", "Next due", 10, priority=2),
    Column("late", "Late", 4, align_right=True, priority=2),
    Column("organisation", "Organisation", 30, flex=2, priority=4, min_width=18),
    Column("parent_body", "Parent body", 20, flex=1, priority=1, min_width=14),
    Column("route", "Route", 18, priority=0, min_width=16),
]

MILESTONE_COLUMNS = [
    Column("code", "Code", 5, priority=2),
    Column("title", "Milestone", 40, flex=1, priority=3, min_width=20),
    Column("due", "Due", 11, priority=2),
    Column("status", "Status", 16, priority=1, min_width=9),
    Column("late", "Late", 9, align_right=True, priority=1, min_width=7),
]

AGENDA_COLUMNS = [
    Column("when", "When", 12, priority=2, min_width=9),
    Column("due", "Due", 11, priority=2),
    Column("case", "Case", 7, priority=3),
    Column("code", "Code", 5, priority=0),
    Column("title", "Milestone", 34, flex=2, priority=3, min_width=18),
    Column("organisation", "Organisation", 30, flex=1, priority=3, min_width=16),
    Column("adviser", "Adviser", 10, priority=1, min_width=7),
]

_STATUS = {status.value: status.label for status in CaseStatus}


def short_date(day: date | None) -> str:
    """ "14 Mar 2013", or "—" for no date."""
    return f"{day.day:>2} {day:%b %Y}" if day else "—"


def case_row(row: CaseRow) -> Row:
    """One case in the cases list (the key is its id)."""
    return Row(
        key=row.case_id,
        cells=(
            row.case_id,
            _STATUS.get(row.status, row.status),
            row.adviser,
            row.next_due,
            str(row.overdue) if row.overdue else "",
            row.organisation,
            row.parent_body,
            Route.label_of(row.route, short=True),
        ),
        flag="overdue" if row.overdue else ("muted" if row.status != "active" else ""),
    )


def milestone_rows(milestones: Sequence[Milestone], today: date) -> list[Row]:
    """A case's milestones in the adviser's order (keys are the codes)."""
    rows = []
    for milestone in sorted(milestones, key=lambda m: m.position):
        late = days_late(milestone, today)
        if milestone.status is MilestoneStatus.DONE:
            status = f"done {short_date(milestone.done_on).strip()}"
        elif milestone.status is MilestoneStatus.SKIPPED:
            status = "skipped"
        elif milestone.due == today:
            status = "due today"
        else:
            status = "open"
        rows.append(
            Row(
                key=milestone.code,
                cells=(
                    milestone.code,
                    milestone.title,
                    short_date(milestone.due),
                    status,
                    _days(late) if late else "",
                ),
                flag="overdue" if late else ("muted" if status == "skipped" else ""),
            )
        )
    return rows


def when_text(item: AgendaItem) -> str:
    """ "3 days late", "today", "in 5 days"."""
    return _when(item.days)


def _when(days: int) -> str:
    if days < 0:
        return f"{_days(-days)} late"
    if days == 0:
        return "today"
    return f"in {_days(days)}"


SAR_KEY = "sar/"
"""Keys of agenda rows that are subject access requests ("sar/S-00001"), not milestones."""


def sar_rows(requests: Iterable[SarRequest], today: date) -> list[tuple[date, Row]]:
    """Open subject access requests as agenda rows, with their due dates: the one-month
    answer is a legal deadline like a milestone's."""
    found = []
    for request in requests:
        if not request.open:
            continue
        days = (request.due - today).days
        cells = (
            _when(days),
            short_date(request.due),
            "SAR",
            "",
            f"Answer subject access request {request.id}",
            request.person,
            "",
        )
        found.append((request.due, Row(SAR_KEY + request.id, cells, "overdue" if days < 0 else "")))
    return found


def with_requests(agenda: Agenda, rows: list[Row], requests: list[tuple[date, Row]]) -> list[Row]:
    """The agenda's rows with the requests placed among them by due date."""
    if not requests:
        return rows
    dated = [(item.due, 0, row) for item, row in zip(agenda.items, rows, strict=True)]
    dated += [(due, 1, row) for due, row in requests]
    dated.sort(key=lambda entry: entry[:2])
    return [row for _, _, row in dated]


def agenda_rows(agenda: Agenda) -> list[Row]:
    """Every agenda item, overdue first (keys are "C-0001/M03").

    Thousands of items share a few hundred dates: each date and "when" is formatted once.
    """
    dates: dict[date, str] = {}
    whens: dict[int, str] = {}
    rows = []
    for item in agenda.items:
        shown = dates.get(item.due)
        if shown is None:
            shown = dates[item.due] = short_date(item.due)
        when = whens.get(item.days)
        if when is None:
            when = whens[item.days] = when_text(item)
        rows.append(
            Row(
                f"{item.case_id}/{item.code}",
                (when, shown, item.case_id, item.code, item.title, item.organisation, item.adviser),
                "overdue" if item.days < 0 else "",
            )
        )
    return rows


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
