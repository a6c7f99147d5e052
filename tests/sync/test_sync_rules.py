"""The pure parts of sync: clock stamps and the field-by-field merge with clashes."""

from __future__ import annotations

from typing import Any

from mspdesk.domain import hlc
from mspdesk.sync.merge import CLASHES, Incoming, Merger, Stamp


def test_a_stamp_is_later_than_everything_made_or_seen_even_with_a_slow_clock() -> None:
    first = hlc.tick("", 1_000)
    assert hlc.tick(first, 1_000) > first  # same millisecond: the counter moves on
    remote = hlc.make(9_000, 3)
    after = hlc.tick(hlc.seen(first, remote), 2_000)  # our clock is behind theirs
    assert after > remote > first
    assert hlc.parse(after) == (9_000, 4)
    assert hlc.tick(after, 10_000) == hlc.make(10_000, 0)


def history_event(eid: str, origin: str, stamp: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": eid, "origin": origin, "hlc": stamp, "kind": "case.status", "ops": ops}


def merger_with(events: list[dict[str, Any]], record: dict[str, Any]) -> Merger:
    positions = {"e1": 1, "l1": 1}

    def stamp_of(event: dict[str, Any]) -> Stamp:
        return Stamp(event["hlc"], event["origin"], event["id"], positions.get(event["id"], 0))

    return Merger(lambda key: events, lambda table, key: record, stamp_of)


def patch(field: str, value: Any) -> dict[str, Any]:
    return {"table": "cases", "key": "C-1", "kind": "patch", "data": {field: value}}


def test_a_change_the_author_had_seen_is_a_plain_later_edit() -> None:
    local = history_event("l1", "B", hlc.make(100, 0), [patch("status", "paused")])
    merger = merger_with([local], {"status": "paused"})
    came = Incoming(
        history_event("e2", "A", hlc.make(200, 0), [patch("status", "closed")]), 2, {"B": 1}
    )
    ops = merger.apply(came)
    assert [op["data"] for op in ops] == [{"status": "closed"}]


def test_concurrent_changes_to_one_field_clash_and_the_later_stamp_stands() -> None:
    local = history_event("l1", "B", hlc.make(300, 0), [patch("status", "paused")])
    merger = merger_with([local], {"status": "paused"})
    came = Incoming(history_event("e1", "A", hlc.make(200, 0), [patch("status", "closed")]), 1, {})
    ops = merger.apply(came)
    assert [op["table"] for op in ops] == [CLASHES]  # the local, later value stays
    clash = ops[0]["data"]
    assert clash["provisional"] == "paused"
    assert [side["value"] for side in clash["sides"]] == ["closed", "paused"]


def test_concurrent_changes_to_different_fields_both_stand() -> None:
    local = history_event("l1", "B", hlc.make(300, 0), [patch("stage", "feasibility")])
    merger = merger_with([local], {"stage": "feasibility"})
    came = Incoming(history_event("e1", "A", hlc.make(200, 0), [patch("status", "closed")]), 1, {})
    assert [op["data"] for op in merger.apply(came)] == [{"status": "closed"}]


def test_an_older_change_never_overwrites_a_later_one_without_a_clash_for_equal_values() -> None:
    local = history_event("l1", "B", hlc.make(300, 0), [patch("status", "closed")])
    merger = merger_with([local], {"status": "closed"})
    came = Incoming(history_event("e1", "A", hlc.make(200, 0), [patch("status", "closed")]), 1, {})
    assert merger.apply(came) == []
