"""One writer per data directory: a second writer is refused by name; readers are welcome."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from storehelp import file_bytes, put_event

from mspdesk.store import ReadOnlyStore, Store, StoreLocked, generations, tinystore

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from mspdesk.store import Store

    store = Store.open(Path(sys.argv[1]))
    store.commit({"kind": "t", "subject": "child", "ops": [
        {"table": "things", "key": "child", "kind": "put", "data": {"id": "child"}}]})
    print("ready", flush=True)
    sys.stdin.readline()  # hold the lock until the parent says so
    store.close()
    print("closed", flush=True)
    """
)

TRY_OPEN = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from mspdesk.store import Store, StoreLocked

    try:
        Store.open(Path(sys.argv[1]))
    except StoreLocked as error:
        print(error)
        sys.exit(error.exit_code)
    print("opened")
    """
)


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that has the store open for writing."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def release(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("\n")
    process.stdin.flush()
    assert process.stdout.readline().strip() == "closed"
    assert process.wait() == 0


def test_second_open_in_the_same_process_is_refused_naming_the_pid(store: Store) -> None:
    with pytest.raises(StoreLocked) as raised:
        Store.open(store.directory)
    message = str(raised.value)
    assert f"pid {os.getpid()}" in message
    assert str(store.directory) in message and "read-only" in message
    assert raised.value.exit_code == 3


def test_lock_is_released_on_close(data_dir: Path) -> None:
    Store.open(data_dir).close()
    with Store.open(data_dir) as again:
        again.commit(put_event("a"))


def test_close_twice_is_harmless(data_dir: Path) -> None:
    store = Store.open(data_dir)
    store.close()
    store.close()
    Store.open(data_dir).close()


def test_another_process_holding_the_lock_is_named(
    data_dir: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(StoreLocked) as raised:
        Store.open(data_dir)
    assert f"pid {holder.pid}" in str(raised.value)

    release(holder)
    with Store.open(data_dir) as store:
        assert store.get("things", "child") == {"id": "child"}


def test_lock_of_a_killed_process_is_free_again(
    data_dir: Path, holder: subprocess.Popen[str]
) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with Store.open(data_dir) as store:
        assert store.get("things", "child") == {"id": "child"}


def test_a_second_process_is_refused_while_we_hold_the_lock(store: Store) -> None:
    store.commit(put_event("ours"))
    before = file_bytes(store.directory, with_lock=True)

    result = subprocess.run(
        [sys.executable, "-c", TRY_OPEN, str(store.directory)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 3, result.stderr
    assert f"pid {os.getpid()}" in result.stdout
    assert file_bytes(store.directory, with_lock=True) == before
    store.commit(put_event("still ours"))


def test_read_only_opens_beside_a_writer_and_refuses_changes(
    data_dir: Path, holder: subprocess.Popen[str]
) -> None:
    before = file_bytes(data_dir, with_lock=True)

    reader = Store.open(data_dir, read_only=True)

    assert reader.read_only
    assert reader.get("things", "child") == {"id": "child"}
    with pytest.raises(ReadOnlyStore) as raised:
        reader.commit(put_event("sneaky"))
    assert "read-only" in str(raised.value)
    assert reader.get("things", "sneaky") is None
    reader.checkpoint()  # a no-op for readers
    reader.close()
    assert file_bytes(data_dir, with_lock=True) == before
    release(holder)


def test_read_only_beside_a_writer_in_the_same_process(store: Store) -> None:
    store.commit(put_event("a"))
    with Store.open(store.directory, read_only=True) as reader:
        assert reader.get("things", "a") == {"id": "a"}
        with pytest.raises(ReadOnlyStore):
            reader.commit(put_event("b"))
    # The reader's close did not release the writer's lock.
    with pytest.raises(StoreLocked):
        Store.open(store.directory)
    store.commit(put_event("b"))


def test_read_only_open_of_a_missing_directory_is_empty_and_creates_nothing(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "missing", read_only=True) as store:
        assert store.table("referrals") == {}
        with pytest.raises(ReadOnlyStore):
            store.commit(put_event("a"))
    assert not (tmp_path / "missing").exists()


def test_a_reader_racing_a_checkpoint_sees_a_consistent_state(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer checkpoints (new snapshot, empty journal) and saves again between the
    # reader's two file reads. Whichever file the reader reads first, it must end up with
    # a state the writer really had, not a gap.
    for i in range(3):
        store.commit(put_event(f"k{i}"))
    store.checkpoint()
    store.commit(put_event("k3"))
    raced = [False]

    def after_first_read(read: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            result = read(*args)
            if not raced[0]:
                raced[0] = True
                store.checkpoint()
                store.commit(put_event("k4"))
            return result

        return wrapper

    monkeypatch.setattr(generations, "read_snapshot", after_first_read(generations.read_snapshot))
    monkeypatch.setattr(tinystore, "read_journal", after_first_read(tinystore.read_journal))
    reader = Store.open(store.directory, read_only=True)

    assert raced[0]
    keys = set(reader.table("things"))
    assert keys in ({"k0", "k1", "k2", "k3"}, {"k0", "k1", "k2", "k3", "k4"})
    assert reader.seq == len(keys)
