"""Importing an Information Service export of 10,000 distinct references: check (plan) and
save (apply), the same data as an Excel workbook, and importing it again.

Baseline measured in the same run: reading the same CSV with the csv module alone. The
issue's budget is 10,000 rows in under 3 s, check and save together.

    python benchmarks/import_bench.py [--quick]
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROWS = 10_000
BUDGET_SECONDS = 3.0
HEADER = [
    "Reference",
    "Organisation",
    "Council/Trust",
    "Date received",
    "Contract value (£)",
    "No. of staff",
    "Model",
    "Route",
    "Stage",
    "Region",
    "Contact name",
    "Contact email",
    "Contact phone",
    "Notes",
    "Area office",
]

Row = dict[str, Any]


def export_rows(rows: int) -> Iterator[list[str]]:
    """Distinct MIS references; organisation and parent body repeat (a team referred twice,
    two teams with one service name), as in the export that used to keep 112 of 10,000."""
    for n in range(rows):
        yield [
            f"MIS-2013-{n + 1:05d}",
            f"Service {n % 100} Mutual",
            f"Council {n % 12}",
            f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/2013",
            f"£{n * 1000:,}",
            str(n % 500),
            "Employee-owned mutual",
            "spin out",
            "idea",
            "London",
            "Jo Bloggs",
            f"jo{n}@example.org",
            f"0113 496 {n % 10000:04d}",
            "An enquiry, with a comma\r\nand a second line",
            f"Office {n % 7}",
        ]


def write_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(export_rows(rows))
    return path


def write_xlsx(path: Path, rows: int) -> Path:
    from datetime import date

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Referrals")
    sheet.append(HEADER)
    for cells in export_rows(rows):
        day, month, year = (int(part) for part in cells[3].split("/"))
        value = int(cells[4].strip("£").replace(",", ""))
        sheet.append([*cells[:3], date(year, month, day), value, int(cells[5]), *cells[6:]])
    book.save(path)
    return path


def imported(workdir: Path, source: Path) -> tuple[dict[str, float], list[dict[str, Any]]]:
    from mspdesk.desk import Desk
    from mspdesk.transfer import Outcome, apply_import, plan_import

    data = Path(tempfile.mkdtemp(dir=workdir))
    with Desk.open(data, actor="bench") as desk:
        start = time.perf_counter()
        plan = plan_import(source, desk)
        planned = time.perf_counter()
        result = apply_import(plan, desk, rejects=data / "rejects.csv")
        applied = time.perf_counter()
        again = plan_import(source, desk)
        replanned = time.perf_counter()
        assert plan.total == ROWS and desk.referrals.count() == ROWS, plan.summary()
        assert result.batches == 1
        assert again.counts[Outcome.UNCHANGED] == ROWS, again.summary()
        drop = {"created_at", "updated_at"}
        rows = [{k: v for k, v in r.items() if k not in drop} for r in desk.referrals.rows()]
        desk.close(checkpoint=False)
    return {
        "plan": planned - start,
        "apply": applied - planned,
        "total": applied - start,
        "reimport_plan": replanned - applied,
    }, rows


def once(workdir: Path, source: Path, workbook: Path) -> dict[str, float]:
    start = time.perf_counter()
    with source.open(encoding="utf-8-sig", newline="") as handle:
        parsed = sum(1 for _ in csv.reader(handle))
    csv_only = time.perf_counter() - start
    assert parsed == ROWS + 1
    from_csv, csv_rows = imported(workdir, source)
    from_xlsx, xlsx_rows = imported(workdir, workbook)
    assert csv_rows == xlsx_rows, "the workbook must import exactly as the CSV does"
    return {
        "csv_only": csv_only,
        **from_csv,
        "xlsx_total": from_xlsx["total"],
    }


def run(quick: bool) -> list[Row]:
    """Rows for benchmarks/run.py: seconds for each step, and ratios to the baselines."""
    repeats = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="mspdesk-import-") as tmp:
        workdir = Path(tmp)
        source = write_csv(workdir / "referrals.csv", ROWS)
        workbook = write_xlsx(workdir / "referrals.xlsx", ROWS)
        runs = [once(workdir, source, workbook) for _ in range(repeats)]
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    return [
        {"name": "import_10k_seconds", "value": round(median["total"], 3), "unit": "s"},
        {"name": "import_10k_plan_seconds", "value": round(median["plan"], 3), "unit": "s"},
        {"name": "import_10k_apply_seconds", "value": round(median["apply"], 3), "unit": "s"},
        {"name": "import_10k_xlsx_seconds", "value": round(median["xlsx_total"], 3), "unit": "s"},
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
            "baseline": "issue 11 budget (3 s)",
        },
        {
            "name": "import_10k_xlsx_vs_3s_budget",
            "value": round(median["xlsx_total"] / BUDGET_SECONDS, 3),
            "unit": "ratio",
            "baseline": "issue 11 budget (3 s)",
        },
    ]


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(json.dumps(row))
