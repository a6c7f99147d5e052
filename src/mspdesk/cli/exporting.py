"""`mspdesk export case|notes|all|evidence` and `mspdesk import case FILE`.

Exports read the desk opened read-only, so they work while the desk is open in another
terminal. Each prints the path it wrote; an existing file is never replaced without
--force. `import case` reads what `export case --format json` (or `export all`) wrote.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mspdesk.cli import common
from mspdesk.cli.common import subcommand
from mspdesk.domain.errors import InvalidRecord
from mspdesk.domain.parsing import parse_date

CASE_FORMATS = ("md", "docx", "json", "csv", "ics", "xlsx")
TABLE_FORMATS = ("csv", "json", "xlsx")
BINARY_FORMATS = {"docx": "a Word file", "xlsx": "an Excel file"}

CASE_EPILOG = """\
Formats:
  md    the case file as Markdown: referral, triage, milestones, notes, conflicts,
        people, budget, history
  docx  the same as a Word document (opens in Word and LibreOffice)
  json  every record of the case; `mspdesk import case FILE` reads it back
  csv   the case as one spreadsheet row
  ics   the case's milestones as calendar events (Outlook, Google, Apple); done or
        skipped ones cancelled
  xlsx  an Excel workbook: a sheet each for the case, referral, decisions,
        milestones, notes, people and conflicts, with real dates and numbers
"""
EVIDENCE_EPILOG = """\
The evidence export is anonymised: no names, emails or phones, no organisation or
parent body names, no free text (enquiries, notes, reasons, outcomes), no exact dates,
staff numbers or contract values (bands instead), and referral ids replaced by
pseudonyms that stay the same from one export to the next.
"""


def register(sub: Any) -> None:
    top = subcommand(sub, "export", "write cases, notes or the evidence to files")
    what = top.add_subparsers(dest="export_command", metavar="WHAT", required=True)

    case = subcommand(
        what,
        "case",
        "one case as Markdown, Word, JSON, CSV or a calendar",
        epilog=CASE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    case.add_argument("case_id", metavar="ID", help="the case, e.g. C-0001")
    case.add_argument("--format", required=True, choices=CASE_FORMATS, help="the file type")
    _output(case, "the file to write")
    case.set_defaults(handler=export_case)

    notes = subcommand(what, "notes", "the notes on every referral and case, as CSV or JSON")
    notes.add_argument("--since", metavar="DATE", help="only notes on or after DATE")
    notes.add_argument("--format", default="csv", choices=TABLE_FORMATS, help="default: csv")
    _output(notes, "the file to write")
    notes.set_defaults(handler=export_notes)

    everything = subcommand(
        what, "all", "every case in every format, all notes and the evidence, into a folder"
    )
    _output(everything, "the folder to write into (created if need be)", stdout_ok=False)
    everything.set_defaults(handler=export_all)

    evidence = subcommand(
        what,
        "evidence",
        "the anonymised evidence for the programme's evidence base, as CSV or JSON",
        epilog=EVIDENCE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evidence.add_argument("--format", required=True, choices=TABLE_FORMATS, help="the file type")
    _output(evidence, "the file to write")
    evidence.set_defaults(handler=export_evidence)


def add_case_import(import_sub: Any) -> None:
    """Add `case` under `mspdesk import` (next to `referrals`)."""
    case = subcommand(
        import_sub,
        "case",
        "add a case exported with `mspdesk export case ID --format json` (or export all)",
    )
    case.add_argument("file", metavar="FILE", type=Path, help="the case (or cases.json) file")
    case.set_defaults(handler=import_case)


def _output(parser: argparse.ArgumentParser, help_text: str, *, stdout_ok: bool = True) -> None:
    shown = f"{help_text} ('-' for standard output)" if stdout_ok else help_text
    parser.add_argument("-o", "--output", metavar="PATH", type=Path, required=True, help=shown)
    parser.add_argument("--force", action="store_true", help="replace files that exist already")


def export_case(args: argparse.Namespace) -> int:
    from mspdesk.transfer.exporters import case_bytes
    from mspdesk.transfer.exporters import export_case as write

    to_stdout = _to_stdout(args)
    with common.open_desk(args, read_only=True) as desk:
        if to_stdout:
            return _write_stdout(case_bytes(desk, args.case_id, args.format))
        path = write(desk, args.case_id, args.format, args.output, force=args.force)
    print(f"Exported {args.case_id.strip().upper()} to {path}")
    return 0


def export_notes(args: argparse.Namespace) -> int:
    from mspdesk.transfer.exporters import export_notes as write
    from mspdesk.transfer.exporters import notes_bytes

    since = None
    if args.since is not None:
        try:
            since = parse_date(args.since)
        except ValueError as error:
            raise InvalidRecord([("--since", str(error))], "export") from None
    to_stdout = _to_stdout(args)
    with common.open_desk(args, read_only=True) as desk:
        if to_stdout:
            return _write_stdout(notes_bytes(desk, args.format, since))
        path = write(desk, args.format, args.output, since=since, force=args.force)
    print(f"Exported notes to {path}")
    return 0


def export_all(args: argparse.Namespace) -> int:
    from mspdesk.transfer.exporters import export_all as write

    def progress(done: int, total: int, label: str) -> None:
        shown = "".join(ch if ch.isprintable() else "?" for ch in label)
        print(f"[{done}/{total}] {shown}", file=sys.stderr, flush=True)

    with common.open_desk(args, read_only=True) as desk:
        result = write(desk, args.output, force=args.force, progress=progress)
    folder = result.paths[0].parent if result.paths else args.output
    print(f"Exported {result.summary} ({len(result.paths)} files) to {folder}")
    return 0


def export_evidence(args: argparse.Namespace) -> int:
    from mspdesk.transfer.exporters import evidence_bytes
    from mspdesk.transfer.exporters import export_evidence as write

    to_stdout = _to_stdout(args)
    with common.open_desk(args, read_only=True) as desk:
        if to_stdout:
            return _write_stdout(evidence_bytes(desk, args.format))
        path = write(desk, args.format, args.output, force=args.force)
    print(f"Exported the anonymised evidence to {path}")
    return 0


def _to_stdout(args: argparse.Namespace) -> bool:
    """Whether `-o -` asks for standard output; a Word file is refused before any work if
    that is a terminal."""
    if str(args.output) != "-":
        return False
    binary = BINARY_FORMATS.get(args.format)
    if binary and sys.stdout.isatty():
        from mspdesk.transfer.exporters import ExportError

        raise ExportError(f"{binary} is binary: give -o FILE, or pipe or redirect the output")
    return True


def _write_stdout(data: bytes) -> int:
    """`-o -`: the export on standard output; on a terminal, through the output gate (a
    pipe or a redirect gets the file's exact bytes)."""
    from mspdesk.cli.gate import terminal_bytes

    if sys.stdout.isatty():
        data = terminal_bytes(data)
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


def import_case(args: argparse.Namespace) -> int:
    from mspdesk.transfer.case_import import import_case_file

    with common.open_desk(args) as desk:
        saved = import_case_file(args.file, desk)
    for records in saved:
        case, referral = records.case, records.referral
        files = f", {len(records.attachments)} files" if records.attachments else ""
        print(
            f"Imported case {case.id} (referral {referral.id}, {len(records.notes)} notes{files})"
        )
    return 0
