"""Agenda benchmark: 2,000 active cases holding 30,000 milestones against an empty desk.

`run(quick)` returns rows for benchmarks/run.py. The agenda must open in well under 100 ms at
this size; it reads the stored case dicts without validating each milestone. Also timed: the
cases list (next due and overdue count per case) and turning the agenda into table rows.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

Row = dict[str, Any]
CASES = 2_000
MILESTONES_PER_CASE = 15
BUDGET_MS = 100.0
TODAY = date(2013, 9, 2)


def fill_cases(directory: Path, count: int) -> None:
    """`count` active cases, opened over the year before TODAY, each with 15 planned milestones
    (some done), written in one event."""
    from mspdesk.desk import Desk
    from mspdesk.desk.cases import TABLE
    from mspdesk.domain.case import case_id
    from mspdesk.domain.events import Op
    from mspdesk.domain.milestone import complete, plan

    now = datetime(2013, 9, 2, 9, 0, tzinfo=UTC)
    with Desk.open(directory, clock=lambda: now, actor="bench") as desk:
        pathway = desk.cases.pathway("council-spin-out")
        ops = []
        for number in range(1, count + 1):
            opened = TODAY - timedelta(days=number % 365)
            milestones = plan(pathway, opened)[:MILESTONES_PER_CASE]
            # The first few milestones of older cases are done, as on a real desk.
            finished = min(len(milestones), (TODAY - opened).days // 60)
            milestones = [
                complete(m, m.due or opened) if index < finished else m
                for index, m in enumerate(sorted(milestones, key=lambda m: m.position))
            ]
            record = {
                "id": case_id(number),
                "referral_id": f"R-2013-{number:04d}",
                "organisation": f"Mutual {number}",
                "parent_body": f"Council {number % 150}",
                "route": "commissioner-led",
                "proposed_model": "employee-owned",
                "pathway": pathway.key,
                "adviser": f"adviser{number % 12}",
                "opened_on": opened.isoformat(),
                "milestones": [m.model_dump(mode="json") for m in milestones],
            }
            ops.append(Op(table=TABLE, key=record["id"], kind="put", data=record))
        desk.core.commit("bench.cases", f"{count} cases", ops, f"{count} benchmark cases")
        desk.close(checkpoint=True)


def median_ms(call: Callable[[], object], repeats: int) -> float:
    call()  # warm caches and imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(quick: bool) -> list[Row]:
    """Rows: empty and full agenda times, the ratio between them and against 100 ms."""
    from mspdesk.desk import Desk

    repeats = 10 if quick else 40
    with tempfile.TemporaryDirectory(prefix="mspdesk-agenda-") as tmp:
        base = Path(tmp)
        with Desk.open(base / "empty", actor="bench") as empty:
            empty_ms = median_ms(lambda: empty.cases.agenda(TODAY), repeats)
        fill_cases(base / "full", CASES)
        with Desk.open(base / "full", read_only=True, actor="bench") as desk:
            milestones = sum(len(r["milestones"]) for r in desk.cases.rows())
            result = desk.cases.agenda(TODAY)
            full_ms = median_ms(lambda: desk.cases.agenda(TODAY), repeats)
            mine_ms = median_ms(lambda: desk.cases.agenda(TODAY, adviser="adviser3"), repeats)
            list_ms = median_ms(lambda: desk.cases.summaries(today=TODAY), repeats)
            rows_ms = median_ms(lambda: _table_rows(desk, TODAY), repeats)
    return [
        {"name": "agenda_cases", "value": CASES, "unit": "cases"},
        {"name": "agenda_milestones", "value": milestones, "unit": "milestones"},
        {"name": "agenda_items_2000_cases", "value": len(result.items), "unit": "items"},
        {"name": "agenda_empty_ms", "value": round(empty_ms, 4), "unit": "ms"},
        {"name": "agenda_2000_cases_ms", "value": round(full_ms, 3), "unit": "ms"},
        {"name": "agenda_2000_cases_one_adviser_ms", "value": round(mine_ms, 3), "unit": "ms"},
        {
            "name": "agenda_2000_cases_vs_empty",
            "value": round(full_ms / max(empty_ms, 1e-6), 1),
            "unit": "ratio",
            "baseline": "agenda_empty_ms",
        },
        {
            "name": "agenda_2000_cases_vs_budget",
            "value": round(full_ms / BUDGET_MS, 4),
            "unit": "ratio",
            "baseline": f"budget {BUDGET_MS:g} ms",
        },
        {"name": "agenda_table_rows_2000_cases_ms", "value": round(rows_ms, 3), "unit": "ms"},
        {"name": "cases_list_2000_cases_ms", "value": round(list_ms, 3), "unit": "ms"},
    ]


def _table_rows(desk: Any, today: date) -> object:
    """The agenda as the TUI shows it: items turned into table rows."""
    try:
        from mspdesk.tui.case_rows import agenda_rows
    except ImportError:  # the TUI is not installed beside the desk
        return desk.cases.agenda(today)
    return agenda_rows(desk.cases.agenda(today))


if __name__ == "__main__":
    import json

    for row in run(quick=True):
        print(json.dumps(row))
