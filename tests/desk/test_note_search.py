"""Searching notes across every referral and case."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from mspdesk.desk import Desk, note_base, note_memory
from mspdesk.desk.note_search import snippet_of


@pytest.fixture
def subjects(desk: Desk) -> tuple[str, str]:
    kent = desk.referrals.add({"organisation": "Kent Youth", "parent_body": "Kent CC"}).id
    leeds = desk.referrals.add({"organisation": "Leeds Libraries", "parent_body": "Leeds CC"}).id
    return kent, leeds


def test_every_word_must_match_anywhere_in_any_case(desk: Desk, subjects: tuple[str, str]) -> None:
    kent, leeds = subjects
    both = desk.notes.add(kent, "Budget agreed with the Commissioner", on=date(2013, 3, 1))
    desk.notes.add(leeds, "Budget still open", on=date(2013, 3, 2))
    desk.notes.add(leeds, "Commissioner on leave", on=date(2013, 3, 3))

    assert [h.note_id for h in desk.notes.search("commiss BUDG")] == [both.id]
    assert [h.note_id for h in desk.notes.search("udge")] != []
    assert desk.notes.search("budget zebra") == []
    assert desk.notes.search("   ") == []


def test_hits_are_newest_first_with_subject_date_kind_and_snippet(
    desk: Desk, subjects: tuple[str, str]
) -> None:
    kent, leeds = subjects
    old = desk.notes.add(kent, "Board meeting went well", kind="meeting", on=date(2013, 1, 5))
    new = desk.notes.add(leeds, "Call with the board chair", kind="call", on=date(2013, 2, 5))

    hits = desk.notes.search("board")

    assert [h.note_id for h in hits] == [new.id, old.id]
    first = hits[0]
    assert (first.subject, first.subject_title) == (leeds, "Leeds Libraries")
    assert (first.on, first.kind.value, first.adviser) == (date(2013, 2, 5), "call", "tester")
    assert first.snippet == "Call with the board chair"
    assert [first.snippet[a:b] for a, b in first.spans] == ["board"]


def test_tags_kind_subject_and_organisation_are_searched(
    desk: Desk, subjects: tuple[str, str]
) -> None:
    kent, leeds = subjects
    tagged = desk.notes.add(kent, "Text", tags=["pensions"], kind="visit")
    other = desk.notes.add(leeds, "Other")
    assert [h.note_id for h in desk.notes.search("pensions")] == [tagged.id]
    assert [h.note_id for h in desk.notes.search("visit")] == [tagged.id]
    assert [h.note_id for h in desk.notes.search(leeds)] == [other.id]
    assert [h.note_id for h in desk.notes.search("libraries other")] == [other.id]
    # A tag/organisation match has no span in the body snippet.
    assert desk.notes.search("pensions")[0].spans == ()


def test_the_index_follows_adds_edits_deletes_undo_and_renames(
    desk: Desk, subjects: tuple[str, str]
) -> None:
    kent, _ = subjects
    assert desk.notes.search("apple") == []  # builds the index while empty
    note = desk.notes.add(kent, "apple pie")
    assert [h.note_id for h in desk.notes.search("apple")] == [note.id]
    desk.notes.edit(note.id, body="pear tart")
    assert desk.notes.search("apple") == []
    assert [h.note_id for h in desk.notes.search("pear")] == [note.id]
    desk.notes.delete(note.id)
    assert desk.notes.search("pear") == []
    desk.undo()
    assert [h.note_id for h in desk.notes.search("pear")] == [note.id]
    desk.referrals.update(kent, {"organisation": "Medway Youth"})
    assert [h.note_id for h in desk.notes.search("medway pear")] == [note.id]
    assert desk.notes.search("kent pear") == []


def test_limit_keeps_the_newest(desk: Desk, subjects: tuple[str, str]) -> None:
    kent, _ = subjects
    for day in range(1, 11):
        desk.notes.add(kent, f"weekly call {day}", on=date(2013, 1, day))
    hits = desk.notes.search("weekly", limit=3)
    assert [h.on.day for h in hits] == [10, 9, 8]


@pytest.mark.parametrize(
    ("token_cap", "dense_notes", "scan_notes"),
    [
        (2_000, 8_000, 0),
        (1, 8_000, 0),
        (2_000, 5, 0),
        (0, 0, 0),
        (2_000, 8_000, 3_000),
        (2_000, 8_000, 30),
    ],
    ids=[
        "postings",
        "dense-words-scanned",
        "many-candidates-scanned",
        "always-scan",
        "changed-notes-scanned",
        "changed-notes-listed-once-many",
    ],
)
def test_search_agrees_with_a_plain_scan_on_random_notes(
    desk: Desk,
    subjects: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    token_cap: int,
    dense_notes: int,
    scan_notes: int,
) -> None:
    monkeypatch.setattr(note_base, "TOKEN_CAP", token_cap)
    monkeypatch.setattr(note_base, "DENSE_NOTES", dense_notes)
    monkeypatch.setattr(note_memory, "SCAN_NOTES", scan_notes)
    rng = random.Random(7)
    vocabulary = ["budget", "board", "staff", "pension", "TUPE", "lease", "ß", "café", "x"]
    kent, leeds = subjects
    bodies: dict[str, str] = {}
    for n in range(300):
        body = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 6)))
        note = desk.notes.add(
            rng.choice([kent, leeds]), body, on=date(2013, 1, 1) + timedelta(days=n % 50)
        )
        bodies[note.id] = body
        if n % 37 == 0:
            desk.notes.delete(note.id)
            del bodies[note.id]
    queries = ["budget", "tupe lease", "bud oar", "ss", "café", "x staff", "board board", "e"]
    # A third round edits notes once their postings are listed (scan_notes 30 only).
    for round_ in range(3 if scan_notes == 30 else 2):
        texts = {note_id: everything(desk, note_id) for note_id in bodies}
        for query in queries:
            words = query.casefold().split()
            expected = {i for i, text in texts.items() if all(w in text for w in words)}
            found = [h.note_id for h in desk.notes.search(query, limit=10_000)]
            assert set(found) == expected, query
            newest_first = [(n.on, n.id) for n in map(desk.notes.get, found)]
            assert newest_first == sorted(newest_first, reverse=True), query
        # Then edit some notes (stale postings must not leak) and search again.
        for note_id in list(bodies)[round_::5]:
            bodies[note_id] = rng.choice(vocabulary) + " edited"
            desk.notes.edit(note_id, body=bodies[note_id])


def everything(desk: Desk, note_id: str) -> str:
    """All the text search looks at, for the plain-scan oracle."""
    note = desk.notes.get(note_id)
    title = desk.referrals.get(note.subject).organisation
    fields = [note.body, *note.tags, note.kind, note.id, note.subject, title, note.adviser]
    return " ".join([*fields, note.on.isoformat()]).casefold()


def test_snippet_starts_near_the_match_and_marks_each_word() -> None:
    body = "Intro line.\n" + "filler " * 30 + "the Budget was agreed by the budget board"
    snippet, spans = snippet_of(body, ["budget", "board"])
    assert snippet.startswith("…") and "\n" not in snippet
    assert [snippet[a:b] for a, b in spans] == ["Budget", "budget", "board"]
    assert len(snippet) <= 122
