"""mspdesk benchmarks: every figure is a ratio against a baseline measured in the same run.

    python benchmarks/run.py --quick     # a few minutes; one JSON object per line
    python benchmarks/run.py             # full sizes (1k, 10k, 100k), longer
    python benchmarks/run.py --only frame --only keys   # the real-terminal figures (tmux)

Results are printed and appended to benchmarks/results/<date>-<mode>.jsonl.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bytecode import compile_mspdesk  # noqa: E402
from synthetic import fill  # noqa: E402

Row = dict[str, Any]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


# ----------------------------------------------------------------- durable writes


def desk_write_latencies(size: int, writes: int, workdir: Path) -> list[float]:
    """Milliseconds per durable desk write (update of one referral) at `size` records."""
    from mspdesk.desk import Desk

    directory = workdir / f"desk-{size}"
    ids = fill(directory, size)
    latencies = []
    with Desk.open(directory, actor="bench") as desk:
        for i in range(writes):
            target = ids[(i * 7919) % len(ids)]
            latencies.append(
                timed(lambda t=target, i=i: desk.referrals.update(t, {"staff_in_scope": 1000 + i}))
            )
            assert desk.referrals.get(target).staff_in_scope == 1000 + i
        desk.close(checkpoint=False)
    return latencies


def stock_tinydb_latencies(size: int, writes: int, workdir: Path) -> list[float]:
    """The same update through stock TinyDB JSONStorage (whole-file rewrite)."""
    import random

    from synthetic import referral
    from tinydb import TinyDB

    path = workdir / f"stock-{size}.json"
    rng = random.Random(7)
    with TinyDB(path) as db:
        db.table("referrals").insert_multiple(referral(n, rng) for n in range(1, size + 1))
    latencies = []
    with TinyDB(path) as db:
        table = db.table("referrals")
        for i in range(writes):
            doc_id = (i * 7919) % size + 1
            latencies.append(
                timed(lambda d=doc_id, i=i: table.update({"staff_in_scope": 1000 + i}, doc_ids=[d]))
            )
    return latencies


def bench_writes(quick: bool, workdir: Path) -> list[Row]:
    sizes = [1_000, 10_000] + ([] if quick else [100_000])
    if quick:
        sizes.append(100_000)
    rows: list[Row] = []
    p95_by_size: dict[int, float] = {}
    for size in sizes:
        writes = 100 if quick else 300
        desk = desk_write_latencies(size, writes, workdir)
        p50, p95 = percentile(desk, 50), percentile(desk, 95)
        p95_by_size[size] = p95
        stock_writes = {1_000: 20, 10_000: 5, 100_000: 2}[size]
        if quick and size == 100_000:
            stock_writes = 0  # a stock write at 100k takes seconds; skip it in --quick
        rows += [
            {"name": f"desk_write_p50_{size}", "value": round(p50, 3), "unit": "ms"},
            {"name": f"desk_write_p95_{size}", "value": round(p95, 3), "unit": "ms"},
        ]
        if stock_writes:
            stock = statistics.median(stock_tinydb_latencies(size, stock_writes, workdir))
            rows += [
                {
                    "name": f"stock_tinydb_write_median_{size}",
                    "value": round(stock, 2),
                    "unit": "ms",
                },
                {
                    "name": f"desk_write_p95_vs_stock_{size}",
                    "value": round(p95 / stock, 4),
                    "unit": "ratio",
                    "baseline": f"stock_tinydb_write_median_{size}",
                },
            ]
    if 100_000 in p95_by_size:
        rows.append(
            {
                "name": "desk_write_p95_growth_1k_to_100k",
                "value": round(p95_by_size[100_000] / p95_by_size[1_000], 3),
                "unit": "ratio",
                "baseline": "desk_write_p95_1000",
            }
        )
    return rows


# ----------------------------------------------------------------- first frame

# The first frame is measured as a user sees it: in a real terminal (tmux), until a referral's
# organisation is on the screen, interleaved with a bare Textual app (terminal_frame.py).
# Keystrokes, triage and undo are typed into the running desk through tmux (terminal_keys.py).


def bench_first_frame(quick: bool, workdir: Path) -> list[Row]:
    import terminal_frame

    return terminal_frame.run(quick)


def bench_keys(quick: bool, workdir: Path) -> list[Row]:
    import terminal_keys

    return terminal_keys.run(quick)


# VmHWM (peak RSS of this process image): ru_maxrss can carry the parent's peak across exec.
PEAK = "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"

RSS_CODE = f"""
import sys
from pathlib import Path
from mspdesk.desk import Desk
desk = Desk.open(Path(sys.argv[1]), read_only=True)
rows = desk.referrals.rows()
{PEAK}
"""

BASE_RSS_CODE = f"""
import mspdesk.desk
{PEAK}
"""


def bench_rss(workdir: Path) -> list[Row]:
    directory = workdir / "frame-10k"
    if not directory.exists():
        fill(directory, 10_000)

    def maxrss(code: str, *args: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
        ).stdout
        return int(out.strip().splitlines()[-1]) / 1024  # Linux reports KiB

    loaded, empty = maxrss(RSS_CODE, str(directory)), maxrss(BASE_RSS_CODE)
    return [
        {"name": "rss_desk_10k", "value": round(loaded, 1), "unit": "MiB"},
        {"name": "rss_desk_imported_only", "value": round(empty, 1), "unit": "MiB"},
        {
            "name": "rss_desk_10k_vs_imported_only",
            "value": round(loaded / empty, 3),
            "unit": "ratio",
            "baseline": "rss_desk_imported_only",
        },
    ]


# ----------------------------------------------------------------- the rest


PLUGINS = [
    "guidance_search",
    "import_bench",
    "import_memory",
    "inbox_filter",
    "agenda_bench",
    "notes_search",
    "sync_bench",
    "tinydb_queries",
    "cli_bench",
]


def bench_plugins(quick: bool) -> list[Row]:
    """Benchmarks that other parts of the desk keep beside this file (each has run(quick))."""
    rows: list[Row] = []
    for name in PLUGINS:
        if not (HERE / f"{name}.py").exists():
            continue
        module = importlib.import_module(name)
        rows += module.run(quick)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument(
        "--only", choices=["writes", "frame", "keys", "rss", "plugins"], action="append"
    )
    args = parser.parse_args()
    compile_mspdesk()  # time starts as a real install has them (see bytecode.py)
    parts: dict[str, Callable[[Path], list[Row]]] = {
        "writes": lambda w: bench_writes(args.quick, w),
        "frame": lambda w: bench_first_frame(args.quick, w),
        "keys": lambda w: bench_keys(args.quick, w),
        "rss": bench_rss,
        "plugins": lambda w: bench_plugins(args.quick),
    }
    stamp = datetime.now(UTC)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    out = results / f"{stamp:%Y-%m-%d}-{'quick' if args.quick else 'full'}.jsonl"
    with tempfile.TemporaryDirectory(prefix="mspdesk-bench-") as tmp:
        for name, part in parts.items():
            if args.only and name not in args.only:
                continue
            for row in part(Path(tmp)):
                row = {
                    **row,
                    "at": stamp.isoformat(timespec="seconds"),
                    "python": sys.version.split()[0],
                    "cpus": os.cpu_count(),
                }
                line = json.dumps(row)
                print(line, flush=True)
                with out.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
