"""The writer that test_kill.py kills: adds referrals, notes and updates until it dies.

Usage: python kill_writer.py DATA_DIR SEED CHECKPOINT_EVENTS CRASH_POINT [imports]

Each line on stdout is printed only after the desk call that made the change has
returned, i.e. after the change was acknowledged as durable:
    R <referral id>                 a referral was added
    N <note id> <referral id>       a note was added to that referral
    U <referral id> <enquiry text>  the referral's enquiry was changed to that text

CRASH_POINT "none" waits for the parent's SIGKILL. Any other value makes this process
SIGKILL itself at that exact point of its second checkpoint, to cover the windows a
random kill rarely hits:
    temp-write      half-way through writing the snapshot's temp file
    before-replace  after the old snapshot was kept as a backup, before the replace
    before-reset    after the new snapshot replaced the old, before the journal moves to backups/
    mid-rotate      after the journal moved to backups/, before a new journal is created
"""

from __future__ import annotations

import os
import random
import signal
import sys
from pathlib import Path
from typing import Any

from mspdesk.desk import Desk
from mspdesk.store import files, journal, snapshot, tinystore
from mspdesk.store.journal import JournalWriter

CRASH_AT_CHECKPOINT = 2
imports = False
"""With a fifth argument "imports", the mix also imports CSV files and checkpoints at
random moments (the default mix is kept as it was, for the seeds already recorded)."""


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(crash_point: str) -> None:
    """Make the CRASH_AT_CHECKPOINT-th checkpoint kill this process at `crash_point`."""
    count = [0]
    real_write_snapshot = tinystore.write_snapshot

    def counting_write(*args: Any) -> None:
        # Every checkpoint, on the caller's thread or in the background, writes through here.
        count[0] += 1
        real_write_snapshot(*args)

    def armed() -> bool:
        return count[0] >= CRASH_AT_CHECKPOINT

    tinystore.write_snapshot = counting_write
    if crash_point == "temp-write":
        real_write_all = files.write_all

        def half_then_die(fd: int, data: bytes) -> None:
            if armed():
                real_write_all(fd, data[: len(data) // 2])
                die()
            real_write_all(fd, data)

        files.write_all = half_then_die  # only atomic_write looks it up in `files`
    elif crash_point == "before-replace":
        real_atomic_write = snapshot.atomic_write

        def die_before_replace(path: Path, data: bytes) -> None:
            if armed():
                die()
            real_atomic_write(path, data)

        snapshot.atomic_write = die_before_replace
    elif crash_point == "before-reset":
        real_rotate = JournalWriter.rotate

        def die_before_rotate(self: JournalWriter, segment: Path) -> bool:
            if armed():
                die()
            return real_rotate(self, segment)

        def die_before_rotate_keeping(self: JournalWriter, segment: Path, keep: int) -> bool:
            if armed():
                die()
            return real_keeping(self, segment, keep)

        real_keeping = JournalWriter.rotate_keeping
        JournalWriter.rotate = die_before_rotate  # type: ignore[method-assign]
        JournalWriter.rotate_keeping = die_before_rotate_keeping  # type: ignore[method-assign]
    elif crash_point == "mid-rotate":

        def die_mid_rotate(self: JournalWriter, segment: Path) -> bool:
            if armed() and self.size:
                os.rename(self.path, segment)
                die()
            return real_rotate(self, segment)

        def die_mid_rotate_keeping(self: JournalWriter, segment: Path, keep: int) -> bool:
            if armed() and self.size:
                os.link(self.path, segment)  # the segment is in place, the journal not yet cut
                die()
            return real_keeping(self, segment, keep)

        real_rotate = JournalWriter.rotate
        real_keeping = JournalWriter.rotate_keeping
        JournalWriter.rotate = die_mid_rotate  # type: ignore[method-assign]
        JournalWriter.rotate_keeping = die_mid_rotate_keeping  # type: ignore[method-assign]
    elif crash_point != "none":
        raise SystemExit(f"unknown crash point {crash_point}")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def import_rows(desk: Desk, folder: Path, seed: int, n: int, rows: int) -> list[str]:
    """Import a CSV of `rows` new referrals through the importer; returns their ids."""
    from mspdesk.transfer import apply_import, plan_import

    path = folder / f"import-{seed}-{n}.csv"
    lines = ["Organisation,Parent body,Date received,Enquiry"]
    lines += [
        f"Imported {seed}-{n}-{k},Council {k},0{k % 9 + 1}/03/2013,from a file" for k in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = apply_import(plan_import(path, desk), desk)
    return list(result.added_ids)


def main() -> None:
    directory, seed = Path(sys.argv[1]), int(sys.argv[2])
    tinystore.CHECKPOINT_EVENTS = int(sys.argv[3])
    # An import's event is written in pieces here (as one of 100,000 rows is), so kills
    # land between them too.
    journal.PIECE_OPS = 4
    journal.PIECE_BYTES = 512
    arm(sys.argv[4])
    global imports
    imports = len(sys.argv) > 5 and sys.argv[5] == "imports"
    rng = random.Random(seed)
    desk = Desk.open(directory, actor="killtest")
    referrals = [row["id"] for row in desk.referrals.rows()]
    say("ready")
    for n in range(1_000_000):
        roll = rng.random()
        if not referrals or roll < 0.4:
            fields: dict[str, Any] = {
                "organisation": f"Service {seed}-{n}",
                "parent_body": rng.choice(["Kent County Council", "NHS Leeds", "DfE"]),
                "received": f"{rng.choice([2012, 2013, 2014])}-0{rng.randint(1, 9)}-1{n % 10}",
                "enquiry": "x" * rng.randrange(0, 1500),  # some events straddle pages
            }
            added = desk.referrals.add(fields)
            referrals.append(added.id)
            say(f"R {added.id}")
        elif roll < 0.6:
            subject = rng.choice(referrals)
            note = desk.notes.add(subject, f"call {seed}-{n}\nsecond line")
            say(f"N {note.id} {subject}")
        elif roll < 0.68 and imports:
            # An import: acknowledged once apply_import has returned (each batch durable).
            added_ids = import_rows(desk, directory.parent, seed, n, rng.randrange(1, 40))
            referrals.extend(added_ids)
            for ref in added_ids:
                say(f"R {ref}")
        elif roll < 0.72 and imports:
            desk.core.store.checkpoint()  # a checkpoint at any moment, not only every N
        else:
            subject = rng.choice(referrals)
            text = f"update {seed}-{n}"
            desk.referrals.update(subject, {"enquiry": text})
            say(f"U {subject} {text}")


if __name__ == "__main__":
    main()
