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
        basis = f"lawful basis: {hit.lawful_basis}" if hit.lawful_basis else ""
        row = (hit.record, hit.kind, hit.where, hit.text, f"erase: {hit.erase_id}", basis)
        print("\t".join(visible(cell) for cell in row).rstrip("\t"))
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


# ------------------------------------------------------------------ subject access


def register_sar(sub: Any) -> None:
    sar = subcommand(
        sub,
        "sar",
        "subject access: `sar TEXT -o DIR` writes one person's bundle and logs the request; "
        "`sar list`, `sar done ID`",
    )
    sar.add_argument("words", nargs="+", metavar="TEXT | list | done ID")
    sar.add_argument("-o", "--output", help="the folder for the bundle (Markdown and JSON)")
    sar.add_argument("--request", help="an already logged request (S-00001) to answer")
    sar.add_argument("--force", action="store_true", help="replace a bundle already there")
    sar.add_argument("--json", action="store_true", help="print JSON (list)")
    sar.set_defaults(handler=subject_access)


def subject_access(args: argparse.Namespace) -> int:
    from mspdesk.domain.errors import UserError

    words = args.words
    if words == ["list"]:
        return _sar_list(args)
    if words[0] == "done" and len(words) == 2:
        with open_desk(args) as desk:
            done = desk.subject_access_done(words[1])
        print(visible(f"{done.id} answered on {done.answered_on}"))
        return 0
    if not args.output:
        raise UserError("say where to write the bundle: mspdesk sar TEXT -o DIR")
    return _sar_bundle(args, " ".join(words))


def _sar_list(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        found = desk.subject_access_requests()
        today = desk.core.today()
    rows = [
        {
            "id": r.id,
            "person": r.person,
            "received": r.received.isoformat(),
            "due": r.due.isoformat(),
            "answered_on": r.answered_on.isoformat() if r.answered_on else None,
            "overdue": r.open and r.due < today,
        }
        for r in found
    ]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        state = f"answered {row['answered_on']}" if row["answered_on"] else "OPEN"
        if row["overdue"]:
            state = "OVERDUE"
        cells = (row["id"], row["received"], f"due {row['due']}", state, row["person"])
        print("\t".join(visible(str(c)) for c in cells))
    print(f"{len(rows)} request(s)", file=sys.stderr)
    return 0


def _sar_bundle(args: argparse.Namespace, text: str) -> int:
    from pathlib import Path

    from mspdesk.desk.sar import codes
    from mspdesk.domain.errors import NotFound
    from mspdesk.transfer.exporters.output import private_folder
    from mspdesk.transfer.exporters.sar_bundle import write_bundle

    with open_desk(args) as desk:
        bundle = desk.subject_access(text)
        private_folder(Path(args.output), desk.directory)  # refused before anything is logged
        if args.request:
            matching = [r for r in desk.subject_access_requests() if r.id == args.request]
            if not matching:
                raise NotFound(f"no subject access request {args.request}")
            request = matching[0]
        else:
            request = desk.log_subject_access(text)
        produced = desk.core.now().isoformat(timespec="seconds")
        directory = desk.directory
    document = {
        "person": bundle.person,
        "identifiers": bundle.identifiers,
        "produced": produced,
        "request": {
            "id": request.id,
            "received": request.received.isoformat(),
            "due": request.due.isoformat(),
        },
        "referrals": bundle.referrals,
        "cases": bundle.cases,
        "notes": bundle.notes,
        "codes": codes(),
    }
    written = write_bundle(Path(args.output), document, data_dir=directory, force=args.force)
    counts = f"{len(bundle.referrals)} referral(s), {len(bundle.cases)} case(s), "
    counts += f"{len(bundle.notes)} note(s)"
    print(visible(f"{request.id}: {counts}; answer due by {request.due}"))
    for path in written:
        print(visible(str(path)), file=sys.stderr)
    print(visible(f"when sent: mspdesk sar done {request.id}"), file=sys.stderr)
    return 0


# ------------------------------------------------------------------ retention


def register_retention(sub: Any) -> None:
    retention = subcommand(
        sub, "retention", "records past their retention period (see README, Retention)"
    )
    retention.add_argument("--json", action="store_true", help="print JSON")
    retention.set_defaults(handler=list_retention)
    actions = retention.add_subparsers(dest="retention_command", metavar="ACTION")
    erase = subcommand(actions, "erase", "erase a record past retention (cannot be undone)")
    erase.add_argument("id", help="a referral or case `mspdesk retention` lists")
    erase.add_argument("--reason", required=True, help="why (kept in the tombstone)")
    erase.set_defaults(handler=retention_erase)
    extend = subcommand(actions, "extend", "keep a record longer, with a reason")
    extend.add_argument("id", help="a referral or case")
    extend.add_argument("--until", required=True, help="the new date (2030-01-31)")
    extend.add_argument("--reason", required=True, help="why it is kept longer")
    extend.set_defaults(handler=retention_extend)


def list_retention(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        items = desk.past_retention()
    if args.json:
        rows = [dataclasses.asdict(item) for item in items]
        for row in rows:
            for name in ("ended_on", "keep_until", "held_until"):
                row[name] = row[name].isoformat() if row[name] else None
        print_json(rows)
        return 0
    for item in items:
        cells = (item.id, item.kind, f"ended {item.ended_on}", f"keep until {item.keep_until}")
        print("\t".join(visible(c) for c in (*cells, item.what)))
    print(f"{len(items)} record(s) past retention", file=sys.stderr)
    return 0


def retention_erase(args: argparse.Namespace) -> int:
    from mspdesk.domain.errors import UserError

    with open_desk(args) as desk:
        if args.id not in {item.id for item in desk.past_retention()}:
            raise UserError(f"{args.id} is not past its retention period (see mspdesk retention)")
        stone = desk.erase(args.id, f"retention: {args.reason}")
    print(visible(f"Erased {stone.what} ({stone.id}). This cannot be undone."))
    return 0


def retention_extend(args: argparse.Namespace) -> int:
    from mspdesk.domain.errors import InvalidRecord
    from mspdesk.domain.parsing import parse_date

    try:
        until = parse_date(args.until)
    except ValueError as error:
        raise InvalidRecord([("--until", str(error))], "extension") from None
    with open_desk(args) as desk:
        desk.extend_retention(args.id, until, args.reason)
    print(visible(f"{args.id} kept until {until}"))
    return 0
