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
Each row is added, a duplicate, or rejected:
  added      valid and new; it keeps its programme reference (R-2013-0042),
             or gets the next one for the year it was received
  duplicate  same programme reference, or same organisation and parent body
             (ignoring case and spacing), as a record already on the desk or an
             earlier row of the file; the existing record is NOT changed
  rejected   every problem of the row is listed; the row is copied unchanged
             to the rejects file with a reject_reason column, to fix and import

Rows are numbered as a spreadsheet shows them: the header is row 1, so the
first data row is row 2 (a value running over several lines is still one row).
In a JSON file the objects are numbered from 1 (item 1, item 2, ...).

Files: CSV (UTF-8, UTF-8 with BOM or Windows-1252; comma, semicolon or tab
separated; headers such as "Organisation", "Council/Trust", "Date received",
"Contract value (£)") or JSON (a list of objects, or {"referrals": [...]}).
Dates as 2013-02-28 or 28/02/2013; money as £1,200,000 or 1.2m.
Importing the same file again adds nothing.

Exit status: 0 when the file was read (even if rows were rejected),
2 when it could not be read at all (missing, not CSV or JSON, binary).
"""

PROGRESS_FROM = 2000
"""Rows from which a progress counter is shown on a terminal."""


def register(sub: Any) -> None:
    top = subcommand(sub, "import", "bring records in from a file")
    what = top.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    referrals = subcommand(
        what,
        "referrals",
        "import referrals from a CSV or JSON file",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    referrals.add_argument("file", metavar="FILE", type=Path, help="the CSV or JSON file")
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
        plan = plan_import(args.file, desk, progress=_progress("checking"))
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
    if plan.duplicates:
        print("Duplicates (not imported; the record already there is left as it is):")
        for row in plan.duplicates:
            print(f"  {row.where}: {_names(row)}: {row.reason}")
    if plan.rejected:
        print("Rejected:")
        for row in plan.rejected:
            print(f"  {row.where}: {_names(row)}")
            for problem in row.problems:
                print(f"      {_visible(str(problem))}")
    added = "would be added" if dry_run else "added"
    blank = f" ({plan.blank_rows} blank skipped)" if plan.blank_rows else ""
    print(
        f"{plan.total} rows{blank}: {len(plan.added)} {added}, "
        f"{len(plan.duplicates)} duplicate, {len(plan.rejected)} rejected"
    )
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
