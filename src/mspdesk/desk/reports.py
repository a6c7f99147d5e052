"""Programme figures: what the Reports screen, `mspdesk report` and its CSV all show.

Computed in one pass over each stored table's plain dicts (no pydantic validation per
record): 10,000 referrals with 1,000 cases take about 25 ms, 50,000 about 150 ms (measured on
the 2-core development machine); the screen works them out in a thread. Every figure is a
small frozen dataclass; `figures_json` and `figures_csv_rows` flatten them the same way for
the CLI and for export.

In scope means the referral proposes an employee-owned/led mutual (or has not decided yet):
the programme's remit. Co-operative, multi-stakeholder and social-enterprise models are
counted apart, as the evidence base should show demand for them too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import TYPE_CHECKING, Any

# Re-exported: callers take the figures and their flat forms from one place.
from mspdesk.desk.report_rows import figures_csv_rows as figures_csv_rows
from mspdesk.desk.report_rows import figures_json as figures_json
from mspdesk.desk.triage import INBOX_STATUSES
from mspdesk.domain.budget import Programme, summarise
from mspdesk.domain.case import CaseStatus
from mspdesk.domain.choices import IN_SCOPE_MODELS, Decision, ProposedModel, Source, Stage
from mspdesk.domain.scope import staff_control_scope
from mspdesk.domain.support import roll_up

if TYPE_CHECKING:
    from mspdesk.desk import Desk

Record = Mapping[str, Any]
NO_ADVISER = "(no adviser)"
# Plain strings, as stored: reading an enum member's value in a loop of 50,000 costs ~30 ms.
_MIS = Source.MIS.value
_UNDECIDED = ProposedModel.UNDECIDED.value
_ACCEPT = Decision.ACCEPT.value
RECENT_MONTHS = 12
"""Referrals by month run on to this month only if the newest is at most this many months old."""


@dataclass(frozen=True)
class Tally:
    """One labelled count: a month ("2013-01"), a source, a stage, an adviser."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Outcome:
    """Referrals whose latest triage decision is `decision`, by the scope of their model."""

    decision: str
    label: str
    in_scope: int
    out_of_scope: int

    @property
    def total(self) -> int:
        return self.in_scope + self.out_of_scope


@dataclass(frozen=True)
class ModelTally:
    """Referrals proposing one model, and how many of them were accepted."""

    model: str
    label: str
    in_scope: bool
    received: int
    accepted: int


@dataclass(frozen=True)
class Conversion:
    """How referrals turn into cases."""

    received: int
    triaged: int
    """Referrals with at least one triage decision."""
    accepted: int
    """Referrals whose latest decision is to accept."""
    cases: int

    @property
    def accept_rate(self) -> float | None:
        """Accepted as a share (0..1) of triaged; None before anything is triaged."""
        return _share(self.accepted, self.triaged)

    @property
    def case_rate(self) -> float | None:
        """Cases as a share (0..1) of referrals received."""
        return _share(self.cases, self.received)


@dataclass(frozen=True)
class Timing:
    """Calendar days from receipt to first decision, and the age of those still waiting."""

    decided: int
    median_days_to_decision: float | None
    waiting: int
    median_days_waiting: float | None
    oldest_waiting_days: int | None


@dataclass(frozen=True)
class Overdue:
    """Open milestones past their due date on active cases (as the agenda counts them)."""

    milestones: int
    cases: int
    by_adviser: tuple[Tally, ...]


@dataclass(frozen=True)
class BudgetFigures:
    """Pounds and days allocated and spent across cases, against the programme total."""

    total: int
    allocated: int
    spent: int
    days_allocated: float
    days_spent: float
    cases_with_budget: int
    overspent_cases: tuple[str, ...]
    flags: tuple[str, ...]
    """One sentence per problem: allocations or spending over the total, overspent cases."""
    packages: int = 0
    committed_pence: int = 0
    """What support packages commit (days x rate), in pence."""
    invoiced_pence: int = 0

    @property
    def headroom_pence(self) -> int:
        """The programme total less what packages commit, in pence."""
        return self.total * 100 - self.committed_pence

    @property
    def unallocated(self) -> int:
        return self.total - self.allocated

    @property
    def allocated_share(self) -> float | None:
        return _share(self.allocated, self.total)

    @property
    def spent_share(self) -> float | None:
        """Spent as a share of what was allocated."""
        return _share(self.spent, self.allocated)


