"""The `sync` that test_sync_kill.py kills: prints "go" once the desk is open, then syncs.

Usage: python sync_child.py DATA_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from mspdesk.desk import Desk

with Desk.open(Path(sys.argv[1]), actor="child") as desk:
    print("go", flush=True)
    desk.sync.run()
    print("done", flush=True)
