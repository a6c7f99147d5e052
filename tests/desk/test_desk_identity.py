"""The desk code: set once, kept in `desk.code`, carried by every id issued afterwards."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from mspdesk.desk import Desk
from mspdesk.desk.identity import CODE_FILE, CodeAlreadySet, InvalidCode
from mspdesk.store import ReadOnlyStore
from mspdesk.store.folder import DESK_NAMES

FIXED_NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)
REFERRAL = {"organisation": "Care Co", "parent_body": "Anyshire", "received": date(2013, 3, 1)}


def _open(path: Path, *, read_only: bool = False) -> Desk:
    return Desk.open(path, clock=lambda: FIXED_NOW, actor="tester", read_only=read_only)


def test_a_desk_that_never_synced_keeps_the_short_forms(desk: Desk) -> None:
    assert desk.identity.code() is None
    ref = desk.referrals.add(REFERRAL)
    assert ref.id == "R-2013-0001"
    desk.triage.decide(ref.id, "accept", "ok")
    assert desk.referrals.get(ref.id).case_id == "C-0001"
    assert desk.notes.add("C-0001", "First call").id == "N-00001"


def test_after_the_code_is_set_new_ids_carry_it_and_old_ones_stay(desk: Desk) -> None:
    old = desk.referrals.add(REFERRAL)
    desk.notes.add(old.id, "before sync")  # primes the note counter in the short series
    desk.identity.set_code("KM")
    new = desk.referrals.add({**REFERRAL, "organisation": "Other Co"})
    assert (old.id, new.id) == ("R-2013-0001", "R-2013-KM-0001")
    desk.triage.decide(new.id, "accept", "ok")
    case_id = desk.referrals.get(new.id).case_id
    assert case_id == "C-KM-0001"
    assert desk.notes.add(case_id, "after sync").id == "N-KM-00001"
    assert desk.referrals.get(old.id).id == "R-2013-0001"
    data = b"%PDF-1.4 minutes"
    assert desk.attachments.add(case_id, "minutes.pdf", data).attachment.id == "F-KM-00001"
    provider = desk.support.add_provider("Law LLP", ["legal"])
    assert provider.id == "SP-KM-001"
    package = desk.support.add_package(
        case_id, provider_id=provider.id, kind="legal", days=Decimal(2), rate=50_000,
        deliverable="Articles", due=date(2013, 5, 1), over_budget="Agreed",
    )  # fmt: skip
    assert package.id == "PK-KM-0001"
    assert desk.log_subject_access("Sandra").id == "S-KM-00001"


def test_the_code_is_durable_private_and_set_once(data_dir: Path) -> None:
    with _open(data_dir) as desk:
        desk.identity.set_code("KM")
        desk.identity.set_code("KM")  # again: nothing to do
        with pytest.raises(CodeAlreadySet, match="KM"):
            desk.identity.set_code("AB")
    assert (data_dir / CODE_FILE).read_text() == "KM"
    assert os.stat(data_dir / CODE_FILE).st_mode & 0o777 == 0o600
    assert CODE_FILE in DESK_NAMES
    with _open(data_dir, read_only=True) as desk:
        assert desk.identity.code() == "KM"
        assert desk.referrals.draft(REFERRAL).id == "R-2013-KM-0001"


def test_malformed_codes_are_refused(desk: Desk) -> None:
    for bad in ("ko", "K", "K1", "KMXY", "OI"):
        with pytest.raises(InvalidCode):
            desk.identity.set_code(bad)
    assert desk.identity.code() is None


def test_a_read_only_desk_cannot_take_a_code(data_dir: Path) -> None:
    _open(data_dir).close()
    with _open(data_dir, read_only=True) as desk, pytest.raises(ReadOnlyStore):
        desk.identity.set_code("KM")


def test_proposals_are_stable_and_skip_taken_codes(desk: Desk) -> None:
    first = desk.identity.propose_code([])
    assert first == desk.identity.propose_code(set())
    second = desk.identity.propose_code([first])
    assert second != first and len(second) == 2
    assert desk.identity.propose_code([first.lower()]) == second


def test_three_letters_once_every_two_letter_code_is_taken(desk: Desk) -> None:
    from itertools import product

    from mspdesk.domain.references import CODE_LETTERS

    every_pair = ["".join(p) for p in product(CODE_LETTERS, repeat=2)]
    assert len(desk.identity.propose_code(every_pair)) == 3


def test_numbering_continues_after_other_desks_records(desk: Desk) -> None:
    desk.identity.set_code("KM")
    # Referrals from other desks (as sync brings them) do not move this desk's counter.
    from mspdesk.domain.referral import Referral

    others = [
        Referral(id=ref, received=date(2013, 2, 1), organisation=f"Org {ref}", parent_body="X")
        for ref in ("R-2013-AB-0007", "R-2013-0042", "R-2013-KM-0002")
    ]
    desk.referrals.add_validated(others)
    assert desk.referrals.add(REFERRAL).id == "R-2013-KM-0003"


def test_a_case_person_on_a_coded_case_can_be_erased(desk: Desk) -> None:
    desk.identity.set_code("KM")
    ref = desk.referrals.add(REFERRAL)
    desk.triage.decide(ref.id, "accept", "ok")
    desk.cases.add_person("C-KM-0001", {"role": "other", "name": "Petra Person"})
    number = len(desk.cases.get("C-KM-0001").people)  # people count from 1
    stone = desk.erase(f"C-KM-0001/{number}", "left")
    assert stone.id == "E-KM-00001"
    assert desk.cases.get("C-KM-0001").people[-1].name == "[erased]"


def test_a_damaged_code_file_is_named_not_guessed(data_dir: Path) -> None:
    _open(data_dir).close()
    (data_dir / CODE_FILE).write_text("k0\n")
    with pytest.raises(InvalidCode, match=r"desk\.code holds 'k0'"):
        _open(data_dir)
