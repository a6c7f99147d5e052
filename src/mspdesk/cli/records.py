"""`mspdesk referral add`, `referrals list`, `note add`, `history`, `undo`, `redo`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from typing import Any

from mspdesk.cli import notes
from mspdesk.cli.common import open_desk, print_json, subcommand
from mspdesk.cli.gate import visible
from mspdesk.cli.json_records import print_json_records
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_count, parse_date, parse_money, parse_percent

# option -> (referral field, parser). Contact fields are nested under "contact".
REFERRAL_OPTIONS: dict[str, tuple[str, Callable[[str], Any] | None]] = {
    "--received": ("received", parse_date),
    "--source": ("source", None),
    "--source-ref": ("source_ref", None),
    "--parent-body-kind": ("parent_body_kind", None),
    "--service-area": ("service_area", None),
    "--staff": ("staff_in_scope", parse_count),
    "--contract-value": ("contract_value", parse_money),
    "--staff-votes": ("staff_votes_percent", parse_percent),
    "--staff-board": ("staff_board_percent", parse_percent),
    "--model": ("proposed_model", None),
    "--route": ("route", None),
    "--stage": ("stage", None),
    "--target-date": ("target_spin_out", parse_date),
    "--region": ("region", None),
    "--enquiry": ("enquiry", None),
    "--contact-name": ("contact.name", None),
    "--contact-role": ("contact.role", None),
    "--contact-email": ("contact.email", None),
    "--contact-phone": ("contact.phone", None),
    "--lawful-basis": ("contact.lawful_basis", None),
}


def register(sub: Any) -> None:
    add = subcommand(sub, "referral", "work with one referral")
    add_sub = add.add_subparsers(dest="referral_command", metavar="ACTION", required=True)
    adder = subcommand(add_sub, "add", "add a referral; prints its id once it is saved")
    adder.add_argument("--org", required=True, help="organisation or service name")
    adder.add_argument("--parent-body", required=True, help="the public body it belongs to")
    for option, (field, _) in REFERRAL_OPTIONS.items():
        adder.add_argument(option, metavar="VALUE", help=field.replace("_", " "))
    adder.set_defaults(handler=add_referral)

    show = subcommand(add_sub, "show", "show one referral")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=show_referral)

    lister = subcommand(sub, "referrals", "list referrals")
    list_sub = lister.add_subparsers(dest="referrals_command", metavar="ACTION", required=True)
    listing = subcommand(list_sub, "list", "list referrals, newest first")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--status", help="only this status (new, accepted, ...)")
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help="only rows containing these words (reference, source reference, names, area)",
    )
    listing.add_argument(
        "--source-ref", metavar="REF", help="only the referral with this source reference"
    )
    listing.set_defaults(handler=list_referrals)

    note = subcommand(sub, "note", "work with case notes")
    note_sub = note.add_subparsers(dest="note_command", metavar="ACTION", required=True)
    note_add = subcommand(note_sub, "add", "add a note; prints its id once it is saved")
    note_add.add_argument("id", help="referral or case id")
    note_add.add_argument("text", help="the note ('-' reads standard input)")
    note_add.add_argument(
        "--kind", default="other", help="meeting, call, email, visit, decision or other"
    )
    note_add.set_defaults(handler=add_note)
    notes.add_note_actions(note_sub)  # edit, delete, show

    hist = subcommand(sub, "history", "every change to one record")
    hist.add_argument("id")
    hist.set_defaults(handler=show_history)

    undo = subcommand(sub, "undo", "reverse the last change")
    undo.set_defaults(handler=undo_last)

    redo = subcommand(sub, "redo", "apply again what the last undo reversed")
    redo.set_defaults(handler=redo_last)


def _referral_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {"organisation": args.org, "parent_body": args.parent_body}
    contact: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for option, (field, parse) in REFERRAL_OPTIONS.items():
        raw = getattr(args, option.lstrip("-").replace("-", "_"))
        if raw is None:
            continue
        try:
            value = parse(raw) if parse else raw
        except ValueError as error:
            problems.append((option, str(error)))
            continue
        if field.startswith("contact."):
            contact[field.removeprefix("contact.")] = value
        else:
            fields[field] = value
    if problems:
        raise InvalidRecord(problems, "referral")
    if contact:
        fields["contact"] = contact
    return fields


def add_referral(args: argparse.Namespace) -> int:
    fields = _referral_fields(args)
    with open_desk(args) as desk:
        referral = desk.referrals.add(fields)
    print(referral.id)
    if referral.possible_duplicate_of:
        print(
            f"warning: {referral.id} has the same organisation and parent body as "
            f"{referral.possible_duplicate_of}; saved and marked a possible duplicate "
            "(mspdesk duplicates list)",
            file=sys.stderr,
        )
    return 0


def show_referral(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        referral = desk.referrals.get_one(args.id)
    if args.json:
        print_json(referral.model_dump(mode="json"))
        return 0
    for name, value in referral.model_dump(mode="json").items():
        print(f"{name:>16}: {_plain(value)}")
    return 0


def list_referrals(args: argparse.Namespace) -> int:
    filtered = args.status or args.search or args.source_ref
    with open_desk(args, read_only=True) as desk:
        if args.json and not filtered:
            # Each record's stored JSON as it is, never parsed (issue 17: 100k referrals).
            print_json_records(desk.referral_rows.newest_first_json())
            return 0
        if not filtered and not args.json:  # parsed a record at a time, not as a table
            return _print_rows(desk.referral_rows.newest_first_rows())
        rows = desk.referral_rows.select(status=args.status or None, text=args.search or "")
        if args.source_ref:
            wanted = args.source_ref.strip().casefold()
            rows = [r for r in rows if str(r.get("source_ref", "")).casefold() == wanted]
    if args.json:
        print_json_records(desk.referral_rows.as_json(rows))
        return 0
    return _print_rows(rows)


def _print_rows(rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007 (the count is printed after)
        print(
            "\t".join(
                _plain(row[k]) for k in ("id", "received", "status", "organisation", "parent_body")
            )
        )
    print(f"{count} referral(s)", file=sys.stderr)
    return 0


def add_note(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    with open_desk(args) as desk:
        note = desk.notes.add(args.id, text, kind=args.kind)
    print(note.id)
    return 0


def show_history(args: argparse.Namespace) -> int:
    from mspdesk.domain.labels import field_label, value_label

    with open_desk(args, read_only=True) as desk:
        entries = desk.history(args.id)
    if not entries:
        print(f"no history for {args.id}", file=sys.stderr)
        return 1
    for entry in entries:
        flag = " (undone)" if entry.undone else ""
        print(f"{entry.at:%Y-%m-%d %H:%M} {_plain(entry.who)}: {_plain(entry.summary)}{flag}")
        for change in entry.changes:
            if change.field == "record":  # the record as a whole
                print(f"    record {_plain(change.new) or 'removed'}")
                continue
            name = field_label(change.field)
            if isinstance(change.old, dict | list) or isinstance(change.new, dict | list):
                # A whole list or record (milestones, people, the referral added): say how
                # many entries, never print the raw structure.
                print(f"    {name}: {_entries(change.old)} -> {_entries(change.new)}")
                continue
            old = value_label(change.field, change.old)
            new = value_label(change.field, change.new)
            print(f"    {name}: {_plain(old)} -> {_plain(new)}")
    return 0


def undo_last(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        event = desk.undo()
    print(event.summary)
    return 0


def redo_last(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        event = desk.redo()
    print(event.summary)
    return 0


def _entries(value: Any) -> str:
    """A list or record in words: "3 entries", "a record", "none"."""
    if isinstance(value, list):
        return "none" if not value else f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if isinstance(value, dict):
        return "a record"
    return "none" if value in (None, "") else _plain(value)


def _plain(value: Any) -> str:
    """Text safe for a terminal: control characters (escape sequences) made visible."""
    text = "" if value is None else str(value)
    return visible(text, keep="")  # a cell: tabs and newlines shown too
