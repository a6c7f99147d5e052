"""The journal: appended and fsync'd before a change counts; torn tails set aside, never fatal."""

from __future__ import annotations

import os
import random
from pathlib import Path

import orjson
import pytest
from storehelp import file_bytes, patch_event, put_event

from mspdesk.store import CorruptStore, Store
from mspdesk.store import journal as journal_module
from mspdesk.store.journal import JOURNAL_NAME, REJECTED_DIR, read_journal


def journal_path(directory: Path) -> Path:
    return directory / JOURNAL_NAME


def fill(directory: Path, count: int) -> list[dict[str, object]]:
    """A store in `directory` with `count` committed events; returns them as stamped."""
    with Store.open(directory) as store:
        return [store.commit(put_event(f"k{i}", n=i)) for i in range(count)]


# ------------------------------------------------------------------ append and read


def test_each_commit_is_one_json_line_with_increasing_seq(store: Store) -> None:
    first = store.commit(put_event("a", n=1))
    second = store.commit(patch_event("a", n=2))

    lines = journal_path(store.directory).read_bytes().splitlines()
    assert [orjson.loads(line) for line in lines] == [first, second]
    assert (first["seq"], second["seq"]) == (1, 2)
    assert store.get("things", "a") == {"id": "a", "n": 2}
    assert store.journal_size == journal_path(store.directory).stat().st_size


def test_read_journal_returns_every_complete_event(data_dir: Path) -> None:
    committed = fill(data_dir, 5)

    found = read_journal(journal_path(data_dir))

    assert found.events == committed
    assert found.torn_tail == b""
    assert found.good_size == journal_path(data_dir).stat().st_size


def test_read_journal_of_missing_file_is_empty(tmp_path: Path) -> None:
    found = read_journal(tmp_path / "nope.jsonl")
    assert (found.events, found.good_size, found.torn_tail) == ([], 0, b"")


