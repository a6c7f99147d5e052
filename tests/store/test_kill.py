"""THE KILL TEST: SIGKILL a writer at random moments; no acknowledged write may be lost.

A child process (kill_writer.py) adds referrals, notes and updates through the desk
and prints each change only after the desk call returned. The parent kills it with
SIGKILL after a random delay, or lets it kill itself at a chosen point inside a
checkpoint, then checks that the store opens, `doctor` finds nothing wrong, and
every acknowledged change is there.

Writers, imports, checkpoints at random moments, and `export all`: 25 trials run by
default; 1,000 under `-m slow` (200 writes, 750 with imports and checkpoints, 50 exports).
Each trial's seed is in every assertion message: rerun one with
`pytest tests/store/test_kill.py -k "seed_<n>"`.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mspdesk.desk import Desk
from mspdesk.desk.checkup import check_data

WRITER = Path(__file__).with_name("kill_writer.py")
CHECKPOINT_EVENTS = 50
CRASH_POINTS = ("temp-write", "before-replace", "before-reset", "mid-rotate")
CHILD_TIMEOUT = 120  # seconds; a safety net for a hung child, not a performance check


@dataclass
class Acks:
    """What the writer acknowledged before it died."""

    referrals: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # note id -> referral id
    updates: list[tuple[str, str]] = field(default_factory=list)  # (referral id, enquiry)
    rounds: int = 0

    def read(self, stdout: str) -> None:
        self.rounds += 1
        # A line cut short by the kill has no newline; it was never fully acknowledged.
        for line in stdout.splitlines(keepends=True):
            if not line.endswith("\n") or line == "ready\n":
                continue
            kind, rest = line.rstrip("\n").split(" ", 1)
            if kind == "R":
                self.referrals.append(rest)
            elif kind == "N":
                note, subject = rest.split(" ")
                self.notes[note] = subject
            elif kind == "U":
                subject, text = rest.split(" ", 1)
                self.updates.append((subject, text))
            else:
                raise AssertionError(f"unexpected writer output {line!r}")

    @property
    def count(self) -> int:
        return len(self.referrals) + len(self.notes) + len(self.updates)


def run_writer(
    data_dir: Path, seed: int, crash_point: str, delay: float, mix: str = "writes"
) -> str:
    """Run one writer until it dies; returns what it printed."""
    process = subprocess.Popen(
        [
            sys.executable,
            str(WRITER),
            str(data_dir),
            str(seed),
            str(CHECKPOINT_EVENTS),
            crash_point,
            mix,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if first != "ready\n":
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"seed {seed}: writer did not start: {first!r} {err}")
    if crash_point == "none":
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    try:
        out, err = process.communicate(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"seed {seed}: writer never reached {crash_point}") from None
    assert process.returncode == -signal.SIGKILL, f"seed {seed}: writer failed:\n{err}"
    return first + out


def verify(data_dir: Path, acks: Acks, seed: int) -> None:
    """The store opens, doctor is happy, and every acknowledged change is there."""
    where = f"seed {seed} ({data_dir})"
    before = check_data(data_dir)
    assert before.ok, f"{where}: doctor before reopening: {before.problems}"

    with Desk.open(data_dir, actor="verifier") as desk:  # raises if unreadable
        ids = {row["id"] for row in desk.referrals.rows()}
        lost = [ref for ref in acks.referrals if ref not in ids]
        assert not lost, f"{where}: acknowledged referrals lost: {lost}"
        assert len(set(acks.referrals)) == len(acks.referrals), f"{where}: an id was reused"
        for note_id, subject in acks.notes.items():
            note = desk.notes.get(note_id)
            assert note.subject == subject, f"{where}: note {note_id} is on {note.subject}"
        acked_texts = {text for _, text in acks.updates}
        last_acked = dict(acks.updates)  # the newest acknowledged enquiry per referral
        for subject in {subject for subject, _ in acks.updates}:
            enquiries = [
                change.new
                for entry in desk.history(subject)
                for change in entry.changes
                if change.field == "enquiry"
            ]
            lost = [t for s, t in acks.updates if s == subject and t not in enquiries]
            assert not lost, f"{where}: acknowledged updates of {subject} lost: {lost}"
            # After the newest acknowledged value, only writes in flight at a kill may follow.
            later = enquiries[enquiries.index(last_acked[subject]) + 1 :]
            assert not acked_texts & set(later), f"{where}: {subject} changes out of order"
            assert len(later) <= acks.rounds, f"{where}: {subject} has unexplained changes"
            assert desk.referrals.get(subject).enquiry == enquiries[-1], where
        # The store keeps working after recovery.
        desk.referrals.add({"organisation": "After the crash", "parent_body": "Council"})

    after = check_data(data_dir)
    assert after.ok, f"{where}: doctor after reopening: {after.problems}"


def run_trial(tmp_path: Path, seed: int, mix: str = "writes") -> None:
    rng = random.Random(seed)
    data_dir = tmp_path / f"trial-{seed}"
    # Most trials are killed at a random moment; some kill themselves inside a checkpoint.
    crash_point = rng.choice(["none"] * 5 + list(CRASH_POINTS))
    delay = rng.uniform(0.0, 0.3)
    acks = Acks()
    acks.read(run_writer(data_dir, seed, crash_point, delay, mix))
    # Every fourth trial kills a second writer on the recovered store too.
    if seed % 4 == 3:
        acks.read(run_writer(data_dir, seed + 100_000, "none", rng.uniform(0.0, 0.1), mix))
    verify(data_dir, acks, seed)


@pytest.mark.parametrize("seed", range(20), ids=lambda s: f"seed_{s}")
def test_sigkill_loses_no_acknowledged_write(tmp_path: Path, seed: int) -> None:
    run_trial(tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1000, 1200), ids=lambda s: f"seed_{s}")
def test_sigkill_loses_no_acknowledged_write_slow(tmp_path: Path, seed: int) -> None:
    run_trial(tmp_path, seed)


@pytest.mark.parametrize("seed", range(3000, 3004), ids=lambda s: f"seed_{s}")
def test_sigkill_during_imports_and_checkpoints(tmp_path: Path, seed: int) -> None:
    run_trial(tmp_path, seed, "imports")


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2000, 2750), ids=lambda s: f"seed_{s}")
def test_sigkill_during_imports_and_checkpoints_slow(tmp_path: Path, seed: int) -> None:
    run_trial(tmp_path, seed, "imports")


@pytest.fixture(scope="module")
def desk_with_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cases") / "data"
    with Desk.open(data, actor="setup") as desk:
        for n in range(40):
            referral = desk.referrals.add({"organisation": f"Org {n}", "parent_body": "P"})
            desk.triage.decide(referral.id, "accept", "ok")
            desk.notes.add(referral.id, f"note {n}")
    return data


def export_trial(tmp_path: Path, source: Path, seed: int) -> None:
    """Kill `mspdesk export all` at a random moment: the desk is unchanged, and the next
    export cleans up every temporary file the killed one left (personal data)."""
    rng = random.Random(seed)
    data = tmp_path / "data"
    shutil.copytree(source, data)
    before = {p.name: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "mspdesk", "--data-dir", str(data), "export", "all"]
    process = subprocess.Popen(
        [*command, "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(rng.uniform(0.3, 2.0))
    process.send_signal(signal.SIGKILL)
    process.communicate()
    after = {p.name: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert after == before, f"seed {seed}: an export changed the data directory"
    again = subprocess.run([*command, "-o", str(out), "--force"], capture_output=True, text=True)
    assert again.returncode == 0, f"seed {seed}: {again.stderr}"
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, f"seed {seed}: temporary files left: {leftovers}"
    assert (out / "evidence.json").is_file() and (out / "C-0040.md").is_file()


def test_sigkill_during_export_all(tmp_path: Path, desk_with_cases: Path) -> None:
    export_trial(tmp_path, desk_with_cases, 1)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4000, 4050), ids=lambda s: f"seed_{s}")
def test_sigkill_during_export_all_slow(tmp_path: Path, desk_with_cases: Path, seed: int) -> None:
    export_trial(tmp_path, desk_with_cases, seed)


@pytest.mark.parametrize("crash_point", CRASH_POINTS)
def test_crash_inside_a_checkpoint_loses_nothing(tmp_path: Path, crash_point: str) -> None:
    # Deterministic: each window inside a checkpoint, with a prior snapshot to back up.
    data_dir = tmp_path / "data"
    acks = Acks()
    acks.read(run_writer(data_dir, 7, crash_point, 0.0))
    assert acks.count >= CHECKPOINT_EVENTS, "the writer died before its second checkpoint"
    verify(data_dir, acks, 7)
