"""`mspdesk returns --quarter YYYYQn [--json] [--format xlsx|csv -o PATH [--force]]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mspdesk.cli import common
from mspdesk.cli.common import print_json, subcommand
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.returns import parse_quarter, returns_json, returns_lines, returns_rows


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
        home = desk.directory
    if args.output:
        from mspdesk.transfer.returns_file import write_returns

        rows = returns_rows(result, names)
        written = write_returns(
            Path(args.output), rows, args.format, replace=args.force, data_dir=home
        )
        print(f"Saved the {quarter} return ({len(rows) - 1} figures) to {written}")
        return 0
    if args.json:
        document = returns_json(result)
        document["provider_names"] = names
        print_json(document)
        return 0
    print("\n".join(returns_lines(result, names)))
    return 0