def test_append_fsyncs_the_journal_before_commit_returns(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_write, real_fsync = os.write, os.fsync
    journal_fd = store._journal._fd  # type: ignore[union-attr]

    def spy_write(fd: int, data: bytes) -> int:
        if fd == journal_fd:
            calls.append("write")
        return real_write(fd, data)

    def spy_fsync(fd: int) -> None:
        if fd == journal_fd:
            calls.append("fsync")
        real_fsync(fd)

    monkeypatch.setattr(journal_module.os, "write", spy_write)
    monkeypatch.setattr(journal_module.os, "fsync", spy_fsync)
    store.commit(put_event("a"))

    assert calls and calls[-1] == "fsync" and "write" in calls


def test_reopen_replays_the_journal(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a", n=1))
        store.commit(put_event("b", n=1))
        store.commit(patch_event("a", n=5))
        store.commit(
            {
                "kind": "t",
                "subject": "b",
                "ops": [{"table": "things", "key": "b", "kind": "delete", "data": {}}],
            }
        )

    with Store.open(data_dir) as store:
        assert store.table("things") == {"a": {"id": "a", "n": 5}}
        assert store.seq == 4
        assert [e["seq"] for e in store.events_for("a")] == [1, 3]
        assert store.warnings == []
        assert store.commit(put_event("c"))["seq"] == 5


# ------------------------------------------------------------------ torn last line


def _partial_line(rng: random.Random) -> bytes:
    line = orjson.dumps(put_event("torn", text="x" * 300) | {"seq": 99, "v": 1})
    return line[: rng.randrange(1, len(line))]


def _whole_line_without_newline(rng: random.Random) -> bytes:
    return orjson.dumps(put_event("torn") | {"seq": 99, "v": 1})


def _zeros(rng: random.Random) -> bytes:
    return b"\x00" * rng.randrange(1, 4096)


def _random_bytes(rng: random.Random) -> bytes:
    # A torn write never holds a newline: a complete line of garbage is damage instead.
    return rng.randbytes(rng.randrange(1, 2048)).replace(b"\n", b"\x01") + b"\xff"


def _partial_line_then_zeros(rng: random.Random) -> bytes:
    return _partial_line(rng) + b"\x00" * rng.randrange(1, 512)


TAILS = {
    "partial line": _partial_line,
    "complete JSON but no newline": _whole_line_without_newline,
    "zeros": _zeros,
    "random bytes": _random_bytes,
    "partial line then zeros": _partial_line_then_zeros,
}


@pytest.mark.parametrize("make_tail", TAILS.values(), ids=TAILS.keys())
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_torn_tail_is_set_aside_intact_and_reported(
    data_dir: Path, make_tail: object, seed: int
) -> None:
    committed = fill(data_dir, 4)
    good = journal_path(data_dir).read_bytes()
    tail = make_tail(random.Random(seed))  # type: ignore[operator]
    with journal_path(data_dir).open("ab") as journal:
        journal.write(tail)

    with Store.open(data_dir) as store:
        assert store.seq == 4, f"seed {seed}"
        assert [e["seq"] for e in store.recent_events()] == [4, 3, 2, 1]
        assert len(store.warnings) == 1, store.warnings
        warning = store.warnings[0]
        rejected = list((data_dir / REJECTED_DIR).iterdir())
        assert len(rejected) == 1
        assert rejected[0].read_bytes() == tail, f"seed {seed}: set-aside bytes differ"
        assert str(rejected[0]) in warning and f"{len(tail)} bytes" in warning
        # The journal is cut back to the last complete line, and appends continue from there.
        assert journal_path(data_dir).read_bytes() == good
        store.commit(put_event("after"))

    found = read_journal(journal_path(data_dir))
    assert found.torn_tail == b""
    assert found.events[:4] == committed
    assert found.events[4]["seq"] == 5
    with Store.open(data_dir) as store:
        assert store.warnings == []
        assert store.get("things", "after") is not None


def test_torn_tail_on_an_empty_journal(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    journal_path(data_dir).write_bytes(b'{"seq": 1, "ops": [')

    with Store.open(data_dir) as store:
        assert store.seq == 0
        assert len(store.warnings) == 1
        assert store.commit(put_event("a"))["seq"] == 1
    assert [e["seq"] for e in read_journal(journal_path(data_dir)).events] == [1]


def test_two_torn_tails_in_the_same_second_are_both_kept(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set-aside files are named by time and pid: a second one in the same second must not
    # collide with the first (that would make the store fail to open).
    monkeypatch.setattr(journal_module.time, "strftime", lambda fmt, *rest: "20130314-103000")
    fill(data_dir, 1)
    tails = [b'{"seq": 2, "half', b"\x00\x00\x00"]
    for tail in tails:
        with journal_path(data_dir).open("ab") as journal:
            journal.write(tail)
        Store.open(data_dir).close()

    kept = sorted(path.read_bytes() for path in (data_dir / REJECTED_DIR).iterdir())
    assert kept == sorted(tails)


def test_read_only_open_reports_a_torn_tail_but_changes_nothing(data_dir: Path) -> None:
    fill(data_dir, 3)
    with journal_path(data_dir).open("ab") as journal:
        journal.write(b'{"seq": 4, "kin')
    before = file_bytes(data_dir)

    store = Store.open(data_dir, read_only=True)

    assert store.seq == 3
    assert store.warnings
    assert file_bytes(data_dir) == before
    assert not (data_dir / REJECTED_DIR).exists()


# ------------------------------------------------------------------ garbage in the middle


GARBAGE = {
    "text": b"this is not json\n",
    "zeros": b"\x00" * 64 + b"\n",
    "json without seq": b'{"kind": "x"}\n',
    "half a line": b'{"seq": 3, "kind": "te\n',
}


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
@pytest.mark.parametrize("read_only", [False, True])
def test_garbage_followed_by_valid_events_refuses_and_leaves_files_alone(
    data_dir: Path, garbage: bytes, read_only: bool
) -> None:
    fill(data_dir, 4)
    lines = journal_path(data_dir).read_bytes().splitlines(keepends=True)
    journal_path(data_dir).write_bytes(b"".join(lines[:2]) + garbage + b"".join(lines[2:]))
    before = file_bytes(data_dir)

    with pytest.raises(CorruptStore) as raised:
        Store.open(data_dir, read_only=read_only)

    message = str(raised.value)
    assert "line 3" in message and JOURNAL_NAME in message
    assert "\n" not in message
    assert file_bytes(data_dir) == before
    assert not (data_dir / REJECTED_DIR).exists()
    # The refusal released the writer lock: once repaired, the store opens again.
    journal_path(data_dir).write_bytes(b"".join(lines))
    with Store.open(data_dir) as store:
        assert store.seq == 4


def test_events_already_in_the_snapshot_are_not_applied_twice(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.commit(put_event("a", n=1))
        store.checkpoint()
        store.commit(patch_event("a", n=2))
    with Store.open(data_dir) as store:
        assert store.get("things", "a") == {"id": "a", "n": 2}
        assert store.seq == 2
        assert len(store.events_for("a")) == 2


# ------------------------------------------------------------------ a huge event in pieces


def many_puts(count: int) -> dict[str, object]:
    ops = [
        {"table": "things", "key": f"k{n}", "kind": "put", "data": {"id": f"k{n}", "t": "é]\n"}}
        for n in range(count)
    ]
    return {"kind": "test.import", "subject": f"{count} things", "ops": ops, "after": [1]}


def test_a_huge_event_is_written_in_pieces_exactly_as_one_line(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "PIECE_OPS", 3)
    for count in (0, 1, 3, 4, 7, 9):
        event = many_puts(count)
        pieces = list(journal_module.encoded_pieces(event))
        assert b"".join(pieces) == orjson.dumps(event) + b"\n"
        assert len(pieces) == (1 if count <= 3 else 2 + -(-count // 3))

    stamped = store.commit(many_puts(10))

    [line] = journal_path(store.directory).read_bytes().splitlines()
    assert orjson.loads(line) == stamped
    assert len(store.table("things")) == 10


def test_an_event_that_cannot_be_encoded_part_way_leaves_the_journal_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "PIECE_OPS", 2)
    monkeypatch.setattr(journal_module, "PIECE_BYTES", 1)  # every piece its own write
    store.commit(put_event("a", n=1))
    before = journal_path(store.directory).read_bytes()
    event = many_puts(7)
    event["ops"][5]["data"]["bad"] = {1, 2}  # type: ignore[index]  # a set is not JSON

    with pytest.raises(TypeError):
        store.commit(event)

    assert journal_path(store.directory).read_bytes() == before
    assert store.journal_size == len(before) and "k0" not in store.table("things")
    assert store.commit(put_event("b", n=2))["seq"] == 2