@dataclass(frozen=True)
class Figures:
    """Everything the programme report shows, as of `today`."""

    today: date
    received: int
    received_in_scope: int
    by_month: tuple[Tally, ...]
    """Every month from the first referral on (quiet ones too): see `_months`."""
    by_source: tuple[Tally, ...]
    models: tuple[ModelTally, ...]
    outcomes: tuple[Outcome, ...]
    conversion: Conversion
    timing: Timing
    cases_by_stage: tuple[Tally, ...]
    cases_by_status: tuple[Tally, ...]
    overdue: Overdue
    spun_out: int
    budget: BudgetFigures

    @property
    def received_out_of_scope(self) -> int:
        return self.received - self.received_in_scope


# ---------------------------------------------------------------------------- computing


def programme_figures(desk: Desk, today: date | None = None) -> Figures:
    """The programme's figures on `today` (default: the desk's today).

    Safe to call from a worker thread while the UI writes: each table is copied first.
    Raises UserError if programme.toml cannot be read.
    """
    store = desk.core.store
    return compute_figures(
        list(store.table("referrals").values()),
        list(store.table("decisions").items()),
        list(store.table("cases").values()),
        desk.cases.budget.programme(),
        today or desk.core.today(),
        list(store.table("packages").values()),
    )


def compute_figures(
    referrals: Iterable[Record],
    decisions: Iterable[tuple[str, Record]],
    cases: Iterable[Record],
    programme: Programme,
    today: date,
    packages: Iterable[Record] = (),
) -> Figures:
    """Figures from stored dicts: referrals, (key "R-…/n", decision) pairs, cases."""
    first, latest = _first_and_latest(decisions)
    months: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    models: Counter[str] = Counter()
    models_accepted: Counter[str] = Counter()
    to_decision: list[int] = []
    waiting: list[int] = []
    received = in_scope = 0
    parsed: dict[str, date | None] = {}  # thousands of referrals share a few hundred dates

    def day_of(text: str) -> date | None:
        if text not in parsed:
            parsed[text] = _day(text)
        return parsed[text]

    for row in referrals:
        if row.get("status") == "merged":
            continue  # the same enquiry as the referral it was merged into: counted there
        received += 1
        day_text = row.get("received") or ""
        months[day_text[:7]] += 1
        sources[row.get("source") or _MIS] += 1
        model = row.get("proposed_model") or _UNDECIDED
        models[model] += 1
        in_scope += staff_control_scope(
            model, row.get("staff_votes_percent"), row.get("staff_board_percent")
        ).in_scope
        referral_id: str = row.get("id") or ""
        last = latest.get(referral_id)
        if last is not None and last.get("decision") == _ACCEPT:
            models_accepted[model] += 1
        day = day_of(day_text)
        if day is None:
            continue  # a damaged date: counted as received, but no timing can be taken
        decided = first.get(referral_id)
        if decided is not None:
            decided_on = day_of((decided.get("decided_at") or "")[:10])
            if decided_on is not None:
                to_decision.append(max(0, (decided_on - day).days))
        elif row.get("status") in INBOX_STATUSES:
            waiting.append(max(0, (today - day).days))
    case_list = list(cases)
    return Figures(
        today=today,
        received=received,
        received_in_scope=in_scope,
        by_month=_months(months, today),
        by_source=_tallies(sources, [(s.value, s.label) for s in Source]),
        models=tuple(
            ModelTally(m.value, m.label, m in IN_SCOPE_MODELS, models[m], models_accepted[m])
            for m in ProposedModel
        ),
        outcomes=_outcomes(latest.values()),
        conversion=Conversion(
            received=received,
            triaged=len(first),
            accepted=sum(1 for d in latest.values() if d.get("decision") == _ACCEPT),
            cases=len(case_list),
        ),
        timing=Timing(
            decided=len(to_decision),
            median_days_to_decision=_median(to_decision),
            waiting=len(waiting),
            median_days_waiting=_median(waiting),
            oldest_waiting_days=max(waiting, default=None),
        ),
        cases_by_stage=_tallies(
            Counter(str(c.get("stage", Stage.IDEA.value)) for c in case_list),
            [(s.value, s.label) for s in Stage],
        ),
        cases_by_status=_statuses(case_list),
        overdue=_overdue(case_list, today),
        spun_out=sum(1 for c in case_list if c.get("status") == CaseStatus.SPUN_OUT.value),
        budget=_budget(case_list, programme, packages),
    )


def _first_and_latest(
    decisions: Iterable[tuple[str, Record]],
) -> tuple[dict[str, Record], dict[str, Record]]:
    """Each referral's first and latest recorded decision (keys are "R-2013-0001/2")."""
    first: dict[str, tuple[int, Record]] = {}
    latest: dict[str, tuple[int, Record]] = {}
    for key, record in decisions:
        referral_id, _, number_text = key.rpartition("/")
        number = int(number_text) if number_text.isdigit() else 0
        if referral_id not in first or number < first[referral_id][0]:
            first[referral_id] = (number, record)
        if referral_id not in latest or number > latest[referral_id][0]:
            latest[referral_id] = (number, record)
    return (
        {key: record for key, (_, record) in first.items()},
        {key: record for key, (_, record) in latest.items()},
    )


