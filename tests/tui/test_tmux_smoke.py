"""A person's keystrokes in a real terminal (tmux): open, filter, quit, nothing lost.

Each wait is for text that only the state being waited for shows (a count that includes the
filter's effect, the filter text itself), never for text an earlier frame may already hold.
Skipped where tmux is not installed (CI installs it: .ci/run).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mspdesk.desk import Desk

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


SOCKET = f"mspdesk-test-{uuid.uuid4().hex[:8]}"
"""A tmux server of this test's own: parallel runs and a user's own tmux never meet."""


def _tmux(*args: str) -> str:
    command = ["tmux", "-L", SOCKET, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return done.stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_for(session: str, *texts: str, timeout: float = 30.0) -> str:
    """The screen once it shows every one of `texts` at the same time."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if all(text in screen for text in texts):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{texts!r} never appeared together; the screen was:\n{screen}")


def test_keystrokes_in_a_real_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Desk.open(data, actor="tester") as desk:
        desk.referrals.add({"organisation": "Eastmere Libraries", "parent_body": "Eastmere BC"})
        desk.referrals.add(
            {"organisation": "[@click=app.quit]Click me[/]", "parent_body": "Fenwold DC"}
        )
        desk.referrals.add({"organisation": "Wyvern Parks Mutual", "parent_body": "Wyvern CC"})
        references = [row["id"] for row in desk.referrals.rows()]
    session = f"mspdesk-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m mspdesk --data-dir {data}"
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    try:
        _wait_for(session, "3 waiting for triage")
        _tmux("send-keys", "-t", session, "F2")
        screen = _wait_for(session, "3 referrals", "Wyvern Parks Mutual")
        # Markup in a name is shown as typed, not interpreted.
        assert "[@click=app.quit]Click me[/]" in screen
        _tmux("send-keys", "-t", session, "/")
        time.sleep(0.5)  # a person looks up before typing; focus moves on the next tick
        _tmux("send-keys", "-t", session, "-l", "eastmere")
        # "1 of 3" shows from "ea" on: wait for the whole word in the box as well.
        screen = _wait_for(session, "eastmere", "1 of 3 referrals")
        assert "Eastmere Libraries" in screen
        assert "Wyvern Parks Mutual" not in screen
        # A lone Escape followed at once by a key reads as Alt+key in a terminal: pause.
        for key in ("Escape", "Escape", "q"):
            _tmux("send-keys", "-t", session, key)
            time.sleep(0.4)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and session in _tmux("ls"):
            time.sleep(0.2)
        assert session not in _tmux("ls"), "the desk did not quit on q"
    finally:
        _tmux("kill-server")
    with Desk.open(data, actor="tester") as desk:
        assert sorted(row["id"] for row in desk.referrals.rows()) == sorted(references)
