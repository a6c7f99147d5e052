"""`mspdesk note edit|delete|show` and `mspdesk notes list|search`.

`note add` stays in records.py (its interface is a contract); the other note actions
are added to the same `note` command by `add_note_actions`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mspdesk.cli.common import data_path, open_desk, print_json, subcommand
from mspdesk.cli.gate import visible
from mspdesk.domain.errors import InvalidRecord, NotFound
from mspdesk.domain.parsing import parse_date

KINDS = "meeting, call, email, visit, decision or other"


def add_note_actions(note_sub: Any) -> None:
    """Add edit, delete and show under `mspdesk note` (next to `add`)."""
    edit = subcommand(note_sub, "edit", "change a note's text, kind, date or tags (versioned)")
    edit.add_argument("note_id", metavar="NOTE_ID")
    edit.add_argument("--text", help="the new text ('-' reads standard input)")
    edit.add_argument("--kind", help=KINDS)
    edit.add_argument("--date", help="the day it happened (2013-03-01 or 01/03/2013)")
    edit.add_argument("--tags", help="comma-separated tags (replaces the old ones)")
    edit.set_defaults(handler=edit_note)

    delete = subcommand(note_sub, "delete", "delete a note (`mspdesk undo` brings it back)")
    delete.add_argument("note_id", metavar="NOTE_ID")
    delete.set_defaults(handler=delete_note)

    show = subcommand(note_sub, "show", "show one note, and with --versions every earlier one")
    show.add_argument("note_id", metavar="NOTE_ID")
    show.add_argument("--versions", action="store_true", help="every version, oldest first")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=show_note)


def register(sub: Any) -> None:
    notes = subcommand(sub, "notes", "list or search case notes")
    notes_sub = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)

    listing = subcommand(notes_sub, "list", "the notes on one referral or case, oldest first")
    listing.add_argument("id", help="referral or case id")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_notes)

    search = subcommand(notes_sub, "search", "notes on any referral or case holding every word")
    search.add_argument("query", help="words that must all appear (parts of words count)")
    search.add_argument("--limit", type=int, default=200, help="at most this many (newest)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(handler=search_notes)


def edit_note(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    on = None
    if args.date is not None:
        try:
            on = parse_date(args.date)
        except ValueError as error:
            raise InvalidRecord([("--date", str(error))], "note") from None
    tags = None if args.tags is None else args.tags.split(",")
    if text is None and args.kind is None and on is None and tags is None:
        raise InvalidRecord([("note", "say what to change: --text, --kind, --date or --tags")])
    with open_desk(args) as desk:
        before = desk.notes.get(args.note_id)
        note = desk.notes.edit(args.note_id, body=text, kind=args.kind, on=on, tags=tags)
    if note == before:
        print(f"{note.id}: nothing changed", file=sys.stderr)
    print(note.id)
    return 0


def delete_note(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        note = desk.notes.delete(args.note_id)
    print(f"Deleted note {note.id} on {note.subject} (`mspdesk undo` brings it back)")
    return 0


def show_note(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        note = desk.notes.get(args.note_id)
        versions = desk.notes.versions(args.note_id) if args.versions else []
    if args.json:
        if args.versions:
            print_json([_version_json(v) for v in versions])
        else:
            print_json(note.model_dump(mode="json"))
        return 0
    if not args.versions:
        _print_note(note.model_dump(mode="json"))
        return 0
    for version in versions:
        flag = " (undone)" if version.undone else ""
        print(f"--- {version.at:%Y-%m-%d %H:%M} {version.actor}: {_plain(version.summary)}{flag}")
        if version.note is None:
            print("(no note)")
        else:
            _print_note(version.note.model_dump(mode="json"))
    return 0


def list_notes(args: argparse.Namespace) -> int:
    with open_desk(args, read_only=True) as desk:
        if not (desk.referrals.exists(args.id) or desk.cases.exists(args.id)):
            raise NotFound(f"no referral or case {args.id}")
        notes = desk.notes.for_subject(args.id)
    if args.json:
        print_json([note.model_dump(mode="json") for note in notes])
        return 0
    for note in notes:
        first = next((line for line in note.body.splitlines() if line.strip()), "")
        row = (note.id, note.on.isoformat(), note.kind.value, note.adviser, first[:80])
        print("\t".join(_plain(cell) for cell in row))
    print(f"{len(notes)} note(s) on {args.id}", file=sys.stderr)
    return 0


def search_notes(args: argparse.Namespace) -> int:
    from mspdesk.desk.note_search import search_folder

    hits = None
    if not getattr(args, "demo", False):
        # The saved index and the journal answer without loading every record.
        hits = search_folder(data_path(args), args.query, args.limit)
    if hits is None:
        hits = _search_desk(args)
    if args.json:
        print_json([_hit_json(hit) for hit in hits])
        return 0
    for hit in hits:
        row = (hit.on.isoformat(), hit.kind.value, hit.subject, hit.note_id, hit.snippet)
        print("\t".join(_plain(cell) for cell in row))
    more = " (the newest; --limit shows more)" if len(hits) >= args.limit else ""
    print(f"{len(hits)} note(s){more}", file=sys.stderr)
    return 0


INDEX_MESSAGES = {
    ("missing", True): "building the notes search index (notes-index.bin) for later searches",
    ("damaged", True): "the notes search index (notes-index.bin) is damaged or from another "
    "version: ignored, and rebuilt from the notes",
    ("damaged", False): "the notes search index (notes-index.bin) is damaged or from another "
    "version: ignored (another mspdesk holds the desk; it rebuilds the index)",
}


def _search_desk(args: argparse.Namespace) -> list[Any]:
    """Search with the store loaded; as the writer when free, so the saved index is
    (re)written for the next search. A folder not made yet is not created for a search."""
    from mspdesk.desk import StoreLocked
    from mspdesk.desk.note_search import saved_index_problem

    demo = getattr(args, "demo", False)
    if not demo and not data_path(args).is_dir():
        desk = open_desk(args, read_only=True)
    else:
        try:
            desk = open_desk(args)
        except StoreLocked:
            desk = open_desk(args, read_only=True)
    with desk:
        writer = not desk.read_only
        problem = None if demo else saved_index_problem(data_path(args))
        if problem is not None and (problem, writer) in INDEX_MESSAGES:
            print(f"mspdesk: {INDEX_MESSAGES[problem, writer]}", file=sys.stderr)
        hits = desk.notes.search(args.query, limit=args.limit)
        if problem is None and desk.notes.search_index_repaired:
            print(f"mspdesk: {INDEX_MESSAGES['damaged', writer]}", file=sys.stderr)
        return hits


def _hit_json(hit: Any) -> dict[str, Any]:
    return {
        "note_id": hit.note_id,
        "subject": hit.subject,
        "subject_title": hit.subject_title,
        "on": hit.on.isoformat(),
        "kind": hit.kind.value,
        "adviser": hit.adviser,
        "snippet": hit.snippet,
        "spans": [list(span) for span in hit.spans],
    }


def _version_json(version: Any) -> dict[str, Any]:
    return {
        "at": version.at.isoformat(),
        "actor": version.actor,
        "change": version.change,
        "summary": version.summary,
        "undone": version.undone,
        "note": None if version.note is None else version.note.model_dump(mode="json"),
    }


def _print_note(record: dict[str, Any]) -> None:
    for name in ("id", "subject", "on", "kind", "adviser", "tags", "deleted"):
        value = ", ".join(record[name]) if name == "tags" else record[name]
        print(f"{name:>8}: {_plain(value)}")
    print()
    for line in str(record["body"]).splitlines():
        print(f"    {_plain(line)}")


def _plain(value: Any) -> str:
    """Text safe for a terminal: control characters (escape sequences) made visible."""
    text = "" if value is None else str(value)
    return visible(text, keep="")  # a cell: tabs and newlines shown too
