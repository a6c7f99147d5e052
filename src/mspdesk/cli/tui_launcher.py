"""Start the Textual app. The only CLI module that reaches into tui/, and only when asked."""

from __future__ import annotations

import argparse
import gc

from mspdesk.cli.common import data_path


def run_tui(args: argparse.Namespace) -> int:
    # Until the first frame the cyclic GC would only walk objects that live as long as the
    # app (modules, styles, widgets): the app turns it back on once the frame is shown.
    gc.disable()
    from mspdesk.tui.app import run

    return run(data_path(args), demo=bool(getattr(args, "demo", False)))
