"""A person's keystrokes in a real terminal (tmux): open, filter, quit, nothing lost."""

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


def _tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)
    return done.stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_for(session: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


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
    _tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40", command)
    try:
        _wait_for(session, "3 waiting for triage")
        _tmux("send-keys", "-t", session, "F2")
        screen = _wait_for(session, "Wyvern Parks Mutual")
        # Markup in a name is shown as typed, not interpreted.
        assert "[@click=app.quit]Click me[/]" in screen
        _tmux("send-keys", "-t", session, "/")
        time.sleep(0.5)  # a person looks up before typing; focus moves on the next tick
        _tmux("send-keys", "-t", session, "-l", "eastmere")
        screen = _wait_for(session, "1 of 3 referrals")
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
        _tmux("kill-session", "-t", session)
    with Desk.open(data, actor="tester") as desk:
        assert sorted(row["id"] for row in desk.referrals.rows()) == sorted(references)
