"""Start the Textual app. The only CLI module that reaches into tui/, and only when asked."""

from __future__ import annotations

import argparse

from mspdesk.cli.common import data_path


def run_tui(args: argparse.Namespace) -> int:
    from mspdesk.tui.app import run

    return run(data_path(args), demo=bool(getattr(args, "demo", False)))
