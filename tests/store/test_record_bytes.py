"""The store's records as stored JSON (store/record_bytes.py, `Store.record_spans`): cut out
of the snapshot without parsing, the same records, values and order as parsing gives, with
the journal's later changes, and never a record cut at a look-alike boundary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from storehelp import patch_event, put_event

from mspdesk.store import CorruptStore, Store, record_bytes
from mspdesk.store.record_bytes import split_table
from mspdesk.store.snapshot import SNAPSHOT_NAME


def as_parsed(store: Store, name: str) -> list[tuple[str, Any]]:
    return [
        (key, orjson.loads(data[start:end])) for key, data, start, end in store.record_spans(name)
    ]


def parsed(data_dir: Path, name: str) -> list[tuple[str, Any]]:
    with Store.open(data_dir, read_only=True) as store:
        return list(store.table(name).items())


def checkpointed(data_dir: Path, records: dict[str, dict[str, Any]]) -> None:
    ops = [
        {"table": "things", "key": key, "kind": "put", "data": record}
        for key, record in records.items()
    ]
    with Store.open(data_dir) as store:
        store.commit({"kind": "test.put", "subject": "many", "ops": ops})
        store.commit(put_event("o1", table="others", name="Ada"))
        store.checkpoint()


def test_spans_are_the_records_parsing_gives_in_their_order(data_dir: Path) -> None:
    # 2,500 records: more than one snapshot piece (2,000 each), read back to back.
    checkpointed(
        data_dir, {f"t{n}": {"id": f"t{n}", "n": n, "sub": {"a": [n]}} for n in range(2500)}
    )
    with Store.open(data_dir, read_only=True) as store:
        spans = as_parsed(store, "things")
        assert "things" not in store._tables.loaded  # nothing was parsed to find them
    assert spans == parsed(data_dir, "things")
    assert len(spans) == 2500


def test_the_journals_later_changes_are_applied_as_parsing_applies_them(data_dir: Path) -> None:
    checkpointed(data_dir, {f"t{n}": {"id": f"t{n}", "n": n} for n in range(5)})
    with Store.open(data_dir) as store:
        store.commit(put_event("t9", n=9))  # new: last
        store.commit(patch_event("t1", n=-1, extra="x"))  # changed in place
        store.commit(put_event("t3", n=33))  # replaced, keeps its place
        store.commit(
            {
                "kind": "d",
                "subject": "t2",
                "ops": [{"table": "things", "key": "t2", "kind": "delete"}],
            }
        )
    with Store.open(data_dir, read_only=True) as store:
        spans = as_parsed(store, "things")
    assert [key for key, _ in spans] == ["t0", "t1", "t3", "t4", "t9"]
    assert spans == parsed(data_dir, "things")
    assert dict(spans)["t1"] == {"id": "t1", "n": -1, "extra": "x"}


def test_a_parsed_table_gives_the_same_spans(data_dir: Path) -> None:
    checkpointed(data_dir, {f"t{n}": {"id": f"t{n}", "n": n} for n in range(5)})
    with Store.open(data_dir, read_only=True) as store:
        store.table("things")
        assert as_parsed(store, "things") == parsed(data_dir, "things")


LOOK_ALIKES: dict[str, dict[str, Any]] = {
    "a": {"id": "a", "text": 'ends "b":{ and } and ,"b":{ in a string', "x": 1},
    # Nests an object under the NEXT record's key: a cut there would be wrong.
    "b": {"id": "b", "inner": 0, "c": {"deep": "{"}, "after": 2},
    "c": {"id": "c", "name": "Zoë \u202e", "n": 1.5},
    'q"d\\': {"id": 'q"d\\', "nested": {'q"d\\': {}}},  # a key JSON writes escaped
    "e": {"id": "e"},
}


@pytest.mark.parametrize("drop", [None, "b", 'q"d\\'])
def test_records_that_look_like_boundaries_come_out_whole(
    data_dir: Path, drop: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses: list[bytes] = []
    real = record_bytes._parsed
    monkeypatch.setattr(record_bytes, "_parsed", lambda body: parses.append(body) or real(body))
    checkpointed(data_dir, {k: v for k, v in LOOK_ALIKES.items() if k != drop})
    with Store.open(data_dir, read_only=True) as store:
        spans = as_parsed(store, "things")
    assert spans == parsed(data_dir, "things")
    assert spans == [(k, v) for k, v in LOOK_ALIKES.items() if k != drop]
    assert len(parses) == (drop != "b")  # only "b" holds a look-alike of the next boundary


def test_a_cut_in_doubt_parses_the_table_instead() -> None:
    # "a" nests an object under "b", the next key: the first `,"b":{` is inside "a".
    body = b'"a":{"x":{"y":1},"b":{"z":2}},"b":{"w":3}'
    spans = split_table(body, 0, len(body), ["a", "b"])
    assert [(k, orjson.loads(d[s:e])) for k, d, s, e in spans] == [
        ("a", {"x": {"y": 1}, "b": {"z": 2}}),
        ("b", {"w": 3}),
    ]


def test_keys_that_do_not_match_the_records_are_damage() -> None:
    body = b'"a":{"x":1},"b":{"x":2}'
    with pytest.raises(CorruptStore):
        split_table(body, 0, len(body), ["a", "b", "c"])


def test_a_damaged_piece_is_refused(data_dir: Path) -> None:
    checkpointed(data_dir, {f"t{n}": {"id": f"t{n}", "n": n} for n in range(5)})
    path = data_dir / SNAPSHOT_NAME
    data = path.read_bytes()
    at = data.index(b'"n":3')
    path.write_bytes(data[:at] + b'"n":4' + data[at + 5 :])
    with Store.open(data_dir, read_only=True) as store, pytest.raises(CorruptStore):
        store.record_spans("things")
