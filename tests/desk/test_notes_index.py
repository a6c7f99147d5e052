"""The saved notes index: written once, trusted only as far as the journal vouches for it,
rebuilt when missing, damaged or from another history, and gone with an erasure."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mspdesk.desk import Desk, note_journal, note_search
from mspdesk.desk.note_search import search_folder
from mspdesk.store.folder import DESK_NAMES
from mspdesk.store.notes_file import DELTA_NAME, NOTES_INDEX_NAME

NOW = datetime(2013, 3, 14, 10, 30, tzinfo=UTC)


def opened(directory: Path) -> Desk:
    return Desk.open(directory, clock=lambda: NOW, actor="tester")


def subjects(desk: Desk) -> list[str]:
    """The fixture's referrals (Kent, then Leeds)."""
    rows = sorted(desk.referrals.rows(), key=lambda row: str(row["organisation"]))
    return [str(row["id"]) for row in rows]


def ids(hits: list[note_search.NoteHit] | None) -> list[str] | None:
    return None if hits is None else [hit.note_id for hit in hits]


@pytest.fixture
def folder(data_dir: Path) -> Path:
    """A desk with two referrals and three notes, its index saved by a first search."""
    with opened(data_dir) as desk:
        kent = desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id
        leeds = desk.referrals.add({"organisation": "Leeds Lib", "parent_body": "Leeds CC"}).id
        desk.notes.add(kent, "Budget agreed with the Commissioner", on=date(2013, 3, 1))
        desk.notes.add(leeds, "Budget still open", on=date(2013, 3, 2))
        desk.notes.add(leeds, "Pension fund call", on=date(2013, 3, 3))
        assert desk.notes.search("budget")
    return data_dir


def test_the_first_search_saves_the_index_user_only_and_in_the_desk_names(folder: Path) -> None:
    path = folder / NOTES_INDEX_NAME
    assert path.is_file() and NOTES_INDEX_NAME in DESK_NAMES
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    assert ids(search_folder(folder, "budget")) == ["N-00002", "N-00001"]


def test_the_folder_search_follows_the_journal_written_since(folder: Path) -> None:
    with opened(folder) as desk:
        kent, leeds = subjects(desk)
        added = desk.notes.add(kent, "Budget for the lease", on=date(2013, 3, 9)).id
        desk.notes.edit("N-00002", body="Closed now")
        desk.notes.delete("N-00003")
        desk.referrals.update(leeds, {"organisation": "Medway Youth"})
        desk.notes.edit("N-00001", tags=["pensions"])
        in_process = {q: ids(desk.notes.search(q)) for q in QUERIES}
        desk.close(checkpoint=False)
    for query in QUERIES:
        assert ids(search_folder(folder, query)) == in_process[query], query
    assert in_process["budget"] == [added, "N-00001"]
    assert in_process["medway closed"] == ["N-00002"]


QUERIES = ["budget", "closed", "medway closed", "kent", "pension", "lease budget", "e", "n-0000"]


def test_folded_journals_are_read_from_the_kept_segments(folder: Path) -> None:
    with opened(folder) as desk:
        desk.checkpoint()  # the snapshot the index was saved at becomes the first backup
        desk.notes.add(subjects(desk)[0], "Budget after a checkpoint", on=date(2013, 4, 1))
        desk.checkpoint()
        desk.notes.add(subjects(desk)[0], "Budget after two", on=date(2013, 4, 2))
        desk.checkpoint()
        expected = ids(desk.notes.search("budget"))
    assert ids(search_folder(folder, "budget")) == expected


def test_the_folder_search_declines_what_it_cannot_vouch_for(data_dir: Path) -> None:
    with opened(data_dir) as desk:
        york = desk.referrals.add({"organisation": "York Arts", "parent_body": "York CC"}).id
        kent = desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id
        desk.notes.add(kent, "Budget agreed")
        assert desk.notes.search("budget")  # saved while York had no notes
        desk.notes.add(york, "Budget for York")
        expected = ids(desk.notes.search("york budget"))
        desk.close(checkpoint=False)
    # York's organisation is in the snapshot only: the store must answer, and does.
    assert search_folder(data_dir, "york budget") is None
    with opened(data_dir) as desk:
        assert ids(desk.notes.search("york budget")) == expected == ["N-00002"]
    (data_dir / "journal.ack").unlink()
    assert search_folder(data_dir, "budget") is None


