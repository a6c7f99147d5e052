"""Erasure reaches every copy: current state, history, journal, snapshots, backups, drafts."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from mspdesk.cli import main
from mspdesk.desk import Desk
from mspdesk.domain.errors import NotFound, UserError
from mspdesk.store.erasure import PENDING_NAME

SECRETS = ("Zed Privateperson", "zed@example.org", "07700 900123")
NOTE = "Rang Zed Privateperson about the board\nZed said the staff vote is in May"
NOTE_EDIT = "Rang Zed Privateperson (zed@example.org) about the board vote"


def every_file_text(directory: Path) -> dict[Path, str]:
    found = {}
    for path in directory.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
            found[path] = data.decode("utf-8", "replace").casefold()
    return found


def holding(directory: Path, *texts: str) -> list[str]:
    hits = []
    for path, text in every_file_text(directory).items():
        for secret in texts:
            if secret.casefold() in text or json.dumps(secret)[1:-1].casefold() in text:
                hits.append(f"{path.relative_to(directory)}: {secret}")
    return hits


def build(path: Path) -> tuple[str, str, str, str]:
    """A referral for Zed, a note naming them edited and deleted, five checkpoints; and a
    second referral with a note of its own. Returns (zed, zed_note, other, other_note)."""
    with Desk.open(path, actor="tester") as desk:
        received = date(2024, 2, 1)
        zed = desk.referrals.add(
            {
                "organisation": "Anyshire Care",
                "parent_body": "Anyshire CC",
                "received": received,
                "contact": {"name": "Zed Privateperson", "email": "zed@example.org"},
                "enquiry": "Zed Privateperson asked about spinning out",
            }
        ).id
        desk.checkpoint()
        desk.referrals.update(
            zed,
            {
                "contact": {
                    "name": "Zed Privateperson",
                    "email": "zed@example.org",
                    "phone": "07700 900123",
                }
            },
        )
        desk.checkpoint()
        other = desk.referrals.add(
            {
                "organisation": "Leeds Youth",
                "parent_body": "Leeds CC",
                "received": received,
                "contact": {"name": "Olive Other"},
            }
        ).id
        zed_note = desk.notes.add(zed, NOTE, on=date(2024, 2, 2)).id
        desk.notes.save_draft(desk.notes.draft_key(note_id=zed_note), {"body": NOTE_EDIT + "!"})
        desk.checkpoint()
        desk.notes.edit(zed_note, body=NOTE_EDIT)
        desk.checkpoint()
        desk.notes.delete(zed_note)
        other_note = desk.notes.add(other, "Olive wants a call", on=date(2024, 2, 3)).id
        desk.notes.edit(other_note, body="Olive wants a call on Monday")
        desk.checkpoint()
    return zed, zed_note, other, other_note


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--data-dir", str(data)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_zed_is_gone_from_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSPDESK_ADVISER", "dpo")
    data = tmp_path / "data"
    zed, zed_note, other, other_note = build(data)
    assert holding(data, *SECRETS), "the test must start with Zed on disk"
    assert (data / "drafts").is_dir()

    code, out, _ = run(capsys, data, "people", "find", "07700900123", "--json")
    assert code == 0
    found = json.loads(out)
    assert {(h["record"], h["where"]) for h in found} == {(zed, "contact.phone")}
    assert found[0]["lawful_basis"] == "public-task"
    code, out, _ = run(capsys, data, "people", "find", "zed privateperson", "--json")
    assert {h["record"] for h in json.loads(out)} == {zed, zed_note}

    code, out, _ = run(capsys, data, "erase", zed, "--reason", "erasure request 12")
    assert code == 0 and "cannot be undone" in out
    code, out, _ = run(capsys, data, "erase", zed_note, "--reason", "erasure request 12")
    assert code == 0 and "already erased" in out  # the referral's notes went with it

    assert holding(data, *SECRETS, NOTE, NOTE_EDIT, "staff vote is in May") == []
    assert not (data / PENDING_NAME).exists()
    code, out, err = run(capsys, data, "doctor")
    assert code == 0, out + err

    with Desk.open(data, actor="dpo") as desk:
        # The other records and their history are whole; undo still works for them.
        assert desk.referrals.get(other).contact.name == "Olive Other"
        edits = desk.history(other_note)
        assert len(edits) == 2 and any(c.old == "Olive wants a call" for c in edits[1].changes)
        assert desk.can_undo() is not None
        desk.undo()
        assert desk.notes.get(other_note).body == "Olive wants a call"
        # The erased referral stays, without its contact or enquiry.
        referral = desk.referrals.get(zed)
        assert (referral.contact.name, referral.contact.email, referral.enquiry) == (
            "[erased]",
            "",
            "",
        )
        assert referral.organisation == "Anyshire Care"
        assert desk.notes.get(zed_note).body == "[erased]"
        assert desk.notes.search("Zed") == []
        stones = desk.erasures()
        assert [(s.target, s.by, s.reason) for s in stones] == [(zed, "dpo", "erasure request 12")]
        assert set(stones[0].records) == {zed, zed_note}
        assert desk.history(zed)  # history still reads, scrubbed
    code, out, _ = run(capsys, data, "erasures", "--json")
    assert json.loads(out)[0]["target"] == zed
    assert "Zed" not in out


def test_erasing_a_note_leaves_undo_for_the_rest(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "d", actor="tester") as desk:
        ref = desk.referrals.add(
            {"organisation": "A", "parent_body": "B", "received": date(2024, 1, 1)}
        ).id
        keep = desk.notes.add(ref, "Keep this one", on=date(2024, 1, 2)).id
        gone = desk.notes.add(ref, "Secret words about Quentin", on=date(2024, 1, 2)).id
        desk.erase(gone, "asked")
        # The newest undoable change is the add of `keep`: the erased note's add is skipped.
        assert desk.can_undo() is not None and "Quentin" not in desk.can_undo()
        desk.undo()
        assert desk.notes.for_subject(ref) == []
        assert desk.notes.get(gone).body == "[erased]"
        assert keep
    assert holding(tmp_path / "d", "Quentin") == []


def test_case_person_erased_from_every_version(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with Desk.open(data, actor="tester") as desk:
        ref = desk.referrals.add(
            {
                "organisation": "Care Co",
                "parent_body": "Anyshire",
                "received": date(2013, 3, 1),
                "proposed_model": "employee-owned",
                "contact": {"name": "Sandra Okafor"},
            }
        )
        desk.triage.decide(ref.id, "accept", "Strong sponsor")
        case_id = desk.referrals.get(ref.id).case_id
        assert case_id
        desk.cases.add_person(
            case_id, {"role": "other", "name": "Petra Person", "email": "petra@example.org"}
        )
        desk.cases.add_person(case_id, {"role": "other", "name": "Kept Person"})
        desk.checkpoint()
        hits = desk.find_people("petra")
        number = len(desk.cases.get(case_id).people) - 1
        assert [(h.record, h.erase_id) for h in hits] == [(case_id, f"{case_id}/{number}")] * 2
        before = [p.name for p in desk.cases.get(case_id).people]
        desk.erase(f"{case_id}/{number}", "left the programme")
        people = desk.cases.get(case_id).people
        assert [p.name for p in people] == [*before[:-2], "[erased]", "Kept Person"]
        assert people[-2].email == ""
    assert holding(data, "Petra Person", "petra@example.org") == []
    with Desk.open(data, read_only=True) as desk:
        assert desk.cases.get(case_id).people[-1].name == "Kept Person"


def test_bad_ids_are_refused(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "d", actor="tester") as desk:
        with pytest.raises(NotFound):
            desk.erase("N-00009")
        with pytest.raises(UserError):
            desk.erase("whatever")


def test_erasing_a_case_takes_its_people_notes_and_referral_contact(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with Desk.open(data, actor="tester") as desk:
        ref = desk.referrals.add(
            {
                "organisation": "Care Co",
                "parent_body": "Anyshire",
                "received": date(2013, 3, 1),
                "proposed_model": "employee-owned",
                "contact": {"name": "Sandra Okafor", "email": "sandra@example.org"},
            }
        )
        desk.triage.decide(ref.id, "accept", "Strong sponsor")
        case_id = desk.referrals.get(ref.id).case_id
        assert case_id
        desk.cases.add_person(case_id, {"role": "other", "name": "Petra Person"})
        desk.notes.add(case_id, "Met Petra Person at the depot", on=date(2013, 4, 1))
        desk.cases.set_status(case_id, "closed", "Spun out elsewhere")
        desk.checkpoint()
        stone = desk.erase(case_id, "retention")
        assert ref.id in stone.records and case_id in stone.records
        assert desk.cases.get(case_id).organisation == "Care Co"
    assert holding(data, "Petra Person", "Sandra Okafor", "sandra@example.org", "depot") == []


def test_other_histories_keep_words_an_erased_note_shared(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "d", actor="tester") as desk:
        ref = desk.referrals.add(
            {"organisation": "A", "parent_body": "B", "received": date(2024, 1, 1)}
        ).id
        kept = desk.notes.add(ref, "Budget agreed at the board", on=date(2024, 1, 2)).id
        gone = desk.notes.add(ref, "Budget agreed at the board", on=date(2024, 1, 3)).id
        desk.erase(gone, "duplicate with a name in it")
        summaries = [entry.summary for entry in desk.history(kept)]
        assert any("Budget agreed" in s for s in summaries), summaries
        assert desk.notes.get(kept).body == "Budget agreed at the board"
        assert all("Budget" not in e.summary for e in desk.history(gone))


def test_loose_and_compressed_copies_are_scrubbed(tmp_path: Path) -> None:
    data = tmp_path / "d"
    zed, _, _, _ = build(data)
    rejected = data / "rejected"
    rejected.mkdir(mode=0o700, exist_ok=True)
    snapshot = (data / "snapshot.json").read_bytes()
    (rejected / "snapshot-old.json.gz").write_bytes(gzip.compress(snapshot))
    (rejected / "journal-tail").write_bytes(b'{"seq": 99, "summary": "Zed Privateperson')
    assert holding(data, "Zed Privateperson")
    with Desk.open(data, actor="dpo") as desk:
        desk.erase(zed, "request")
    assert holding(data, *SECRETS, NOTE, NOTE_EDIT) == []
    # Still a readable gzip, and the rest of it is intact.
    assert b"Leeds Youth" in gzip.decompress((rejected / "snapshot-old.json.gz").read_bytes())


def test_erasing_a_case_deletes_its_attached_files_and_leaves_other_cases_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    zed, _, other, _ = build(data)
    with Desk.open(data, actor="tester") as desk:
        desk.triage.decide(zed, "accept", "promising")
        desk.triage.decide(other, "accept", "promising")
        zed_case = desk.referrals.get(zed).case_id
        other_case = desk.referrals.get(other).case_id
        assert zed_case and other_case
        letter = b"Dear Zed Privateperson, about your TUPE transfer (zed@example.org)"
        zed_file = desk.attachments.add(zed_case, "letter.txt", letter).attachment
        kept = desk.attachments.add(other_case, "minutes.txt", b"Olive's minutes").attachment
        desk.checkpoint()
    assert (data / zed_file.stored_as).is_file()

    code, out, err = run(capsys, data, "erase", zed_case, "--reason", "request 13")

    assert code == 0, err
    assert not (data / zed_file.stored_as).exists()
    assert holding(data, *SECRETS, "about your TUPE transfer") == []
    assert (data / kept.stored_as).read_bytes() == b"Olive's minutes"
    code, out, err = run(capsys, data, "doctor")
    assert code == 0, out + err
    with Desk.open(data, actor="tester", read_only=True) as desk:
        assert desk.attachments.for_case(zed_case) == []
        assert [a.name for a in desk.attachments.for_case(other_case)] == ["minutes.txt"]
