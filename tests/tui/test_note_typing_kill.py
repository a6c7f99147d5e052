"""THE KILL TEST for typing: SIGKILL the app mid-note; at most the last second is lost.

A child process (note_typing_driver.py) runs the real app headless, opens the note
editor and types at about 30 characters a second, logging after each key how many it
has typed and when. The parent kills it with SIGKILL at a random moment, then reads the
draft on disk: it must hold everything typed more than LOSS_ALLOWED seconds before the
kill (the editor saves 0.8 s after the first unsaved key), and nothing that was not
typed. The data directory must still open cleanly.

3 trials by default; 25 under `-m slow`. The seed is in every message.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from note_typing_driver import TEXT

from mspdesk.desk import Desk
from mspdesk.store.drafts import Drafts

DRIVER = Path(__file__).with_name("note_typing_driver.py")
LOSS_ALLOWED = 1.2  # seconds: "at most the last second", plus scheduling slack
READY_TIMEOUT = 60  # a safety net for a hung child, not a performance check


def make_subject(data_dir: Path) -> str:
    with Desk.open(data_dir, actor="killtest") as desk:
        return desk.referrals.add({"organisation": "Typing Mutual", "parent_body": "Kent CC"}).id


def read_log(path: Path) -> tuple[float, list[tuple[float, int]]]:
    ready = 0.0
    typed: list[tuple[float, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.endswith("\n"):
            continue  # cut short by the kill
        first, second = line.split()
        if first == "ready":
            ready = float(second)
        else:
            typed.append((float(first), int(second)))
    return ready, typed


def run_trial(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    data_dir = tmp_path / f"data-{seed}"
    subject = make_subject(data_dir)
    log_path = tmp_path / f"typed-{seed}.log"
    log_path.touch()
    child = subprocess.Popen(
        [sys.executable, str(DRIVER), str(data_dir), subject, str(log_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "MSPDESK_ADVISER": "typist"},
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while "ready" not in log_path.read_text(encoding="utf-8"):
            assert child.poll() is None, f"seed {seed}: driver died: {child.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, f"seed {seed}: driver never got ready"
            time.sleep(0.05)
        time.sleep(rng.uniform(1.6, 4.0))
        killed_at = time.time()
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        assert child.stderr is not None
        child.stderr.close()

    _, typed = read_log(log_path)
    assert typed, f"seed {seed}: nothing was typed before the kill"
    must_have = max((count for at, count in typed if at <= killed_at - LOSS_ALLOWED), default=0)
    typed_at_most = typed[-1][1] + 1  # a key handled but not yet logged
    draft = Drafts(data_dir / "drafts").load(f"new-{subject}")
    assert draft is not None, f"seed {seed}: no draft on disk ({must_have} characters typed)"
    body = draft["body"]
    assert TEXT.startswith(body), f"seed {seed}: the draft holds text never typed: {body!r}"
    assert len(body) >= must_have, (
        f"seed {seed}: lost more than {LOSS_ALLOWED}s of typing: the draft has {len(body)} "
        f"characters, {must_have} were typed by {LOSS_ALLOWED}s before the kill"
    )
    assert len(body) <= typed_at_most
    with Desk.open(data_dir) as desk:
        assert desk.notes.for_subject(subject) == []  # a draft, never a record
        assert desk.notes.load_draft(f"new-{subject}") == draft


@pytest.mark.parametrize("seed", range(3), ids=lambda s: f"seed_{s}")
def test_kill_while_typing_loses_at_most_the_last_second(tmp_path: Path, seed: int) -> None:
    run_trial(tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 125), ids=lambda s: f"seed_{s}")
def test_kill_while_typing_many_times(tmp_path: Path, seed: int) -> None:
    run_trial(tmp_path, seed)
