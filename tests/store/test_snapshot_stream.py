"""A snapshot is written a piece at a time, never held encoded whole (store/layout.py): a big
table is encoded once to measure it for the index and again as it is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from storehelp import patch_event, put_event

from mspdesk.store import CorruptStore, Store, layout
from mspdesk.store.snapshot import SNAPSHOT_NAME, Snapshot, encode


def filled(data_dir: Path, count: int = 40) -> None:
    with Store.open(data_dir) as store:
        ops = [put_event(f"t{n:03d}", n=n, text="é" * (n % 3))["ops"][0] for n in range(count)]
        store.commit({"kind": "test.import", "subject": "all", "ops": ops})
        store.commit(put_event("o1", table="others", name="Ada"))
        store.checkpoint()


def test_a_big_table_is_encoded_again_as_written_and_gives_the_same_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(data_dir)
    with Store.open(data_dir) as store:
        tables = {name: dict(store.table(name)) for name in store.table_names()}
        kept = encode(Snapshot(store.seq, tables=tables))
        monkeypatch.setattr(layout, "KEEP_ENCODED", 0)
        monkeypatch.setattr(layout, "CHUNK_RECORDS", 7)
        made: list[int] = []
        real_pieces = layout._pieces
        monkeypatch.setattr(layout, "_pieces", lambda t, c: made.append(c) or real_pieces(t, c))
        encoded = layout.encode_table(tables["things"], chunk=7)
        assert made == [7]  # measured once...
        assert len(encoded.pieces) == 6 and made == [7, 7]  # ...and made again, not kept
        assert b"{" + b"".join(encoded.pieces) + b"}" == orjson.dumps(tables["things"])
        assert encode(Snapshot(store.seq, tables=tables)) == kept
        store.commit(put_event("t999", n=999))
        store.checkpoint()
    raw = (data_dir / SNAPSHOT_NAME).read_bytes()
    assert orjson.loads(raw)["tables"]["things"]["t999"] == {"id": "t999", "n": 999}
    with Store.open(data_dir, read_only=True) as reader:
        assert len(reader.table("things")) == 41  # every piece matched its checksum
        assert reader.get("others", "o1") == {"id": "o1", "name": "Ada"}


def test_unparsed_tables_are_copied_piece_by_piece(data_dir: Path) -> None:
    filled(data_dir)
    with Store.open(data_dir) as store:
        store.commit(put_event("o2", table="others", name="Grace"))
        store.checkpoint()
        assert "things" not in store._tables.loaded  # copied from the file, never parsed
    with Store.open(data_dir, read_only=True) as reader:
        assert len(reader.table("things")) == 40
        assert reader.get("others", "o2") == {"id": "o2", "name": "Grace"}


def test_a_record_changed_in_place_while_written_writes_no_snapshot(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(data_dir)
    monkeypatch.setattr(layout, "KEEP_ENCODED", 0)
    before = (data_dir / SNAPSHOT_NAME).read_bytes()
    real_checked = layout._checked

    def changed_meanwhile(table: layout.Encoded) -> Iterator[bytes]:
        record = store.table("things")["t001"]
        record["n"] = 12345  # a bug the store never commits: records are replaced
        return real_checked(table)

    monkeypatch.setattr(layout, "_checked", changed_meanwhile)
    store = Store.open(data_dir)
    store.table("things")  # parsed: encoded from memory, not copied from the file
    store.commit(put_event("t998", n=998))
    with pytest.raises(CorruptStore, match="changed while"):
        store.checkpoint()
    store.close(checkpoint=False)
    assert (data_dir / SNAPSHOT_NAME).read_bytes() == before
    with Store.open(data_dir, read_only=True) as reader:
        assert reader.get("things", "t998") == {"id": "t998", "n": 998}  # still in the journal


def test_records_added_to_an_unparsed_table_are_written_after_its_copy(data_dir: Path) -> None:
    filled(data_dir)
    with Store.open(data_dir) as store:
        store.commit(put_event("t500", n=500))
        store.commit(put_event("t501", n=501))
        store.commit(put_event("t500", n=5000))  # put again: the last one, in first place
        store.checkpoint()
        assert "things" not in store._tables.loaded  # not parsed to be written
        assert "events" not in store._tables.loaded  # nor the history
        assert store.get("things", "t500") == {"id": "t500", "n": 5000}
    with Store.open(data_dir, read_only=True) as reader:
        things = reader.table("things")
        assert list(things)[-2:] == ["t500", "t501"] and len(things) == 42
        assert things["t500"] == {"id": "t500", "n": 5000}
        assert list(reader.keys("events"))[-3:] == [str(reader.seq - n) for n in (2, 1, 0)]
        assert reader.table("events")[str(reader.seq)]["ops"][0]["key"] == "t500"


def test_a_change_to_a_record_an_unparsed_table_holds_parses_it_first(data_dir: Path) -> None:
    filled(data_dir)
    with Store.open(data_dir) as store:
        store.commit(patch_event("t001", n=-1))
        store.checkpoint()
        assert "things" in store._tables.loaded
    with Store.open(data_dir, read_only=True) as reader:
        assert reader.get("things", "t001") == {"id": "t001", "n": -1, "text": "é"}
        assert len(reader.table("things")) == 40
