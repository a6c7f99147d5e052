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
