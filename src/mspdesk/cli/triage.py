"""`mspdesk triage ID ...` records a triage decision; `mspdesk rubric` prints the rubric."""

from __future__ import annotations

import argparse
import textwrap
from datetime import date
from typing import Any

from mspdesk import locations
from mspdesk.cli.common import open_desk, print_json, subcommand
from mspdesk.domain.choices import Decision, ReferOnTo
from mspdesk.domain.eligibility import Answers
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_date

DECISIONS = [decision.value for decision in Decision]
REFER_TO = [place.value for place in ReferOnTo]


def register(sub: Any) -> None:
    triage = subcommand(
        sub,
        "triage",
        "record a triage decision on a referral; prints the result once it is saved",
        epilog="Score every criterion or none (see `mspdesk rubric` for the criteria).",
    )
    triage.add_argument("id", metavar="ID", help="the referral, e.g. R-2013-0042")
    triage.add_argument(
        "--score",
        dest="scores",
        metavar="CRITERION=N",
        nargs="+",
        action="extend",
        default=[],
        help="a rubric score 0-3, e.g. --score scope=3 leadership=2 (repeatable)",
    )
    triage.add_argument("--decision", required=True, choices=DECISIONS, help="what was decided")
    triage.add_argument("--reason", required=True, metavar="TEXT", help="why (required)")
    triage.add_argument(
        "--revisit",
        metavar="DATE",
        help="signpost: when to look again (default: the band's interval from today)",
    )
    triage.add_argument("--refer-to", choices=REFER_TO, help="refer: where it was sent")
    triage.add_argument(
        "--refer-to-other", metavar="TEXT", default="", help="refer: where, for --refer-to other"
    )
    triage.add_argument(
        "--signpost-page",
        dest="signpost_pages",
        metavar="SLUG",
        action="append",
        default=[],
        help="signpost: a guidance page to point them at (repeatable)",
    )
    gate = triage.add_argument_group("eligibility (when the programme's gate is on)")
    gate.add_argument("--staff-control", metavar="PCT", help="staff influence or control, %%")
    gate.add_argument("--sponsor", default="", metavar="NAME", help="the named senior sponsor")
    gate.add_argument("--matched-funding", choices=("yes", "no"), help="matched funding in cash")
    gate.add_argument(
        "--override-eligibility", default="", metavar="REASON", help="accept despite failed checks"
    )
    triage.set_defaults(handler=record_decision)

    rubric = subcommand(sub, "rubric", "print the triage rubric: criteria, scores and bands")
    rubric.add_argument("--json", action="store_true", help="print JSON")
    rubric.set_defaults(handler=show_rubric)


def record_decision(args: argparse.Namespace) -> int:
    from mspdesk.domain.triage import parse_scores, score

    revisit = _revisit_date(args.revisit)
    with open_desk(args) as desk:
        rubric = desk.triage.rubric()
        scores = parse_scores(args.scores, rubric)
        if args.decision == Decision.SIGNPOST and revisit is None:
            result = score(scores, rubric) if scores else None
            revisit = desk.triage.suggested_revisit(result if result and result.complete else None)
        made = desk.triage.decide(
            args.id,
            args.decision,
            args.reason,
            scores=scores,
            signpost_pages=args.signpost_pages,
            revisit_on=revisit,
            refer_to=args.refer_to,
            refer_to_other=args.refer_to_other,
            eligibility=eligibility_answers(args),
            override_eligibility=args.override_eligibility,
        )
        case_id = desk.referrals.get(args.id).case_id
    # Printed only now: decide() returns once the event is on disk.
    parts = [f"{made.referral_id}: {made.decision.value}"]
    if made.band:
        parts.append(f"band {made.band} ({made.score_percent:g}%)")
    if case_id and made.decision == Decision.ACCEPT:
        parts.append(f"case {case_id}")
    if made.revisit_on:
        parts.append(f"revisit {made.revisit_on.isoformat()}")
    if made.refer_to:
        parts.append(f"referred to {made.refer_to_other or made.refer_to.value}")
    if not made.in_scope:
        parts.append("(outside the employee-owned scope)")
    print(" ".join(parts))
    return 0


def eligibility_answers(args: argparse.Namespace) -> Answers:
    """The gate's answers from --staff-control, --sponsor and --matched-funding."""
    percent = None
    if args.staff_control:
        text = args.staff_control.strip().removesuffix("%")
        if not text.isdigit() or int(text) > 100:
            raise InvalidRecord([("--staff-control", "a percentage, 0 to 100")], "eligibility")
        percent = int(text)
    matched = None if args.matched_funding is None else args.matched_funding == "yes"
    return Answers(staff_control_percent=percent, sponsor=args.sponsor, matched_funding=matched)


def _revisit_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise InvalidRecord([("--revisit", str(error))], "triage decision") from None


def show_rubric(args: argparse.Namespace) -> int:
    from mspdesk.desk.triage import read_rubric

    rubric = read_rubric(locations.content_dir() / "triage.toml")
    if args.json:
        print_json(rubric.model_dump(mode="json"))
        return 0
    print(f"Rubric: {rubric.name} (maximum {rubric.maximum} weighted points)")
    print(f"Triage due within {rubric.service_level_working_days} working days of receipt.\n")
    print("Bands:")
    for band in rubric.bands:
        print(f"  {band.key:<12} from {band.min_percent:g}%  -> {band.decision.value}")
    for criterion in rubric.criteria:
        print(f"\n{criterion.key} (weight {criterion.weight}): {criterion.title}")
        print(textwrap.fill(criterion.question, 88, initial_indent="  ", subsequent_indent="  "))
        for number, text in criterion.descriptors.items():
            print(
                textwrap.fill(text, 88, initial_indent=f"    {number} ", subsequent_indent="      ")
            )
    return 0
