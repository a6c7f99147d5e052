"""The first frame as a user sees it: in a real terminal (tmux, 120x40), until a referral's
organisation name is on the screen, against a bare Textual app showing one line.

Each run respawns the pane with the program and polls `tmux capture-pane` until the marker
is visible; desk and bare runs are interleaved so machine noise hits both alike. The tmux
server has its own socket (`tmux -L i17tui-bench-<pid>`) and is killed at the end.

    python benchmarks/terminal_frame.py [--quick]
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from synthetic import fill

Row = dict[str, Any]
POLL_S = 0.004
TIMEOUT_S = 120.0

BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("bare app ready")
Bare().run()
"""

REFERRAL_SHOWN = re.compile(r"Mutual \d+")
"""Every synthetic organisation is named "<place> <area> Mutual <n>"."""
DESK_LOADED = "sorted by"
"""The inbox's status line once the whole desk is loaded ("… · sorted by age")."""


class Terminal:
    """One tmux server with one 120x40 pane; programs are respawned into it."""

    started = 0

    def __init__(self) -> None:
        Terminal.started += 1  # a socket of its own each time: an old server may be closing
        self.socket = f"i17tui-bench-{os.getpid()}-{Terminal.started}"
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "120", "-y", "40")
        self._tmux("set-option", "-g", "status", "off")
        self._tmux("set-option", "-g", "remain-on-exit", "on")  # a crash stays readable
        self._tmux("resize-window", "-t", "b", "-x", "120", "-y", "40")

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True
        ).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "b")

    def launch(self, command: str) -> float:
        """Start `command` in the pane (killing what ran there); returns the start time."""
        start = time.perf_counter()
        self._tmux("respawn-pane", "-k", "-t", "b", command)
        return start

    def wait_for(self, start: float, seen: re.Pattern[str] | str) -> float:
        """Milliseconds from `start` until `seen` is on the screen."""
        while True:
            text = self.screen()
            found = seen.search(text) if isinstance(seen, re.Pattern) else seen in text
            if found:
                return (time.perf_counter() - start) * 1000
            if time.perf_counter() - start > TIMEOUT_S:
                raise TimeoutError(f"{seen!r} never appeared; the screen:\n{text}")
            time.sleep(POLL_S)

    def idle(self) -> None:
        """Stop the program in the pane and wait until it is gone."""
        self._tmux("respawn-pane", "-k", "-t", "b", "sleep 100000")
        time.sleep(0.3)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@contextmanager
def terminal() -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        raise RuntimeError("the real-terminal benchmark needs tmux")
    term = Terminal()
    try:
        yield term
    finally:
        term.kill()


def desk_command(directory: Path) -> str:
    """What a user runs: the `mspdesk` command on a data folder."""
    script = Path(sys.executable).with_name("mspdesk")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "mspdesk"]
    return shlex.join([*program, "--data-dir", str(directory)])


def prepare(directory: Path, size: int) -> None:
    """A desk of `size` referrals, closed once by the TUI's own close path (so its inbox
    head is written as after a day's work)."""
    from mspdesk.desk import Desk
    from mspdesk.tui.inbox_head import save_inbox_head

    fill(directory, size)
    with Desk.open(directory, actor="bench") as desk:
        save_inbox_head(desk)
        desk.close(checkpoint=True)


def measure(term: Terminal, directory: Path, runs: int, loaded: bool) -> dict[str, list[float]]:
    """Interleaved runs: bare app, desk first referral frame (and the whole desk loaded)."""
    bare_command = shlex.join([sys.executable, "-c", BARE_APP])
    times: dict[str, list[float]] = {"bare": [], "frame": [], "loaded": []}
    for _ in range(runs):
        start = term.launch(bare_command)
        times["bare"].append(term.wait_for(start, "bare app ready"))
        term.idle()
        start = term.launch(desk_command(directory))
        times["frame"].append(term.wait_for(start, REFERRAL_SHOWN))
        if loaded:
            times["loaded"].append(term.wait_for(start, DESK_LOADED))
        term.idle()
    return times


def run(quick: bool) -> list[Row]:
    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    runs = 5 if quick else 7
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mspdesk-frame-") as tmp, terminal() as term:
        for size in sizes:
            directory = Path(tmp) / f"desk-{size}"
            prepare(directory, size)
            times = measure(term, directory, runs, loaded=True)
            bares, frames = times["bare"], times["frame"]
            bare, frame = statistics.median(bares), statistics.median(frames)
            loaded = statistics.median(times["loaded"])
            label = f"{size // 1000}k"
            rows += [
                {"name": f"terminal_bare_first_frame_{label}", "value": round(bare), "unit": "ms"},
                {
                    "name": f"terminal_first_referrals_{label}",
                    "value": round(frame),
                    "unit": "ms",
                    "runs": [round(t) for t in times["frame"]],
                },
                {
                    "name": f"terminal_first_referrals_{label}_vs_bare",
                    "value": round(frame / bare, 3),
                    "unit": "ratio",
                    "baseline": f"terminal_bare_first_frame_{label}",
                    "each": [round(f / b, 2) for f, b in zip(frames, bares, strict=True)],
                },
                {"name": f"terminal_desk_loaded_{label}", "value": round(loaded), "unit": "ms"},
                {
                    "name": f"terminal_desk_loaded_{label}_vs_bare",
                    "value": round(loaded / bare, 3),
                    "unit": "ratio",
                    "baseline": f"terminal_bare_first_frame_{label}",
                },
            ]
    return rows


if __name__ == "__main__":
    import json

    from bytecode import compile_mspdesk

    compile_mspdesk()

    for row in run("--quick" in sys.argv):
        print(json.dumps(row), flush=True)
