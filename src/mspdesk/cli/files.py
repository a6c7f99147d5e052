"""`mspdesk attach CASE FILE…` and `mspdesk files CASE [--json]`: documents and emails on
a case, kept in the data directory (never opened or run by the desk)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mspdesk.cli.common import open_desk, print_json, subcommand


def register(sub: Any) -> None:
    attach = subcommand(
        sub,
        "attach",
        "copy files onto a case (an .eml email also becomes an email note, its "
        "attachments attached); the same file is never stored twice",
    )
    attach.add_argument("case_id", metavar="CASE")
    attach.add_argument("files", metavar="FILE", nargs="+", type=Path)
    attach.set_defaults(handler=attach_files)

    files = subcommand(sub, "files", "the files attached to a case")
    files.add_argument("case_id", metavar="CASE")
    files.add_argument("--json", action="store_true", help="print JSON")
    files.set_defaults(handler=list_files)


def attach_files(args: argparse.Namespace) -> int:
    from mspdesk.transfer.attach import attach_paths

    with open_desk(args) as desk:
        done = attach_paths(desk, args.case_id, list(args.files))
    for attached in done:
        if attached.note is not None:
            print(f"Added email note {attached.note.id} to {args.case_id} from {attached.source}")
        for result in attached.files:
            item = result.attachment
            if result.duplicate:
                print(f"{item.name} is already on {args.case_id} as {item.id}; not stored twice")
            else:
                print(f"Attached {item.name} to {args.case_id} as {item.id} ({item.size:,} bytes)")
    return 0


def list_files(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        desk.cases.get(args.case_id)
        found = desk.attachments.for_case(args.case_id)
        where = desk.directory
    if args.json:
        print_json([{**a.model_dump(mode="json"), "path": str(where / a.stored_as)} for a in found])
        return 0
    if not found:
        print(f"No files on {args.case_id}.")
    for item in found:
        note = f"  (with note {item.note_id})" if item.note_id else ""
        print(f"{item.id}  {item.added_at:%d %b %Y}  {item.size:>12,}  {item.name}{note}")
    return 0
