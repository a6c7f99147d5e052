"""A clash keeps both desks' values; erasing the record scrubs them from the clash too."""

from __future__ import annotations

from pathlib import Path

from mspdesk.desk import Desk
from mspdesk.domain.events import Op


def test_erasing_a_record_scrubs_its_clashes(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "data", actor="tester") as desk:
        referral = desk.referrals.add(
            {"organisation": "Wyvern Mutual", "parent_body": "P", "contact": {"name": "Ada Quill"}}
        ).id
        sides = [
            {"event": "e1", "origin": "a" * 16, "actor": "bob", "at": "", "value": "Ada Quill"},
            {"event": "e2", "origin": "b" * 16, "actor": "ann", "at": "", "value": "Ada Q."},
        ]
        clash = {"id": "X-1", "table": "referrals", "record": referral, "field": "contact"}
        clash |= {"sides": sides, "provisional": "Ada Q.", "status": "open"}
        desk.core.record(
            "test", referral, [Op(table="clashes", key="X-1", kind="put", data=clash)], ""
        )
        desk.erase(referral)
        kept = desk.core.store.get("clashes", "X-1")
    assert kept is not None
    assert "Ada Quill" not in str(kept)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert b"Ada Quill" not in raw
