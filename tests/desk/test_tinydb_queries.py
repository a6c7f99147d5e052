"""The desk's filtered reads as TinyDB queries: the same answers as the loops they replaced,
the stored dicts themselves, and never a stale cached answer after a change."""

from __future__ import annotations

import random
from datetime import date

from mspdesk.desk import Desk
from mspdesk.store.queries import fields_equal, select

STATUSES = ["new", "accepted", "declined", "signposted"]


def add_referrals(desk: Desk, count: int) -> None:
    rng = random.Random(3)
    for n in range(count):
        place = rng.choice(["Kent", "Leeds", "York"])
        desk.referrals.add(
            {
                "organisation": f"{place} {rng.choice(['Care', 'Parks', 'Youth'])} {n}",
                "parent_body": f"{place} Council",
                "received": date(2013, 1, 1 + n % 28),
            }
        )


def loop(desk: Desk, status: str | None, text: str) -> list[str]:
    """What `referrals list --status --search` did before: sort all, then filter by hand."""
    rows = desk.referrals.rows()
    if status:
        rows = [r for r in rows if r["status"] == status]
    words = text.casefold().split()
    hay = desk.referrals._haystack
    return [str(r["id"]) for r in rows if all(w in hay(r) for w in words)]


def test_referrals_by_status_and_words_agree_with_the_loop(desk: Desk) -> None:
    add_referrals(desk, 40)
    for key in [r["id"] for r in desk.referrals.rows()][::3]:
        desk.referrals.update(key, {"status": random.Random(key).choice(STATUSES)})
    for status in [None, *STATUSES]:
        for text in ["", "kent", "care york", "LEEDS council 1", "zzz"]:
            found = [str(r["id"]) for r in desk.referrals.select(status=status, text=text)]
            assert found == loop(desk, status, text), (status, text)
    assert [r["id"] for r in desk.referrals.search("kent")] == [
        r["id"] for r in desk.referrals.select(text="kent")
    ]


def test_a_cached_answer_never_outlives_a_change(desk: Desk) -> None:
    add_referrals(desk, 5)
    first = desk.referrals.rows()[-1]["id"]
    assert desk.referrals.select(status="declined") == []
    assert desk.referrals.select(status="declined") == []  # answered from TinyDB's cache
    desk.referrals.update(first, {"status": "declined"})
    assert [r["id"] for r in desk.referrals.select(status="declined")] == [first]
    desk.referrals.update(first, {"organisation": "Quillfield Mutual"})
    assert [r["id"] for r in desk.referrals.select(text="quillfield")] == [first]
    desk.undo()
    assert desk.referrals.select(text="quillfield") == []


def test_results_are_the_stored_records_not_copies(desk: Desk) -> None:
    add_referrals(desk, 3)
    store = desk.core.store
    for record in select(store, "referrals", fields_equal(status="new")):
        assert record is store.get("referrals", record["id"])


def test_cases_by_adviser_and_the_agenda_follow_a_handover(desk: Desk) -> None:
    add_referrals(desk, 3)
    ids = [r["id"] for r in desk.referrals.rows()]
    for key in ids:
        desk.triage.decide(key, "accept", "ok")
    cases = [row.case_id for row in desk.cases.summaries()]
    assert [row.case_id for row in desk.cases.summaries(adviser="tester")] == cases
    assert desk.cases.summaries(adviser="alex") == []
    assert desk.cases.agenda(adviser="alex").items == []
    desk.cases.set_adviser(cases[1], "alex")
    assert [row.case_id for row in desk.cases.summaries(adviser="alex")] == [cases[1]]
    assert [row.case_id for row in desk.cases.summaries(adviser="tester")] == [
        cases[0],
        cases[2],
    ]
    alex = desk.cases.agenda(adviser="alex").items
    assert alex and {item.case_id for item in alex} == {cases[1]}
    everyone = desk.cases.agenda().items
    assert {item.case_id for item in everyone} == set(cases)
    assert len(everyone) == len(alex) + len(desk.cases.agenda(adviser="tester").items)
