"""`doctor`'s checks: read everything, change nothing, name what is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from mspdesk.desk import Desk
from mspdesk.desk.checkup import check_data
from mspdesk.store import Store

SNAPSHOT = "snapshot.json"
JOURNAL = "journal.jsonl"


def every_file(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def filled(data_dir: Path) -> Path:
    """A data directory with two snapshots (so a backup), more journal, a note."""
    with Desk.open(data_dir, actor="tester") as desk:
        first = desk.referrals.add({"organisation": "One", "parent_body": "Council"})
        desk.checkpoint()
        desk.referrals.add({"organisation": "Two", "parent_body": "Council"})
        desk.checkpoint()
        desk.notes.add(first.id, "hello")
    return data_dir


def test_healthy_data_is_ok_and_counted(filled: Path) -> None:
    before = every_file(filled)
    report = check_data(filled)
    assert report.ok, report.problems
    text = "\n".join(report.findings)
    assert "referrals: 2" in text and "notes: 1" in text
    assert "latest backup snapshot" in text and "backups" in text
    assert every_file(filled) == before


def test_missing_directory_is_a_problem(tmp_path: Path) -> None:
    report = check_data(tmp_path / "nowhere")
    assert not report.ok
    assert "no data directory" in report.problems[0]


def test_corrupt_snapshot_is_a_problem_and_untouched(filled: Path) -> None:
    (filled / SNAPSHOT).write_bytes(b'{"format": "mspdesk-snap')
    before = every_file(filled)
    report = check_data(filled)
    assert not report.ok
    assert any("backups" in problem and SNAPSHOT in problem for problem in report.problems)
    assert every_file(filled) == before


def test_garbage_inside_the_journal_is_a_problem(filled: Path) -> None:
    journal = filled / JOURNAL
    journal.write_bytes(b"garbage\n" + journal.read_bytes())
    report = check_data(filled)
    assert not report.ok
    assert any("line 1" in problem for problem in report.problems)


def test_torn_tail_is_reported_but_not_a_problem(filled: Path) -> None:
    with (filled / JOURNAL).open("ab") as journal:
        journal.write(b'{"seq": 99, "ki')
    before = every_file(filled)
    report = check_data(filled)
    assert report.ok, report.problems
    assert any("unfinished change" in finding for finding in report.findings)
    assert every_file(filled) == before


def test_newer_data_is_a_problem(filled: Path) -> None:
    doc = orjson.loads((filled / SNAPSHOT).read_bytes())
    doc["schema_version"] += 1
    (filled / SNAPSHOT).write_bytes(orjson.dumps(doc))
    report = check_data(filled)
    assert not report.ok
    assert any("newer mspdesk" in problem for problem in report.problems)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_loose_permissions_are_problems_with_the_fix(filled: Path) -> None:
    filled.chmod(0o755)
    (filled / JOURNAL).chmod(0o644)
    report = check_data(filled)
    assert not report.ok
    assert any(f"chmod 700 '{filled}'" in problem for problem in report.problems)
    assert any(f"chmod 600 '{filled / JOURNAL}'" in problem for problem in report.problems)


def test_an_invalid_record_is_named(filled: Path) -> None:
    with Store.open(filled) as store:
        store.commit(
            {
                "kind": "test",
                "subject": "R-2013-0099",
                "ops": [
                    {
                        "table": "referrals",
                        "key": "R-2013-0099",
                        "kind": "put",
                        "data": {
                            "id": "R-2013-0099",
                            "received": "2013-01-01",
                            "organisation": "",
                            "parent_body": "X",
                        },
                    }
                ],
            }
        )
    report = check_data(filled)
    assert not report.ok
    assert any(
        "R-2013-0099" in problem and "organisation" in problem for problem in report.problems
    )


def test_data_open_in_another_mspdesk_is_mentioned_but_ok(filled: Path) -> None:
    with Store.open(filled):
        report = check_data(filled)
    assert report.ok, report.problems
    assert any(f"pid {os.getpid()}" in finding for finding in report.findings)


def test_a_crashed_holder_is_not_reported_as_open(filled: Path) -> None:
    # A killed mspdesk leaves its pid in the lock file, but the OS lock died with it.
    script = (
        "import os, signal, sys; from pathlib import Path; from mspdesk.store import Store; "
        "Store.open(Path(sys.argv[1])); os.kill(os.getpid(), signal.SIGKILL)"
    )
    subprocess.run([sys.executable, "-c", script, str(filled)], timeout=60, check=False)
    assert (filled / "mspdesk.lock").stat().st_size > 0

    report = check_data(filled)

    assert report.ok, report.problems
    assert not any("open in another mspdesk" in finding for finding in report.findings)
