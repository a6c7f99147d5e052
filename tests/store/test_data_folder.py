"""The data directory is the desk's or refused: a marker file, adopted pre-marker desks,
foreign folders left exactly as they were, read-only folders opened read-only."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from cli_inprocess import mspdesk_in_process
from mspdesk.desk import Desk
from mspdesk.store import ReadOnlyStore, Store
from mspdesk.store.errors import NotADeskFolder
from mspdesk.store.folder import MARKER_NAME, is_own_temp

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mspdesk(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mspdesk` in this process (tests/cli_inprocess.py): what it says and leaves behind."""
    return mspdesk_in_process(data, *args, env={"MSPDESK_ADVISER": "folder-tester"})


def state(folder: Path) -> tuple[int, dict[str, tuple[int, bytes]]]:
    """The folder's mode and every file in it with its mode and bytes."""
    files = {
        str(p.relative_to(folder)): (p.stat().st_mode, p.read_bytes() if p.is_file() else b"")
        for p in sorted(folder.rglob("*"))
    }
    return folder.stat().st_mode, files


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A sticky, world-writable shared folder holding other people's files (and a temp)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "minutes.docx").write_bytes(b"not ours")
    (folder / "report.csv.tmp-123").write_bytes(b"someone else's temp file")
    (folder / "sub").mkdir()
    folder.chmod(0o1777)
    return folder


@posix_only
@pytest.mark.parametrize(
    "argv",
    [
        ("referral", "add", "--org", "Leeds", "--parent-body", "LCC"),
        ("referrals", "list"),
        ("doctor",),
        ("export", "notes", "-o", "-"),
    ],
)
def test_a_foreign_folder_is_refused_and_left_as_it_was(
    shared: Path, argv: tuple[str, ...]
) -> None:
    before = state(shared)
    result = mspdesk(shared, *argv)
    assert result.returncode == 1, result.stderr
    assert "is not an mspdesk data folder" in result.stderr + result.stdout
    assert "minutes.docx" in result.stderr + result.stdout
    assert state(shared) == before
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


def test_data_dir_naming_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    result = mspdesk(file, "referrals", "list")
    assert result.returncode == 1
    assert "is a file, not a folder" in result.stderr
    assert "unexpected" not in result.stderr
    assert file.read_text() == "mine"


def test_a_new_or_empty_folder_becomes_a_desk_with_a_marker(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    Store.open(fresh).close()
    assert (fresh / MARKER_NAME).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    Store.open(empty).close()
    assert (empty / MARKER_NAME).is_file()


def test_a_desk_made_before_the_marker_opens_and_gets_it(data_dir: Path) -> None:
    with Desk.open(data_dir, actor="t") as desk:
        reference = desk.referrals.add({"organisation": "Old Co", "parent_body": "P"}).id
    (data_dir / MARKER_NAME).unlink()
    with Desk.open(data_dir, read_only=True) as reader:
        assert reader.referrals.get(reference).organisation == "Old Co"
    assert not (data_dir / MARKER_NAME).exists()  # a reader writes nothing
    with Desk.open(data_dir, actor="t") as desk:
        assert desk.referrals.get(reference).organisation == "Old Co"
    assert (data_dir / MARKER_NAME).is_file()


def test_a_marked_desk_with_other_files_still_opens(data_dir: Path) -> None:
    Store.open(data_dir).close()
    (data_dir / "my-notes.txt").write_text("the adviser's own file")
    Store.open(data_dir).close()
    assert (data_dir / "my-notes.txt").read_text() == "the adviser's own file"


def test_crash_cleanup_removes_only_the_desks_own_temp_names(data_dir: Path) -> None:
    Store.open(data_dir).close()
    ours = data_dir / "snapshot.json.tmp-4242"
    ours.write_bytes(b"half a snapshot")
    theirs = [data_dir / "report.csv.tmp-1", data_dir / "snapshot.json.tmp-x", data_dir / "a.tmp-2"]
    for path in theirs:
        path.write_bytes(b"not ours")
    store = Store.open(data_dir)
    store.close()
    assert not ours.exists()
    assert all(path.read_bytes() == b"not ours" for path in theirs)
    assert is_own_temp("evidence.key.tmp-12-ab12cd34")
    assert not is_own_temp("journal.jsonl")


@posix_only
def test_a_read_only_folder_opens_read_only_and_stays_read_only(data_dir: Path) -> None:
    with Desk.open(data_dir, actor="t") as desk:
        reference = desk.referrals.add({"organisation": "Kept Co", "parent_body": "P"}).id
    data_dir.chmod(0o500)
    try:
        before = state(data_dir)
        store = Store.open(data_dir)
        assert store.read_only
        assert any("read-only" in warning for warning in store.warnings)
        with pytest.raises(ReadOnlyStore, match="read-only"):
            store.commit({"kind": "x", "subject": "x", "ops": []})
        store.close()
        listed = mspdesk(data_dir, "referrals", "list")
        assert listed.returncode == 0 and reference in listed.stdout
        added = mspdesk(data_dir, "referral", "add", "--org", "New", "--parent-body", "P")
        assert added.returncode == 3
        assert "read-only" in added.stderr and "unexpected" not in added.stderr
        assert state(data_dir) == before
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o500
    finally:
        data_dir.chmod(0o700)


def test_store_refuses_a_foreign_folder_in_process(shared: Path) -> None:
    with pytest.raises(NotADeskFolder):
        Store.open(shared)
    with pytest.raises(NotADeskFolder):
        Store.open(shared, read_only=True)
