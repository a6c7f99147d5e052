"""Peak memory of a dry run (`mspdesk import referrals FILE --dry-run`) on a very long
Information Service export: the file is streamed, so memory must stay bounded.

Each size runs in a fresh process (its peak resident set size is what the OS reports).
Baseline measured in the same run: the same process importing mspdesk and opening an
empty desk, doing no import. The issue's budget is 500,000 rows under 300 MB.

    python benchmarks/import_memory.py [--quick]     # --quick: 100,000 rows
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROWS = 500_000
QUICK_ROWS = 100_000
BUDGET_MB = 300.0

Row = dict[str, Any]

CHILD = """
import resource, sys, time
from pathlib import Path
from mspdesk.cli import main
args = sys.argv[1:]
start = time.perf_counter()
code = main(args) if args[0] == "import" else 0
if args[0] != "import":
    from mspdesk.desk import Desk
    from mspdesk.transfer import plan_import  # the same imports as a dry run
    with Desk.open(Path(args[1])):
        pass
seconds = time.perf_counter() - start
# ru_maxrss survives fork+exec (a big parent's peak shows up here); VmHWM is this image's own.
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open("/proc/self/status") as status:
        peak_kb = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print("RESULT", code, seconds, peak_kb, flush=True)
"""


def write_export(path: Path, rows: int) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from import_bench import write_csv

    return write_csv(path, rows)


def child(*argv: str) -> tuple[float, float]:
    """(seconds, peak MB) of one run in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, check=True
    )
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT"))
    _, code, seconds, peak_kb = line.split()
    assert code == "0", proc.stderr
    return float(seconds), int(peak_kb) / 1024


def run(quick: bool) -> list[Row]:
    rows = QUICK_ROWS if quick else ROWS
    with tempfile.TemporaryDirectory(prefix="mspdesk-memory-") as tmp:
        workdir = Path(tmp)
        start = time.perf_counter()
        source = write_export(workdir / "export.csv", rows)
        written = time.perf_counter() - start
        size_mb = source.stat().st_size / (1024 * 1024)
        data = workdir / "data"
        _, baseline_mb = child("open", str(data))
        seconds, peak_mb = child(
            "import", "referrals", str(source), "--dry-run", "--data-dir", str(data)
        )
    del written
    name = f"dry_run_{rows // 1000}k"
    return [
        {"name": f"{name}_file_mb", "value": round(size_mb, 1), "unit": "MB"},
        {"name": f"{name}_seconds", "value": round(seconds, 1), "unit": "s"},
        {"name": f"{name}_peak_mb", "value": round(peak_mb, 1), "unit": "MB"},
        {"name": "desk_open_peak_mb", "value": round(baseline_mb, 1), "unit": "MB"},
        {
            "name": f"{name}_peak_vs_open_desk",
            "value": round(peak_mb / baseline_mb, 2),
            "unit": "ratio",
            "baseline": "desk_open_peak_mb",
        },
        {
            "name": f"{name}_peak_vs_300mb_budget",
            "value": round(peak_mb / BUDGET_MB, 3),
            "unit": "ratio",
            "baseline": "issue 11 budget (300 MB)",
        },
    ]


if __name__ == "__main__":
    del resource  # the figures come from the child processes
    for row in run("--quick" in sys.argv):
        print(json.dumps(row))
