"""The programme figures flattened: a JSON document and (section, label, value) CSV rows.

Both read the same `Figures`, so `mspdesk report --json`, the CSV export and the screen
can never disagree. Numbers stay plain (no £ or thousands commas) so spreadsheets read them;
shares are percentages to one decimal place, and a figure that cannot be taken is blank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mspdesk.domain.support import decimal_pounds

if TYPE_CHECKING:
    from mspdesk.desk.reports import Figures, Tally

CSV_HEADER = ["section", "label", "value"]


def figures_json(figures: Figures) -> dict[str, Any]:
    """The figures as a JSON-ready dict (shares as 0..1 fractions, or null)."""
    conversion, timing, overdue, budget = (
        figures.conversion,
        figures.timing,
        figures.overdue,
        figures.budget,
    )
    return {
        "today": figures.today.isoformat(),
        "referrals": {
            "received": figures.received,
            "in_scope": figures.received_in_scope,
            "out_of_scope": figures.received_out_of_scope,
            "by_month": _counts(figures.by_month),
            "by_source": _counts(figures.by_source),
            "by_model": [
                {
                    "model": m.model,
                    "label": m.label,
                    "in_scope": m.in_scope,
                    "received": m.received,
                    "accepted": m.accepted,
                }
                for m in figures.models
            ],
        },
        "triage": {
            "outcomes": [
                {
                    "decision": o.decision,
                    "label": o.label,
                    "in_scope": o.in_scope,
                    "out_of_scope": o.out_of_scope,
                }
                for o in figures.outcomes
            ],
            "triaged": conversion.triaged,
            "accepted": conversion.accepted,
            "accept_rate": conversion.accept_rate,
            "median_days_to_decision": timing.median_days_to_decision,
            "waiting": timing.waiting,
            "median_days_waiting": timing.median_days_waiting,
            "oldest_waiting_days": timing.oldest_waiting_days,
        },
        "cases": {
            "total": conversion.cases,
            "case_rate": conversion.case_rate,
            "by_stage": _counts(figures.cases_by_stage),
            "by_status": _counts(figures.cases_by_status),
            "spun_out": figures.spun_out,
            "overdue_milestones": overdue.milestones,
            "cases_with_overdue": overdue.cases,
            "overdue_by_adviser": {t.key: t.count for t in overdue.by_adviser},
        },
        "budget": {
            "programme_total": budget.total,
            "allocated": budget.allocated,
            "spent": budget.spent,
            "unallocated": budget.unallocated,
            "days_allocated": budget.days_allocated,
            "days_spent": budget.days_spent,
            "cases_with_budget": budget.cases_with_budget,
            "overspent_cases": list(budget.overspent_cases),
            "flags": list(budget.flags),
            "packages": budget.packages,
            "packages_committed_pence": budget.committed_pence,
            "packages_invoiced_pence": budget.invoiced_pence,
            "headroom_pence": budget.headroom_pence,
        },
    }


def figures_csv_rows(figures: Figures) -> list[list[str]]:
    """The header ["section", "label", "value"], then one row per figure."""
    rows = [list(CSV_HEADER)]

    def add(section: str, label: str, value: object) -> None:
        rows.append([section, label, _cell(value)])

    conversion, timing, overdue, budget = (
        figures.conversion,
        figures.timing,
        figures.overdue,
        figures.budget,
    )
    add("Report", "Date", figures.today.isoformat())
    add("Referrals", "Received", figures.received)
    add("Referrals", "In scope (employee-owned or undecided)", figures.received_in_scope)
    add("Referrals", "Out of scope (other models)", figures.received_out_of_scope)
    for tally in figures.by_month:
        add("Referrals by month", tally.key, tally.count)
    for tally in figures.by_source:
        add("Referrals by source", tally.label, tally.count)
    for model in figures.models:
        scope = "in scope" if model.in_scope else "out of scope"
        add("Referrals by proposed model", f"{model.label} ({scope})", model.received)
        add("Accepted by proposed model", f"{model.label} ({scope})", model.accepted)
    for outcome in figures.outcomes:
        add("Triage outcomes, in scope", outcome.label, outcome.in_scope)
        add("Triage outcomes, out of scope", outcome.label, outcome.out_of_scope)
    add("Conversion", "Triaged", conversion.triaged)
    add("Conversion", "Accepted", conversion.accepted)
    add("Conversion", "Accepted of triaged (%)", _percent(conversion.accept_rate))
    add("Conversion", "Cases", conversion.cases)
    add("Conversion", "Cases of referrals received (%)", _percent(conversion.case_rate))
    add("Time to triage", "Referrals decided", timing.decided)
    add("Time to triage", "Median days from received to first decision",
        timing.median_days_to_decision)  # fmt: skip
    add("Time to triage", "Referrals waiting", timing.waiting)
    add("Time to triage", "Median days waiting", timing.median_days_waiting)
    add("Time to triage", "Oldest waiting (days)", timing.oldest_waiting_days)
    for tally in figures.cases_by_stage:
        add("Cases by stage", tally.label, tally.count)
    for tally in figures.cases_by_status:
        add("Cases by status", tally.label, tally.count)
    add("Spin-outs", "Achieved (status spun out)", figures.spun_out)
    add("Overdue milestones", "Milestones", overdue.milestones)
    add("Overdue milestones", "Cases", overdue.cases)
    for tally in overdue.by_adviser:
        add("Overdue milestones by adviser", tally.label, tally.count)
    add("Budget", "Programme total (£)", budget.total)
    add("Budget", "Allocated (£)", budget.allocated)
    add("Budget", "Allocated of total (%)", _percent(budget.allocated_share))
    add("Budget", "Spent (£)", budget.spent)
    add("Budget", "Spent of allocated (%)", _percent(budget.spent_share))
    add("Budget", "Unallocated (£)", budget.unallocated)
    add("Budget", "Days allocated", budget.days_allocated)
    add("Budget", "Days spent", budget.days_spent)
    add("Budget", "Overspent cases", " ".join(budget.overspent_cases))
    add("Budget", "Support packages", budget.packages)
    add("Budget", "Packages committed (£)", decimal_pounds(budget.committed_pence))
    add("Budget", "Packages invoiced (£)", decimal_pounds(budget.invoiced_pence))
    add("Budget", "Headroom after packages (£)", decimal_pounds(budget.headroom_pence))
    for flag in budget.flags:
        add("Budget warnings", "Warning", flag)
    return rows


def _counts(tallies: tuple[Tally, ...]) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Never "1.2e+06": spreadsheets and people both read plain decimals.
        return str(int(value)) if value.is_integer() else str(round(value, 4))
    return str(value)
