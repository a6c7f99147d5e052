"""`mspdesk sync …`: share this desk's changes with other desks through a git remote."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from mspdesk.cli.common import open_desk, print_json, subcommand
from mspdesk.cli.gate import visible


def register(sub: Any) -> None:
    sync = subcommand(
        sub,
        "sync",
        "sync with the other desks through the shared git remote: pull, apply, push "
        "(exit 6 when the remote cannot be reached; nothing is changed then)",
    )
    sync.set_defaults(handler=run_sync)
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=False)

    init = subcommand(actions, "init", "sync this desk through REMOTE (a path or git URL)")
    init.add_argument("remote", metavar="REMOTE", help="a bare git repository: path or URL")
    init.set_defaults(handler=init_sync)

    status = subcommand(actions, "status", "the remote, the last sync, what is waiting")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=show_status)

    clashes = subcommand(actions, "clashes", "the same field changed on two desks: to settle")
    clashes.add_argument("--json", action="store_true", help="print JSON")
    clashes.add_argument("--all", action="store_true", help="settled ones too")
    clashes.set_defaults(handler=list_clashes)

    resolve = subcommand(actions, "resolve", "settle a clash on every desk")
    resolve.add_argument("clash", metavar="CLASH", help="its id, as `sync clashes` lists it")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", choices=("mine", "theirs"), help="this desk's value or theirs")
    choice.add_argument("--value", metavar="VALUE", help="the value to keep, as typed")
    resolve.set_defaults(handler=resolve_clash)


def init_sync(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        state = desk.sync.init(args.remote)
    code = f" as desk {state.code}" if state.code else ""
    print(visible(f"This desk syncs through {state.remote}{code}. Run `mspdesk sync` now."))
    return 0


def run_sync(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        report = desk.sync.run()
        clashes = desk.sync.status().clashes
    came = sum(report.came_in.values())
    desks = len(report.came_in)
    print(f"in: {came} change(s) from {desks} desk(s); out: {report.went_out} change(s)")
    for desk_id, count in sorted(report.came_in.items()):
        print(visible(f"  {desk_id}: {count}"), file=sys.stderr)
    if report.erasures:
        print(f"erasures applied here: {report.erasures}")
    if report.clashes:
        print(f"new clashes: {len(report.clashes)} ({', '.join(report.clashes)})")
    if clashes:
        print(f"{clashes} clash(es) to settle: mspdesk sync clashes", file=sys.stderr)
    return 0


def show_status(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        status = desk.sync.status()
    if args.json:
        print_json(dataclasses.asdict(status))
        return 0
    if not status.remote:
        print("this desk does not sync (mspdesk sync init REMOTE)")
        return 0
    rows = [
        ("desk", f"{status.desk} {status.code}".strip()),
        ("remote", status.remote),
        ("last sync", status.last_sync or "never"),
        ("waiting to go out", str(status.waiting)),
        ("clashes to settle", str(status.clashes)),
        ("other desks", ", ".join(code or d for d, code in sorted(status.desks.items())) or "-"),
    ]
    for name, value in rows:
        print(visible(f"{name}: {value}"))
    return 0


def list_clashes(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        clashes = desk.sync.clashes(everything=args.all)
    if args.json:
        print_json([dataclasses.asdict(clash) for clash in clashes])
        return 0
    for clash in clashes:
        sides = " | ".join(
            f"{'mine' if s.mine else s.origin[:6]} ({s.actor}): {s.value}" for s in clash.sides
        )
        row = (clash.id, clash.record, clash.field, f"now: {clash.current}", sides, clash.status)
        print("\t".join(visible(str(cell)) for cell in row))
    print(f"{len(clashes)} clash(es)", file=sys.stderr)
    return 0


def resolve_clash(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        clash = desk.sync.resolve(args.clash, keep=args.keep, value=args.value)
    print(visible(f"Settled {clash.id}: {clash.record} {clash.field} = {clash.settled_value}"))
    print("it reaches the other desks at the next sync", file=sys.stderr)
    return 0
