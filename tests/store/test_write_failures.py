"""A full disk or I/O error: the change is refused, nothing half-applied, next write works."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from storehelp import file_bytes, patch_event, put_event

from mspdesk.store import Store, WriteFailed, tinystore
from mspdesk.store import journal as journal_module
from mspdesk.store.journal import JOURNAL_NAME, read_journal
from mspdesk.store.snapshot import SNAPSHOT_NAME

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def journal_fd(store: Store) -> int:
    assert store._journal is not None
    return store._journal._fd


def failing_write(fd_to_fail: int, *, after_bytes: int = 0) -> Callable[[int, bytes], int]:
    """os.write that writes `after_bytes` of the first call to `fd_to_fail`, then ENOSPC."""
    real_write = os.write
    budget = [after_bytes]

    def write(fd: int, data: bytes) -> int:
        if fd != fd_to_fail:
            return real_write(fd, data)
        if budget[0] <= 0:
            raise ENOSPC
        written = real_write(fd, bytes(data[: budget[0]]))
        budget[0] -= written
        return written

    return write


def failing_fsync(fd_to_fail: int) -> Callable[[int], None]:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if fd == fd_to_fail:
            raise ENOSPC
        real_fsync(fd)

    return fsync


def make_store(directory: Path) -> Store:
    store = Store.open(directory)
    store.commit(put_event("a", n=1))
    store.commit(put_event("b", n=2))
    return store


FAULTS = {
    "write fails at once": lambda fd: ("write", failing_write(fd)),
    "write fails part way": lambda fd: ("write", failing_write(fd, after_bytes=17)),
    "fsync fails": lambda fd: ("fsync", failing_fsync(fd)),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_disk_full_refuses_the_change_and_rolls_back(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, fault: Callable[[int], tuple[str, object]]
) -> None:
    store = make_store(data_dir)
    journal_before = (data_dir / JOURNAL_NAME).read_bytes()
    tables_before = {name: dict(table) for name, table in store.tables.items()}
    seq_before = store.seq

    with monkeypatch.context() as patched:
        name, replacement = fault(journal_fd(store))
        patched.setattr(journal_module.os, name, replacement)
        with pytest.raises(WriteFailed) as raised:
            store.commit(patch_event("a", n=99))

    message = str(raised.value)
    assert "not saved" in message and "No space left" in message and "\n" not in message
    # Nothing applied in memory ...
    assert store.seq == seq_before
    assert {name: dict(table) for name, table in store.tables.items()} == tables_before
    assert store.events_for("a")[-1]["seq"] == 1
    # ... and the journal is back to its previous size and bytes.
    assert (data_dir / JOURNAL_NAME).read_bytes() == journal_before
    assert store.journal_size == len(journal_before)

    # Space is back: the next write succeeds and takes the next seq.
    stamped = store.commit(patch_event("a", n=3))
    assert stamped["seq"] == seq_before + 1
    store.close()
    found = read_journal(data_dir / JOURNAL_NAME)
    assert found.torn_tail == b""
    assert [e["seq"] for e in found.events] == [1, 2, 3]
    with Store.open(data_dir) as reopened:
        assert reopened.get("things", "a") == {"id": "a", "n": 3}
        assert reopened.warnings == []


def test_repeated_failures_never_leave_garbage_in_the_journal(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(data_dir)
    for after in (0, 5, 40, 200):
        with monkeypatch.context() as patched:
            patched.setattr(
                journal_module.os, "write", failing_write(journal_fd(store), after_bytes=after)
            )
            with pytest.raises(WriteFailed):
                store.commit(put_event(f"lost{after}", text="y" * 300))
        store.commit(put_event(f"kept{after}"))
    store.close()

    with Store.open(data_dir) as reopened:
        keys = set(reopened.table("things"))
        assert keys == {"a", "b", "kept0", "kept5", "kept40", "kept200"}
        assert reopened.warnings == []


def test_a_failed_automatic_checkpoint_does_not_fail_a_saved_change(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The change is durable in the journal before the checkpoint starts; if the snapshot
    # cannot be written, the caller must still be told the change was saved.
    monkeypatch.setattr(tinystore, "CHECKPOINT_EVENTS", 3)
    store = make_store(data_dir)

    def no_space(*args: object) -> None:
        raise ENOSPC

    with monkeypatch.context() as patched:
        patched.setattr(tinystore, "write_snapshot", no_space)
        stamped = store.commit(put_event("c", n=3))
        assert stamped["seq"] == 3
        store.finish_checkpoint()  # it failed in the background; the warning says so
        assert any("snapshot" in warning for warning in store.warnings)
        store.commit(put_event("d", n=4))
        store.close()  # closing must not fail either

    assert not (data_dir / SNAPSHOT_NAME).exists()
    with Store.open(data_dir) as reopened:
        assert set(reopened.table("things")) == {"a", "b", "c", "d"}
        reopened.checkpoint()
    assert (data_dir / JOURNAL_NAME).stat().st_size == 0


def test_a_snapshot_that_fails_half_way_leaves_the_old_one_and_no_temp_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a"))
        store.checkpoint()
        store.commit(put_event("b"))
        before = file_bytes(data_dir)
        real_write = os.write
        snapshot_fds: list[int] = []
        real_open = os.open

        def tracking_open(path: object, flags: int, mode: int = 0o777) -> int:
            fd = real_open(path, flags, mode)  # type: ignore[arg-type]
            if ".tmp-" in str(path):
                snapshot_fds.append(fd)
            return fd

        def write(fd: int, data: bytes) -> int:
            if fd in snapshot_fds:
                real_write(fd, bytes(data[:10]))
                raise ENOSPC
            return real_write(fd, data)

        with monkeypatch.context() as patched:
            patched.setattr(os, "open", tracking_open)
            patched.setattr(os, "write", write)
            with pytest.raises(OSError):
                store.checkpoint()
        assert snapshot_fds
        after = file_bytes(data_dir)
        assert after[SNAPSHOT_NAME] == before[SNAPSHOT_NAME]
        assert after[JOURNAL_NAME] == before[JOURNAL_NAME]
        assert not list(data_dir.glob("*.tmp-*"))
        store.checkpoint()  # and works once there is space
    with Store.open(data_dir) as reopened:
        assert set(reopened.table("things")) == {"a", "b"}


def test_a_failed_roll_back_stops_further_writes_instead_of_corrupting(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If even the roll-back fails, the journal ends in a partial line. Appending after it
    # would put valid events behind garbage, which makes the store refuse to open.
    store = make_store(data_dir)
    fd = journal_fd(store)
    real_ftruncate = os.ftruncate

    def no_truncate(target: int, length: int) -> None:
        if target == fd:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_ftruncate(target, length)

    with monkeypatch.context() as patched:
        patched.setattr(journal_module.os, "write", failing_write(fd, after_bytes=30))
        patched.setattr(journal_module.os, "ftruncate", no_truncate)
        with pytest.raises(WriteFailed):
            store.commit(put_event("lost"))
    with pytest.raises(WriteFailed, match="reopen"):
        store.commit(put_event("refused"))
    assert store.get("things", "refused") is None
    store.close()

    with Store.open(data_dir) as reopened:  # the partial line is set aside as a torn tail
        assert set(reopened.table("things")) == {"a", "b"}
        assert len(reopened.warnings) == 1
        reopened.commit(put_event("works"))
