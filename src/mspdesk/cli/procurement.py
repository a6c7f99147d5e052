"""`mspdesk thresholds`, `mspdesk social-value` and `mspdesk route`: the procurement rules of a
day, from the shipped content. `thresholds` and `social-value` never open the records, so
they need no data directory and work beside a running desk; `route --case` reads one case.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from mspdesk.cli import common
from mspdesk.cli.common import command_group, print_json, subcommand
from mspdesk.domain.choices import ParentBodyKind
from mspdesk.domain.errors import UserError
from mspdesk.domain.parsing import parse_date, parse_money

if TYPE_CHECKING:
    from mspdesk.domain.procurement import ProcurementRoute
    from mspdesk.domain.social_value import Threshold


def register(sub: Any) -> None:
    """Add `thresholds`, `social-value` and `route`."""
    thresholds = subcommand(
        sub, "thresholds", "the procurement thresholds in force on a day (default today)"
    )
    thresholds.add_argument("--on", metavar="DATE", help="the day (default today)")
    thresholds.add_argument("--json", action="store_true", help="print JSON")
    thresholds.set_defaults(handler=show_thresholds)

    kinds = ", ".join(kind.value for kind in ParentBodyKind)
    social = subcommand(
        sub,
        "social-value",
        "does the Social Value Act's duty apply to a services contract of this value?",
    )
    _contract_options(social, kinds)
    social.set_defaults(handler=show_social_value)

    route = subcommand(
        sub,
        "route",
        "the procurement route for a contract or a case: regime, Social Value duty, reserved "
        "contract for mutuals, notices and standstill",
    )
    route.add_argument("--case", metavar="ID", help="read value, body and date from a case")
    _contract_options(route, kinds, required=False)
    route.add_argument(
        "--light-touch", action="store_true", help="a light-touch (social, education…) service"
    )
    route.set_defaults(handler=show_route)

    actions = command_group(sub, "case", "change one case")
    setter = subcommand(
        actions,
        "set",
        "set the facts the procurement route and scope read: value, procurement date, service "
        "type, parent-body kind, staff shares",
    )
    setter.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    setter.add_argument("--contract-value", metavar="MONEY")
    setter.add_argument("--procurement-on", metavar="DATE", help="when it will be procured")
    setter.add_argument("--health-care", choices=("yes", "no"), help="a health care service")
    setter.add_argument("--light-touch", choices=("yes", "no"), help="a light-touch service")
    setter.add_argument("--parent-body-kind", metavar="KIND", help=f"one of: {kinds}")
    setter.add_argument("--staff-votes", metavar="PERCENT", help="staff share of votes")
    setter.add_argument("--staff-board", metavar="PERCENT", help="staff share of board seats")
    setter.set_defaults(handler=set_case)


def _contract_options(parser: argparse.ArgumentParser, kinds: str, required: bool = True) -> None:
    parser.add_argument("--value", metavar="MONEY", required=required, help="e.g. £210,000")
    parser.add_argument(
        "--body", metavar="KIND", required=required, help=f"the parent body's kind: {kinds}"
    )
    parser.add_argument("--on", metavar="DATE", help="the procurement date (default today)")
    parser.add_argument(
        "--health-care", action="store_true", help="a health care service (the PSR from 2024)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


# ------------------------------------------------------------------ thresholds


def show_thresholds(args: argparse.Namespace) -> int:
    from mspdesk.desk.deadlines import thresholds_on
    from mspdesk.domain.social_value import regime_of

    day = _day(args.on)
    rows = thresholds_on(day)
    if args.json:
        print_json([_threshold_json(row, regime_of(row, day)) for row in rows])
        return 0
    if not rows:
        print(f"No thresholds in the table for {day:%d %b %Y} (it starts on 1 Jan 2012).")
        return 0
    print(f"Procurement thresholds in force on {day:%d %b %Y}:")
    for row in rows:
        figure = f"£{row.amount:,}" if row.amount is not None else "not in our sources"
        print(
            f"  {row.kind.value:<12} {figure:>12}  {row.vat_basis}, from {row.starts:%d %b %Y}"
            f" ({regime_of(row, day)})"
        )
        print(f"  {'':<12} source: {row.source}")
        if row.note:
            print(f"  {'':<12} note: {row.note}")
    return 0


def _threshold_json(row: Threshold, regime: str) -> dict[str, Any]:
    return {
        "kind": row.kind.value,
        "amount": row.amount,
        "vat_basis": row.vat_basis,
        "regime": regime,
        "from": row.starts.isoformat(),
        "source": row.source,
        "note": row.note,
        "unverified": row.unverified,
    }


# ------------------------------------------------------------------ social value


def show_social_value(args: argparse.Namespace) -> int:
    route = _route_from_options(args)
    check = route.social_value
    threshold = check.threshold
    if args.json:
        print_json(
            {
                "applies": check.applies,
                "threshold": threshold.amount if threshold else None,
                "regime": check.regime,
                "reason": check.reason,
                "kind": check.kind.value,
                "from": threshold.starts.isoformat() if threshold else None,
                "vat_basis": check.vat_basis,
                "source": threshold.source if threshold else None,
                "unverified": check.unverified,
                "day": check.day.isoformat(),
            }
        )
        return 0
    verdict = {True: "applies", False: "does not apply", None: "cannot tell"}[check.applies]
    print(f"Social Value Act duty: {verdict} ({check.regime})")
    print(check.reason)
    if threshold is not None:
        print(f"Figure in force from {threshold.starts:%d %b %Y}; source: {threshold.source}")
    return 0


# ------------------------------------------------------------------ route


def show_route(args: argparse.Namespace) -> int:
    if args.case:
        with common.open_desk(args, read_only=True) as desk:
            case = desk.cases.get(args.case)
            day = _day(args.on) if args.on else None
            route = desk.cases.deadlines.procurement_route(case, day)
    else:
        if args.value is None or args.body is None:
            raise UserError("route: give --case ID, or --value and --body")
        route = _route_from_options(args, light_touch=args.light_touch)
    if args.json:
        print_json(route_json(route))
        return 0
    from mspdesk.domain.procurement import route_lines

    print("\n".join(route_lines(route)))
    return 0


def route_json(route: ProcurementRoute) -> dict[str, Any]:
    """The route as plain JSON (also used by tests)."""
    check = route.social_value
    return {
        "day": route.day.isoformat(),
        "body": route.parent_body_kind.value,
        "health_care": route.health_care,
        "light_touch": route.light_touch,
        "value": route.value,
        "regime": route.regime_label,
        "authority": route.authority.value,
        "authority_basis": route.authority_basis,
        "threshold": route.threshold.amount if route.threshold else None,
        "threshold_from": route.threshold.starts.isoformat() if route.threshold else None,
        "vat_basis": route.threshold.vat_basis if route.threshold else None,
        "above_threshold": route.above_threshold,
        "social_value": {"applies": check.applies, "reason": check.reason},
        "reserved_contract": {
            "available": route.reserved.available,
            "basis": route.reserved.basis,
            "limits": list(route.reserved.limits),
        },
        "notices": list(route.notices),
        "standstill": route.standstill,
        "unverified": route.unverified,
    }


def set_case(args: argparse.Namespace) -> int:
    from mspdesk.domain.parsing import parse_percent

    changes: dict[str, Any] = {}
    readers: list[tuple[str, str, str, Any]] = [
        ("contract_value", "contract_value", "--contract-value", parse_money),
        ("procurement_on", "procurement_on", "--procurement-on", parse_date),
        ("staff_votes_percent", "staff_votes", "--staff-votes", parse_percent),
        ("staff_board_percent", "staff_board", "--staff-board", parse_percent),
        ("parent_body_kind", "parent_body_kind", "--parent-body-kind", ParentBodyKind.parse),
    ]
    for field, dest, option, read in readers:
        text = getattr(args, dest)
        if text is None:
            continue
        try:
            changes[field] = read(text)
        except ValueError as error:
            raise UserError(f"{option}: {error}") from None
    for field in ("health_care", "light_touch"):
        flag = getattr(args, field)
        if flag is not None:
            changes[field] = flag == "yes"
    if not changes:
        raise UserError("case set: give at least one thing to change")
    with common.open_desk(args) as desk:
        case = desk.cases.update(args.case, changes)
    # Printed only once update() has returned: the change is on disk.
    print(f"{case.id}: changed {', '.join(sorted(changes))}")
    return 0


# ------------------------------------------------------------------ helpers


def _route_from_options(args: argparse.Namespace, *, light_touch: bool = False) -> ProcurementRoute:
    from mspdesk.desk.deadlines import check_social_value, load_thresholds
    from mspdesk.domain.procurement import procurement_route

    try:
        value = parse_money(args.value)
    except ValueError as error:
        raise UserError(f"--value: {error}") from None
    try:
        body = ParentBodyKind.parse(args.body)
    except ValueError as error:
        raise UserError(f"--body: {error}") from None
    day = _day(args.on)
    if light_touch:
        return procurement_route(
            body, value, day, load_thresholds(), health_care=args.health_care, light_touch=True
        )
    return check_social_value(value, body, day, health_care=args.health_care)


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return parse_date(text)
    except ValueError as error:
        raise UserError(f"--on: {error}") from None
