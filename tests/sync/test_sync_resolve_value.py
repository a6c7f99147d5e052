"""A value typed at `sync resolve --value` is held to the record's rules, like a form's."""

from __future__ import annotations

from pathlib import Path

import pytest
from synchelp import add_referral

from mspdesk.desk import Desk
from mspdesk.desk.sync import _checked
from mspdesk.domain.errors import InvalidRecord


def test_a_typed_value_that_breaks_the_record_is_refused_naming_the_field(
    tmp_path: Path,
) -> None:
    with Desk.open(tmp_path / "desk", actor="ann") as desk:
        made = add_referral(desk, "Fenwold Libraries Mutual")
        record = desk.referrals.get(made).model_dump(mode="json")
    assert record is not None
    with pytest.raises(InvalidRecord) as refused:
        _checked("referrals", record, "staff_in_scope", "about forty")
    assert "staff_in_scope" in str(refused.value)
    with pytest.raises(InvalidRecord, match="status"):
        _checked("referrals", record, "status", "maybe")


def test_a_good_typed_value_is_kept_as_the_record_stores_it(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "desk", actor="ann") as desk:
        made = add_referral(desk, "Fenwold Libraries Mutual")
        record = desk.referrals.get(made).model_dump(mode="json")
    assert record is not None
    assert _checked("referrals", record, "staff_in_scope", "42") == 42
    assert _checked("referrals", record, "organisation", "Fenwold Mutual") == "Fenwold Mutual"
    assert _checked("clashes", {}, "anything", "as typed") == "as typed"  # no rules known
