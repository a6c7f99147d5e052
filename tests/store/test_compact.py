"""Records kept compact in memory (store/compact.py): the same dicts to every reader, in less
memory, and the same bytes in every snapshot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
from storehelp import patch_event, put_event

from mspdesk.store import Store
from mspdesk.store.compact import SAMPLE, Shape
from mspdesk.store.layout import encode_table


def referral(n: int) -> dict[str, Any]:
    return {
        "id": f"R-{n:05d}",
        "status": ("new", "triaged", "closed")[n % 3],
        "parent_body": f"Borough {n % 4}",
        "organisation": f"Mutual number {n}",
        "staff": n,
        "flag": n % 2 == 0,
        "revisit_on": None,
        "contact": {"name": f"Contact {n}", "role": "Service manager", "basis": "public-task"},
        "tags": ["a", "b"],
    }


def records(count: int) -> dict[str, dict[str, Any]]:
    return {f"R-{n:05d}": referral(n) for n in range(count)}


def test_compact_records_are_the_same_dicts_in_less_memory() -> None:
    plain = records(SAMPLE * 2)
    made = dict(plain)
    Shape("referrals").compact_all(made)
    for key, record in made.items():
        assert type(record) is dict and type(record["contact"]) is dict
        assert record == plain[key]
        assert list(record) == list(plain[key])  # same key order: same bytes on disk
        assert orjson.dumps(record) == orjson.dumps(plain[key])
    first, second = made["R-00000"], made["R-00003"]
    assert first["status"] is second["status"]  # one copy of a repeated value
    assert first["contact"]["role"] is second["contact"]["role"]
    # The keys are held once per table (9 keys here: 144 bytes a record instead of 272).
    assert sys.getsizeof(first) < sys.getsizeof(plain["R-00000"]) * 0.6


def test_only_fields_that_repeat_and_are_always_strings_are_interned() -> None:
    shape = Shape("referrals")
    made = records(SAMPLE)
    shape.compact_all(made)
    assert shape._fields == ("status", "parent_body")  # not ids, names, numbers, None


def test_a_record_unlike_the_others_keeps_its_values() -> None:
    shape = Shape("referrals")
    shape.compact_all(records(SAMPLE))
    odd = {"id": "R-x", "status": 1, "parent_body": True, "extra": 1.0}
    assert shape.compact(odd) == odd
    kept = shape.compact(odd)
    assert type(kept["status"]) is int and type(kept["parent_body"]) is bool
    missing = {"id": "R-y", "status": "new"}
    assert shape.compact(missing) == missing and list(shape.compact(missing)) == ["id", "status"]
    reordered = dict(reversed(list(referral(1).items())))
    assert list(shape.compact(reordered)) == list(reordered)


def test_records_given_one_at_a_time_are_sampled_then_interned() -> None:
    shape = Shape("things")
    made = [shape.compact(referral(n)) for n in range(SAMPLE + 10)]
    assert shape._fields == ("status", "parent_body")
    assert made[-1]["status"] is made[-4]["status"]
    assert made == [referral(n) for n in range(SAMPLE + 10)]


def test_a_loaded_table_is_compact_and_checkpoints_write_the_same_bytes(data_dir: Path) -> None:
    plain = records(SAMPLE + 100)
    with Store.open(data_dir) as store:
        ops = [put_event(k, table="referrals", **r)["ops"][0] for k, r in plain.items()]
        store.commit({"kind": "test.import", "subject": "all", "ops": ops})
        assert store.get("referrals", "R-00001") == plain["R-00001"]
        store.checkpoint()
    with Store.open(data_dir) as store:
        loaded = store.table("referrals")
        assert loaded == plain
        one, other = loaded["R-00001"], loaded["R-00004"]
        assert (
            one["status"] is other["status"] and one["contact"]["role"] is other["contact"]["role"]
        )
        assert encode_table(loaded).pieces == encode_table(plain).pieces
        store.commit(patch_event("R-00001", table="referrals", status="closed", staff=7))
        patched = store.get("referrals", "R-00001")
        assert patched == {**plain["R-00001"], "status": "closed", "staff": 7}
        assert (
            patched is not None and patched["status"] is store.get("referrals", "R-00002")["status"]
        )
        store.checkpoint()
    with Store.open(data_dir, read_only=True) as store:
        assert store.get("referrals", "R-00001") == patched
        assert orjson.dumps(store.table("referrals")) == orjson.dumps({**plain, "R-00001": patched})
