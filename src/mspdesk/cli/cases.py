"""`mspdesk cases list`, `mspdesk agenda`, `mspdesk case assign CASE ADVISER` and
`mspdesk milestone done CASE MILESTONE`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mspdesk.cli import common
from mspdesk.cli.common import print_json, subcommand
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_date

if TYPE_CHECKING:
    from datetime import date

    from mspdesk.desk.agenda import Agenda, AgendaItem
    from mspdesk.desk.cases import CaseRow

SECTIONS = (("overdue", "Overdue"), ("this_week", "This week"), ("later", "Later"))


def register(sub: Any) -> None:
    cases = subcommand(sub, "cases", "list cases")
    verbs = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)
    listing = subcommand(verbs, "list", "every case with its next milestone, newest first")
    listing.add_argument("--adviser", metavar="A", help="only cases held by adviser A")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_cases)

    agenda = subcommand(
        sub, "agenda", "open milestones across active cases: overdue, this week, later"
    )
    agenda.add_argument(
        "--days", type=_days, default=30, metavar="N", help="look N days ahead (default 30)"
    )
    agenda.add_argument("--adviser", metavar="A", help="only cases held by adviser A")
    agenda.add_argument("--json", action="store_true", help="print JSON")
    agenda.set_defaults(handler=show_agenda)

    case_verbs = common.command_group(sub, "case", "change one case")
    assign = subcommand(case_verbs, "assign", "hand the case to another adviser")
    assign.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    assign.add_argument("adviser", metavar="ADVISER", help="the adviser who takes it on")
    assign.set_defaults(handler=assign_case)

    milestone = subcommand(sub, "milestone", "change a milestone on a case")
    actions = milestone.add_subparsers(dest="milestone_command", metavar="ACTION", required=True)
    done = subcommand(
        actions, "done", "mark a milestone done; later dates re-plan from the day it was done"
    )
    done.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    done.add_argument("milestone", metavar="MILESTONE", help="the milestone code, e.g. M03")
    done.add_argument("--on", metavar="DATE", help="the day it was done (default today)")
    done.set_defaults(handler=milestone_done)


def assign_case(args: argparse.Namespace) -> int:
    with common.open_desk(args) as desk:
        case = desk.cases.set_adviser(args.case, args.adviser)
    print(f"{case.id} ({case.organisation}) is now held by {case.adviser}")
    return 0


def list_cases(args: argparse.Namespace) -> int:
    with common.open_desk(args, read_only=True) as desk:
        rows = desk.cases.summaries(adviser=args.adviser)
    if args.json:
        print_json([_case_json(row) for row in rows])
        return 0
    if not rows:
        print("No cases." if args.adviser is None else f"No cases held by {args.adviser}.")
        return 0
    for row in rows:
        late = f"{row.overdue} overdue" if row.overdue else ""
        upcoming = f"next {row.next_code} {row.next_due}" if row.next_code else "nothing open"
        print(
            f"{row.case_id}  {row.status:<9}  {row.adviser:<12}  {upcoming:<22}  {late:<10}  "
            f"{row.organisation}"
        )
    return 0


def show_agenda(args: argparse.Namespace) -> int:
    with common.open_desk(args, read_only=True) as desk:
        result = desk.agenda(days=args.days, adviser=args.adviser)
        requests = [r for r in desk.subject_access_requests() if r.open]
    if args.json:
        document = _agenda_json(result)
        document["subject_access"] = [
            {"id": r.id, "received": r.received.isoformat(), "due": r.due.isoformat()}
            for r in requests
        ]
        print_json(document)
        return 0
    who = f" for {args.adviser}" if args.adviser else ""
    print(f"Agenda{who} on {_day(result.today)}, looking {result.days} days ahead")
    for attribute, title in SECTIONS:
        items: list[AgendaItem] = getattr(result, attribute)
        print(f"\n{title} ({len(items)})")
        for item in items:
            print(f"  {item.due.isoformat()}  {_when(item):<12}  {item.key:<12}  {item.title}")
            print(f"  {'':10}  {'':12}  {'':12}  {item.organisation} ({item.adviser})")
    if requests:
        print(f"\nSubject access requests to answer ({len(requests)})")
        for request in requests:
            days = (request.due - result.today).days
            when = f"{-days} days late" if days < 0 else f"in {days} days"
            print(f"  {request.due.isoformat()}  {when:<12}  {request.id}  (mspdesk sar done)")
    return 0


def milestone_done(args: argparse.Namespace) -> int:
    on = _date(args.on) if args.on else None
    with common.open_desk(args) as desk:
        result = desk.cases.milestones.complete(args.case, args.milestone, on)
    # Printed only now: complete() returns once the change is durable.
    done_on = result.milestone.done_on
    line = f"{result.case.id} {result.milestone.code} done {done_on}"
    if result.moved:
        line += f"; {len(result.moved)} later date{'s' if len(result.moved) != 1 else ''} moved"
    print(line)
    return 0


# ------------------------------------------------------------------ helpers


def _case_json(row: CaseRow) -> dict[str, Any]:
    upcoming = (
        {"code": row.next_code, "title": row.next_title, "due": row.next_due}
        if row.next_code
        else None
    )
    return {
        "id": row.case_id,
        "organisation": row.organisation,
        "parent_body": row.parent_body,
        "route": row.route,
        "stage": row.stage,
        "status": row.status,
        "adviser": row.adviser,
        "opened_on": row.opened_on,
        "next_milestone": upcoming,
        "overdue": row.overdue,
        "open_milestones": row.open_milestones,
    }


def _agenda_json(result: Agenda) -> dict[str, Any]:
    document: dict[str, Any] = {
        "today": result.today.isoformat(),
        "days": result.days,
        "adviser": result.adviser,
        "counts": result.counts(),
    }
    for attribute, _ in SECTIONS:
        items: list[AgendaItem] = getattr(result, attribute)
        document[attribute] = [
            {
                "case_id": item.case_id,
                "organisation": item.organisation,
                "adviser": item.adviser,
                "code": item.code,
                "title": item.title,
                "due": item.due.isoformat(),
                "days": item.days,
            }
            for item in items
        ]
    return document


def _when(item: AgendaItem) -> str:
    if item.days < 0:
        return f"{-item.days} day{'s' if item.days != -1 else ''} late"
    if item.days == 0:
        return "today"
    return f"in {item.days} day{'s' if item.days != 1 else ''}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= value <= 3650:
        raise argparse.ArgumentTypeError("days must be between 0 and 3650")
    return value


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise InvalidRecord([("--on", str(error))], "date") from None
