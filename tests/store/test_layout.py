"""Snapshot layout 2 (store/layout.py): tables parsed only when used, old snapshots still open,
damage found per piece, checkpoints written in the background without losing a change."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from storehelp import patch_event, put_event

from mspdesk.store import CorruptStore, Store, tinystore
from mspdesk.store.journal import JOURNAL_NAME, read_journal
from mspdesk.store.layout import LAYOUT_2_START, encode_table
from mspdesk.store.snapshot import FORMAT, SNAPSHOT_NAME


def filled(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        for n in range(30):
            store.commit(put_event(f"t{n}", n=n))
        store.commit(put_event("o1", table="others", name="Ada"))
        store.checkpoint()


def test_a_table_is_parsed_only_when_used(data_dir: Path) -> None:
    filled(data_dir)
    with Store.open(data_dir, read_only=True) as store:
        assert store._tables.loaded == {}
        assert store.get("others", "o1") == {"id": "o1", "name": "Ada"}
        assert set(store._tables.loaded) == {"others"}  # not things, not the history
        assert store.has("things", "t7") and not store.has("things", "t99")
        assert "things" not in store._tables.loaded
        assert len(store.table("things")) == 30


def test_keys_and_changes_waiting_for_an_unparsed_table(data_dir: Path) -> None:
    filled(data_dir)
    with Store.open(data_dir) as store:
        store.commit(put_event("t99", n=99))
        store.commit(patch_event("t1", n=-1))
        delete = {"table": "things", "key": "t2", "kind": "delete"}
        store.commit({"kind": "test.delete", "subject": "t2", "ops": [delete]})
    with Store.open(data_dir, read_only=True) as store:
        assert "things" not in store._tables.loaded
        assert store.has("things", "t99") and not store.has("things", "t2")
        assert store.get("things", "t1") == {"id": "t1", "n": -1}
        assert len(store.table("things")) == 30
        assert [e["seq"] for e in store.events_for("t1")] == [2, 33]


def test_a_snapshot_of_the_first_layout_opens_and_is_rewritten(data_dir: Path) -> None:
    filled(data_dir)
    with Store.open(data_dir, read_only=True) as store:
        tables = {name: dict(store.table(name)) for name in store.table_names()}
        seq = store.seq
    old = {"format": FORMAT, "schema_version": 1, "seq": seq, "tables": tables}
    (data_dir / SNAPSHOT_NAME).write_bytes(orjson.dumps(old))
    with Store.open(data_dir, read_only=True) as reader:  # read as it is, nothing written
        assert reader.table("things") == tables["things"]
    assert not (data_dir / SNAPSHOT_NAME).read_bytes().startswith(LAYOUT_2_START)
    Store.open(data_dir).close()
    raw = (data_dir / SNAPSHOT_NAME).read_bytes()
    assert raw.startswith(LAYOUT_2_START)
    assert orjson.loads(raw)["tables"] == tables  # still one JSON document of the same shape
    with Store.open(data_dir) as store:
        assert {name: store.table(name) for name in store.table_names()} == tables


def test_encoding_in_pieces_gives_the_same_json(data_dir: Path) -> None:
    table = {f"k{n}": {"n": n, "text": "é" * (n % 4)} for n in range(11)}
    encoded = encode_table(table, chunk=3)
    assert len(encoded.pieces) == 4
    assert b"{" + b"".join(encoded.pieces) + b"}" == orjson.dumps(table)
    assert orjson.loads(encoded.keys) == list(table)


def damage_things(data_dir: Path) -> None:
    path = data_dir / SNAPSHOT_NAME
    raw = bytearray(path.read_bytes())
    at = raw.index(b'"t5":{"id"')  # the record in the things table
    raw[at + 1] = ord("x")  # same length: only the checksum can tell
    path.write_bytes(bytes(raw))


def test_a_damaged_table_is_refused_when_read_and_a_writer_opens_the_backup(
    data_dir: Path,
) -> None:
    filled(data_dir)
    with Store.open(data_dir) as store:  # a second generation, so there is a backup
        store.commit(put_event("t30", n=30))
        store.checkpoint()
    damage_things(data_dir)
    with Store.open(data_dir, read_only=True) as reader:
        assert reader.get("others", "o1") is not None  # undamaged tables still read
        with pytest.raises(CorruptStore, match="checksum"):
            reader.table("things")
    with Store.open(data_dir) as writer:
        assert any("recovered" in w for w in writer.warnings)
        assert set(writer.table("things")) == {f"t{n}" for n in range(31)}


def test_changes_made_while_a_checkpoint_is_written_stay_in_the_journal(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(data_dir)
    writing, go_on = threading.Event(), threading.Event()
    real_write = tinystore.write_snapshot

    def slow_write(*args: Any) -> None:
        writing.set()
        assert go_on.wait(10)
        real_write(*args)

    monkeypatch.setattr(tinystore, "write_snapshot", slow_write)
    monkeypatch.setattr(tinystore, "CHECKPOINT_EVENTS", 1)
    store = Store.open(data_dir)
    store.commit(put_event("during-0"))  # starts a checkpoint in the background
    assert writing.wait(10)
    planned = store.seq
    store.commit(put_event("during-1"))
    store.commit(put_event("during-2"))
    go_on.set()
    store.finish_checkpoint()
    journal = [e["seq"] for e in read_journal(data_dir / JOURNAL_NAME).events]
    assert journal and journal[0] == planned + 1 and journal[-1] == store.seq
    store.close(checkpoint=False)
    with Store.open(data_dir) as reopened:
        assert {"during-0", "during-1", "during-2"} <= set(reopened.table("things"))
        assert reopened.seq == planned + 2


def test_checkpoint_and_close_hooks_run(data_dir: Path) -> None:
    seen: list[str] = []
    store = Store.open(data_dir)
    store.on_checkpoint.append(lambda s: seen.append(f"checkpoint {s.seq}"))
    store.on_close.append(lambda s: seen.append("close"))
    store.commit(put_event("a"))
    store.checkpoint()
    store.close()
    assert seen == ["checkpoint 1", "close"]


def test_the_doctor_checks_every_table_of_the_snapshot(data_dir: Path) -> None:
    from mspdesk.desk.checkup import check_data

    filled(data_dir)
    assert not check_data(data_dir).problems
    damage_things(data_dir)
    problems = check_data(data_dir).problems
    assert any("things does not match its checksum" in p for p in problems), problems
