"""Peak memory at 100k referrals (issue 17: ≤ 350 MiB, TUI and CLI), with the time of the same
calls as ratios against `python -c "import tinydb, pydantic"`, interleaved in one run.

- CLI: `referrals list --json`, `agenda --json`, `note add` — each a fresh interpreter; the
  peak is the child's VmHWM (wait4's ru_maxrss).
- TUI: `mspdesk` in a real terminal (tmux, 120x40) until the inbox says the whole desk is
  loaded ("sorted by"), plus a moment for what runs after it; the peak is the VmHWM of the
  process in the pane, read from /proc before it is stopped.

    python benchmarks/memory_peak.py [--size N] [--runs N] [--no-tui]
"""

from __future__ import annotations

import argparse
import json
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
SETTLE_S = 2.0
"""After the inbox is whole: time for what the TUI does next (gc, the head it saves)."""


def peak_of(pid: int) -> float:
    """VmHWM of process `pid` (or of its one python child, when tmux started a shell)."""
    for candidate in [pid, *_children(pid)]:
        status = Path(f"/proc/{candidate}/status").read_text()
        name = status.split("\n", 1)[0]
        if "python" in name or "mspdesk" in name:
            line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no mspdesk process under {pid}")


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(x) for x in found]


def tui_runs(directory: Path, runs: int) -> tuple[list[float], list[float]]:
    """(peaks in MiB, milliseconds until the whole inbox is shown) of `runs` TUI starts."""
    peaks: list[float] = []
    times: list[float] = []
    with terminal() as term:
        for _ in range(runs):
            start = term.launch(desk_command(directory))
            times.append(term.wait_for(start, DESK_LOADED))
            time.sleep(SETTLE_S)
            pane = int(term._tmux("display-message", "-p", "-t", "b", "#{pane_pid}").strip())
            peaks.append(peak_of(pane))
            term.idle()
    return peaks, times


def cli_runs(directory: Path, referral: str, runs: int) -> tuple[dict[str, list[float]], dict]:
    timings: dict[str, list[float]] = {"baseline": []}
    peaks: dict[str, list[float]] = {}
    calls = commands(directory, referral)
    for _ in range(runs):  # interleaved with the baseline
        timings["baseline"].append(launch(BASELINE)[0])
        for name, args in calls.items():
            ms, peak = launch(args)
            timings.setdefault(name, []).append(ms)
            peaks.setdefault(name, []).append(peak)
    return timings, peaks


def run(size: int, runs: int, with_tui: bool, directory: Path | None) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mspdesk-mem-") as tmp:
        if directory is None:
            directory = Path(tmp) / f"desk-{size}"
            referral = make_desk(directory, size)
        else:
            referral = "R-2012-000001"
            referral = next(iter(_first_key(directory)), referral)
        timings, peaks = cli_runs(directory, referral, runs)
        base = statistics.median(timings["baseline"])
        label = f"{size // 1000}k"
        rows.append({"name": f"mem_baseline_import_{label}", "value": round(base, 1), "unit": "ms"})
        for name, peak in peaks.items():
            rows += [
                {
                    "name": f"mem_{name}_{label}_peak",
                    "value": round(max(peak), 1),
                    "unit": "MiB",
                    "budget": BUDGET_MIB,
                },
                {
                    "name": f"mem_{name}_{label}_vs_import",
                    "value": round(statistics.median(timings[name]) / base, 2),
                    "unit": "ratio",
                    "baseline": f"mem_baseline_import_{label}",
                },
            ]
        if with_tui:
            tui_peaks, tui_times = tui_runs(directory, max(3, runs // 2))
            rows += [
                {
                    "name": f"mem_tui_{label}_peak",
                    "value": round(max(tui_peaks), 1),
                    "unit": "MiB",
                    "budget": BUDGET_MIB,
                    "runs": [round(p) for p in tui_peaks],
                },
                {
                    "name": f"mem_tui_{label}_loaded",
                    "value": round(statistics.median(tui_times)),
                    "unit": "ms",
                    "vs_import": round(statistics.median(tui_times) / base, 2),
                },
            ]
    return rows


def _first_key(directory: Path) -> list[str]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from mspdesk.store import Store\n"
            "s = Store.open(Path(sys.argv[1]), read_only=True)\n"
            "print(next(iter(s.keys('referrals'))))",
            str(directory),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-tui", action="store_true")
    parser.add_argument("--desk", type=Path, help="an existing desk (copied first)")
    args = parser.parse_args()
    from bytecode import compile_mspdesk

    compile_mspdesk()
    desk = None
    if args.desk is not None:
        desk = Path(tempfile.mkdtemp(prefix="mspdesk-mem-copy-")) / "desk"
        subprocess.run(["cp", "-a", str(args.desk), str(desk)], check=True)
    try:
        for row in run(args.size, args.runs, not args.no_tui, desk):
            print(json.dumps(row), flush=True)
    finally:
        if desk is not None:
            subprocess.run(["rm", "-rf", str(desk.parent)], check=True)


if __name__ == "__main__":
    main()
