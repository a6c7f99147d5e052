"""The quarterly return on the demo data: every figure traced to the records that make it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from mspdesk.demo import seed_demo_activity
from mspdesk.desk import Desk
from mspdesk.domain.choices import IN_SCOPE_MODELS
from mspdesk.domain.referral import Referral
from mspdesk.domain.returns import Quarter, parse_quarter, returns_json, returns_rows
from mspdesk.domain.support import package_value
from mspdesk.locations import content_dir

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
Q1 = Quarter(2013, 1)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Desk]:
    """The bundled demo referrals as dated in the file (2012-13), seeded on 14 Mar 2013, with
    one case spun out in the quarter and one mutual that spun out five years before."""
    records = orjson.loads((content_dir() / "demo" / "referrals.json").read_bytes())
    with Desk.open(tmp_path / "data", clock=lambda: NOW, actor="demo") as desk:
        desk.referrals.add_validated(Referral.model_validate(r) for r in records)
        seed_demo_activity(desk)
        desk.support.spun_out(
            "C-0005", date(2013, 3, 14), contract_value=40_000_000, staff=900, lgps=True
        )
        yield desk


def test_quarter_parsing() -> None:
    assert parse_quarter("2013Q1") == parse_quarter("2013-q1") == Q1
    assert (Q1.start, Q1.end) == (date(2013, 1, 1), date(2013, 3, 31))
    assert Quarter(2012, 4).end == date(2012, 12, 31)
    with pytest.raises(ValueError, match="not a quarter"):
        parse_quarter("2013Q5")


def test_every_figure_is_traced_to_its_records(demo: Desk) -> None:
    result = demo.support.returns(Q1)
    store = demo.core.store
    referrals = store.table("referrals")
    in_q1 = {k for k, r in referrals.items() if "2013-01-01" <= r["received"] <= "2013-03-31"}
    assert in_q1 and len(in_q1) < len(referrals)  # the demo spans more than the quarter
    assert set(result.received.ids) == in_q1
    in_scope = {k for k in in_q1 if referrals[k]["proposed_model"] in IN_SCOPE_MODELS}
    assert set(result.received_in_scope.ids) == in_scope
    assert set(result.received_out_of_scope.ids) == in_q1 - in_scope
    assert result.received.value == len(in_scope) + result.received_out_of_scope.value

    # Triaged: every referral whose first decision was in the quarter (all five, today).
    decided = {key.split("/")[0] for key in store.table("decisions")}
    assert set(result.triaged.ids) == decided and len(decided) == 5

    cases = store.table("cases")
    assert set(result.approved.ids) == set(cases)  # all opened 14 Mar 2013
    assert result.spin_outs.ids == ["C-0005"]
    pipeline = {stage: set(count.ids) for stage, count in result.pipeline.items()}
    assert set().union(*pipeline.values()) == set(cases) - {"C-0005"}
    for stage, ids in pipeline.items():
        assert {cases[i]["stage"] for i in ids} == {stage}

    assert result.live_mutuals.ids == ["C-0005"]
    assert result.staff_transferred.value == 900 and result.staff_transferred.ids == ["C-0005"]
    assert result.contract_value_run.value == 40_000_000
    assert all(old.value == 0 for old, _ in result.survival.values())  # too young yet

    packages = store.table("packages")
    committed = sum(package_value(Decimal(str(p["days"])), p["rate"]) for p in packages.values())
    assert result.spend.committed_to_date.value == committed == 687_500
    assert sorted(result.spend.committed_to_date.ids) == sorted(packages)
    invoiced = [p for p in packages.values() if p["status"] == "invoiced"]
    assert result.spend.invoiced_in_quarter.value == sum(p["invoice_amount"] for p in invoiced)
    assert result.spend.invoiced_in_quarter.ids == [p["id"] for p in invoiced]
    providers = store.table("providers")
    for provider_id, spend in result.by_provider.items():
        own = [p for p in packages.values() if p["provider_id"] == provider_id]
        assert sorted(spend.committed_to_date.ids) == sorted(p["id"] for p in own)
    assert sum(s.committed_to_date.value for s in result.by_kind.values()) == committed
    sme = [p for p in packages.values() if providers[p["provider_id"]]["sme"]]
    assert sorted(result.sme_committed_to_date.ids) == sorted(p["id"] for p in sme)
    assert result.sme_share == "67.3"  # 4,625.00 of 6,875.00
    assert result.headroom == demo.support.programme_money().headroom == 1_000_000_000 - committed

    document = returns_json(result)
    assert document["referrals"]["received"]["records"] == sorted(in_q1)
    assert document["spend"]["committed_to_date"]["pounds"] == "6875.00"
    rows = returns_rows(result, {p["id"]: p["name"] for p in providers.values()})
    assert ["Spend", "Committed to date (£)", "6875.00"] in rows
    assert ["Referrals", "Received", str(len(in_q1))] in rows


def test_survival_and_the_quarter_before(demo: Desk) -> None:
    """A year on, the mutual is old enough to count at one year; a check-in that finds it no
    longer trading drops it from live mutuals and survival from that day."""
    result = demo.support.returns(Quarter(2014, 1))
    old, alive = result.survival[1]
    assert (old.ids, alive.ids) == (["C-0005"], ["C-0005"])
    assert result.received.value == 0 and result.spin_outs.value == 0
    assert result.spend.committed_in_quarter.value == 0
    assert result.spend.committed_to_date.value == 687_500
    demo.support.checkin("C-0005", 1, {"trading": False, "on": date(2014, 3, 20)})
    later = demo.support.returns(Quarter(2014, 1))
    assert later.live_mutuals.value == 0 and later.survival[1][1].value == 0
    assert later.contract_value_run.value == 0
    before = demo.support.returns(Quarter(2012, 4))
    assert before.spend.committed_to_date.value == 0 and before.live_mutuals.value == 0
    assert before.headroom == 1_000_000_000
