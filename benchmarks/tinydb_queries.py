"""The desk's filtered reads as TinyDB queries, against the hand-written loops they replaced.

    python benchmarks/tinydb_queries.py [--quick]

`run(quick)` returns rows for benchmarks/run.py. Each read is timed both ways in the same
process, alternately (medians): the loop as the code read before (kept here as the
baseline), the TinyDB query first with its cache cleared (a CLI call asks once) and then
answered from TinyDB's query cache (a screen asking again while nothing changed).

Referrals (100k, 10k with --quick): by status (every referral matches "new", none
"declined"), by words, both; the filter alone as well as the sorted list a user gets.
Cases (2,000 with 15 milestones each): by adviser; and the agenda for one adviser and
for all, its cases picked by a TinyDB query against the loop inside `agenda` (the desk
keeps the loop there: the query measured slower uncached).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
for path in (str(SRC), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

Row = dict[str, Any]
REFERRALS = 100_000


def interleaved(
    old: Callable[[], object], new: Callable[[], object], repeats: int
) -> tuple[list[float], list[float]]:
    """Times (ms) of `old` and `new`, run alternately after one warm-up each."""
    old(), new()
    old_ms, new_ms = [], []
    for _ in range(repeats):
        old_ms.append(_timed(old))
        new_ms.append(_timed(new))
    return old_ms, new_ms


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def compare(
    name: str, old: Callable[[], object], new: Callable[[], object], repeats: int
) -> list[Row]:
    """Rows: medians both ways and their ratio, and the ratio of the fastest runs (steadier
    on a busy machine)."""
    old_runs, new_runs = interleaved(old, new, repeats)
    old_ms, new_ms = statistics.median(old_runs), statistics.median(new_runs)
    return [
        {"name": f"{name}_loop_ms", "value": round(old_ms, 3), "unit": "ms"},
        {"name": f"{name}_tinydb_ms", "value": round(new_ms, 3), "unit": "ms"},
        {
            "name": f"{name}_tinydb_vs_loop",
            "value": round(new_ms / old_ms, 3),
            "unit": "ratio",
            "baseline": f"{name}_loop_ms (the loop, same run, medians)",
        },
        {
            "name": f"{name}_tinydb_vs_loop_best",
            "value": round(min(new_runs) / min(old_runs), 3),
            "unit": "ratio",
            "baseline": "the loop, same run, fastest of each",
        },
    ]


def referral_rows(quick: bool, workdir: Path) -> list[Row]:
    from synthetic import fill

    from mspdesk.desk import Desk
    from mspdesk.store.queries import fields_equal, select

    count = REFERRALS // 10 if quick else REFERRALS
    repeats = 5 if quick else 9
    directory = workdir / "referrals"
    fill(directory, count)
    rows: list[Row] = [{"name": "tinydb_referrals", "value": count, "unit": "referrals"}]
    with Desk.open(directory, read_only=True, actor="bench") as desk:
        store, referrals = desk.core.store, desk.referrals
        table = store.db.table("referrals")

        def uncached(call: Callable[[], object]) -> Callable[[], object]:
            return lambda: (table.clear_cache(), call())

        hay = referrals._haystack
        records = store.table("referrals")
        for status in ("new", "declined"):
            rows += compare(
                f"tinydb_status_{status}_filter",
                lambda s=status: [r for r in records.values() if r.get("status") == s],
                uncached(lambda s=status: select(store, "referrals", fields_equal(status=s))),
                repeats,
            )
            rows += compare(
                f"tinydb_status_{status}_list",
                lambda s=status: [r for r in referrals.rows() if r["status"] == s],
                uncached(lambda s=status: referrals.select(status=s)),
                repeats,
            )
        text = "care kent"
        rows += compare(
            "tinydb_words_list",
            lambda: [r for r in referrals.rows() if all(w in hay(r) for w in text.split())],
            uncached(lambda: referrals.select(text=text)),
            repeats,
        )
        rows += compare(
            "tinydb_status_words_list",
            lambda: referrals.search(text, [r for r in referrals.rows() if r["status"] == "new"]),
            uncached(lambda: referrals.select(status="new", text=text)),
            repeats,
        )
        rows += compare(
            "tinydb_status_new_list_cached",
            lambda: [r for r in referrals.rows() if r["status"] == "new"],
            lambda: referrals.select(status="new"),
            repeats,
        )
    return rows


def case_rows(quick: bool, workdir: Path) -> list[Row]:
    from agenda_bench import CASES, TODAY, fill_cases

    from mspdesk.desk import Desk
    from mspdesk.desk.agenda import agenda
    from mspdesk.desk.cases import _case_row
    from mspdesk.store.queries import fields_equal, select

    repeats = 25 if quick else 101
    directory = workdir / "cases"
    fill_cases(directory, CASES)
    rows: list[Row] = [{"name": "tinydb_cases", "value": CASES, "unit": "cases"}]
    with Desk.open(directory, read_only=True, actor="bench") as desk:
        cases, store = desk.cases, desk.core.store
        table = store.db.table("cases")
        day = TODAY.isoformat()

        def uncached(call: Callable[[], object]) -> Callable[[], object]:
            return lambda: (table.clear_cache(), call())

        def summaries_loop(adviser: str) -> list[Any]:
            found = [r for r in cases.rows() if r.get("adviser") == adviser]
            return [_case_row(record, day) for record in found]

        def agenda_loop(adviser: str | None) -> object:
            return agenda(store.table("cases").values(), TODAY, adviser=adviser)

        def agenda_query(adviser: str | None) -> object:
            wanted = {"status": "active"} | ({"adviser": adviser} if adviser else {})
            condition = fields_equal({"status": "active"}, **wanted)
            return agenda(select(store, "cases", condition), TODAY, adviser=adviser)

        rows += compare(
            "tinydb_cases_by_adviser",
            lambda: summaries_loop("adviser3"),
            uncached(lambda: cases.summaries(adviser="adviser3", today=TODAY)),
            repeats,
        )
        for adviser in ("adviser3", None):
            label = "one_adviser" if adviser else "everyone"
            rows += compare(
                f"tinydb_agenda_{label}",
                lambda a=adviser: agenda_loop(a),
                uncached(lambda a=adviser: agenda_query(a)),
                repeats,
            )
        rows += compare(
            "tinydb_agenda_one_adviser_cached",
            lambda: agenda_loop("adviser3"),
            lambda: agenda_query("adviser3"),
            repeats,
        )
    return rows


def run(quick: bool) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="mspdesk-tinydb-") as tmp:
        return referral_rows(quick, Path(tmp)) + case_rows(quick, Path(tmp))


if __name__ == "__main__":
    import json

    for row in run("--quick" in sys.argv):
        print(json.dumps(row))
