"""Three desks and one bare remote: the same records everywhere, clashes listed and settled."""

from __future__ import annotations

from pathlib import Path

import pytest
from synchelp import add_referral, bare_remote, open_desk, sync, tables

from mspdesk.domain.triage import Decision

NAMES = ("ann", "bob", "cat")


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    remote = bare_remote(tmp_path)
    folders = [tmp_path / name for name in NAMES]
    for number, (folder, name) in enumerate(zip(folders, NAMES, strict=True), start=1):
        with open_desk(folder, name, number) as desk:
            desk.sync.init(str(remote))
    return folders


def sync_all(folders: list[Path], rounds: int = 2) -> None:
    for _ in range(rounds):
        for number, folder in enumerate(folders, start=1):
            sync(folder, NAMES[number - 1], number)


@pytest.mark.slow
def test_three_desks_hold_the_same_records_after_two_rounds(three: list[Path]) -> None:
    made: list[str] = []
    for number, folder in enumerate(three, start=1):
        with open_desk(folder, NAMES[number - 1], number) as desk:
            first = add_referral(desk, f"Mutual {number} one", contact={"name": f"P{number}"})
            second = add_referral(desk, f"Mutual {number} two")
            desk.notes.add(first, f"Called them, desk {number}")
            desk.triage.decide(second, Decision.DECLINE, reason="not a mutual")
            made += [first, second]
    sync_all(three)
    with open_desk(three[1], "bob", 2) as desk:  # a note on another desk's referral
        desk.notes.add(made[0], "Met the staff group")
    sync_all(three)

    assert len(set(made)) == len(made) == 6
    first = tables(three[0])
    assert sorted(first["referrals"]) == sorted(made)
    assert len(first["notes"]) == 4
    for other in three[1:]:
        assert tables(other) == first  # every table, field by field


@pytest.mark.slow
def test_different_fields_of_one_case_both_survive(three: list[Path]) -> None:
    a, b = three[0], three[1]
    with open_desk(a, "ann", 1) as desk:
        referral = add_referral(desk, "Fenwold Libraries Mutual")
        desk.triage.decide(referral, Decision.ACCEPT, reason="promising")
        case = desk.referrals.get(referral).case_id
    assert case is not None
    sync(a, "ann", 1)
    sync(b, "bob", 2)
    with open_desk(a, "ann", 1) as desk:
        desk.cases.update(case, {"contract_value": 250_000})
    with open_desk(b, "bob", 2) as desk:
        desk.cases.update(case, {"stage": "business-case"})
    sync_all([a, b])
    for folder in (a, b):
        record = tables(folder)["cases"][case]
        assert record["contract_value"] == 250_000
        assert record["stage"] == "business-case"
    assert "clashes" not in tables(a)


@pytest.mark.slow
def test_same_status_edit_is_one_clash_on_each_desk_settled_everywhere(
    three: list[Path],
) -> None:
    a, b = three[0], three[1]
    with open_desk(a, "ann", 1) as desk:
        referral = add_referral(desk, "Copperbridge Parks Mutual")
        desk.triage.decide(referral, Decision.ACCEPT, reason="promising")
        case = desk.referrals.get(referral).case_id
    assert case is not None
    sync(a, "ann", 1)
    sync(b, "bob", 2)
    with open_desk(a, "ann", 1) as desk:
        desk.cases.set_status(case, "paused")
    with open_desk(b, "bob", 2) as desk:
        desk.cases.set_status(case, "awaiting-board")
    sync_all([a, b], rounds=1)
    sync(a, "ann", 1)

    listed = {}
    for number, folder in ((1, a), (2, b)):
        with open_desk(folder, NAMES[number - 1], number) as desk:
            clashes = desk.sync.clashes()
            assert [c.field for c in clashes] == ["status"]
            listed[number] = clashes[0]
    assert listed[1].id == listed[2].id
    assert listed[1].current == listed[2].current  # the same provisional value
    assert {s.value for s in listed[1].sides} == {"paused", "awaiting-board"}

    with open_desk(b, "bob", 2) as desk:
        settled = desk.sync.resolve(listed[2].id, keep="mine")
        assert settled.status == "resolved"
    sync(b, "bob", 2)
    sync(a, "ann", 1)
    for number, folder in ((1, a), (2, b)):
        with open_desk(folder, NAMES[number - 1], number) as desk:
            assert desk.sync.clashes() == []
            assert desk.cases.get(case).status.value == "awaiting-board"
    assert tables(a) == tables(b)


@pytest.mark.slow
def test_concurrent_triage_of_one_referral_is_a_clash(three: list[Path]) -> None:
    a, b = three[0], three[1]
    with open_desk(a, "ann", 1) as desk:
        referral = add_referral(desk, "Ormsgate Youth Mutual")
    sync(a, "ann", 1)
    sync(b, "bob", 2)
    for number, folder in ((1, a), (2, b)):
        with open_desk(folder, NAMES[number - 1], number) as desk:
            desk.triage.decide(referral, Decision.DECLINE, reason=f"desk {number}")
    sync_all([a, b])
    for number, folder in ((1, a), (2, b)):
        with open_desk(folder, NAMES[number - 1], number) as desk:
            listed = [(c.record, c.field) for c in desk.sync.clashes()]
            # The referral's status, and the decision both desks wrote under one key.
            assert listed == [(referral, "status"), (f"{referral}/1", "*")]


def test_undo_reverses_only_this_desks_changes(three: list[Path]) -> None:
    a, b = three[0], three[1]
    with open_desk(b, "bob", 2) as desk:
        own = add_referral(desk, "Millbeck Careers Mutual")
    with open_desk(a, "ann", 1) as desk:
        add_referral(desk, "Quillfield Parks Mutual")
    sync(a, "ann", 1)
    sync(b, "bob", 2)  # the last change in b's journal is now a's referral
    with open_desk(b, "bob", 2) as desk:
        undone = desk.undo()
        assert undone.subject == own


@pytest.mark.slow
def test_one_legacy_key_made_on_two_desks_is_a_clash_not_a_merge(tmp_path: Path) -> None:
    from mspdesk.desk import Desk

    remote = bare_remote(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, org in ((a, "Stavenham Mutual"), (b, "Harrowgate Mutual")):
        with Desk.open(folder, actor="x") as desk:  # before sync: both number R-2026-0001
            made = add_referral(desk, org)
            desk.sync.init(str(remote))
    sync_all([a, b])
    for number, folder in ((1, a), (2, b)):
        with open_desk(folder, NAMES[number - 1], number) as desk:
            assert [(c.record, c.field) for c in desk.sync.clashes()] == [(made, "*")]
    with open_desk(b, "bob", 2) as desk:
        desk.sync.resolve(desk.sync.clashes()[0].id, keep="mine")
    sync_all([a, b])
    for folder in (a, b):
        assert tables(folder)["referrals"][made]["organisation"] == "Harrowgate Mutual"
    assert tables(a) == tables(b)
