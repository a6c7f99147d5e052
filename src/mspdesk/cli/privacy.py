"""`mspdesk people find`, `mspdesk erase` and `mspdesk erasures`: personal data."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from mspdesk.cli.common import open_desk, print_json, subcommand
from mspdesk.cli.gate import visible


def register(sub: Any) -> None:
    people = subcommand(sub, "people", "find a person's data across the desk")
    people_sub = people.add_subparsers(dest="people_command", metavar="ACTION", required=True)
    find = subcommand(
        people_sub, "find", "every record holding a matching name, email or phone, or a note"
    )
    find.add_argument("text", help="part of a name, email or phone (any spacing)")
    find.add_argument("--json", action="store_true", help="print JSON")
    find.set_defaults(handler=find_people)

    erase = subcommand(
        sub,
        "erase",
        "erase the personal data of a note, a referral or a case person from every copy "
        "(cannot be undone)",
    )
    erase.add_argument("id", help="N-00042, R-2013-0042 or a case person C-0017/2")
    erase.add_argument("--reason", default="", help="why (kept in the tombstone)")
    erase.add_argument("--json", action="store_true", help="print the tombstone as JSON")
    erase.set_defaults(handler=erase_record)

    listing = subcommand(sub, "erasures", "the tombstones of every erasure")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_erasures)


def find_people(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        hits = desk.find_people(args.text)
    if args.json:
        print_json([dataclasses.asdict(hit) for hit in hits])
        return 0
    for hit in hits:
        row = (hit.record, hit.kind, hit.where, hit.text, f"erase: {hit.erase_id}")
        print("\t".join(visible(cell) for cell in row))
    print(f"{len(hits)} place(s) hold {args.text!r}", file=sys.stderr)
    return 0


def erase_record(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        before = {stone.id for stone in desk.erasures()}
        stone = desk.erase(args.id, args.reason)
    if args.json:
        print_json(dataclasses.asdict(stone))
        return 0
    if stone.id in before:
        print(visible(f"{args.id} was already erased ({stone.id}, {stone.at})"))
        return 0
    print(visible(f"Erased {stone.what} ({stone.id}). This cannot be undone."))
    print(visible(f"Records scrubbed: {', '.join(stone.records)}"), file=sys.stderr)
    return 0


def list_erasures(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        stones = desk.erasures()
    if args.json:
        print_json([dataclasses.asdict(stone) for stone in stones])
        return 0
    for stone in stones:
        row = (stone.id, stone.at, stone.by, stone.target, stone.what, stone.reason)
        print("\t".join(visible(cell) for cell in row))
    print(f"{len(stones)} erasure(s)", file=sys.stderr)
    return 0
