"""The `mspdesk` command: no subcommand opens the TUI, subcommands run headless.

This package never imports textual (a subprocess test proves it); the TUI is
imported only when no subcommand is given.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import types
from collections.abc import Sequence

from mspdesk import __version__
from mspdesk.cli.common import add_location_options, report_failure, show_warnings
from mspdesk.cli.gate import gated_output, unfiltered


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: with `argv`, only its command's modules are registered (each
    imports its part of the desk); without, every subcommand."""
    from mspdesk.cli import commands  # only here: the TUI's start-up does not need them

    parser = argparse.ArgumentParser(
        prog="mspdesk",
        description="Case-management desk for Mutuals Support Programme advisers.",
    )
    parser.add_argument("--version", action="version", version=f"mspdesk {__version__}")
    add_location_options(parser, top_level=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in commands.registrars(argv) if argv is not None else commands.all_registrars():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run mspdesk with `argv` (default: sys.argv[1:]); returns the exit code."""
    without_pydantic_plugins()
    with gated_output():
        try:
            return _run(argv)
        finally:
            with contextlib.suppress(Exception):
                show_warnings(last=True)  # what closing added (a snapshot not written)


PLUGIN_LOADER = "pydantic.plugin._loader"


def without_pydantic_plugins() -> None:
    """mspdesk uses no pydantic plugins, but pydantic looks for them when it builds its
    first model: importing importlib.metadata and reading every installed package's entry
    points cost each command that validates ~20 ms of CPU (a third of `python -c "import
    tinydb, pydantic"`, issue 17). Its loader is replaced by one that finds none, as
    PYDANTIC_DISABLE_PLUGINS=__all__ would, but without that import; setting
    PYDANTIC_DISABLE_PLUGINS (to anything) leaves pydantic's own loader in place."""
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ or PLUGIN_LOADER in sys.modules:
        return
    loader = types.ModuleType(PLUGIN_LOADER, "No pydantic plugins (mspdesk.cli).")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    loader.__getattr__ = _real_loader_attribute  # type: ignore[method-assign]
    sys.modules[PLUGIN_LOADER] = loader


def _real_loader_attribute(name: str) -> object:
    """Anything but `get_plugins` (a later pydantic may ask for more) comes from pydantic's
    own loader, so the stand-in can only ever cost the time it saves, never break a command."""
    import importlib

    if name.startswith("__"):  # the import system asks for `__path__` and the like
        raise AttributeError(name)
    del sys.modules[PLUGIN_LOADER]
    return getattr(importlib.import_module(PLUGIN_LOADER), name)


def _only_picks_the_data(argv: Sequence[str]) -> bool:
    """Whether `argv` has no subcommand and only says where the data is (`--data-dir`,
    `--demo`): the TUI then opens without building every subcommand's parser, whose
    imports (pydantic and the models) would delay its first frame."""
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--demo" or (word.startswith("--data-dir=") and len(word) > 11):
            continue
        if word == "--data-dir" and rest and not rest[0].startswith("-"):
            rest.pop(0)
            continue
        return False
    return True


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mspdesk")
    add_location_options(parser, top_level=True)
    return parser


def _run(argv: Sequence[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = _tui_parser() if _only_picks_the_data(arguments) else build_parser(arguments)
    args = parser.parse_args(arguments)
    args.command = getattr(args, "command", None)
    try:
        if args.command is None:
            from mspdesk.cli.tui_launcher import run_tui

            # The TUI draws the terminal itself (and shows user text as Text, never markup).
            sys.stdout, sys.stderr = unfiltered(sys.stdout), unfiltered(sys.stderr)
            return run_tui(args)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.parse_args([*([] if argv is None else argv), "--help"])
            return 2
        result: int = handler(args)
        return result
    except KeyboardInterrupt:
        print("mspdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()
    except Exception as error:
        return report_failure(error, args)


def _reader_went_away() -> int:
    """Stdout's reader closed early (`mspdesk ... | head`): stop quietly, as Unix tools do."""
    # Point stdout at /dev/null so the interpreter's final flush does not raise again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the closed pipe
