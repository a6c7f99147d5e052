"""Snapshots and checkpoints: atomic, backed up, never overwritten when damaged."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from storehelp import file_bytes, patch_event, put_event

from mspdesk.store import CorruptStore, NewerVersion, Store, tinystore
from mspdesk.store.generations import CURRENT
from mspdesk.store.journal import JOURNAL_NAME, JournalWriter, read_journal
from mspdesk.store.snapshot import (
    BACKUP_DIR,
    KEEP_BACKUPS,
    SNAPSHOT_NAME,
    latest_backup,
    segment_path,
)


def snapshot_doc(directory: Path) -> dict[str, object]:
    loaded: dict[str, object] = orjson.loads((directory / SNAPSHOT_NAME).read_bytes())
    return loaded


def store_with_backup(directory: Path) -> Path:
    """A store with a snapshot and one backup of the snapshot before it; returns the backup."""
    with Store.open(directory) as store:
        store.commit(put_event("a", n=1))
        store.checkpoint()
        store.commit(put_event("b", n=2))
        store.checkpoint()
        store.commit(put_event("c", n=3))
    backup = latest_backup(directory)
    assert backup is not None
    return backup


# ------------------------------------------------------------------ checkpoints


def test_checkpoint_writes_snapshot_and_empties_the_journal(store: Store) -> None:
    for i in range(5):
        store.commit(put_event(f"k{i}", n=i))
    store.checkpoint()

    doc = snapshot_doc(store.directory)
    assert doc["seq"] == 5
    assert doc["schema_version"] == tinystore.SCHEMA_VERSION
    assert doc["tables"]["things"]["k3"] == {"id": "k3", "n": 3}  # type: ignore[index]
    assert (store.directory / JOURNAL_NAME).stat().st_size == 0
    assert store.journal_size == 0 and store.pending_events == 0

    store.commit(patch_event("k0", n=10))
    assert [e["seq"] for e in read_journal(store.directory / JOURNAL_NAME).events] == [6]


def test_state_after_checkpoint_and_reopen_is_the_same(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        for i in range(10):
            store.commit(put_event(f"k{i}", n=i))
        store.checkpoint()
        store.commit(patch_event("k1", n=100))
        expected = {name: dict(store.table(name)) for name in ("things", "events")}
    with Store.open(data_dir) as store:
        assert {name: store.table(name) for name in ("things", "events")} == expected
        assert [e["seq"] for e in store.events_for("k1")] == [2, 11]


def test_checkpoint_happens_automatically_after_many_events(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tinystore, "CHECKPOINT_EVENTS", 5)
    with Store.open(data_dir) as store:
        for i in range(12):
            store.commit(put_event(f"k{i}"))
        store.finish_checkpoint()  # written in the background: wait for it
        written = snapshot_doc(data_dir)["seq"]
        assert 5 <= written <= 12
        journal = [e["seq"] for e in read_journal(data_dir / JOURNAL_NAME).events]
        assert journal == list(range(written + 1, 13))
        assert store.pending_events == 12 - written
    with Store.open(data_dir) as reopened:
        assert set(reopened.table("things")) == {f"k{i}" for i in range(12)}


def test_close_checkpoints_only_when_many_events_are_pending(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tinystore, "CHECKPOINT_ON_CLOSE", 3)
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
    assert not (data_dir / SNAPSHOT_NAME).exists()
    with Store.open(data_dir) as store:
        store.commit(put_event("b"))
        store.commit(put_event("c"))
    assert snapshot_doc(data_dir)["seq"] == 3
    assert (data_dir / JOURNAL_NAME).stat().st_size == 0


def test_a_checkpoint_keeps_the_journal_beside_the_previous_snapshot(data_dir: Path) -> None:
    # Two generations: the previous snapshot and every change since it stay on disk until
    # the next checkpoint succeeds.
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
        store.checkpoint()
        store.commit(put_event("b"))
        store.commit(put_event("c"))
        store.checkpoint()
    backups = data_dir / BACKUP_DIR
    # The segment after change #0 went with the backup it belonged to (there is none).
    assert sorted(p.name for p in backups.iterdir()) == [
        "journal-0000000001.jsonl",
        "snapshot-0000000001.json",
    ]
    segment = read_journal(backups / "journal-0000000001.jsonl").events
    assert [e["seq"] for e in segment] == [2, 3]


def test_only_a_few_backups_are_kept_and_the_newest_is_reported(store: Store) -> None:
    for i in range(KEEP_BACKUPS + 4):
        store.commit(put_event(f"k{i}"))
        store.checkpoint()
    backups = sorted((store.directory / BACKUP_DIR).glob("snapshot-*.json"))
    assert len(backups) == KEEP_BACKUPS
    assert latest_backup(store.directory) == backups[-1]
    # Each backup is a whole snapshot that can be read on its own.
    assert orjson.loads(backups[-1].read_bytes())["seq"] == store.seq - 1


def test_crash_between_snapshot_replace_and_journal_reset_is_harmless(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(data_dir) as store:
        for i in range(5):
            store.commit(put_event(f"k{i}", n=i))
        store.commit(patch_event("k0", n=50))
        # The snapshot is replaced, then the process "dies" before the journal is emptied.
        with monkeypatch.context() as patched:
            patched.setattr(JournalWriter, "rotate", lambda self, segment: False)
            store.checkpoint()
        expected = dict(store.table("things"))
        store.close(checkpoint=False)
    assert snapshot_doc(data_dir)["seq"] == 6
    assert len(read_journal(data_dir / JOURNAL_NAME).events) == 6

    with Store.open(data_dir) as store:
        assert store.table("things") == expected
        assert store.seq == 6 and store.pending_events == 0
        assert [e["seq"] for e in store.events_for("k0")] == [1, 6]
        assert store.commit(patch_event("k1", n=7))["seq"] == 7
    with Store.open(data_dir) as store:
        assert store.get("things", "k1") == {"id": "k1", "n": 7}
        assert store.seq == 7
        assert len(list(store.recent_events())) == 7


def test_a_crash_that_left_the_segment_a_link_to_the_journal_is_harmless(data_dir: Path) -> None:
    # rotate_keeping links the journal as the segment, then replaces the journal: killed in
    # between, both names are one file. The next checkpoint must still move the journal
    # (rename() between two names of one file does nothing: seen in the kill suite).
    with Store.open(data_dir) as store:
        for i in range(3):
            store.commit(put_event(f"k{i}", n=i))
        store.close(checkpoint=False)
    with Store.open(data_dir) as store:
        segment = segment_path(data_dir, 0)
        os.link(data_dir / JOURNAL_NAME, segment)
        store.commit(put_event("k3", n=3))
        store.checkpoint()
        assert store.journal_size == 0
        assert len(read_journal(segment).events) == 4
        store.commit(put_event("k4", n=4))
    with Store.open(data_dir) as store:
        assert [store.get("things", f"k{i}") for i in range(5)] == [
            {"id": f"k{i}", "n": i} for i in range(5)
        ]


def test_stale_temp_files_are_removed_on_open(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
    leftovers = [data_dir / f"{SNAPSHOT_NAME}.tmp-4242", data_dir / f"{SNAPSHOT_NAME}.tmp-1"]
    for leftover in leftovers:
        leftover.write_bytes(b'{"half a snap')

    with Store.open(data_dir, read_only=True) as reader:
        assert all(path.exists() for path in leftovers)  # readers never delete
        assert reader.get("things", "a") is not None
    with Store.open(data_dir) as store:
        assert not any(path.exists() for path in leftovers)
        assert len(store.warnings) == 2
        assert all("temp file" in warning for warning in store.warnings)
        assert store.get("things", "a") is not None


# ------------------------------------------------------------------ damaged snapshots

DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "zeros": lambda raw: b"\x00" * len(raw),
    "empty": lambda raw: b"",
    "not a snapshot": lambda raw: b'{"hello": "world"}',
    "tables not an object": lambda raw: raw.replace(b'"tables":{', b'"tables":[{', 1),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_snapshot_is_recovered_from_the_previous_generation(
    data_dir: Path, damage: object
) -> None:
    backup = store_with_backup(data_dir)
    path = data_dir / SNAPSHOT_NAME
    damaged = damage(path.read_bytes())  # type: ignore[operator]
    path.write_bytes(damaged)
    (data_dir / f"{SNAPSHOT_NAME}.tmp-999").write_bytes(b"leftover")
    before = file_bytes(data_dir)

    with Store.open(data_dir, read_only=True) as reader:  # a reader recovers, changes nothing
        assert {k: v["n"] for k, v in reader.table("things").items()} == {"a": 1, "b": 2, "c": 3}
        assert reader.generation.startswith("previous") and backup.name in reader.generation
    assert file_bytes(data_dir) == before

    with Store.open(data_dir) as store:
        assert {k: v["n"] for k, v in store.table("things").items()} == {"a": 1, "b": 2, "c": 3}
        assert any(str(backup) in warning for warning in store.warnings)
        store.commit(put_event("d", n=4))
    kept = list((data_dir / "rejected").glob("snapshot-*.json"))
    assert [p.read_bytes() for p in kept] == [damaged]  # the damaged file is kept, not lost
    with Store.open(data_dir) as store:
        assert store.generation == CURRENT and store.warnings == []
        assert sorted(store.table("things")) == ["a", "b", "c", "d"]


def test_a_deleted_snapshot_is_recovered_from_the_previous_generation(data_dir: Path) -> None:
    store_with_backup(data_dir)
    (data_dir / SNAPSHOT_NAME).unlink()
    with Store.open(data_dir) as store:
        assert sorted(store.table("things")) == ["a", "b", "c"] and store.seq == 3
    assert snapshot_doc(data_dir)["seq"] == 3


def test_the_first_snapshot_lost_is_rebuilt_from_the_first_segment(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
        store.checkpoint()
        store.commit(put_event("b"))
    (data_dir / SNAPSHOT_NAME).unlink()
    with Store.open(data_dir, read_only=True) as store:
        assert sorted(store.table("things")) == ["a", "b"]
        assert "journal-0000000000" in store.generation


def test_corrupt_snapshot_without_backup_says_so(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
        store.checkpoint()
    (data_dir / SNAPSHOT_NAME).write_bytes(b"{")
    with Store.open(data_dir, read_only=True) as store:  # rebuilt from the first segment
        assert sorted(store.table("things")) == ["a"]
    shutil.rmtree(data_dir / BACKUP_DIR)

    with pytest.raises(CorruptStore, match="No backup snapshot"):
        Store.open(data_dir)


def test_an_older_snapshot_restored_over_the_current_one_loses_nothing(data_dir: Path) -> None:
    # Restoring an older snapshot beside the journal leaves a gap; the segments kept in
    # backups/ fill it, so the desk opens with every change rather than refusing.
    backup = store_with_backup(data_dir)
    shutil.copy(backup, data_dir / SNAPSHOT_NAME)
    with Store.open(data_dir) as store:
        assert sorted(store.table("things")) == ["a", "b", "c"] and store.seq == 3


def test_a_journal_that_does_not_follow_the_snapshot_is_refused(data_dir: Path) -> None:
    # Without the segments the gap cannot be filled: replaying past it would build records
    # from changes made to another state.
    backup = store_with_backup(data_dir)
    shutil.copy(backup, data_dir / SNAPSHOT_NAME)
    for segment in (data_dir / BACKUP_DIR).glob("journal-*.jsonl"):
        segment.unlink()
    before = file_bytes(data_dir)

    for read_only in (False, True):
        with pytest.raises(CorruptStore) as raised:
            Store.open(data_dir, read_only=read_only)
        message = str(raised.value)
        assert "#2" in message and JOURNAL_NAME in message and "\n" not in message
    assert file_bytes(data_dir) == before


def test_a_journal_with_a_missing_line_is_refused(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        for i in range(4):
            store.commit(put_event(f"k{i}"))
    journal = data_dir / JOURNAL_NAME
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:1] + lines[2:]))
    before = file_bytes(data_dir)

    with pytest.raises(CorruptStore, match="line 2: change #3 follows #1"):
        Store.open(data_dir)
    assert file_bytes(data_dir) == before


def test_a_store_that_failed_to_open_can_be_opened_once_repaired(data_dir: Path) -> None:
    backup = store_with_backup(data_dir)
    good = (data_dir / SNAPSHOT_NAME).read_bytes()
    (data_dir / SNAPSHOT_NAME).write_bytes(b"x")
    backup.write_bytes(b"x")  # both generations damaged: nothing to recover from
    with pytest.raises(CorruptStore):
        Store.open(data_dir)
    (data_dir / SNAPSHOT_NAME).write_bytes(good)
    with Store.open(data_dir) as store:  # the failed open did not keep the lock
        assert store.get("things", "c") == {"id": "c", "n": 3}
    assert backup.exists()


# ------------------------------------------------------------------ newer versions


def test_snapshot_from_a_newer_version_is_refused_untouched(data_dir: Path) -> None:
    store_with_backup(data_dir)
    path = data_dir / SNAPSHOT_NAME
    doc = orjson.loads(path.read_bytes())
    doc["schema_version"] = tinystore.SCHEMA_VERSION + 1
    path.write_bytes(orjson.dumps(doc))
    before = file_bytes(data_dir)

    for read_only in (False, True):
        with pytest.raises(NewerVersion) as raised:
            Store.open(data_dir, read_only=read_only)
        assert "newer" in str(raised.value) and "upgrade" in str(raised.value)
    assert file_bytes(data_dir) == before


def test_journal_event_from_a_newer_version_is_refused_untouched(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
    newer = {**put_event("b"), "seq": 2, "v": tinystore.SCHEMA_VERSION + 1}
    with (data_dir / JOURNAL_NAME).open("ab") as journal:
        journal.write(orjson.dumps(newer) + b"\n")
    before = file_bytes(data_dir)

    for read_only in (False, True):
        with pytest.raises(NewerVersion) as raised:
            Store.open(data_dir, read_only=read_only)
        assert JOURNAL_NAME in str(raised.value)
    assert file_bytes(data_dir) == before


# ------------------------------------------------------------------ permissions


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everything through, to prove the store sets modes itself."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.usefixtures("open_umask")
def test_directories_are_0700_and_files_0600(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
        store.checkpoint()
        store.commit(put_event("b"))
        store.checkpoint()
    with (data_dir / JOURNAL_NAME).open("ab") as journal:
        journal.write(b'{"torn')
    Store.open(data_dir).close()

    dirs = [data_dir, *(p for p in data_dir.rglob("*") if p.is_dir())]
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {p.name for p in dirs} >= {"data", "backups", "rejected"}
    assert {p.name for p in files} >= {SNAPSHOT_NAME, JOURNAL_NAME, "mspdesk.lock"}
    assert {str(p): oct(mode(p)) for p in dirs} == {str(p): "0o700" for p in dirs}
    assert {str(p): oct(mode(p)) for p in files} == {str(p): "0o600" for p in files}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_existing_open_directory_keeps_its_mode_and_gets_a_warning(data_dir: Path) -> None:
    # Never chmod a folder the user made: a shared or sticky folder must keep its mode.
    data_dir.mkdir()
    data_dir.chmod(0o755)
    store = Store.open(data_dir)
    store.close()
    assert mode(data_dir) == 0o755
    assert any("chmod 700" in warning for warning in store.warnings)
