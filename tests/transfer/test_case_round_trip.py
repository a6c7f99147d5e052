"""A case exported as JSON and imported into an empty data directory is the same case: its
referral, decision, milestones, people, conflicts, budget and notes; as one undoable event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_data import fill_case, fill_demo, fixed_desk

from mspdesk.desk import CaseRecords
from mspdesk.domain.errors import InvalidRecord
from mspdesk.transfer.case_import import import_case_file, read_case_file
from mspdesk.transfer.exporters import export_all, export_case
from mspdesk.transfer.readers import UnreadableFile


def dumped(records: CaseRecords) -> dict[str, object]:
    return {
        "case": records.case.model_dump(mode="json"),
        "referral": records.referral.model_dump(mode="json"),
        "decisions": [d.model_dump(mode="json") for d in records.decisions],
        "notes": [n.model_dump(mode="json") for n in records.notes],
    }


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """C-0001 of the export test data as JSON, and its records as they were."""
    source = tmp_path / "source"
    fill_case(source)
    with fixed_desk(source, read_only=True) as desk:
        path = export_case(desk, "C-0001", "json", tmp_path / "C-0001.json")
        return path, dumped(desk.case_records("C-0001"))


def test_round_trip_into_an_empty_data_dir(
    exported: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, before = exported
    target = tmp_path / "empty"
    with fixed_desk(target) as desk:
        (saved,) = import_case_file(path, desk)
        assert dumped(saved) == before
    with fixed_desk(target, read_only=True) as desk:  # as it is on disk, reopened
        after = dumped(desk.case_records("C-0001"))
        assert after == before
        case = desk.cases.get("C-0001")
        assert len(case.milestones) == 17 and case.conflicts and len(case.people) == 3
        assert case.budget.days_spent == 12.5
        assert desk.triage.decisions_for("R-2013-0001")[0].band == "promising"
        assert [n.id for n in desk.notes.for_subject("R-2013-0001")] == ["N-00001"]
        (entry,) = desk.history("C-0001")
        assert entry.kind == "case.imported" and "C-0001.json" in entry.summary
        assert desk.notes.search("heading")  # the notes are searchable at once


def test_export_again_gives_the_same_file(
    exported: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, _ = exported
    with fixed_desk(tmp_path / "copy") as desk:
        import_case_file(path, desk)
        again = export_case(desk, "C-0001", "json", tmp_path / "again.json")
    first, second = json.loads(path.read_bytes()), json.loads(again.read_bytes())
    assert first == second  # the same clock and adviser, so even the header is the same


def test_undo_removes_the_whole_import(
    exported: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, _ = exported
    with fixed_desk(tmp_path / "data") as desk:
        import_case_file(path, desk)
        desk.undo()
        assert not desk.cases.rows() and not desk.referrals.rows()
        assert not desk.triage.decisions_for("R-2013-0001")
        assert not desk.core.store.table("notes")


def test_new_ids_carry_on_after_imported_ones(
    exported: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, _ = exported
    with fixed_desk(tmp_path / "data") as desk:
        # The id counters are primed before the import (as after any earlier add).
        desk.notes._next_id()
        desk.referrals.highest_numbers()
        import_case_file(path, desk)
        assert desk.notes.add("C-0001", "After the import").id == "N-00004"
        referral = desk.referrals.add({"organisation": "Next", "parent_body": "Council"})
        assert referral.id == "R-2013-0002"  # after the imported R-2013-0001
        desk.triage.decide(referral.id, "accept", "ok")
        assert desk.referrals.get(referral.id).case_id == "C-0002"


def test_ids_in_use_are_renumbered(
    exported: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, before = exported
    with fixed_desk(tmp_path / "busy") as desk:
        referral = desk.referrals.add({"organisation": "Here first", "parent_body": "Council",
                                       "received": "2012-05-01"})  # fmt: skip
        desk.triage.decide(referral.id, "accept", "ok")  # C-0001 is taken
        for text in ("one", "two"):
            desk.notes.add("C-0001", text)  # so are N-00001 and N-00002
        (saved,) = import_case_file(path, desk)
        assert saved.case.id == "C-0002" and saved.referral.case_id == "C-0002"
        # In date order they were N-00001 (taken), N-00003 (free), N-00002 (taken).
        assert [n.id for n in saved.notes] == ["N-00004", "N-00003", "N-00005"]
        assert {n.subject for n in saved.notes} == {"R-2013-0001", "C-0002"}
        assert len(desk.core.store.table("notes")) == 5
        assert desk.notes.get("N-00001").body == "one"  # the desk's own notes are untouched
        case_before = before["case"]
        assert isinstance(case_before, dict)
        assert desk.cases.get("C-0002").organisation == case_before["organisation"]


def test_a_referral_already_on_the_desk_is_refused(
    exported: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, _ = exported
    with fixed_desk(tmp_path / "data") as desk:
        import_case_file(path, desk)
        seq = desk.core.store.seq
        with pytest.raises(InvalidRecord, match="R-2013-0001 is already on this desk"):
            import_case_file(path, desk)
        assert desk.core.store.seq == seq


def test_every_case_from_export_all(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    fill_demo(demo)
    with fixed_desk(demo, read_only=True) as desk:
        export_all(desk, tmp_path / "out")
        before = {row["id"]: dumped(desk.case_records(row["id"])) for row in desk.cases.rows()}
    with fixed_desk(tmp_path / "empty") as desk:
        saved = import_case_file(tmp_path / "out" / "cases.json", desk)
        assert len(saved) == len(before) == 5
        after = {row["id"]: dumped(desk.case_records(row["id"])) for row in desk.cases.rows()}
    assert after == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"format": "mspdesk-notes", "version": 1}', "not a case file"),
        (b'{"format": "mspdesk-case", "version": 99}', "newer mspdesk"),
        (b'{"format": "mspdesk-cases", "version": 1, "cases": {}}', "not a list"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        read_case_file(path)


def test_invalid_records_name_the_field_and_save_nothing(
    exported: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, _ = exported
    document = json.loads(path.read_bytes())
    document["case"]["milestones"][0]["status"] = "finished"
    document["notes"][1]["subject"] = "C-0099"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    with pytest.raises(InvalidRecord, match=r"case file C-0001: case: milestones\.0\.status"):
        read_case_file(bad)
    document["case"]["milestones"][0]["status"] = "done"
    bad.write_text(json.dumps(document))
    with fixed_desk(tmp_path / "data") as desk:
        with pytest.raises(InvalidRecord, match="is on C-0099, not this case"):
            import_case_file(bad, desk)
        assert not desk.cases.rows()
