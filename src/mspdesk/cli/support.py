"""Providers, support packages and life after spin-out:

`mspdesk provider add`, `providers list`, `package add|deliver|signoff|invoice`,
`packages list`, `case spun-out`, `monitoring` and `checkin`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from mspdesk.cli import common
from mspdesk.cli.common import command_group, print_json, subcommand
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_count, parse_date, parse_money
from mspdesk.domain.support import (
    Money,
    Package,
    PackageKind,
    decimal_pounds,
    parse_days,
    parse_pence,
    pounds,
)

if TYPE_CHECKING:
    from mspdesk.desk import Desk
    from mspdesk.desk.support import CaseMoney, ProgrammeMoney
    from mspdesk.domain.aftercare import Monitoring
    from mspdesk.domain.support import Provider

T = TypeVar("T")


def register(sub: Any) -> None:
    provider = subcommand(sub, "provider", "add a support provider to the roster")
    verbs = provider.add_subparsers(dest="provider_command", metavar="ACTION", required=True)
    add = subcommand(verbs, "add", "add a provider; prints its id once it is on disk")
    add.add_argument("--name", required=True, metavar="N", help="the provider's name")
    add.add_argument(
        "--lot",
        required=True,
        action="append",
        metavar="LOT",
        help="a framework lot it is on (repeat for several)",
    )
    add.add_argument("--day-rate", metavar="MONEY", help="its usual day rate, e.g. £650")
    add.add_argument("--sme", action="store_true", help="a small or medium-sized enterprise")
    add.add_argument("--contact", default="", metavar="TEXT", help="who to contact")
    add.add_argument("--conflicts", default="", metavar="TEXT", help="conflicts it declared")
    add.set_defaults(handler=provider_add)

    providers = subcommand(sub, "providers", "the provider roster")
    pverbs = providers.add_subparsers(dest="providers_command", metavar="ACTION", required=True)
    plist = subcommand(pverbs, "list", "every provider, with what it has been committed")
    plist.add_argument("--json", action="store_true", help="print JSON")
    plist.set_defaults(handler=providers_list)

    package = subcommand(sub, "package", "support packages of days on a case")
    kverbs = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    padd = subcommand(kverbs, "add", "commit a package to a case; prints its id once it is on disk")
    padd.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    padd.add_argument("--provider", required=True, metavar="ID", help="the provider, e.g. SP-001")
    padd.add_argument(
        "--kind",
        required=True,
        metavar="K",
        help="one of: " + ", ".join(k.value for k in PackageKind),
    )
    padd.add_argument("--days", required=True, metavar="N", help="days of support (halves ok)")
    padd.add_argument("--rate", required=True, metavar="MONEY", help="the day rate, e.g. £600")
    padd.add_argument("--deliverable", required=True, metavar="TEXT", help="what is delivered")
    padd.add_argument("--due", required=True, metavar="DATE", help="when it is due")
    padd.add_argument(
        "--over-budget",
        default="",
        metavar="REASON",
        help="commit it although it is over the case's remaining budget, saying why",
    )
    padd.set_defaults(handler=package_add)
    for verb, help_text in (
        ("deliver", "the provider has delivered the package"),
        ("signoff", "the adviser has signed the deliverable off"),
    ):
        step = subcommand(kverbs, verb, help_text)
        step.add_argument("package", metavar="ID", help="the package, e.g. PK-0001")
        step.add_argument("--on", metavar="DATE", help="the day (default today)")
        step.set_defaults(handler=package_step, verb=verb)
    invoice = subcommand(kverbs, "invoice", "record the provider's invoice for the package")
    invoice.add_argument("package", metavar="ID", help="the package, e.g. PK-0001")
    invoice.add_argument("--amount", required=True, metavar="MONEY", help="the amount invoiced")
    invoice.add_argument("--on", metavar="DATE", help="the invoice date (default today)")
    invoice.set_defaults(handler=package_step, verb="invoice")

    packages = subcommand(sub, "packages", "list support packages")
    lverbs = packages.add_subparsers(dest="packages_command", metavar="ACTION", required=True)
    klist = subcommand(lverbs, "list", "packages with the money committed, delivered, invoiced")
    klist.add_argument("--case", metavar="CASE", help="only this case's packages")
    klist.add_argument("--json", action="store_true", help="print JSON")
    klist.set_defaults(handler=packages_list)

    cverbs = command_group(sub, "case", "change one case")
    spun = subcommand(
        cverbs, "spun-out", "the mutual has spun out: end the case and start monitoring"
    )
    spun.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    spun.add_argument("--on", required=True, metavar="DATE", help="the day it spun out")
    spun.add_argument("--contract-end", metavar="DATE", help="when its first contract ends")
    spun.add_argument("--contract-value", metavar="MONEY", help="the contract's value")
    spun.add_argument("--staff", metavar="N", help="staff who transferred")
    spun.add_argument(
        "--lgps",
        choices=("yes", "no"),
        help="staff keep Local Government Pension Scheme membership (default: yes for a council)",
    )
    spun.add_argument("--outcome", default="", metavar="TEXT", help="the outcome in a sentence")
    spun.set_defaults(handler=case_spun_out)

    monitoring = subcommand(
        sub, "monitoring", "live mutuals after spin-out and what is due: check-ins, re-tender"
    )
    monitoring.add_argument("--json", action="store_true", help="print JSON")
    monitoring.set_defaults(handler=monitoring_list)

    checkin = subcommand(sub, "checkin", "record a 1-, 3- or 5-year check-in on a spun-out case")
    checkin.add_argument("case", metavar="CASE", help="the case, e.g. C-0001")
    checkin.add_argument("--year", required=True, type=int, choices=(1, 3, 5), metavar="N")
    checkin.add_argument("--trading", required=True, choices=("yes", "no"))
    checkin.add_argument("--ownership", metavar="PCT", help="staff ownership, per cent")
    checkin.add_argument("--turnover", metavar="MONEY", help="turnover a year")
    checkin.add_argument("--contracts", metavar="N", help="contracts won beyond the first")
    checkin.add_argument("--staff", metavar="N", help="staff now")
    checkin.add_argument("--on", metavar="DATE", help="the day of the check-in (default today)")
    checkin.set_defaults(handler=checkin_record)


# ------------------------------------------------------------------ handlers


def provider_add(args: argparse.Namespace) -> int:
    rate = _parsed("--day-rate", args.day_rate, parse_pence) if args.day_rate else None
    with common.open_desk(args) as desk:
        provider = desk.support.add_provider(
            args.name,
            args.lot,
            day_rate=rate,
            sme=args.sme,
            contact=args.contact,
            conflicts=args.conflicts,
        )
    print(provider.id)
    return 0


def providers_list(args: argparse.Namespace) -> int:
    with common.open_desk(args, read_only=True) as desk:
        providers = desk.support.providers()
        rollup = desk.support.rollup()
    if args.json:
        print_json([_provider_json(p, rollup.by_provider.get(p.id, Money())) for p in providers])
        return 0
    if not providers:
        print("No providers. Add one with `mspdesk provider add`.")
        return 0
    for p in providers:
        money = rollup.by_provider.get(p.id, Money())
        rate = pounds(p.day_rate) if p.day_rate is not None else "-"
        print(
            f"{p.id}  {p.name:<30}  {', '.join(p.lots):<24}  {rate:>10}/day  "
            f"{'SME' if p.sme else '   '}  committed {pounds(money.committed)}"
        )
    return 0


def package_add(args: argparse.Namespace) -> int:
    days = _parsed("--days", args.days, parse_days)
    rate = _parsed("--rate", args.rate, parse_pence)
    due = _parsed("--due", args.due, parse_date)
    with common.open_desk(args) as desk:
        package = desk.support.add_package(
            args.case,
            provider_id=args.provider,
            kind=args.kind,
            days=days,
            rate=rate,
            deliverable=args.deliverable,
            due=due,
            over_budget=args.over_budget,
        )
        money = desk.support.case_money(package.case_id)
        programme = desk.support.programme_money()
    # Printed only now: add_package returns once the package is durable.
    print(package.id)
    print(
        f"{package.case_id}: committed {pounds(money.money.committed)} of "
        f"{pounds(money.allocated)}, remaining {pounds(money.remaining)}; "
        f"programme headroom {pounds(programme.headroom)}"
    )
    return 0


def package_step(args: argparse.Namespace) -> int:
    on = _parsed("--on", args.on, parse_date) if args.on else None
    with common.open_desk(args) as desk:
        if args.verb == "deliver":
            package = desk.support.deliver(args.package, on)
        elif args.verb == "signoff":
            package = desk.support.sign_off(args.package, on)
        else:
            amount = _parsed("--amount", args.amount, parse_pence)
            package = desk.support.invoice(args.package, amount, on)
        money = desk.support.case_money(package.case_id)
        programme = desk.support.programme_money()
    line = f"{package.id} {package.status.label.lower()}"
    if package.invoice_amount is not None:
        line += f" {pounds(package.invoice_amount)}"
    print(line)
    print(
        f"{package.case_id}: committed {pounds(money.money.committed)}, invoiced "
        f"{pounds(money.money.invoiced)}, remaining {pounds(money.remaining)}; "
        f"programme headroom {pounds(programme.headroom)}"
    )
    return 0


def packages_list(args: argparse.Namespace) -> int:
    with common.open_desk(args, read_only=True) as desk:
        packages = desk.support.packages(args.case)
        names = {p.id: p.name for p in desk.support.providers()}
        cases = _case_money(desk, args.case)
        programme = desk.support.programme_money()
    if args.json:
        print_json(
            {
                "packages": [_package_json(p, names) for p in packages],
                "cases": [_case_money_json(c) for c in cases],
                "programme": _programme_json(programme),
            }
        )
        return 0
    if not packages:
        print("No packages.")
    for p in packages:
        invoiced = f"  invoiced {pounds(p.invoice_amount)}" if p.invoice_amount else ""
        print(
            f"{p.id}  {p.case_id}  {p.status.label.lower():<10}  {p.kind.label:<17}  "
            f"{p.days} days x {pounds(p.rate)} = {pounds(p.value)}  due {p.due}{invoiced}"
        )
        print(f"{'':9}{names.get(p.provider_id, p.provider_id)}: {p.deliverable}")
    for money in cases:
        print(
            f"{money.case_id}: allocated {pounds(money.allocated)}, committed "
            f"{pounds(money.money.committed)}, delivered {pounds(money.money.delivered)}, "
            f"invoiced {pounds(money.money.invoiced)}, remaining {pounds(money.remaining)}"
        )
    print(
        f"Programme: {pounds(programme.total)}, committed {pounds(programme.money.committed)}, "
        f"invoiced {pounds(programme.money.invoiced)}, headroom {pounds(programme.headroom)}"
    )
    return 0


def case_spun_out(args: argparse.Namespace) -> int:
    on = _parsed("--on", args.on, parse_date)
    end = _parsed("--contract-end", args.contract_end, parse_date) if args.contract_end else None
    value = (
        _parsed("--contract-value", args.contract_value, parse_money)
        if args.contract_value
        else None
    )
    staff = _parsed("--staff", args.staff, parse_count) if args.staff else None
    with common.open_desk(args) as desk:
        monitoring = desk.support.spun_out(
            args.case,
            on,
            contract_end=end,
            contract_value=value,
            staff=staff,
            lgps=None if args.lgps is None else args.lgps == "yes",
            outcome=args.outcome,
        )
    print(f"{monitoring.case_id} spun out {on}; monitoring")
    for code, title, day in monitoring.due():
        print(f"  {day}  {code:<9} {title}")
    if monitoring.pensions_note:
        print(f"  Pensions: {monitoring.pensions_note}")
    return 0


def monitoring_list(args: argparse.Namespace) -> int:
    with common.open_desk(args, read_only=True) as desk:
        found = desk.support.monitoring()
        names = {m.case_id: desk.cases.get(m.case_id).organisation for m in found}
        today = desk.core.today()
    if args.json:
        print_json([_monitoring_json(m, names[m.case_id], today) for m in found])
        return 0
    if not found:
        print("No mutuals under monitoring. Record a spin-out with `mspdesk case spun-out`.")
    for m in found:
        state = "trading" if m.trading else "not trading"
        print(f"{m.case_id}  spun out {m.spun_out_on}  {state:<11}  {names[m.case_id]}")
        for code, title, day in m.due():
            late = "  overdue" if day < today else ""
            print(f"  {day}  {code:<9} {title}{late}")
        if m.pensions_note:
            print(f"  Pensions: {m.pensions_note}")
    return 0


def checkin_record(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {"trading": args.trading == "yes"}
    if args.on:
        fields["on"] = _parsed("--on", args.on, parse_date)
    if args.ownership:
        fields["ownership_percent"] = _parsed("--ownership", args.ownership, parse_count)
    if args.turnover:
        fields["turnover"] = _parsed("--turnover", args.turnover, parse_money)
    if args.contracts:
        fields["contracts_beyond_first"] = _parsed("--contracts", args.contracts, parse_count)
    if args.staff:
        fields["staff"] = _parsed("--staff", args.staff, parse_count)
    with common.open_desk(args) as desk:
        monitoring = desk.support.checkin(args.case, args.year, fields)
    print(
        f"{monitoring.case_id} {args.year}-year check-in recorded: "
        + ("trading" if monitoring.trading else "not trading")
    )
    return 0


# ------------------------------------------------------------------ JSON shapes


def money_json(pence: int) -> dict[str, Any]:
    return {"pence": pence, "pounds": decimal_pounds(pence)}


def _provider_json(p: Provider, money: Money) -> dict[str, Any]:
    return {
        **p.model_dump(mode="json"),
        "day_rate": None if p.day_rate is None else money_json(p.day_rate),
        "money": money.as_json(),
    }


def _package_json(p: Package, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": p.id,
        "case_id": p.case_id,
        "provider_id": p.provider_id,
        "provider": names.get(p.provider_id, ""),
        "kind": p.kind.value,
        "days": str(p.days),
        "rate": money_json(p.rate),
        "value": money_json(p.value),
        "deliverable": p.deliverable,
        "due": p.due.isoformat(),
        "status": p.status.value,
        "committed_on": p.committed_on.isoformat(),
        "delivered_on": _iso(p.delivered_on),
        "signed_off_on": _iso(p.signed_off_on),
        "invoiced_on": _iso(p.invoiced_on),
        "invoice_amount": None if p.invoice_amount is None else money_json(p.invoice_amount),
        "over_budget": p.over_budget,
    }


def _case_money(desk: Desk, case_id: str | None) -> list[CaseMoney]:
    wanted = [case_id] if case_id else sorted({p.case_id for p in desk.support.packages()})
    return [desk.support.case_money(c) for c in wanted]


def _case_money_json(money: CaseMoney) -> dict[str, Any]:
    return {
        "case_id": money.case_id,
        "allocated": money_json(money.allocated),
        "remaining": money_json(money.remaining),
        **money.money.as_json(),
    }


def _programme_json(programme: ProgrammeMoney) -> dict[str, Any]:
    return {
        "total": money_json(programme.total),
        "headroom": money_json(programme.headroom),
        **programme.money.as_json(),
    }


def _monitoring_json(m: Monitoring, organisation: str, today: date) -> dict[str, Any]:
    return {
        **m.model_dump(mode="json"),
        "organisation": organisation,
        "trading": m.trading,
        "pensions_note": m.pensions_note,
        "retender_on": _iso(m.retender_on),
        "due": [
            {"code": code, "title": title, "due": day.isoformat(), "overdue": day < today}
            for code, title, day in m.due()
        ],
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _parsed(option: str, text: str | None, parse: Callable[[str], T]) -> T:
    try:
        return parse(text or "")
    except ValueError as error:
        raise InvalidRecord([(option, str(error))], "input") from None
