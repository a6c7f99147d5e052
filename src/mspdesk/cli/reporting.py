"""`mspdesk report [--json] [--csv PATH [--force]]`: the programme figures, headless."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mspdesk.cli import common
from mspdesk.cli.common import print_json, subcommand

if TYPE_CHECKING:
    from mspdesk.desk.reports import Figures, Tally

LABEL_WIDTH = 48
VALUE_WIDTH = 12


def register(sub: Any) -> None:
    report = subcommand(
        sub,
        "report",
        "programme figures: referrals, triage outcomes by scope, conversion, time to triage, "
        "cases, overdue milestones, spin-outs, budget",
    )
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument(
        "--csv", metavar="PATH", help="save the figures as CSV (section, label, value) to PATH"
    )
    output.add_argument(
        "--xlsx", metavar="PATH", help="save the figures as an Excel workbook to PATH"
    )
    report.add_argument(
        "--force", action="store_true", help="with --csv or --xlsx: replace PATH if it exists"
    )
    report.set_defaults(handler=show_report)


def show_report(args: argparse.Namespace) -> int:
    from mspdesk.desk.reports import figures_csv_rows, figures_json, programme_figures

    with common.open_desk(args, read_only=True) as desk:
        figures = programme_figures(desk)
        home = desk.directory
    if args.csv or args.xlsx:
        from pathlib import Path

        from mspdesk.transfer.report_csv import write_report_csv, write_report_xlsx

        rows = figures_csv_rows(figures)
        # Refuses an existing file unless --force (the message says so).
        if args.csv:
            written = write_report_csv(Path(args.csv), rows, replace=args.force, data_dir=home)
        else:
            written = write_report_xlsx(Path(args.xlsx), rows, replace=args.force, data_dir=home)
        print(f"Saved the programme report ({len(rows) - 1} figures) to {written}")
        return 0
    if args.json:
        print_json(figures_json(figures))
        return 0
    print("\n".join(report_lines(figures)))
    return 0


def report_lines(figures: Figures) -> Iterator[str]:
    """The figures as readable text, one line at a time."""
    day = figures.today
    yield f"Programme report, {day.day} {day:%b %Y}"
    yield ""
    yield _row(
        "Referrals received",
        figures.received,
        f"{figures.received_in_scope} in scope, {figures.received_out_of_scope} out of scope",
    )
    yield from _section("By month", figures.by_month)
    yield from _section("By source", figures.by_source)
    yield f"  {'By proposed model':<{LABEL_WIDTH}}    received    accepted"
    for model in figures.models:
        scope = "in scope" if model.in_scope else "out of scope"
        label = f"{model.label} ({scope})"
        yield f"    {label:<{LABEL_WIDTH - 2}}{model.received:>12}{model.accepted:>12}"
    yield ""
    yield f"{'Triage outcomes (latest decision)':<{LABEL_WIDTH + 2}}    in scope  out of scope"
    for outcome in figures.outcomes:
        yield f"  {outcome.label:<{LABEL_WIDTH}}{outcome.in_scope:>12}{outcome.out_of_scope:>14}"
    yield from _triage_lines(figures)
    yield ""
    yield _row("Cases", figures.conversion.cases)
    yield from _section("By stage", figures.cases_by_stage)
    yield from _section("By status", figures.cases_by_status)
    yield _row("  Spin-outs achieved", figures.spun_out)
    overdue = figures.overdue
    yield _row(
        "  Overdue milestones", overdue.milestones, f"on {_plural(overdue.cases, 'active case')}"
    )
    for tally in overdue.by_adviser:
        yield _row(f"    {tally.label}", tally.count)
    yield ""
    yield from _budget_lines(figures)


def _triage_lines(figures: Figures) -> Iterator[str]:
    conversion, timing = figures.conversion, figures.timing
    yield (
        f"  Accepted {conversion.accepted} of {conversion.triaged} triaged"
        f" ({_percent(conversion.accept_rate)}); {_plural(conversion.cases, 'case')} from"
        f" {_plural(conversion.received, 'referral')} ({_percent(conversion.case_rate)})"
    )
    if timing.median_days_to_decision is not None:
        yield (
            f"  Median {_days(timing.median_days_to_decision)} from received to first decision"
            f" ({_plural(timing.decided, 'referral')})"
        )
    if timing.median_days_waiting is None:
        yield "  Waiting for triage: none"
    else:
        yield (
            f"  Waiting for triage: {timing.waiting}, median {_days(timing.median_days_waiting)}"
            f" old, oldest {_days(timing.oldest_waiting_days or 0)}"
        )


def _budget_lines(figures: Figures) -> Iterator[str]:
    budget = figures.budget
    yield f"Budget (programme total {_pounds(budget.total)})"
    yield _row(
        "  Allocated", _pounds(budget.allocated), f"{_percent(budget.allocated_share)} of total"
    )
    yield _row("  Spent", _pounds(budget.spent), f"{_percent(budget.spent_share)} of allocated")
    yield _row("  Unallocated", _pounds(budget.unallocated))
    yield _row("  Days spent", f"{budget.days_spent:g}", f"of {budget.days_allocated:g} allocated")
    for flag in budget.flags:
        yield f"  ! {flag}"


def _section(title: str, tallies: tuple[Tally, ...]) -> Iterator[str]:
    yield f"  {title}"
    for tally in tallies:
        yield _row(f"    {tally.label}", tally.count)


def _row(label: str, value: object, note: str = "") -> str:
    line = f"{label:<{LABEL_WIDTH + 2}}{value!s:>{VALUE_WIDTH}}"
    return f"{line}  ({note})" if note else line


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.1f}%"


def _pounds(amount: int) -> str:
    return f"-£{-amount:,}" if amount < 0 else f"£{amount:,}"


def _days(count: float) -> str:
    return f"{count:g} day" if count == 1 else f"{count:g} days"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
