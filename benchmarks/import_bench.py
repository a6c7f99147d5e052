"""Importing a 10,000-row referral CSV: check (plan), save (apply), and import it again.

Baseline measured in the same run: reading the same file with the csv module alone.
The issue's budget is 10,000 rows in under 3 s, check and save together.

    python benchmarks/import_bench.py [--quick]
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROWS = 10_000
BUDGET_SECONDS = 3.0

Row = dict[str, Any]


def write_csv(path: Path, rows: int) -> Path:
    """A realistic export: a reference on half the rows, 2% repeats, 2% with a bad date."""
    lines = [
        "Ref,Organisation,Council/Trust,Date received,Contract value (£),No. of staff,Model,"
        "Route,Stage,Region,Contact name,Contact email,Contact phone,Notes"
    ]
    for n in range(rows):
        ref = f"R-2012-{n + 1:05d}" if n % 2 else ""
        org = n - 1 if n % 50 == 49 else n  # a repeat of the row before
        day = "31/02/2013" if n % 50 == 7 else f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/2013"
        lines.append(
            f'{ref},Service {org} Mutual,Council {org % 300},{day},"£{n * 1000:,}",{n % 500},'
            f"Employee-owned mutual,spin out,idea,London,Jo Bloggs,jo{n}@example.org,"
            f'0113 496 {n % 10000:04d},"An enquiry, with a comma\r\nand a second line"'
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def once(workdir: Path, source: Path) -> dict[str, float]:
    from mspdesk.desk import Desk
    from mspdesk.transfer import apply_import, plan_import

    start = time.perf_counter()
    with source.open(encoding="utf-8-sig", newline="") as handle:
        parsed = sum(1 for _ in csv.reader(handle))
    csv_only = time.perf_counter() - start
    assert parsed == ROWS + 1

    data = Path(tempfile.mkdtemp(dir=workdir))
    with Desk.open(data, actor="bench") as desk:
        start = time.perf_counter()
        plan = plan_import(source, desk)
        planned = time.perf_counter()
        result = apply_import(plan, desk, rejects=data / "rejects.csv")
        applied = time.perf_counter()
        again = plan_import(source, desk)
        replanned = time.perf_counter()
        accounted = len(plan.added) + len(plan.duplicates) + len(plan.rejected)
        assert accounted == ROWS and len(result.added_ids) == len(plan.added)
        assert not again.added, "a second import must add nothing"
        desk.close(checkpoint=False)
    return {
        "csv_only": csv_only,
        "plan": planned - start,
        "apply": applied - planned,
        "total": applied - start,
        "reimport_plan": replanned - applied,
    }


def run(quick: bool) -> list[Row]:
    """Rows for benchmarks/run.py: seconds for each step, and ratios to the baselines."""
    repeats = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="mspdesk-import-") as tmp:
        workdir = Path(tmp)
        source = write_csv(workdir / "referrals.csv", ROWS)
        runs = [once(workdir, source) for _ in range(repeats)]
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    return [
        {"name": "import_10k_seconds", "value": round(median["total"], 3), "unit": "s"},
        {"name": "import_10k_plan_seconds", "value": round(median["plan"], 3), "unit": "s"},
        {"name": "import_10k_apply_seconds", "value": round(median["apply"], 3), "unit": "s"},
        {
            "name": "reimport_10k_plan_seconds",
            "value": round(median["reimport_plan"], 3),
            "unit": "s",
        },
        {"name": "csv_reader_10k_seconds", "value": round(median["csv_only"], 4), "unit": "s"},
        {
            "name": "import_10k_vs_csv_reader",
            "value": round(median["total"] / median["csv_only"], 1),
            "unit": "ratio",
            "baseline": "csv_reader_10k_seconds",
        },
        {
            "name": "import_10k_vs_3s_budget",
            "value": round(median["total"] / BUDGET_SECONDS, 3),
            "unit": "ratio",
            "baseline": "issue 4 budget (3 s)",
        },
    ]


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(json.dumps(row))
