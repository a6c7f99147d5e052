"""`mspdesk board list [--json]` and `mspdesk board decide CASE --decision approve|defer|decline
--minute TEXT [--on DATE]`."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from mspdesk.cli import common
from mspdesk.cli.common import print_json, subcommand
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_date
from mspdesk.domain.support import Package, pounds

DECISIONS = ("approve", "defer", "decline")
"""As desk/board.py (not imported here: the desk package opens the store)."""


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
    papers = subcommand(
        verbs, "papers", "the meeting's papers as one Word document: every case awaiting it"
    )
    papers.add_argument("-o", "--output", required=True, metavar="PATH", help="the .docx file")
    papers.add_argument("--on", metavar="DATE", help="the day of the meeting (default today)")
    papers.add_argument("--force", action="store_true", help="replace PATH if it exists")
    papers.set_defaults(handler=board_papers)

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


def board_papers(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mspdesk.transfer.board_papers import Paper, papers_docx, write_papers

    meeting = _on(args.on)
    with common.open_desk(args, read_only=True) as desk:
        meeting = meeting or desk.core.today()
        names = {p.id: p.name for p in desk.support.providers()}
        found = []
        for case in desk.board.waiting():
            decisions = desk.triage.decisions_for(case.referral_id)
            accepted = decisions[-1] if decisions else None
            gate = desk.core.store.table("eligibility")
            stored = next(
                (r for k, r in sorted(gate.items()) if r.get("referral_id") == case.referral_id),
                None,
            )
            packages = desk.support.packages(case.id)
            scores = accepted.scores if accepted else {}
            found.append(
                Paper(
                    case_id=case.id,
                    organisation=case.organisation,
                    facts=[
                        ("Referral", case.referral_id),
                        ("Parent body", case.parent_body),
                        ("Route", case.route.label),
                        ("Proposed model", case.proposed_model.label),
                        ("Stage", case.stage.label),
                        ("Adviser", case.adviser),
                        ("Opened", case.opened_on.isoformat()),
                        ("Proposed support", pounds(sum(p.value for p in packages))),
                    ],
                    recommendation=accepted.reason if accepted else "",
                    scores=[(name, str(value)) for name, value in scores.items()]
                    + (
                        [("Band", f"{accepted.band} ({accepted.score_percent:g}%)")]
                        if accepted and accepted.band
                        else []
                    ),
                    checks=[
                        (c["title"], "pass" if c["passed"] else "FAIL", c["why"])
                        for c in (stored or {}).get("checks", [])
                    ]
                    + (
                        [("Override", "", stored["override"])]
                        if stored and stored.get("override")
                        else []
                    ),
                    packages=[_package_row(p, names) for p in packages],
                    earlier=[
                        f"{d.on.isoformat()} {d.decision}: {d.minute}"
                        for d in desk.board.decisions(case.id)
                    ],
                )
            )
        programme = desk.cases.budget.programme().name
        home = desk.directory
    data = papers_docx(meeting, found, programme)
    written = write_papers(Path(args.output), data, force=args.force, data_dir=home)
    print(f"Saved the Board papers ({len(found)} cases) to {written}")
    return 0


def _package_row(p: Package, names: dict[str, str]) -> tuple[str, ...]:
    provider = names.get(p.provider_id, p.provider_id)
    due = p.due.isoformat()
    return (p.id, p.kind.label, provider, str(p.days), pounds(p.rate), pounds(p.value),
            p.deliverable, due)  # fmt: skip


def _on(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise InvalidRecord([("--on", str(error))], "board") from None


def board_decide(args: argparse.Namespace) -> int:
    on = _on(args.on)
    with common.open_desk(args) as desk:
        made = desk.board.decide(args.case, args.decision, args.minute, on)
        status = desk.cases.get(made.case_id).status
    print(f"{made.case_id} Board {made.decision} {made.on}: now {status.label.lower()}")
    return 0