@pytest.mark.parametrize(
    "damage", ["truncate", "flip-vocabulary", "flip-record", "flip-tokens", "garbage", "version"]
)
def test_a_damaged_index_is_never_trusted_and_is_rebuilt(folder: Path, damage: str) -> None:
    path = folder / NOTES_INDEX_NAME
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage.startswith("flip"):
        # The vocabulary comes first, then the tokens of each note, then the records.
        found = [n for n in range(len(data)) if data.startswith(b"udget", n)]
        at = {"flip-vocabulary": found[0], "flip-tokens": found[1], "flip-record": found[-1]}
        data[at[damage] : at[damage] + 5] = b"ebras"
    elif damage == "garbage":
        data = bytearray(b"not an index at all")
    else:
        data = data.replace(b'"format":1', b'"format":9', 1)
    truth = {"budget": ["N-00002", "N-00001"], "zebras": [], "e": ["N-00003", "N-00002"]}
    path.write_bytes(bytes(data))
    for query, expected in truth.items():
        # Damage is noticed before the damaged bytes are used: no answer, or the right one.
        assert ids(search_folder(folder, query, limit=2)) in (None, expected), query
    with opened(folder) as desk:
        assert ids(desk.notes.search("budget")) == ["N-00002", "N-00001"]
        assert desk.notes.search("zebras") == []
    assert ids(search_folder(folder, "budget")) == ["N-00002", "N-00001"]


