"""Peak memory at 100k referrals (issue 17: ≤ 350 MiB, TUI and CLI), with the time of the same
calls as ratios against `python -c "import tinydb, pydantic"`, interleaved in one run.

- CLI: `referrals list --json`, `agenda --json`, `note add` — each a fresh interpreter; the
  peak is the child's VmHWM (wait4's ru_maxrss).
- TUI: `mspdesk` in a real terminal (tmux, 120x40) until the inbox says the whole desk is
  loaded ("sorted by"), a moment for what runs after it, then `q` (the desk closes: its
  checkpoint and inbox head); the peak is the TUI's VmHWM, from wait4 in a small parent.

`--before SRC` also runs every call with another checkout's `src` first on PYTHONPATH (say
main's), interleaved with this one, so a change is measured against what it replaces.

    python benchmarks/memory_peak.py [--size N] [--runs N] [--no-tui] [--desk DIR] [--before SRC]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cli_bench import BASELINE, commands, launch, make_desk  # noqa: E402
from terminal_frame import DESK_LOADED, desk_command, terminal  # noqa: E402

Row = dict[str, Any]
BUDGET_MIB = 350.0
SETTLE_S = 1.0
"""After the inbox is whole: time for what the TUI does next, before it is told to quit."""


def with_source(source: Path | None) -> None:
    """Run the next calls with `source` (a checkout's src) first on the path, or this one."""
    if source is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = str(source)


def measure(directory: Path, referral: str, variants: dict[str, Path | None], runs: int, tui: bool):
    """{variant: {call: [(ms, MiB), ...]}} and the baseline's milliseconds, interleaved."""
    found: dict[str, dict[str, list[tuple[float, float]]]] = {v: {} for v in variants}
    base: list[float] = []
    calls = commands(directory, referral)
    with terminal() as term:
        for _ in range(runs):
            with_source(None)
            base.append(launch(BASELINE)[0])
            for variant, source in variants.items():
                with_source(source)
                for name, args in calls.items():
                    found[variant].setdefault(name, []).append(launch(args))
                if tui:
                    found[variant].setdefault("tui", []).append(tui_run(term, directory, source))
    with_source(None)
    return found, base


WRAPPER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss / 1024} {os.waitstatus_to_exitcode(status)}")
"""
"""Runs the TUI as its child and writes the child's peak (MiB) and exit code once it quits."""


def tui_run(term: Any, directory: Path, source: Path | None) -> tuple[float, float]:
    """(ms until the whole inbox is shown, peak MiB until it has quit) of one TUI start."""
    with tempfile.TemporaryDirectory(prefix="mspdesk-mem-tui-") as tmp:
        report = Path(tmp) / "peak"
        wrapped = shlex.join([sys.executable, "-c", WRAPPER, str(report)])
        command = f"{wrapped} {desk_command(directory)}"
        prefix = "" if source is None else f"env PYTHONPATH={shlex.quote(str(source))} "
        start = term.launch(prefix + command)
        ms = term.wait_for(start, DESK_LOADED)
        time.sleep(SETTLE_S)
        term._tmux("send-keys", "-t", "b", "q")
        deadline = time.perf_counter() + 60
        while not report.exists() or not report.read_text():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the TUI did not quit; the screen:\n{term.screen()}")
            time.sleep(0.05)
        peak, code = report.read_text().split()
        if code != "0":
            raise RuntimeError(f"the TUI exited with {code}")
        term.idle()
    return ms, float(peak)


def rows_of(found: dict, base: list[float], size: int) -> list[Row]:
    label = f"{size // 1000}k"
    baseline = statistics.median(base)
    rows: list[Row] = [
        {"name": f"mem_baseline_import_{label}", "value": round(baseline, 1), "unit": "ms"}
    ]
    for variant, calls in found.items():
        tag = "" if variant == "this" else f"_{variant}"
        for name, runs in calls.items():
            times, peaks = [r[0] for r in runs], [r[1] for r in runs]
            rows += [
                {
                    "name": f"mem_{name}_{label}_peak{tag}",
                    "value": round(max(peaks), 1),
                    "unit": "MiB",
                    "budget": BUDGET_MIB,
                    "runs": [round(p) for p in peaks],
                },
                {
                    "name": f"mem_{name}_{label}_vs_import{tag}",
                    "value": round(statistics.median(times) / baseline, 2),
                    "unit": "ratio",
                    "baseline": f"mem_baseline_import_{label}",
                    "each": [round(t / baseline, 1) for t in times],
                },
            ]
    return rows


def first_referral(directory: Path) -> str:
    script = (
        "import sys; from pathlib import Path; from mspdesk.store import Store\n"
        "s = Store.open(Path(sys.argv[1]), read_only=True)\n"
        "print(next(iter(s.keys('referrals'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(directory)], check=True, capture_output=True, text=True
    )
    return out.stdout.split()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-tui", action="store_true")
    parser.add_argument("--desk", type=Path, help="an existing desk of --size referrals (copied)")
    parser.add_argument("--before", type=Path, help="another checkout's src, measured alongside")
    args = parser.parse_args()
    from bytecode import compile_mspdesk

    compile_mspdesk()
    variants: dict[str, Path | None] = {"this": None}
    if args.before is not None:
        variants["before"] = args.before.resolve()
    with tempfile.TemporaryDirectory(prefix="mspdesk-mem-") as tmp:
        directory = Path(tmp) / "desk"
        if args.desk is not None:
            subprocess.run(["cp", "-a", str(args.desk), str(directory)], check=True)
            referral = first_referral(directory)
        else:
            referral = make_desk(directory, args.size)
        found, base = measure(directory, referral, variants, args.runs, not args.no_tui)
    for row in rows_of(found, base, args.size):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
