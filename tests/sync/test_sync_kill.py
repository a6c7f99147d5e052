"""kill -9 at random moments during a sync: nothing acknowledged is lost on either desk,
and the next sync finishes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synchelp import add_referral, bare_remote, open_desk, sync, tables

CHILD = Path(__file__).with_name("sync_child.py")
TRIALS = 10


def killed_sync(folder: Path, rng: random.Random) -> bool:
    """Run a sync and kill it; True if it was killed before it finished."""
    process = subprocess.Popen(
        [sys.executable, str(CHILD), str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "go"
    time.sleep(rng.uniform(0.0, 0.08))
    process.send_signal(signal.SIGKILL)
    rest, _ = process.communicate()
    gone(process.pid)
    return "done" not in rest


def gone(group: int) -> None:
    """Wait until every process of the killed sync's group has ended: a git it had just
    forked (or a grandchild of git) can outlive it by a few milliseconds."""
    for _ in range(500):
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    raise AssertionError("the killed sync left processes running for 5 s")


def holds(folder: Path, acknowledged: dict[str, str]) -> None:
    """Every acknowledged record is on the desk with the value it was given."""
    found = tables(folder)
    for key, text in acknowledged.items():
        table = "notes" if key.startswith("N-") else "referrals"
        record = found[table][key]
        assert record.get("body", record.get("organisation")) == text, key


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_kill_9_during_sync_loses_nothing(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    remote = bare_remote(tmp_path)
    folders = [tmp_path / "ann", tmp_path / "bob"]
    acked: list[dict[str, str]] = [{}, {}]
    for number, folder in enumerate(folders, start=1):
        with open_desk(folder, f"a{number}", number) as desk:
            desk.sync.init(str(remote))
    cut_short = 0
    for trial in range(TRIALS):
        side = trial % 2
        folder = folders[side]
        with open_desk(folder, f"a{side + 1}", side + 1) as desk:
            for n in range(rng.randint(1, 4)):
                org = f"Mutual {seed}-{trial}-{n}"
                key = add_referral(desk, org)
                acked[side][key] = org
                body = f"note {trial} {n}"
                acked[side][desk.notes.add(key, body).id] = body
        cut_short += killed_sync(folder, rng)
        holds(folder, acked[side])
        sync(folder, f"a{side + 1}", side + 1)  # the next sync finishes
        holds(folder, acked[side])
    assert cut_short >= TRIALS // 3  # most kills land inside the sync, not after it
    for _ in range(2):
        for number, folder in enumerate(folders, start=1):
            sync(folder, f"a{number}", number)
    everything = {**acked[0], **acked[1]}
    for folder in folders:
        holds(folder, everything)
    assert tables(folders[0]) == tables(folders[1])
