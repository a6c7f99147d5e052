"""Regenerate the README screenshots from the demo data: python docs/screenshots.py"""

from __future__ import annotations

import asyncio
from pathlib import Path

from mspdesk.demo import demo_data_dir
from mspdesk.tui.app import MspdeskApp

HERE = Path(__file__).resolve().parent


async def shoot() -> None:
    app = MspdeskApp(demo_data_dir(), demo=True)
    async with app.run_test(size=(140, 38)) as pilot:
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await pilot.press("f2", "down", "down")
        await pilot.pause(0.3)
        app.save_screenshot(str(HERE / "referrals.svg"))


if __name__ == "__main__":
    asyncio.run(shoot())