def _outcomes(latest: Iterable[Record]) -> tuple[Outcome, ...]:
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for record in latest:
        # The scope stored with the decision: the model as it was when it was decided.
        (inside if record.get("in_scope") else outside)[str(record.get("decision"))] += 1
    known = [(d.value, d.label) for d in Decision]
    extra = sorted((set(inside) | set(outside)) - {key for key, _ in known})
    return tuple(
        Outcome(key, label, inside[key], outside[key])
        for key, label in [*known, *((key, key) for key in extra)]
    )


def _months(counts: Counter[str], today: date) -> tuple[Tally, ...]:
    """Contiguous months, so a chart shows quiet months as gaps rather than hiding them.

    They run on to this month, unless the newest referral is more than a year old (an
    archive, or the demo data): then they stop at its month, so the chart shows the data.
    """
    numbers = sorted(_month_number(key) for key in counts if _is_month(key))
    if not numbers:
        return ()
    this_month = today.year * 12 + today.month - 1
    last = this_month if numbers[-1] <= this_month <= numbers[-1] + RECENT_MONTHS else numbers[-1]
    found = []
    for number in range(numbers[0], max(last, numbers[-1]) + 1):
        first_day = date(number // 12, number % 12 + 1, 1)
        key = first_day.isoformat()[:7]
        found.append(Tally(key, first_day.strftime("%b %Y"), counts.get(key, 0)))
    return tuple(found)


def _tallies(counts: Counter[str], known: list[tuple[str, str]]) -> tuple[Tally, ...]:
    """Every known value in its usual order (zeros included), then any unknown ones found."""
    listed = {key for key, _ in known}
    extra = sorted(key for key in counts if key not in listed)
    return tuple(
        Tally(key, label, counts.get(key, 0))
        for key, label in [*known, *((key, key) for key in extra)]
    )


def _overdue(cases: Iterable[Record], today: date) -> Overdue:
    today_text = today.isoformat()
    by_adviser: Counter[str] = Counter()
    late_cases = 0
    for case in cases:
        if case.get("status", CaseStatus.ACTIVE.value) != CaseStatus.ACTIVE.value:
            continue  # paused and ended cases wait, as on the agenda
        late = sum(
            1
            for milestone in case.get("milestones") or ()
            # ISO dates compare as strings.
            if milestone.get("status") == "open" and (milestone.get("due") or "9") < today_text
        )
        if late:
            late_cases += 1
            by_adviser[str(case.get("adviser") or NO_ADVISER)] += late
    ranked = sorted(by_adviser.items(), key=lambda item: (-item[1], item[0]))
    return Overdue(
        milestones=sum(by_adviser.values()),
        cases=late_cases,
        by_adviser=tuple(Tally(name, name, count) for name, count in ranked),
    )


def _budget(
    cases: Iterable[Record], programme: Programme, packages: Iterable[Record] = ()
) -> BudgetFigures:
    summary = summarise(((str(c["id"]), c.get("budget")) for c in cases), programme)
    money = roll_up(packages).total
    return BudgetFigures(
        total=summary.total,
        allocated=summary.amount_allocated,
        spent=summary.amount_spent,
        days_allocated=summary.days_allocated,
        days_spent=summary.days_spent,
        cases_with_budget=summary.cases,
        overspent_cases=summary.overspent_cases,
        flags=tuple(message for _, message in summary.warnings()),
        packages=money.packages,
        committed_pence=money.committed,
        invoiced_pence=money.invoiced,
    )


BOARD_STATUSES = frozenset({CaseStatus.AWAITING_BOARD.value, CaseStatus.BOARD_DECLINED.value})


def _statuses(cases: Iterable[Record]) -> tuple[Tally, ...]:
    """Cases by status; the Board's statuses only when a case has one (most desks run
    without board_approval)."""
    counts = Counter(str(c.get("status", CaseStatus.ACTIVE.value)) for c in cases)
    known = [(s.value, s.label) for s in CaseStatus if s not in BOARD_STATUSES or counts[s]]
    return _tallies(counts, known)


def _median(values: list[int]) -> float | None:
    return float(median(values)) if values else None


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _is_month(key: str) -> bool:
    return len(key) == 7 and key[4] == "-" and key[:4].isdigit() and key[5:] in _MONTHS


_MONTHS = frozenset(f"{month:02d}" for month in range(1, 13))


def _month_number(key: str) -> int:
    return max(1, int(key[:4])) * 12 + int(key[5:]) - 1


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:  # stored records are validated; this only guards a damaged one
        return None
