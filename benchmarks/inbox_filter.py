"""Inbox filtering at 10,000 referrals: one keystroke vs an unfiltered refresh of the inbox.

The keystroke is timed twice: through the pure functions the inbox screen uses
(`filter_entries` on precomputed rows, narrowing the previous result while the text grows)
and through `InboxScreen._apply_filter` inside a running headless app (filter, table rows,
status line). The baseline is what a refresh costs: `desk.triage.inbox_rows()` and building
the table rows, as the screen does whenever records change.

    python benchmarks/inbox_filter.py [--quick]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synthetic import fill

REFERRALS = 10_000
BUDGET_MS = 50.0
NOW = datetime(2014, 3, 3, 10, 0, tzinfo=UTC)  # after every synthetic referral was received
PHRASES = ["eastmere libraries", "council leisure", "right to provide", "overdue parks", "R-2013-0"]
Row = dict[str, Any]


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def keystrokes(phrases: Sequence[str]) -> list[str]:
    """What the filter box holds after each key: typing each phrase, then clearing it."""
    texts = []
    for phrase in phrases:
        texts += [phrase[:n] for n in range(1, len(phrase) + 1)]
        texts.append("")
    return texts


SCREENFUL = 40
"""Rows a 40-line terminal draws: the inbox makes a row only when it is drawn."""


def pure_keystrokes(entries: Sequence[Any], texts: Sequence[str]) -> list[float]:
    """Milliseconds per keystroke through filter_entries, narrowing as the screen does."""
    from mspdesk.tui.inbox_rows import filter_entries

    latencies = []
    previous, shown = "", entries
    for text in texts:
        narrowing = bool(previous.strip()) and text.startswith(previous)
        start = time.perf_counter()
        shown = filter_entries(entries, text, within=shown if narrowing else None)
        _rows = [entry.row for entry in shown[:SCREENFUL]]  # the screen makes only what it draws
        latencies.append((time.perf_counter() - start) * 1000)
        previous = text
    return latencies


def refresh(desk: Any) -> list[Any]:
    """What the inbox does when records change: items from the desk, rows, default order."""
    from mspdesk.tui.inbox_rows import SORT_ORDERS, inbox_entries, sort_entries

    return sort_entries(inbox_entries(desk.triage.inbox_rows()), SORT_ORDERS[0])


async def screen_keystrokes(directory: Path, texts: Sequence[str]) -> tuple[list[float], int]:
    """Milliseconds per keystroke filter of the inbox's record list in a running app; and
    the rows shown."""
    from mspdesk.tui.app import MspdeskApp
    from mspdesk.tui.screens.inbox import InboxScreen

    app = MspdeskApp(directory, clock=lambda: NOW)
    latencies = []
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        records = screen.records
        shown = len(records.rows)
        for text in texts:
            latencies.append(_timed(lambda t=text: records.apply_filter(t)))
        if app.desk is not None:
            app.desk.close(checkpoint=False)
            app.desk = None
    return latencies, shown


def run(quick: bool) -> list[Row]:
    """Rows: refresh baseline, keystroke p50/p95/max (pure and in the screen), ratios."""
    from mspdesk.desk import Desk

    texts = keystrokes(PHRASES[:2] if quick else PHRASES)
    with tempfile.TemporaryDirectory() as workdir:
        directory = Path(workdir) / "data"
        fill(directory, REFERRALS)
        with Desk.open(directory, actor="bench", clock=lambda: NOW) as desk:
            refresh(desk)  # warm caches (due dates) as a running inbox would have them
            refreshes = [_timed(lambda: refresh(desk)) for _ in range(3 if quick else 10)]
            entries = refresh(desk)
            pure = [ms for _ in range(2 if quick else 5) for ms in pure_keystrokes(entries, texts)]
            desk.close(checkpoint=False)
        in_screen, shown = asyncio.run(screen_keystrokes(directory, texts))
    refresh_ms = statistics.median(refreshes)
    rows: list[Row] = [
        {"name": "inbox_filter_rows", "value": shown, "unit": "referrals"},
        {"name": "inbox_unfiltered_refresh_ms", "value": round(refresh_ms, 2), "unit": "ms"},
    ]
    for label, latencies in (
        ("inbox_filter_keystroke", pure),
        ("inbox_screen_keystroke", in_screen),
    ):
        p95 = _percentile(latencies, 95)
        rows += [
            {
                "name": f"{label}_ms",
                "value": round(statistics.median(latencies), 3),
                "unit": "ms",
                "baseline": "inbox_unfiltered_refresh_ms",
            },
            {"name": f"{label}_p95_ms", "value": round(p95, 3), "unit": "ms"},
            {"name": f"{label}_max_ms", "value": round(max(latencies), 3), "unit": "ms"},
            {
                "name": f"{label}_p95_vs_refresh",
                "value": round(p95 / refresh_ms, 4),
                "unit": "ratio",
                "baseline": "inbox_unfiltered_refresh_ms",
            },
            {
                "name": f"{label}_p95_vs_budget",
                "value": round(p95 / BUDGET_MS, 4),
                "unit": "ratio",
                "baseline": f"budget {BUDGET_MS:g} ms",
            },
        ]
    return rows


if __name__ == "__main__":
    import json

    for row in run("--quick" in sys.argv):
        print(json.dumps(row))
