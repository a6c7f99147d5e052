"""The agenda: open milestones across every active case, by how soon they fall due.

Read straight from the stored case dicts (no validation per milestone) and compared as ISO
date strings, which order like dates: thousands of cases take a few milliseconds. Reading
the desk's agenda (`desk_agenda`) imports no models: `mspdesk agenda` starts without pydantic
unless a mutual is under monitoring (its dates come from the Monitoring model).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from mspdesk.store import Store

WEEK_DAYS = 7
"""'This week' is today and the next seven days (due in 0..7 days, inclusive)."""

Bucket = Literal["overdue", "week", "later"]
Dated = tuple[date, str, str, str]

CASES, PACKAGES, MONITORING = "cases", "packages", "monitoring"
COMMITTED = "committed"
"""PackageStatus.COMMITTED: a deliverable not yet delivered (a test keeps these equal)."""
OPEN_CASE = frozenset({"active", "paused", "awaiting-board"})
"""support.OPEN_CASE: the case statuses that may take packages."""


class AgendaItem(NamedTuple):
    """One open milestone on the agenda. `days` is from today to its due date (negative:
    late by that many days). A NamedTuple whose first fields are the sort order (due, case,
    code): thousands are built and sorted per call, with no key function."""

    due: date
    case_id: str
    code: str
    title: str
    organisation: str
    adviser: str
    days: int
    bucket: Bucket

    @property
    def key(self) -> str:
        """A unique key for lists: "C-0001/M03"."""
        return f"{self.case_id}/{self.code}"

    @property
    def days_late(self) -> int:
        return max(0, -self.days)


@dataclass(frozen=True)
class Agenda:
    """What is overdue, due this week and due later in the window, each soonest first."""

    today: date
    days: int
    adviser: str | None
    overdue: list[AgendaItem] = field(default_factory=list)
    this_week: list[AgendaItem] = field(default_factory=list)
    later: list[AgendaItem] = field(default_factory=list)

    @property
    def items(self) -> list[AgendaItem]:
        """Everything, overdue first."""
        return [*self.overdue, *self.this_week, *self.later]

    def counts(self) -> dict[str, int]:
        return {
            "overdue": len(self.overdue),
            "this_week": len(self.this_week),
            "later": len(self.later),
        }


def agenda(
    cases: Iterable[Mapping[str, Any]],
    today: date,
    *,
    days: int = 30,
    adviser: str | None = None,
    dated: Iterable[tuple[date, str, str, str]] = (),
) -> Agenda:
    """The agenda for `today` over stored case dicts.

    Only active cases count (paused or ended cases wait). Overdue: due before today.
    This week: due today up to WEEK_DAYS days ahead. Later: due after that, up to `days`
    days ahead inclusive (when `days` is under a week, the week stops there too).
    `adviser` keeps only that adviser's cases. `dated` adds (due, case id, code, title)
    items that are not milestones (package deliverables, monitoring after spin-out), whatever
    the case's status; each is placed by the same rules.
    """
    if days < 0:
        raise ValueError("days must be 0 or more")
    today_text = today.isoformat()
    week_end = (today + timedelta(days=min(WEEK_DAYS, days))).isoformat()
    window_end = (today + timedelta(days=days)).isoformat()
    overdue: list[AgendaItem] = []
    week: list[AgendaItem] = []
    later: list[AgendaItem] = []
    parsed: dict[str, tuple[date, int]] = {}
    extra = list(dated)
    by_id: dict[str, Mapping[str, Any]] = {}
    if extra:
        cases = list(cases)
        by_id = {case["id"]: case for case in cases}
    for case in cases:
        if case.get("status", "active") != "active":
            continue
        if adviser is not None and case.get("adviser") != adviser:
            continue
        milestones = case.get("milestones")
        if not milestones:
            continue
        for milestone in milestones:
            due = milestone.get("due")
            # ISO dates compare as strings: no parsing for what is not on the agenda.
            if not due or due > window_end or milestone.get("status") != "open":
                continue
            bucket: Bucket
            if due < today_text:
                target, bucket = overdue, "overdue"
            elif due <= week_end:
                target, bucket = week, "week"
            else:
                target, bucket = later, "later"
            when = parsed.get(due)
            if when is None:
                day = date.fromisoformat(due)
                when = parsed[due] = (day, (day - today).days)
            target.append(
                AgendaItem(
                    when[0],
                    case["id"],
                    milestone["code"],
                    milestone.get("title", ""),
                    case.get("organisation", ""),
                    case.get("adviser", ""),
                    when[1],
                    bucket,
                )
            )
    for due_on, case_id, code, title in extra:
        owner = by_id.get(case_id, {})
        if adviser is not None and owner.get("adviser") != adviser:
            continue
        due = due_on.isoformat()
        if due > window_end:
            continue
        kind: Bucket = "overdue" if due < today_text else "week" if due <= week_end else "later"
        target = {"overdue": overdue, "week": week, "later": later}[kind]
        target.append(
            AgendaItem(
                due_on,
                case_id,
                code,
                title,
                owner.get("organisation", ""),
                owner.get("adviser", ""),
                (due_on - today).days,
                kind,
            )
        )
    for items in (overdue, week, later):
        items.sort()  # by due, case id, code: the tuple's first fields
    return Agenda(today, days, adviser, overdue, week, later)


def desk_agenda(store: Store, today: date, *, days: int = 30, adviser: str | None = None) -> Agenda:
    """`agenda` over the desk's cases, with the deliverables due on their packages and what
    monitoring waits on after spin-out (`dated_items`)."""
    # The loop in `agenda` picks the cases, not a TinyDB query: measured 1.2x slower
    # uncached (benchmarks/tinydb_queries.py), and the agenda is asked again after
    # each change, when TinyDB's cache has just been cleared.
    cases = store.table(CASES)
    return agenda(cases.values(), today, days=days, adviser=adviser, dated=dated_items(store))


def dated_items(store: Store) -> list[Dated]:
    """(due, case id, code, title): deliverables not yet delivered on open cases, and what
    monitoring waits on."""
    cases = store.table(CASES)
    found: list[Dated] = []
    for record in store.table(PACKAGES).values():
        case = cases.get(record.get("case_id", ""))
        if record.get("status") != COMMITTED or case is None:
            continue
        if case.get("status") not in OPEN_CASE:
            continue
        found.append(
            (
                date.fromisoformat(record["due"]),
                record["case_id"],
                record["id"],
                f"Deliverable: {record.get('deliverable', '')}",
            )
        )
    if next(iter(store.keys(MONITORING)), None) is None:
        return found  # nothing monitored: the model is not even imported
    from mspdesk.domain.aftercare import Monitoring

    monitored = [Monitoring.model_validate(r) for r in store.table(MONITORING).values()]
    for monitoring in sorted(monitored, key=lambda m: (m.spun_out_on, m.case_id)):
        for code, title, day in monitoring.due():
            found.append((day, monitoring.case_id, code, title))
    return found
