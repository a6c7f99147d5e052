"""Damage told apart from a torn tail, and two generations on disk, through the real CLI:
only an unterminated last line is a crash's leftover; anything else exits 4 with the files
untouched and `doctor` saying what and where; a lost snapshot loses nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest
from storehelp import file_bytes

from cli_inprocess import mspdesk_in_process
from mspdesk.desk import Desk
from mspdesk.store import CorruptStore, Store
from mspdesk.store.journal import ACK_NAME, JOURNAL_NAME
from mspdesk.store.snapshot import SNAPSHOT_NAME


def mspdesk(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mspdesk` in this process (tests/cli_inprocess.py): what it says and leaves behind."""
    return mspdesk_in_process(data, *args, env={"MSPDESK_ADVISER": "damage-tester"})


def add(data: Path, org: str) -> str:
    result = mspdesk(data, "referral", "add", "--org", org, "--parent-body", "Council")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def desk_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Desk.open(data, actor="t") as desk:
        for n in range(5):
            desk.referrals.add({"organisation": f"Org {n}", "parent_body": "P"})
    return data


def assert_damage_refused(data: Path, *, where: str) -> None:
    """Every command exits 4 and changes nothing; doctor names the problem and where."""
    before = file_bytes(data)
    added = mspdesk(data, "referral", "add", "--org", "New", "--parent-body", "P")
    assert added.returncode == 4, added.stderr
    assert "unexpected" not in added.stderr and added.stdout == ""  # no reference given out
    listed = mspdesk(data, "referrals", "list")
    assert listed.returncode == 4
    doctor = mspdesk(data, "doctor")
    assert doctor.returncode == 1 and where in doctor.stdout, doctor.stdout
    assert file_bytes(data) == before


def test_a_journal_cut_back_through_complete_lines_is_damage(desk_dir: Path) -> None:
    journal = desk_dir / JOURNAL_NAME
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:3]))  # whole lines: no torn tail to explain it
    assert_damage_refused(desk_dir, where="changes #4 to #5 are missing")
    assert not (desk_dir / "rejected").exists()


def test_a_journal_emptied_is_damage(desk_dir: Path) -> None:
    (desk_dir / JOURNAL_NAME).write_bytes(b"")
    assert_damage_refused(desk_dir, where="changes #1 to #5 are missing")


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (b"not json at all\n", "line 6: it is not JSON"),
        (b"\n", "line 6: it is blank"),
        (b'{"seq": 6, "subject": "x", "ops": [{"kind": "put"}]}\n', "malformed operation"),
        (b'{"seq": 6, "subject": "x", "ops": []', None),  # no newline: a torn tail
        (b'{"seq": 6, "v": 0, "subject": "x", "ops": []}\n', "impossible data version"),
        (b'{"seq": 9, "subject": "x", "ops": []}\n', "change #9 follows #5"),
    ],
)
def test_only_an_unterminated_last_line_is_a_torn_write(
    desk_dir: Path, line: bytes, why: str | None
) -> None:
    with (desk_dir / JOURNAL_NAME).open("ab") as journal:
        journal.write(line)
    if why is not None:
        assert_damage_refused(desk_dir, where=why)
        return
    result = mspdesk(desk_dir, "referral", "add", "--org", "After", "--parent-body", "P")
    assert result.returncode == 0
    assert result.stdout.strip() == "R-2026-0006" or result.stdout.startswith("R-")
    # The CLI prints the desk's warning about what it set aside.
    assert "warning: an unfinished change" in result.stderr and "rejected" in result.stderr


def test_a_later_referral_never_reuses_a_reference(desk_dir: Path) -> None:
    given = add(desk_dir, "Sixth")
    journal = desk_dir / JOURNAL_NAME
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]))
    result = mspdesk(desk_dir, "referral", "add", "--org", "Seventh", "--parent-body", "P")
    assert result.returncode == 4 and given not in result.stdout


def test_schema_version_zero_is_damage_not_a_crash(desk_dir: Path) -> None:
    with Store.open(desk_dir) as store:
        store.checkpoint()
    path = desk_dir / SNAPSHOT_NAME
    doc = orjson.loads(path.read_bytes())
    doc["schema_version"] = 0
    path.write_bytes(orjson.dumps(doc))
    (desk_dir / "backups").rename(desk_dir.parent / "elsewhere")  # no generation to fall to
    result = mspdesk(desk_dir, "referrals", "list")
    assert result.returncode == 4 and "data version 0 does not exist" in result.stderr


def test_a_deleted_snapshot_loses_nothing_and_doctor_says_which_generation(
    desk_dir: Path,
) -> None:
    with Desk.open(desk_dir, actor="t") as desk:
        desk.core.store.checkpoint()
        desk.referrals.add({"organisation": "Between", "parent_body": "P"})
        desk.core.store.checkpoint()
        desk.referrals.add({"organisation": "Latest", "parent_body": "P"})
    (desk_dir / SNAPSHOT_NAME).unlink()
    doctor = mspdesk(desk_dir, "doctor")
    assert "read from: the previous generation: snapshot-0000000005.json" in doctor.stdout
    assert doctor.returncode == 1 and "nothing is lost" in doctor.stdout
    listed = mspdesk(desk_dir, "referrals", "list")
    assert listed.returncode == 0 and "Between" in listed.stdout and "Latest" in listed.stdout
    added = mspdesk(desk_dir, "referral", "add", "--org", "Next", "--parent-body", "P")
    assert added.returncode == 0 and "recovered from" in added.stderr
    assert (desk_dir / SNAPSHOT_NAME).exists()
    assert mspdesk(desk_dir, "doctor").returncode == 0


def test_the_ack_file_never_runs_ahead_of_the_journal(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        for n in range(3):
            store.commit(
                {
                    "kind": "t",
                    "subject": f"k{n}",
                    "ops": [{"table": "t", "key": f"k{n}", "kind": "put", "data": {}}],
                }
            )
        assert int((data_dir / ACK_NAME).read_bytes()) == 3
    # A reader that opens while the writer works never sees a gap (ack read first).
    with Store.open(data_dir, read_only=True) as reader:
        assert reader.seq == 3
    (data_dir / ACK_NAME).write_bytes(b"00000000000000000009\n")
    with pytest.raises(CorruptStore, match="#4 to #9 are missing"):
        Store.open(data_dir, read_only=True)
