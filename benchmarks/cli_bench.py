"""CLI calls at 10k and 100k referrals, as ratios against `python -c "import tinydb, pydantic"`
measured interleaved in the same run (issue 17: ≤ 3× at 10k, ≤ 8× at 100k, median of ≥ 5).

Timed, each in a fresh interpreter, launch to exit: `referrals list --json` (output to
/dev/null), `note add R-… TEXT`, `agenda --json`. Also the peak memory (VmHWM of the child,
from wait4) of each command, its CPU time (user + system, from wait4) against the
baseline's, which a busy machine stretches less than wall time, and the longest pause of a
thread ticking every 5 ms while the desk writes a checkpoint (the UI thread's view of a
checkpoint).

    python benchmarks/cli_bench.py [--quick] [--skip-import] [--out FILE]
    # --quick: 10k, 3 runs; --out: append the rows to FILE instead of results/DATE-*.jsonl
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

Row = dict[str, Any]
BASELINE = ["-c", "import tinydb, pydantic"]
BUDGET = {10_000: 3.0, 100_000: 8.0}
MEMORY_BUDGET_MIB = 350.0


MAKE_DESK = """
import sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from agenda_bench import fill_cases
from synthetic import fill
ids = fill(Path(sys.argv[1]), int(sys.argv[2]))
fill_cases(Path(sys.argv[1]), 200)
print(ids[0])
"""


def make_desk(directory: Path, size: int) -> str:
    """A desk of `size` referrals and 200 active cases; returns a referral id. Made in a
    child process: a child's peak memory (wait4's ru_maxrss) starts from its parent's."""
    out = subprocess.run(
        [sys.executable, "-c", MAKE_DESK, str(directory), str(size), str(HERE)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()[-1]


def launch(args: list[str]) -> tuple[float, float]:
    """(milliseconds from launch to exit, peak resident MiB) of one fresh interpreter."""
    ms, _, peak = measured(args)
    return ms, peak


def measured(args: list[str]) -> tuple[float, float, float]:
    """(milliseconds from launch to exit, CPU milliseconds, peak resident MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        raise RuntimeError(f"{args} failed: {stderr.decode(errors='replace')}")
    cpu = (usage.ru_utime + usage.ru_stime) * 1000
    return elapsed, cpu, usage.ru_maxrss / 1024  # Linux: KiB


def commands(directory: Path, referral: str) -> dict[str, list[str]]:
    cli = ["-m", "mspdesk", "--data-dir", str(directory)]
    return {
        "referrals_list_json": [*cli, "referrals", "list", "--json"],
        "note_add": [*cli, "note", "add", referral, "Called the chair; board meets Tuesday."],
        "agenda_json": [*cli, "agenda", "--json"],
    }


def bench_size(size: int, runs: int, workdir: Path) -> list[Row]:
    directory = workdir / f"cli-{size}"
    referral = make_desk(directory, size)
    timings: dict[str, list[float]] = {"baseline": []}
    cpus: dict[str, list[float]] = {"baseline": []}
    peaks: dict[str, float] = {}
    calls = commands(directory, referral)
    for _ in range(runs):  # interleaved, so machine noise hits every command alike
        for name, args in {"baseline": BASELINE, **calls}.items():
            ms, cpu, peak = measured(args)
            timings[name] = [*timings.get(name, []), ms]
            cpus[name] = [*cpus.get(name, []), cpu]
            peaks[name] = max(peaks.get(name, 0.0), peak)
    base = statistics.median(timings["baseline"])
    base_cpu = statistics.median(cpus["baseline"])
    rows: list[Row] = [
        {"name": f"cli_baseline_import_{size}", "value": round(base, 1), "unit": "ms"},
        {"name": f"cli_baseline_import_{size}_cpu", "value": round(base_cpu, 1), "unit": "ms"},
    ]
    for name in calls:
        median = statistics.median(timings[name])
        rows += [
            {"name": f"cli_{name}_{size}", "value": round(median, 1), "unit": "ms"},
            {
                "name": f"cli_{name}_{size}_vs_import",
                "value": round(median / base, 3),
                "unit": "ratio",
                "baseline": f"cli_baseline_import_{size}",
                "budget": BUDGET.get(size),
            },
            {
                "name": f"cli_{name}_{size}_cpu_vs_import",
                "value": round(statistics.median(cpus[name]) / base_cpu, 3),
                "unit": "ratio",
                "baseline": f"cli_baseline_import_{size}_cpu",
            },
            {
                "name": f"cli_{name}_{size}_peak",
                "value": round(peaks[name], 1),
                "unit": "MiB",
                "budget": MEMORY_BUDGET_MIB,
            },
        ]
    rows += checkpoint_pause(directory, size)
    return rows


PAUSE_CHILD = """
import sys, time
from pathlib import Path
from mspdesk.store import Store, tinystore
store = Store.open(Path(sys.argv[1]))
for table in store.table_names():
    store.table(table)  # a TUI has every table parsed: the worst case for a checkpoint
tinystore.CHECKPOINT_EVENTS = 1  # the next change starts a checkpoint, as the 2000th does
key = next(iter(store.table("referrals")))
event = {"id": "x", "at": "2013-01-01T00:00:00.000+00:00", "actor": "bench", "device": "bench",
         "kind": "bench", "subject": key, "summary": "",
         "ops": [{"table": "referrals", "key": key, "kind": "patch",
                  "data": {"staff_in_scope": 7}}]}
# The baseline: the longest gap of the same 5 ms tick with nothing else to do (a busy
# machine stretches it too).
idle, last = [], time.perf_counter()
for _ in range(100):
    time.sleep(0.005)
    now = time.perf_counter()
    idle.append(now - last)
    last = now
# This thread plays the UI: it commits, then ticks every 5 ms while the checkpoint runs.
start = last = time.perf_counter()
store.commit(event)
gaps = [time.perf_counter() - start]
last = time.perf_counter()
while store.checkpoint_running:
    time.sleep(0.005)
    now = time.perf_counter()
    gaps.append(now - last)
    last = now
took = time.perf_counter() - start
store.finish_checkpoint()
store.close(checkpoint=False)
print(max(gaps) * 1000, took * 1000, max(idle) * 1000)
"""


def checkpoint_pause(directory: Path, size: int) -> list[Row]:
    """Longest pause of the thread that commits the change starting a checkpoint, ticking
    every 5 ms while the snapshot is written in the background."""
    out = subprocess.run(
        [sys.executable, "-c", PAUSE_CHILD, str(directory)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    gap, took, idle = float(out[0]), float(out[1]), float(out[2])
    return [
        {
            "name": f"checkpoint_longest_pause_{size}",
            "value": round(gap, 1),
            "unit": "ms",
            "budget": 100.0,
        },
        {"name": f"checkpoint_idle_tick_longest_{size}", "value": round(idle, 1), "unit": "ms"},
        {"name": f"checkpoint_duration_{size}", "value": round(took, 1), "unit": "ms"},
    ]


def bench_import(size: int, workdir: Path) -> list[Row]:
    """`mspdesk import referrals FILE` of `size` new rows into an empty desk: seconds and
    peak memory (issue 17: 100k rows in 10 s and 400 MiB), with the baseline of the run."""
    from import_bench import write_csv

    source = write_csv(workdir / f"import-{size}.csv", size)
    base, _ = launch(BASELINE)
    args = ["-m", "mspdesk", "--data-dir", str(workdir / f"import-{size}"), "import"]
    ms, peak = launch([*args, "referrals", str(source)])
    return [
        {
            "name": f"cli_import_{size}_rows",
            "value": round(ms / 1000, 2),
            "unit": "s",
            "budget": 10.0,
        },
        {
            "name": f"cli_import_{size}_rows_vs_import",
            "value": round(ms / base, 1),
            "unit": "ratio",
            "baseline": "python -c 'import tinydb, pydantic'",
        },
        {
            "name": f"cli_import_{size}_rows_peak",
            "value": round(peak, 1),
            "unit": "MiB",
            "budget": 400.0,
        },
    ]


def run(quick: bool, *, with_import: bool = True) -> list[Row]:
    sizes = [10_000] if quick else [10_000, 100_000]
    runs = 3 if quick else 5
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mspdesk-cli-") as tmp:
        for size in sizes:
            rows += bench_size(size, runs, Path(tmp))
        if with_import:
            rows += bench_import(10_000 if quick else 100_000, Path(tmp))
    return rows


def main() -> None:
    """Run alone: print each row and append it to benchmarks/results/, as run.py does."""
    from datetime import UTC, datetime

    from bytecode import compile_mspdesk

    compile_mspdesk()  # as a real install has it (see bytecode.py)
    quick = "--quick" in sys.argv
    commit = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    stamp = datetime.now(UTC)
    out = HERE / "results" / f"{stamp:%Y-%m-%d}-{'quick' if quick else 'full'}.jsonl"
    if "--out" in sys.argv:
        out = Path(sys.argv[sys.argv.index("--out") + 1])
    for row in run(quick, with_import="--skip-import" not in sys.argv):
        line = json.dumps(
            {
                **row,
                "at": stamp.isoformat(timespec="seconds"),
                "python": sys.version.split()[0],
                "cpus": os.cpu_count(),
                "load": round(os.getloadavg()[0], 1),
                "commit": commit,
                "bench": "cli_bench",
            }
        )
        print(line, flush=True)
        with out.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


if __name__ == "__main__":
    main()
