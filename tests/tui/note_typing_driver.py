"""The typist that test_note_typing_kill.py kills: types into the note editor until it dies.

Usage: python note_typing_driver.py DATA_DIR SUBJECT LOG_FILE

Runs the real app headless (App.run_test), opens the note editor on SUBJECT and presses
one key of TEXT at a time at a steady rate. After each key has been handled it appends
"<unix time> <characters typed>" to LOG_FILE (flushed, so the parent can read it after a
SIGKILL: the page cache outlives the process). The first line is "ready <unix time>".
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from mspdesk.tui.app import MspdeskApp
from mspdesk.tui.screens.note_editor import NoteEditor

SENTENCE = "met the board about the transfer\nthey want a mutual by april "
TEXT = SENTENCE * 40
KEY_NAMES = {" ": "space", "\n": "enter"}
INTERVAL = 0.03  # seconds between keys: about 30 characters a second


async def type_until_killed(data_dir: Path, subject: str, log_path: Path) -> None:
    app = MspdeskApp(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        while app.desk is None:
            await pilot.pause(0.05)
        app.push_screen(NoteEditor(app.desk, subject))
        await pilot.pause()
        with log_path.open("a", encoding="utf-8") as log:
            log.write(f"ready {time.time()}\n")
            log.flush()
            for count, char in enumerate(TEXT, start=1):
                await pilot.press(KEY_NAMES.get(char, char))
                log.write(f"{time.time()} {count}\n")
                log.flush()
                await asyncio.sleep(INTERVAL)
        # Ran out of text before the kill: wait for it.
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(type_until_killed(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])))
