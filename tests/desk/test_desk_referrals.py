"""Referrals through the desk: add, update, get, rows, search, validation, references."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mspdesk.desk import Desk
from mspdesk.domain.choices import ProposedModel, Region, Source, Stage
from mspdesk.domain.errors import InvalidRecord, NotFound
from mspdesk.domain.referral import Referral

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def referral(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "organisation": "Kent Youth Services",
        "parent_body": "Kent County Council",
        "received": "2013-02-28",
    }
    return {**fields, **overrides}


def reopen(desk: Desk) -> Desk:
    directory = desk.directory
    desk.close()
    return Desk.open(directory, clock=lambda: NOW, actor="tester")


# ------------------------------------------------------------------ add and get


def test_add_returns_the_saved_referral_with_a_reference(desk: Desk) -> None:
    added = desk.referrals.add(
        referral(
            source="LGA",
            staff_in_scope=120,
            contract_value=1_500_000,
            proposed_model="employee-owned mutual",
            region="Yorkshire and the Humber",
            contact={"name": "Ann Smith", "email": "ann@example.org", "phone": "01234 567890"},
            enquiry="Wants to spin out youth services.",
        )
    )

    assert added.id == "R-2013-0001"
    assert added.source is Source.LGA
    assert added.proposed_model is ProposedModel.EMPLOYEE_OWNED
    assert added.region is Region.YORKSHIRE
    assert added.received == date(2013, 2, 28)
    assert added.created_at == added.updated_at == datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
    assert desk.referrals.get(added.id) == added
    assert desk.referrals.exists(added.id)
    assert desk.referrals.count() == 1


def test_defaults_fill_in_what_was_not_given(desk: Desk) -> None:
    added = desk.referrals.add({"organisation": "Library service", "parent_body": "Leeds CC"})

    assert added.received == NOW.astimezone().date()
    assert added.id == f"R-{added.received.year}-0001"
    assert added.stage is Stage.IDEA
    assert added.status == "new"
    assert added.contact.name == ""


def test_references_count_up_per_year_of_receipt(desk: Desk) -> None:
    ids = [
        desk.referrals.add(referral(organisation=f"Org {i}", received=received)).id
        for i, received in enumerate(
            ["2013-01-05", "2013-06-01", "2012-12-31", "2013-02-01", "2012-01-01", "2014-07-07"]
        )
    ]
    assert ids == [
        "R-2013-0001",
        "R-2013-0002",
        "R-2012-0001",
        "R-2013-0003",
        "R-2012-0002",
        "R-2014-0001",
    ]


def test_references_continue_after_reopening(desk: Desk) -> None:
    desk.referrals.add(referral())
    desk.referrals.add(referral(organisation="Second"))
    again = reopen(desk)
    try:
        assert again.referrals.add(referral(organisation="Third")).id == "R-2013-0003"
    finally:
        again.close()


def test_a_reference_is_never_issued_twice_even_after_undo_and_reopen(desk: Desk) -> None:
    first = desk.referrals.add(referral())
    desk.undo()
    again = reopen(desk)
    try:
        second = again.referrals.add(referral(organisation="Somebody else"))
        assert second.id != first.id
        assert [entry.kind for entry in again.history(second.id)] == ["referral.added"]
    finally:
        again.close()


def test_an_explicit_reference_is_kept_and_duplicates_refused(desk: Desk) -> None:
    desk.referrals.add(referral(id="R-2013-0042"))
    with pytest.raises(InvalidRecord) as raised:
        desk.referrals.add(referral(id="R-2013-0042", organisation="Other"))
    assert "id: R-2013-0042 already exists" in str(raised.value)
    # Automatic numbering carries on above the explicit one.
    assert desk.referrals.add(referral(organisation="Next")).id == "R-2013-0043"


def test_get_of_an_unknown_id_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFound, match="R-2013-9999"):
        desk.referrals.get("R-2013-9999")


def test_referrals_survive_reopening(desk: Desk) -> None:
    added = desk.referrals.add(referral(contact={"name": "Bo"}))
    again = reopen(desk)
    try:
        assert again.referrals.get(added.id) == added
    finally:
        again.close()


# ------------------------------------------------------------------ validation


INVALID = [
    ({"organisation": ""}, "organisation"),
    ({"organisation": "   "}, "organisation"),
    ({"parent_body": ""}, "parent_body"),
    ({"received": "next tuesday"}, "received"),
    ({"source": "carrier pigeon"}, "source"),
    ({"staff_in_scope": -3}, "staff_in_scope"),
    ({"contract_value": "lots"}, "contract_value"),
    ({"proposed_model": "monarchy"}, "proposed_model"),
    ({"region": "Atlantis"}, "region"),
    ({"contact": {"email": "not-an-email"}}, "contact.email"),
    ({"contact": {"phone": "call me"}}, "contact.phone"),
    ({"colour": "blue"}, "colour"),
    ({"id": "REF-1"}, "id"),
]


@pytest.mark.parametrize(("bad", "field"), INVALID, ids=[f for _, f in INVALID])
def test_invalid_fields_are_named_and_nothing_is_saved(
    desk: Desk, bad: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidRecord) as raised:
        desk.referrals.add(referral(**bad))
    assert f"{field}:" in str(raised.value)
    assert field in [name for name, _ in raised.value.problems]
    assert "\n" not in str(raised.value)
    assert desk.referrals.count() == 0
    assert desk.can_undo() is None


def test_every_bad_field_is_named_at_once(desk: Desk) -> None:
    with pytest.raises(InvalidRecord) as raised:
        desk.referrals.add(referral(organisation="", staff_in_scope=-1, region="Mars"))
    names = {name for name, _ in raised.value.problems}
    assert names == {"organisation", "staff_in_scope", "region"}


def test_draft_validates_without_saving(desk: Desk) -> None:
    drafted = desk.referrals.draft(referral())
    assert isinstance(drafted, Referral)
    assert desk.referrals.count() == 0


# ------------------------------------------------------------------ update


def test_update_changes_fields_durably(desk: Desk) -> None:
    added = desk.referrals.add(referral())
    later = datetime(2013, 4, 1, 9, 0, tzinfo=UTC)
    desk.core.clock = lambda: later

    updated = desk.referrals.update(added.id, {"stage": "business case", "staff_in_scope": 80})

    assert updated.stage is Stage.BUSINESS_CASE and updated.staff_in_scope == 80
    assert updated.updated_at == later and updated.created_at == added.created_at
    again = reopen(desk)
    try:
        assert again.referrals.get(added.id) == updated
    finally:
        again.close()


def test_update_without_a_change_records_nothing(desk: Desk) -> None:
    added = desk.referrals.add(referral())
    same = desk.referrals.update(added.id, {"organisation": added.organisation})
    assert same == added
    assert len(desk.history(added.id)) == 1


def test_update_refuses_fields_that_cannot_change(desk: Desk) -> None:
    added = desk.referrals.add(referral())
    for field in ("id", "created_at", "case_id", "shoe_size"):
        with pytest.raises(InvalidRecord, match=f"{field}: cannot be changed"):
            desk.referrals.update(added.id, {field: "x"})
    assert desk.referrals.get(added.id) == added


def test_update_with_an_invalid_value_names_the_field_and_changes_nothing(desk: Desk) -> None:
    added = desk.referrals.add(referral())
    with pytest.raises(InvalidRecord, match=r"contact\.email"):
        desk.referrals.update(added.id, {"contact": {"email": "nope"}})
    assert desk.referrals.get(added.id) == added
    assert len(desk.history(added.id)) == 1


def test_update_of_an_unknown_referral_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFound):
        desk.referrals.update("R-2013-0404", {"stage": "idea"})


def test_a_field_can_be_cleared(desk: Desk) -> None:
    added = desk.referrals.add(referral(region="london", staff_in_scope=5))
    updated = desk.referrals.update(added.id, {"region": None, "staff_in_scope": ""})
    assert updated.region is None and updated.staff_in_scope is None
    again = reopen(desk)
    try:
        assert again.referrals.get(added.id).region is None
    finally:
        again.close()


# ------------------------------------------------------------------ rows and search


def test_rows_are_newest_first(desk: Desk) -> None:
    for received in ("2013-01-01", "2013-03-01", "2012-06-01"):
        desk.referrals.add(referral(received=received, organisation=received))
    assert [row["received"] for row in desk.referrals.rows()] == [
        "2013-03-01",
        "2013-01-01",
        "2012-06-01",
    ]
    assert all(isinstance(row, dict) for row in desk.referrals.rows())


def test_search_matches_every_word_across_fields(desk: Desk) -> None:
    kent = desk.referrals.add(referral(service_area="Youth services", region="south east"))
    leeds = desk.referrals.add(
        referral(
            organisation="Leeds Libraries",
            parent_body="Leeds City Council",
            contact={"name": "Priya Patel"},
        )
    )

    def ids(text: str) -> list[str]:
        return [row["id"] for row in desk.referrals.search(text)]

    assert ids("kent") == [kent.id]
    assert ids("KENT youth") == [kent.id]
    assert sorted(ids("council")) == sorted([kent.id, leeds.id])
    assert ids("patel") == [leeds.id]
    assert ids(leeds.id.lower()) == [leeds.id]
    assert ids("south-east") == [kent.id]
    assert ids("kent leeds") == []
    assert len(ids("   ")) == 2


def test_search_sees_updates(desk: Desk) -> None:
    added = desk.referrals.add(referral())
    assert desk.referrals.search("archive") == []
    desk.core.clock = lambda: datetime(2013, 5, 1, tzinfo=UTC)
    desk.referrals.update(added.id, {"service_area": "Archive service"})
    assert [row["id"] for row in desk.referrals.search("archive")] == [added.id]


def test_search_sees_a_change_made_in_the_same_millisecond(desk: Desk) -> None:
    # The desk fixture's clock never moves, like two saves within one millisecond.
    added = desk.referrals.add(referral())
    assert desk.referrals.search("archive") == []
    desk.referrals.update(added.id, {"service_area": "Archive service"})
    assert [row["id"] for row in desk.referrals.search("archive")] == [added.id]
    desk.undo()
    assert desk.referrals.search("archive") == []


def test_search_within_given_rows(desk: Desk) -> None:
    desk.referrals.add(referral())
    other = desk.referrals.add(referral(organisation="Kent Archives"))
    only = [row for row in desk.referrals.rows() if row["id"] == other.id]
    assert [row["id"] for row in desk.referrals.search("kent", only)] == [other.id]


def test_duplicate_finder_ignores_case_and_spacing(desk: Desk) -> None:
    added = desk.referrals.add(referral())
    assert desk.referrals.find_duplicate("kent  youth SERVICES", " kent county council") == (
        added.id
    )
    assert desk.referrals.find_duplicate("Kent Youth Services", "Surrey County Council") is None
    assert desk.referrals.find_duplicate("Kent Libraries", "Kent County Council") is None


# ------------------------------------------------------------------ batch import


def test_batch_import_is_one_event(desk: Desk) -> None:
    drafts = [
        desk.referrals.draft(referral(organisation=f"Org {i}"), reference=f"R-2011-00{i}0")
        for i in range(1, 4)
    ]
    assert desk.referrals.add_validated(drafts) == 3
    assert desk.referrals.count() == 3
    assert desk.can_undo() == "Imported 3 referrals"
    assert desk.referrals.add_validated([]) == 0


def test_batch_import_with_a_duplicate_saves_nothing(desk: Desk) -> None:
    existing = desk.referrals.add(referral())
    drafts = [
        desk.referrals.draft(referral(organisation="New"), reference="R-2011-0001"),
        desk.referrals.draft(referral(organisation="Clash"), reference=existing.id),
    ]
    with pytest.raises(InvalidRecord, match="already exists"):
        desk.referrals.add_validated(drafts)
    assert desk.referrals.count() == 1


def test_batch_import_with_the_same_reference_twice_saves_nothing(desk: Desk) -> None:
    drafts = [
        desk.referrals.draft(referral(organisation="First"), reference="R-2011-0001"),
        desk.referrals.draft(referral(organisation="Second"), reference="R-2011-0001"),
    ]
    with pytest.raises(InvalidRecord, match="R-2011-0001"):
        desk.referrals.add_validated(drafts)
    assert desk.referrals.count() == 0


def test_read_only_desk_refuses_changes(desk: Desk, data_dir: Path) -> None:
    desk.referrals.add(referral())
    reader = Desk.open(data_dir, read_only=True)
    try:
        assert reader.read_only
        assert reader.referrals.count() == 1
        with pytest.raises(Exception, match="read-only"):
            reader.referrals.add(referral(organisation="Other"))
        assert reader.referrals.count() == 1
    finally:
        reader.close()
