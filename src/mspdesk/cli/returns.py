"""`mspdesk returns --quarter YYYYQn [--json] [--format xlsx|csv -o PATH [--force]]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mspdesk.cli import common
from mspdesk.cli.common import print_json, subcommand
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.returns import Returns, parse_quarter, returns_json, returns_rows
from mspdesk.domain.support import pounds


def register(sub: Any) -> None:
    returns = subcommand(
        sub,
        "returns",
        "the quarterly return: referrals, pipeline, approvals, spin-outs, live mutuals and "
        "survival, staff, contract value, spend by provider and kind, SME share, scope",
    )
    returns.add_argument(
        "--quarter", required=True, metavar="YYYYQn", help="e.g. 2013Q1 (January to March)"
    )
    returns.add_argument("--json", action="store_true", help="print JSON")
    returns.add_argument("--format", choices=("xlsx", "csv"), help="save as a file (with -o)")
    returns.add_argument("-o", "--output", metavar="PATH", help="where to save it")
    returns.add_argument("--force", action="store_true", help="replace PATH if it exists")
    returns.set_defaults(handler=show_returns)


def show_returns(args: argparse.Namespace) -> int:
    try:
        quarter = parse_quarter(args.quarter)
    except ValueError as error:
        raise InvalidRecord([("--quarter", str(error))], "input") from None
    if bool(args.format) != bool(args.output):
        raise InvalidRecord([("--format", "give --format and -o PATH together")], "input")
    with common.open_desk(args, read_only=True) as desk:
        result = desk.support.returns(quarter)
        names = {p.id: p.name for p in desk.support.providers()}
    if args.output:
        from mspdesk.transfer.returns_file import write_returns

        rows = returns_rows(result, names)
        written = write_returns(Path(args.output), rows, args.format, replace=args.force)
        print(f"Saved the {quarter} return ({len(rows) - 1} figures) to {written}")
        return 0
    if args.json:
        document = returns_json(result)
        document["provider_names"] = names
        print_json(document)
        return 0
    print("\n".join(_lines(result, names)))
    return 0


def _lines(result: Returns, names: dict[str, str]) -> list[str]:
    q = result.quarter
    lines = [f"Quarterly return {q} ({q.start:%d %b %Y} to {q.end:%d %b %Y})", ""]

    def row(label: str, value: object, note: str = "") -> None:
        lines.append(f"  {label:<44}{value!s:>16}  {note}".rstrip())

    row("Referrals received", result.received.value)
    row("  in scope", result.received_in_scope.value)
    row("  out of scope", result.received_out_of_scope.value)
    row("Referrals triaged", result.triaged.value)
    lines.append("  Pipeline at quarter end (cases by stage)")
    for stage, count in sorted(result.pipeline.items()):
        row(f"    {stage}", count.value)
    row("Cases approved", result.approved.value)
    row("Spin-outs", result.spin_outs.value)
    row("Live mutuals at quarter end", result.live_mutuals.value)
    for years, (old, alive) in sorted(result.survival.items()):
        row(f"  trading after {years} year{'s' if years > 1 else ''}", f"{alive.value}/{old.value}")
    row("Staff transferred", result.staff_transferred.value)
    row("Contract value run by mutuals", f"£{result.contract_value_run.value:,}")
    spend = result.spend
    row("Spend committed in quarter", pounds(spend.committed_in_quarter.value))
    row("Spend committed to date", pounds(spend.committed_to_date.value))
    row("Invoiced in quarter", pounds(spend.invoiced_in_quarter.value))
    row("Invoiced to date", pounds(spend.invoiced_to_date.value))
    for title, groups, label in (
        ("By provider (committed / invoiced to date)", result.by_provider, names),
        ("By kind (committed / invoiced to date)", result.by_kind, {}),
    ):
        lines.append(f"  {title}")
        for key, part in sorted(groups.items()):
            row(
                f"    {label.get(key, key)}",
                pounds(part.committed_to_date.value),
                pounds(part.invoiced_to_date.value),
            )
    share = result.sme_share
    row("SME share of committed", "-" if share is None else f"{share}%")
    row("Programme total", pounds(result.programme_total))
    row("Headroom at quarter end", pounds(result.headroom))
    return lines
