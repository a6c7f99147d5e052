"""What every subcommand shares: location options, opening the desk, error reporting."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mspdesk import locations
from mspdesk.domain.errors import UserError

if TYPE_CHECKING:
    from mspdesk.desk import Desk


def add_location_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """--data-dir and --demo, accepted before or after the subcommand."""
    # Below the top level, SUPPRESS keeps a subcommand from resetting a value given earlier.
    default: Any = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        default=default,
        help=f"where records are kept (default: ${locations.DATA_DIR_ENV} or the user data dir)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="use a fresh temporary copy of the bundled demo data; real data is never touched",
    )


def subcommand(sub: Any, name: str, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A subparser that also takes the location options."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=help_text, **kwargs
    )
    add_location_options(parser)
    return parser


def command_group(sub: Any, name: str, help_text: str) -> Any:
    """The actions of a command that several modules add to (`mspdesk case set`, `case
    spun-out`, …): made on first use, then shared, so each module registers its own verbs."""
    groups: dict[str, Any] = sub.__dict__.setdefault("_mspdesk_groups", {})
    if name not in groups:
        parser = subcommand(sub, name, help_text)
        groups[name] = parser.add_subparsers(
            dest=f"{name}_command", metavar="ACTION", required=True
        )
    return groups[name]


def data_path(args: argparse.Namespace) -> Path:
    """The data directory these arguments point at (a fresh demo copy for --demo)."""
    if getattr(args, "demo", False):
        from mspdesk.demo import demo_data_dir

        return demo_data_dir()
    return locations.data_dir(getattr(args, "data_dir", None))


def open_desk(args: argparse.Namespace, *, read_only: bool = False) -> Desk:
    """Open the desk on the chosen data directory (raises UserError if it cannot)."""
    from mspdesk.desk import Desk

    desk = Desk.open(data_path(args), read_only=read_only)
    _opened.append(desk)
    show_warnings()
    return desk


_opened: list[Desk] = []
_shown: dict[int, int] = {}


def show_warnings(*, last: bool = False) -> None:
    """What the desks opened by this command found and handled (a torn tail set aside, a
    snapshot recovered, a read-only folder, a snapshot that could not be written at close),
    each once, one line on stderr, so a script's log shows it."""
    for desk in _opened:
        warnings = desk.warnings
        for warning in warnings[_shown.get(id(desk), 0) :]:
            print(f"mspdesk: warning: {warning}", file=sys.stderr)
        _shown[id(desk)] = len(warnings)
    if last:  # the command is over: forget its desks
        _opened.clear()
        _shown.clear()


def report_failure(error: BaseException, args: argparse.Namespace) -> int:
    """One line on stderr; for unexpected errors the traceback goes to the log file."""
    if isinstance(error, UserError):
        print(f"mspdesk: {error}", file=sys.stderr)
        return error.exit_code
    where = _write_log(error, args)
    hint = f" (details in {where})" if where else ""
    print(f"mspdesk: unexpected error: {error}{hint}", file=sys.stderr)
    return 1


def _write_log(error: BaseException, args: argparse.Namespace) -> Path | None:
    try:
        from mspdesk.desk import Desk

        base = locations.data_dir(getattr(args, "data_dir", None))
        if not Desk.is_desk_folder(base):
            return None  # only ever write into the desk's own folder
        path = locations.log_file(base)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        import traceback  # only for an unexpected error

        text = "".join(traceback.format_exception(error))
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {stamp}\n{text}")
        path.chmod(0o600)
        return path
    except OSError:
        return None


def print_json(value: Any) -> None:
    """Print a JSON document (UTF-8, stable key order, control characters escaped) to stdout."""
    import orjson

    from mspdesk.cli.gate import json_text

    text = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    # orjson escapes C0 controls; C1 controls and bidi overrides must not reach a terminal
    # either, so they become \uXXXX too (the same JSON, read back).
    sys.stdout.write(json_text(text))
    sys.stdout.write("\n")
