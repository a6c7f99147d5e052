"""`mspdesk --demo` seeds five cases with work under way and exactly one overdue milestone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson

from mspdesk.demo import seed_demo_activity
from mspdesk.desk import Desk
from mspdesk.domain.referral import Referral
from mspdesk.locations import content_dir

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def test_demo_cases(tmp_path: Path) -> None:
    records = orjson.loads((content_dir() / "demo" / "referrals.json").read_bytes())
    with Desk.open(tmp_path / "data", clock=lambda: NOW, actor="demo") as desk:
        desk.referrals.add_validated(Referral.model_validate(r) for r in records)
        seed_demo_activity(desk)
        rows = desk.cases.summaries()
        assert [row.case_id for row in rows] == ["C-0005", "C-0004", "C-0003", "C-0002", "C-0001"]
        assert {row.adviser for row in rows} == {"demo", "alex"}
        agenda = desk.cases.agenda()
        assert [item.key for item in agenda.overdue] == ["C-0001/M04"]
        assert agenda.this_week and agenda.later
        eastmere = desk.cases.get("C-0001")
        assert eastmere.conflicts and eastmere.budget.amount_allocated == 30_000
        assert any(m.status.value == "done" for m in eastmere.milestones)
        assert len(desk.notes.for_subject("C-0001")) == 2
        challenge = desk.cases.get("C-0003").challenge
        assert challenge is not None and challenge.eoi.state.value == "submitted"
        fenwold = desk.cases.get("C-0004")
        assert desk.cases.budget.warnings(fenwold)[0][0] == "overdue"  # overspent days


def test_demo_referrals_are_moved_into_the_last_month_and_renumbered() -> None:
    from datetime import date

    from mspdesk.demo import DEMO_SPAN_DAYS, recent

    records = orjson.loads((content_dir() / "demo" / "referrals.json").read_bytes())
    today = date(2026, 11, 25)
    moved, ids = recent(records, today)
    received = sorted(date.fromisoformat(r["received"]) for r in moved)
    assert received[0] == date(2026, 10, 26) and received[-1] == date(2026, 11, 24)
    assert (received[-1] - received[0]).days == DEMO_SPAN_DAYS - 1
    assert len(set(ids.values())) == len(records) == len(moved)
    assert all(new.startswith("R-2026-") for new in ids.values())
    # Nothing but dates and references changes.
    by_new = {r["id"]: r for r in moved}
    for old in records:
        new = by_new[ids[old["id"]]]
        assert {k: v for k, v in new.items() if k not in ("id", "received", "target_spin_out")} == {
            k: v for k, v in old.items() if k not in ("id", "received", "target_spin_out")
        }
