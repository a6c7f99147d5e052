"""`mspdesk duplicates list [--json]`, `duplicates keep ID --reason T`,
`duplicates merge ID --into ID`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from mspdesk.cli.common import open_desk, print_json, subcommand

if TYPE_CHECKING:
    from mspdesk.domain.referral import Referral


def register(sub: Any) -> None:
    top = subcommand(sub, "duplicates", "review referrals marked possible duplicates")
    what = top.add_subparsers(dest="duplicates_command", metavar="ACTION", required=True)
    listing = subcommand(
        what, "list", "referrals marked possible duplicates, each beside the one it looks like"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_duplicates)
    keep = subcommand(what, "keep", "keep both: the mark goes, the reason stays")
    keep.add_argument("id", help="the referral marked a possible duplicate")
    keep.add_argument("--reason", required=True, help="why both are kept (e.g. two teams)")
    keep.set_defaults(handler=keep_both)
    merge = subcommand(
        what,
        "merge",
        "merge ID into another: its notes, triage and source reference move there; "
        "ID is closed as merged (one change: mspdesk undo reverses it)",
    )
    merge.add_argument("id", help="the referral to merge away")
    merge.add_argument("--into", required=True, metavar="ID", help="the referral that stays")
    merge.set_defaults(handler=merge_into)


def list_duplicates(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        queue = desk.duplicates.queue()
    if args.json:
        print_json(
            [
                {
                    "referral": item.referral.model_dump(mode="json"),
                    "matches": None if item.match is None else item.match.model_dump(mode="json"),
                }
                for item in queue
            ]
        )
        return 0
    for item in queue:
        match = item.match
        print(f"{item.referral.id}\t{_line(item.referral)}")
        print(f"  looks like {match.id}\t{_line(match)}" if match else "  (its match is gone)")
    print(f"{len(queue)} possible duplicate(s)", file=sys.stderr)
    return 0


def keep_both(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        referral = desk.duplicates.keep(args.id, args.reason)
    print(f"Kept {referral.id} apart: {_plain(referral.duplicate_reason)}")
    return 0


def merge_into(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        survivor = desk.duplicates.merge(args.id, args.into)
    print(f"Merged {args.id} into {survivor.id}")
    return 0


def _line(referral: Referral) -> str:
    parts = [
        f"{referral.received}",
        referral.organisation,
        referral.parent_body,
        referral.source_ref or "-",
        referral.status.value,
    ]
    return "\t".join(_plain(part) for part in parts)


def _plain(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in text)
