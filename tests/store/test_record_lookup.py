"""`Store.record`: one record of a table not parsed yet, reading only the snapshot piece that
holds it (the notes index checks one event of a desk whose history is hundreds of MB)."""

from __future__ import annotations

from pathlib import Path

from storehelp import patch_event, put_event

from mspdesk.store import Store
from mspdesk.store.layout import CHUNK_RECORDS

MANY = CHUNK_RECORDS + 500  # two pieces


def test_one_record_without_parsing_its_table(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        ops = [put_event(f"k{n}", n=n)["ops"][0] for n in range(MANY)]
        store.commit({"kind": "test.many", "subject": "k", "ops": ops})
        store.commit(patch_event("k5", n=-5))
        store.checkpoint()
        # Changes after the snapshot wait for the table to be parsed.
        store.commit(patch_event(f"k{CHUNK_RECORDS + 1}", n=-1))
        store.commit(put_event("k7", n=-7))
        store.commit({"kind": "x", "subject": "k", "ops": [delete("k9")]})
        store.commit(put_event("new", n=0))
    asked = ["k0", "k5", "k7", "k9", f"k{CHUNK_RECORDS - 1}", f"k{CHUNK_RECORDS + 1}"]
    asked += [f"k{MANY - 1}", "new", "missing"]
    with Store.open(data_dir, read_only=True) as store:
        found = {key: store.record("things", key) for key in asked}
        assert store._tables.is_unread("things")  # only pieces were read
        assert store.record("events", "2") == store.table("events")["2"]
        assert found == {key: store.table("things").get(key) for key in asked}
    assert found["k5"] == {"id": "k5", "n": -5} and found["k9"] is None
    assert found[f"k{CHUNK_RECORDS + 1}"] == {"id": f"k{CHUNK_RECORDS + 1}", "n": -1}


def delete(key: str) -> dict[str, str]:
    return {"table": "things", "key": key, "kind": "delete"}
