"""`mspdesk challenge show CASE` and `mspdesk challenge step CASE STATE` /
`mspdesk challenge published CASE`: the Community Right to Challenge tracker, headless."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mspdesk.cli import common
from mspdesk.cli.common import print_json, subcommand
from mspdesk.domain.challenge import EoiState
from mspdesk.domain.errors import UserError
from mspdesk.domain.parsing import parse_date

if TYPE_CHECKING:
    from datetime import date

    from mspdesk.desk.deadlines import ChallengePreview


def register(sub: Any) -> None:
    """Add `challenge show | step | published`."""
    challenge = subcommand(sub, "challenge", "the Community Right to Challenge on a case")
    verbs = challenge.add_subparsers(dest="challenge_command", metavar="ACTION", required=True)

    show = subcommand(
        verbs, "show", "the EOI's state, timeline, warnings and the authority's duties"
    )
    show.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=show_challenge)

    states = ", ".join(state.value for state in EoiState if state is not EoiState.DRAFT)
    step = subcommand(verbs, "step", f"record the EOI's next step: {states}")
    step.add_argument("case", metavar="CASE")
    step.add_argument("state", metavar="STATE")
    step.add_argument("--on", metavar="DATE", help="the day it happened (default today)")
    step.add_argument("--ground", metavar="R1..R10", help="rejected: the statutory ground")
    step.add_argument("--expected", metavar="DATE", help="acknowledged: decision date given")
    step.add_argument("--held-until", metavar="DATE", help="held: when it will be taken up")
    step.add_argument("--agreed-on", metavar="DATE", help="modification: day the group agreed")
    step.set_defaults(handler=record_step)

    published = subcommand(verbs, "published", "record that the decision notice was published")
    published.add_argument("case", metavar="CASE")
    published.add_argument("--on", metavar="DATE", help="the day (default today)")
    published.set_defaults(handler=record_published)


def show_challenge(args: argparse.Namespace) -> int:
    with common.open_desk(args, read_only=True) as desk:
        case = desk.cases.get(args.case)
        if case.challenge is None:
            raise UserError(f"{case.id} is not a Right to Challenge case")
        deadlines = desk.cases.deadlines
        timeline = deadlines.timeline(case)
        warnings = deadlines.warnings(case)
        duties = deadlines.checklist(case)
    eoi = case.challenge.eoi
    if args.json:
        print_json(
            {
                "case": case.id,
                "state": eoi.state.value,
                "eoi": eoi.model_dump(mode="json"),
                "timeline": [
                    {"label": r.label, "day": _iso(r.day), "state": r.state} for r in timeline
                ],
                "warnings": [
                    {"kind": w.kind, "message": w.message, "due": w.due.isoformat(),
                     "level": w.level}
                    for w in warnings
                ],
                "duties": [
                    {"code": d.code, "label": d.label, "done": d.done, "on": _iso(d.on),
                     "due": _iso(d.due)}
                    for d in duties
                ],
            }
        )  # fmt: skip
        return 0
    print(f"{case.id} {case.organisation}: EOI {eoi.state.label.lower()}")
    for warning in warnings:
        print(f"! {warning.message}")
    for row in timeline:
        if row.day is None:
            continue
        mark = {"done": "✓", "due": "·"}.get(row.state, " ")
        print(f"{mark} {row.day:%d %b %Y}  {row.label}")
    print("Authority's publication duties:")
    for duty in duties:
        mark = {True: "✓", False: "✗", None: "·"}[duty.done]
        when = f" ({duty.on:%d %b %Y})" if duty.on else ""
        when += f" (due {duty.due:%d %b %Y})" if duty.due else ""
        print(f"{mark} {duty.code} {duty.label}{when}")
    return 0


def record_step(args: argparse.Namespace) -> int:
    with common.open_desk(args) as desk:
        preview = desk.cases.deadlines.preview_eoi(
            args.case,
            args.state,
            _date(args.on, "--on"),
            ground=args.ground,
            expected_decision_on=_date(args.expected, "--expected"),
            held_until=_date(args.held_until, "--held-until"),
            agreed_on=_date(args.agreed_on, "--agreed-on"),
        )
        desk.cases.deadlines.apply(preview)
    _print_saved(preview)
    return 0


def record_published(args: argparse.Namespace) -> int:
    with common.open_desk(args) as desk:
        preview = desk.cases.deadlines.preview_published(args.case, _date(args.on, "--on"))
        desk.cases.deadlines.apply(preview)
    _print_saved(preview)
    return 0


def _print_saved(preview: ChallengePreview) -> None:
    # Printed only once apply() has returned: the change is on disk.
    print(preview.summary)


def _date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise UserError(f"{option}: {error}") from None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
