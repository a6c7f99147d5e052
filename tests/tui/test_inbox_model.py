"""The inbox model: patched in place after a change to a few referrals, it must equal the
inbox built afresh, in every sort order, reversed or not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from mspdesk.desk.triage import InboxItem
from mspdesk.tui.inbox_model import InboxModel
from mspdesk.tui.inbox_rows import (
    SORT_ORDERS,
    InboxEntry,
    SortOrder,
    inbox_entry,
    sort_entries,
)

TODAY = date(2014, 3, 3)


def item(n: int) -> InboxItem:
    received = date(2013, 1, 1) + timedelta(days=n * 7 % 300)
    due = received + timedelta(days=20)
    return InboxItem(
        referral_id=f"R-2013-{n:04d}",
        organisation=f"Mutual {n % 7}",
        parent_body=f"Council {n % 5}",
        route="right-to-provide",
        proposed_model="employee-owned",
        status="new",
        received=received,
        age_days=(TODAY - received).days,
        due=due,
        overdue=due < TODAY,
        in_scope=True,
        band=None,
        band_title="",
        score_percent=float(n % 11) if n % 3 else None,
        haystack=f"r-2013-{n:04d} mutual {n % 7}",
    )


def entries(numbers: range) -> list[InboxEntry]:
    return [inbox_entry(item(n)) for n in numbers]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("sort_order", SORT_ORDERS, ids=[o.name for o in SORT_ORDERS])
def test_a_patch_gives_what_a_fresh_build_gives(sort_order: SortOrder, reverse: bool) -> None:
    model = InboxModel()
    model.load(
        sort_entries(entries(range(1, 60)), sort_order, reverse=reverse), sort_order, reverse
    )
    # 5 leaves the inbox (triaged), 9 changes organisation, 70 arrives (an undo brings it).
    changed = inbox_entry(replace(item(9), organisation="Zed Mutual", haystack="zed"))
    model.patch({"R-2013-0005", "R-2013-0009", "R-2013-0070"}, [changed, *entries(range(70, 71))])
    expected_items = [
        e for e in entries(range(1, 60)) if e.item.referral_id not in {"R-2013-0005", "R-2013-0009"}
    ]
    expected = sort_entries(
        [*expected_items, changed, *entries(range(70, 71))], sort_order, reverse=reverse
    )
    assert [e.item.referral_id for e in model.entries] == [e.item.referral_id for e in expected]
    assert [r.key for r in model.rows] == [e.item.referral_id for e in expected]
    assert model.haystacks == [e.haystack for e in expected]
    assert model.overdue == sum(e.item.overdue for e in expected)
    assert model.index_of("R-2013-0009") == [e.item.referral_id for e in expected].index(
        "R-2013-0009"
    )
    assert model.index_of("R-2013-0005") is None
