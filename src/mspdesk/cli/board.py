"""`mspdesk board list [--json]` and `mspdesk board decide CASE --decision approve|defer|decline
--minute TEXT [--on DATE]`."""

from __future__ import annotations

import argparse
from typing import Any

from mspdesk.cli import common
from mspdesk.cli.common import print_json, subcommand
from mspdesk.desk.board import DECISIONS
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_date
from mspdesk.domain.support import pounds


def register(sub: Any) -> None:
    board = subcommand(sub, "board", "the programme Board: cases awaiting approval, decisions")
    verbs = board.add_subparsers(dest="board_command", metavar="ACTION", required=True)
    listing = subcommand(verbs, "list", "cases awaiting the Board, with their proposed packages")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=board_list)
    decide = subcommand(verbs, "decide", "record the Board's decision on a case")
    decide.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    decide.add_argument("--decision", required=True, choices=DECISIONS)
    decide.add_argument("--minute", required=True, metavar="TEXT", help="the Board's minute")
    decide.add_argument("--on", metavar="DATE", help="the day of the meeting (default today)")
    decide.set_defaults(handler=board_decide)

    gate = subcommand(
        sub, "eligibility", "the eligibility checks on a referral, each passed or failed with why"
    )
    gate.add_argument("id", metavar="ID", help="the referral, e.g. R-2013-0042")
    gate.add_argument("--staff-control", metavar="PCT", help="staff influence or control, %%")
    gate.add_argument("--sponsor", default="", metavar="NAME", help="the named senior sponsor")
    gate.add_argument("--matched-funding", choices=("yes", "no"), help="matched funding in cash")
    gate.add_argument("--json", action="store_true", help="print JSON")
    gate.set_defaults(handler=show_eligibility)


def show_eligibility(args: argparse.Namespace) -> int:
    from mspdesk.cli.triage import eligibility_answers

    answers = eligibility_answers(args)
    with common.open_desk(args, read_only=True) as desk:
        checks = desk.triage.eligibility(args.id, answers)
        gate_on = desk.cases.budget.programme().eligibility_gate
    passed = all(c.passed for c in checks)
    if args.json:
        print_json(
            {
                "referral_id": args.id,
                "gate_on": gate_on,
                "passed": passed,
                "checks": [
                    {"key": c.key, "title": c.title, "passed": c.passed, "why": c.why}
                    for c in checks
                ],
            }
        )
        return 0
    for check in checks:
        print(f"{'pass' if check.passed else 'FAIL'}  {check.title}: {check.why}")
    verdict = "eligible" if passed else "not eligible (accepting needs --override-eligibility)"
    print(f"{args.id}: {verdict}" + ("" if gate_on else " [the gate is off in programme.toml]"))
    return 0


def board_list(args: argparse.Namespace) -> int:
    with common.open_desk(args, read_only=True) as desk:
        waiting = desk.board.waiting()
        papers: list[dict[str, Any]] = []
        for case in waiting:
            packages = desk.support.packages(case.id)
            papers.append(
                {
                    "case_id": case.id,
                    "organisation": case.organisation,
                    "referral_id": case.referral_id,
                    "opened_on": case.opened_on.isoformat(),
                    "adviser": case.adviser,
                    "proposed_packages": [
                        {"id": p.id, "kind": p.kind.value, "days": str(p.days), "value": p.value}
                        for p in packages
                    ],
                    "proposed_pence": sum(p.value for p in packages),
                    "decisions": [
                        {"decision": d.decision, "minute": d.minute, "on": d.on.isoformat()}
                        for d in desk.board.decisions(case.id)
                    ],
                }
            )
    if args.json:
        print_json(papers)
        return 0
    if not papers:
        print("Nothing awaits the Board.")
    for paper in papers:
        print(
            f"{paper['case_id']}  {paper['opened_on']}  {paper['adviser']:<12}  "
            f"proposed {pounds(paper['proposed_pence'])}  {paper['organisation']}"
        )
        for decision in paper["decisions"]:
            print(f"  {decision['on']}  {decision['decision']}: {decision['minute']}")
    return 0


def board_decide(args: argparse.Namespace) -> int:
    on = None
    if args.on:
        try:
            on = parse_date(args.on)
        except ValueError as error:
            raise InvalidRecord([("--on", str(error))], "board") from None
    with common.open_desk(args) as desk:
        made = desk.board.decide(args.case, args.decision, args.minute, on)
        status = desk.cases.get(made.case_id).status
    print(f"{made.case_id} Board {made.decision} {made.on}: now {status.label.lower()}")
    return 0
