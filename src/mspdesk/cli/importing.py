"""`mspdesk import referrals FILE [--dry-run] [--rejects PATH]`."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mspdesk.cli.common import data_path, open_desk, subcommand
from mspdesk.cli.exporting import add_case_import
from mspdesk.cli.gate import unfiltered, visible

if TYPE_CHECKING:
    # Imported when the command runs: every mspdesk start builds this parser.
    from mspdesk.desk import Desk
    from mspdesk.transfer import ImportPlan, Progress, RowOutcome

EPILOG = """\
Each row ends in exactly one of these, and the counts add up to the rows read:
  added       new; it keeps its programme reference (R-2013-0042) or gets the
              next one for the year it was received
  updated     the same referral as one on the desk (same source and source
              reference, e.g. MIS-2013-0006; or same programme reference) and
              some fields differ: each change is shown old -> new and saved
  unchanged   the same referral, and nothing differs
  possible duplicate
              new, but the same organisation and parent body (ignoring case,
              spacing and punctuation) as another referral: added and marked
              for review (mspdesk duplicates list)
  rejected    every problem of the row is listed; the row is copied unchanged
              to the rejects file with a reject_reason column, to fix and import

A "Reference", "Ref", "MIS reference" or "Enquiry ID" column is the source's own
reference (kept as the referral's source reference), unless its value is a
programme reference already. Columns the desk has no field for are kept on each
referral as source fields. The whole import is saved as one change: one undo.

Rows are numbered as a spreadsheet shows them: the header is row 1, so the
first data row is row 2 (a value running over several lines is still one row).
In a JSON file the objects are numbered from 1 (item 1, item 2, ...).

Files: CSV (UTF-8, UTF-8 with BOM or Windows-1252; comma, semicolon or tab
separated; headers such as "Organisation", "Council/Trust", "Date received",
"Contract value (£)"), Excel .xlsx (first sheet, or --sheet NAME), or JSON (a
list of objects, or {"referrals": [...]}).
Dates as 2013-02-28 or 28/02/2013; money as £1,200,000 or 1.2m.
Importing the same file again adds nothing: its rows are unchanged.

Exit status: 0 when the file was read (even if rows were rejected),
2 when it could not be read at all (missing, too big, not CSV/Excel/JSON).
"""

PROGRESS_FROM = 2000
"""Rows from which a progress counter is shown on a terminal."""


def register(sub: Any) -> None:
    top = subcommand(sub, "import", "bring records in from a file")
    what = top.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    referrals = subcommand(
        what,
        "referrals",
        "import referrals from a CSV, Excel or JSON file",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    referrals.add_argument(
        "file", metavar="FILE", type=Path, help="the CSV, Excel (.xlsx) or JSON file"
    )
    referrals.add_argument(
        "--sheet", metavar="NAME", help="Excel: the sheet to read (default: the first)"
    )
    referrals.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and show what would happen; save nothing, write no rejects file",
    )
    referrals.add_argument(
        "--rejects",
        metavar="PATH",
        type=Path,
        help="where to write rejected rows (default: FILE's name with .rejects.csv or "
        ".rejects.json, beside it); an existing file is never overwritten: -2, -3... is added",
    )
    referrals.set_defaults(handler=import_referrals)
    add_case_import(what)  # `mspdesk import case FILE`, next to referrals


def import_referrals(args: argparse.Namespace) -> int:
    """Import, print what happened to every row that was not added, then the counts."""
    from mspdesk.transfer import apply_import, plan_import

    with _desk_for(args) as desk:
        _say_if_interrupted(desk)
        # An import keeps what it saves at once, so the file is read only once; a dry run
        # keeps it for a short file only (its changes are listed old -> new), so any length
        # stays in bounded memory.
        plan = plan_import(
            args.file,
            desk,
            progress=_progress("checking"),
            sheet=args.sheet,
            keep=None if args.dry_run else True,
        )
        if args.dry_run:
            rejects_path = (args.rejects or plan.default_rejects_path) if plan.rejected else None
            _report(plan, rejects_path, dry_run=True)
            return 0
        result = apply_import(plan, desk, rejects=args.rejects, progress=_progress("saving"))
    _report(result.plan, result.rejects_path, dry_run=False)
    return 0


@contextlib.contextmanager
def _desk_for(args: argparse.Namespace) -> Iterator[Desk]:
    """The desk to import into; for a dry run, opened read-only (or an empty one in a temp
    folder when there is no data yet), so nothing can be saved."""
    if not args.dry_run:
        with open_desk(args) as desk:
            yield desk
    elif data_path(args).is_dir():
        with open_desk(args, read_only=True) as desk:
            yield desk
    else:
        from mspdesk.desk import Desk

        with tempfile.TemporaryDirectory() as empty, Desk.open(Path(empty)) as desk:
            yield desk


def _say_if_interrupted(desk: Desk) -> None:
    """An import killed part-way left an unfinished change at the end of the journal: say
    that none of it was saved, so this run does it all (an import is one change)."""
    if any("unfinished change" in warning for warning in desk.warnings):
        print(
            "note: an unfinished change (such as an import that was stopped) was found and "
            "set aside; nothing of it was saved, so this import saves every row again",
            file=sys.stderr,
        )


def _progress(verb: str) -> Progress | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total >= PROGRESS_FROM:
            end = "\n" if done == total else ""
            # The \r is ours (redraw the line), so it goes around the gate; the counts are digits.
            print(f"\r{verb} {done}/{total} rows", end=end, file=unfiltered(sys.stderr), flush=True)

    return show


def _report(plan: ImportPlan, rejects_path: Path | None, *, dry_run: bool) -> None:
    kind = plan.format.upper()
    separator = {",": "comma", ";": "semicolon", "\t": "tab"}.get(plan.delimiter or "", "")
    how = ", ".join(
        part for part in (kind, plan.encoding, separator and f"{separator}-separated") if part
    )
    print(f"{_visible(str(plan.path))}: {how}")
    for note in plan.notes:
        print(f"note: {_visible(note)}")
    if plan.updated:
        print("Updated (the same referral; each change old -> new):")
        for row in plan.updated:
            print(f"  {row.where}: {_names(row)}: {_visible(row.reason)}")
    if plan.unchanged:
        print("Unchanged (the same referral, nothing differs):")
        for row in plan.unchanged:
            print(f"  {row.where}: {_names(row)}: {_visible(row.reason)}")
    if plan.possible_duplicates:
        print("Possible duplicates (added and marked; review with mspdesk duplicates list):")
        for row in plan.possible_duplicates:
            print(f"  {row.where}: {_names(row)}: {row.reference}: {_visible(row.reason)}")
    if plan.rejected:
        print("Rejected:")
        for row in plan.rejected:
            print(f"  {row.where}: {_names(row)}")
            for problem in row.problems:
                print(f"      {_visible(str(problem))}")
    if plan.unlisted:
        print(f"({plan.unlisted:,} more rows like those above are counted but not listed)")
    print(plan.summary(dry_run=dry_run))
    if rejects_path is not None:
        verb = "would be written" if dry_run else "written"
        print(f"Rejected rows {verb} to {_visible(str(rejects_path))}")
    if dry_run:
        print("Dry run: nothing was saved.")


def _names(row: RowOutcome) -> str:
    organisation = _visible(row.organisation) or "(no organisation)"
    parent = _visible(row.parent_body) or "(no parent body)"
    return f"{organisation} / {parent}"


def _visible(text: str) -> str:
    """Text safe for a terminal: control characters (escape sequences) shown as \\xNN."""
    return visible(text, keep="")  # a cell: tabs and newlines shown too