def test_an_index_from_another_history_is_not_trusted(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    with opened(other) as desk:
        kent = desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id
        desk.notes.add(kent, "Something else entirely")
        desk.notes.add(kent, "And more")
        desk.notes.add(kent, "And more still")
    # Same sequence number, different changes: the copied index must not answer.
    (other / NOTES_INDEX_NAME).write_bytes((folder / NOTES_INDEX_NAME).read_bytes())
    assert search_folder(other, "budget") is None
    with opened(other) as desk:
        assert desk.notes.search("budget") == []


def test_erasure_deletes_the_index_and_search_forgets_the_text(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(note_search, "REWRITE_EVENTS", 0)
    with opened(folder) as desk:
        desk.notes.edit("N-00003", body="Pension fund call, again")
        assert desk.notes.search("pension")
    assert b"again" in (folder / DELTA_NAME).read_bytes()  # the edited note is in the delta
    with opened(folder) as desk:
        desk.erase("N-00003", "asked")
        assert not (folder / NOTES_INDEX_NAME).exists()
        assert not (folder / DELTA_NAME).exists()
        assert desk.notes.search("pension") == []
    assert b"pension" not in (folder / NOTES_INDEX_NAME).read_bytes().lower()
    assert search_folder(folder, "pension") == []


def test_closing_far_behind_saves_the_changed_notes_in_the_delta(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(note_search, "REWRITE_EVENTS", 2)
    path, delta = folder / NOTES_INDEX_NAME, folder / DELTA_NAME
    before = path.read_bytes()
    with opened(folder) as desk:
        for n in range(3):
            desk.notes.add(subjects(desk)[0], f"weekly call {n}")
    assert path.read_bytes() == before and not delta.exists()  # no search: left for the next
    assert search_folder(folder, "weekly") is not None
    with opened(folder) as desk:
        kent = subjects(desk)[0]
        assert len(desk.notes.search("weekly")) == 3
        desk.notes.edit("N-00002", body="Closed now")  # after the search: still saved
        desk.notes.delete("N-00004")
        desk.referrals.update(kent, {"organisation": "Medway Youth"})
        in_process = {q: ids(desk.notes.search(q)) for q in [*QUERIES, "weekly", "medway"]}
        desk.close(checkpoint=True)  # the journal is folded into the snapshot
    assert path.read_bytes() == before and DELTA_NAME in DESK_NAMES
    if os.name == "posix":
        assert delta.stat().st_mode & 0o777 == 0o600
    # Only the delta can answer now: the journal is empty and the kept segments hidden.
    monkeypatch.setattr(note_journal, "_kept_segments_since", lambda directory, seq: [])
    for query, expected in in_process.items():
        assert ids(search_folder(folder, query)) == expected, query
    assert in_process["weekly"] == ["N-00006", "N-00005"]
    assert in_process["medway"] == ["N-00006", "N-00005", "N-00001"]


def test_many_changed_notes_rewrite_the_index_and_drop_the_delta(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(note_search, "REWRITE_EVENTS", 2)
    path, delta = folder / NOTES_INDEX_NAME, folder / DELTA_NAME
    with opened(folder) as desk:
        assert desk.notes.search("budget")
        desk.notes.add(subjects(desk)[0], "first weekly call")
        desk.notes.add(subjects(desk)[0], "second weekly call")
        desk.notes.add(subjects(desk)[0], "third weekly call")
    assert delta.is_file()
    before = path.read_bytes()
    monkeypatch.setattr(note_search, "REWRITE_NOTES", 3)
    with opened(folder) as desk:
        desk.notes.edit("N-00001", body="Budget moved on")
        assert len(desk.notes.search("weekly")) == 3
    assert path.read_bytes() != before and not delta.exists()
    assert ids(search_folder(folder, "budget")) == ["N-00002", "N-00001"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "other-index"])
def test_a_damaged_or_foreign_delta_is_never_used(
    folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: str
) -> None:
    monkeypatch.setattr(note_search, "REWRITE_EVENTS", 1)
    with opened(folder) as desk:
        assert desk.notes.search("budget")
        desk.notes.edit("N-00001", body="Zebras now")
        desk.notes.add(subjects(desk)[0], "Budget for zebras")
    delta = folder / DELTA_NAME
    data = delta.read_bytes()
    if damage == "flip":
        delta.write_bytes(data.replace(b"Zebras now", b"Zebras wow"))
    elif damage == "truncate":
        delta.write_bytes(data[: len(data) // 2])
    else:  # the delta of an index written since: it does not extend this one
        delta.write_bytes(data.replace(b'"base_seq":', b'"base_seq":1', 1))
    for query, expected in {
        "zebras": ["N-00004", "N-00001"],
        "budget": ["N-00004", "N-00002"],
    }.items():
        assert ids(search_folder(folder, query)) in (None, expected), query
    monkeypatch.setattr(note_journal, "_kept_segments_since", lambda directory, seq: [])
    with opened(folder) as desk:
        desk.checkpoint()  # now only a delta could answer: none can
    assert search_folder(folder, "zebras") is None


def test_a_read_only_desk_never_writes_the_index(data_dir: Path) -> None:
    with opened(data_dir) as desk:
        kent = desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id
        desk.notes.add(kent, "Budget agreed")
    with Desk.open(data_dir, read_only=True) as reader:
        assert ids(reader.notes.search("budget")) == ["N-00001"]
    assert not (data_dir / NOTES_INDEX_NAME).exists()


def test_notes_are_found_by_id_and_subject_by_bisection(tmp_path: Path) -> None:
    from mspdesk.desk.note_base import BaseIndex, build_sections
    from mspdesk.store.notes_file import read_notes_file, write_notes_file

    subjects_of = {f"N-{n:05d}": f"R-2013-{n % 7:04d}" for n in range(1, 60)}
    subjects_of |= {"N-00070": "C-ü1", "N-00071": "C-ü1", "N-00072": "C-z"}  # offsets in bytes
    notes = [
        (key, {"subject": subject, "body": f"note {key}", "on": f"2013-01-{n % 28 + 1:02d}"})
        for n, (key, subject) in enumerate(subjects_of.items())
    ]
    notes.append(("N-00099", {"subject": "C-0001", "body": "gone", "on": "2013-02-01"}))
    notes[-1][1]["deleted"] = True
    write_notes_file(tmp_path, 7, "e7", build_sections(notes, lambda subject: "Org"))
    opened = read_notes_file(tmp_path)
    assert opened is not None
    base = BaseIndex(opened)
    try:
        for key in subjects_of:
            slot = base.slot_of(key)
            assert slot is not None and base.record(slot)["id"] == key
        for subject in set(subjects_of.values()):
            expected = sorted(k for k, s in subjects_of.items() if s == subject)
            assert sorted(base.notes_of(subject)) == expected
        assert base.slot_of("N-00099") is None and base.notes_of("C-0001") == []
        assert base.slot_of("N-0000") is None and base.slot_of("N-99999") is None
        assert base.slot_of("") is None and base.notes_of("R-2013-9999") == []
    finally:
        base.close()


def test_a_new_session_catches_up_without_parsing_the_history_or_the_notes(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(note_search, "REWRITE_EVENTS", 0)
    with opened(folder) as desk:
        kent, leeds = subjects(desk)
        assert desk.notes.search("budget")
        desk.notes.edit("N-00001", body="Budget moved to April")
        desk.notes.add(kent, "Budget for the lease", on=date(2013, 3, 9))
        desk.close(checkpoint=True)
    assert (folder / DELTA_NAME).is_file()
    with opened(folder) as desk:  # no search: these are in the journal only
        desk.notes.edit("N-00002", body="Closed now")
        desk.notes.delete("N-00003")
        desk.close(checkpoint=True)  # every table in the snapshot, parsed only when used
    with opened(folder) as desk:
        store = desk.core.store
        assert ids(desk.notes.search("budget")) == ["N-00004", "N-00001"]
        assert ids(desk.notes.search("april")) == ["N-00001"]
        assert desk.notes.search("pension") == [] and desk.notes.searchable() == 3
        assert store._tables.is_unread("notes") and store._tables.is_unread("events")
        desk.notes.add(leeds, "Budget again", on=date(2013, 3, 10))  # then the store's turn
        desk.notes.edit("N-00004", body="Lease signed")
        assert ids(desk.notes.search("budget")) == ["N-00005", "N-00001"]
        assert ids(desk.notes.search("lease")) == ["N-00004"]
        assert desk.notes.search("budget")[0].subject_title == "Leeds Lib"
