"""kill -9 during erasure: afterwards the data is erased everywhere, or still erasable by
running the same command again; nothing else is lost.

Each trial copies a desk holding Zed (a referral, a note edited and deleted, a draft, five
checkpoints, changes still in the journal) and another referral, runs `erase` in a child
and kills it: just before its n-th file change (each of its 11 steps in turn: 54 of the 72
trials) or after a random delay. 12 trials by default, 60 more under `-m slow`.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from mspdesk.desk import Desk
from mspdesk.desk.checkup import check_data
from mspdesk.store.erasure import PENDING_NAME

CHILD = Path(__file__).with_name("erase_child.py")
FILE_STEPS = 11
"""Renames, replaces and unlinks one erasure of the template makes (a kill before each)."""
SECRETS = ("Zed Privateperson", "zed@example.org", "07700 900123", "staff vote")


def holding(directory: Path) -> list[str]:
    hits = []
    for path in directory.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace").casefold()
            hits += [f"{path.name}: {s}" for s in SECRETS if s.casefold() in text]
    return hits


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("erase") / "data"
    with Desk.open(path, actor="tester") as desk:
        on = date(2024, 2, 1)
        zed = desk.referrals.add(
            {
                "organisation": "Anyshire Care",
                "parent_body": "Anyshire CC",
                "received": on,
                "contact": {
                    "name": "Zed Privateperson",
                    "email": "zed@example.org",
                    "phone": "07700 900123",
                },
            }
        ).id
        assert zed == "R-2024-0001"
        for n in range(5):
            desk.referrals.add({"organisation": f"Other {n}", "parent_body": "X", "received": on})
            desk.checkpoint()
        note = desk.notes.add(zed, "Rang Zed Privateperson\nthe staff vote is in May", on=on)
        desk.notes.save_draft(desk.notes.draft_key(note_id=note.id), {"body": "staff vote"})
        desk.notes.edit(note.id, body="Rang Zed Privateperson; the staff vote is in May")
        desk.notes.delete(note.id)
        desk.notes.add("R-2024-0002", "Kept note", on=on)
        desk.close(checkpoint=False)
    assert holding(path)
    return path


def erase(data: Path, crash_at: int, delay: float | None) -> str:
    process = subprocess.Popen(
        [sys.executable, str(CHILD), str(data), "R-2024-0001", str(crash_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if delay is not None:
        # Read "ready" straight from the pipe: a buffered readline could swallow "done".
        seen = b""
        while not seen.endswith(b"\n"):
            seen += os.read(process.stdout.fileno(), 1)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    return f"{out}{err}(rc {process.returncode})"


def check(template: Path, data: Path, label: str) -> None:
    with Desk.open(data, read_only=True) as desk:
        finished = bool(desk.erasures()) and not (data / PENDING_NAME).exists()
    if finished:
        assert holding(data) == [], label
    else:
        if (data / PENDING_NAME).exists():
            assert any("erasure was interrupted" in p for p in check_data(data).problems)
        out = erase(data, 0, None)  # the same command again
        assert "done" in out, f"{label}: {out}"
        assert holding(data) == [], label
    assert check_data(data).problems == [], label
    with Desk.open(data, read_only=True) as desk:
        assert sorted(r["id"] for r in desk.referrals.rows()) == [
            f"R-2024-000{n}" for n in range(1, 7)
        ]
        assert [n.body for n in desk.notes.for_subject("R-2024-0002")] == ["Kept note"], label
        assert [s.target for s in desk.erasures()] == ["R-2024-0001"], label


def trial(template: Path, tmp_path: Path, seed: int) -> None:
    data = tmp_path / f"trial-{seed}"
    shutil.copytree(template, data)
    rng = random.Random(seed)
    if seed % 4 != 3:
        crash_at, delay = seed % FILE_STEPS + 1, None  # every file step in turn
    else:
        crash_at, delay = 0, rng.uniform(0, 0.1)
    out = erase(data, crash_at, delay)
    if crash_at:
        assert "done" not in out and "(rc -9)" in out, f"seed {seed}: not killed: {out}"
    check(template, data, f"seed {seed}: crash_at={crash_at} delay={delay}")


@pytest.mark.parametrize("seed", range(12))
def test_killed_erasure_is_finished_or_finishable(
    template: Path, tmp_path: Path, seed: int
) -> None:
    trial(template, tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12, 72))
def test_killed_erasure_slow(template: Path, tmp_path: Path, seed: int) -> None:
    trial(template, tmp_path, seed)
