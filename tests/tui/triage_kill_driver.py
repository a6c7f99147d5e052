"""The adviser that test_triage_draft.py kills: scores a referral in the triage dialog, then
waits to be killed. Usage: python triage_kill_driver.py DATA_DIR LOG_FILE

Writes "scored" to LOG_FILE once three scores have been given (each is on disk as soon as it
is given); the parent then sends SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from inbox_data import NOW

from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.triage_modal import TriageModal


async def score_until_killed(data_dir: Path, log_path: Path) -> None:
    app = MspdeskApp(data_dir, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.desk is None:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TriageModal)
        await pilot.press("3", "2", "1")
        await pilot.pause()
        log_path.write_text("scored\n", encoding="utf-8")
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(score_until_killed(Path(sys.argv[1]), Path(sys.argv[2])))
