"""The notes index as saved on disk (store/notes_file.py): built from every live note,
then searched in place without loading it.

Slots are the live notes sorted by (date, id), so the newest note has the highest slot
and "newest first" is simply descending slot order. Each slot has its distinct tokens
(its haystack, for scanning) and its record (id, subject, organisation, date, kind,
adviser, tags and body: all a hit shows, so the command line can answer without loading
the store). Postings are exact when written (no stale slots), so intersecting them
answers a query without reading any haystack. Note ids and subjects are kept sorted, so a
note (or a subject's notes) is found by bisection, reading a few bytes.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

from mspdesk.store.notes_file import DamagedIndex, NotesFile

SEPARATOR = "\x00"  # never in a query word, so no match spans two vocabulary tokens
TOKEN_CAP = 2_000
"""A word inside more vocabulary tokens than this is "dense": it is checked by scanning."""
DENSE_NOTES = 8_000
"""Candidates above this many: scanning newest-first (and stopping early) is cheaper."""


def note_tokens(note_id: str, record: dict[str, Any], title: str) -> list[str]:
    """The distinct lowercase whitespace-separated tokens of everything searched."""
    parts = [
        str(record["body"]),
        " ".join(record.get("tags") or ()),
        str(record.get("kind", "")),
        note_id,
        str(record["subject"]),
        title,
        str(record.get("adviser", "")),
        str(record["on"]),
    ]
    text = "\n".join(parts).replace(SEPARATOR, " ").casefold()
    return list(dict.fromkeys(text.split()))


def tokens_containing(vocabulary: str, starts: Any, word: str, cap: int) -> list[int] | None:
    """Ids of the vocabulary tokens that contain `word`; None if more than `cap` do."""
    if vocabulary.count(word) > cap:
        return None
    tokens: list[int] = []
    position = vocabulary.find(word)
    while position != -1:
        token = bisect.bisect_right(starts, position) - 1
        tokens.append(token)
        following = token + 1
        position = vocabulary.find(
            word, starts[following] if following < len(starts) else len(vocabulary)
        )
    return tokens


def vocabulary_of(tokens: list[str]) -> tuple[str, array[int]]:
    """The tokens joined (token id = position) and each one's start offset."""
    starts = array("I", itertools.accumulate((len(t) + 1 for t in tokens), initial=0))
    starts.pop()
    return SEPARATOR.join(tokens), starts


def build_sections(
    notes: Iterable[tuple[str, dict[str, Any]]], title_of: Callable[[str], str]
) -> dict[str, bytes]:
    """Every section of the file, from (id, record) of every note (deleted ones skipped)."""
    live = sorted((str(r["on"]), key, r) for key, r in notes if not r.get("deleted"))
    # Insertion order gives each token its id; one C-level lookup per occurrence.
    postings: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
    hays: list[bytes] = []
    recs: list[bytes] = []
    titles: dict[str, str] = {}
    subjects: list[str] = []
    for slot, (_, key, record) in enumerate(live):
        subject = str(record["subject"])
        subjects.append(subject)
        title = titles.get(subject)
        if title is None:
            title = titles[subject] = title_of(subject)
        tokens = note_tokens(key, record, title)
        for token in tokens:
            postings[token].append(slot)
        hays.append(" ".join(tokens).encode())
        recs.append(orjson.dumps(_shown(key, record, title)))
    vocabulary, starts = vocabulary_of(list(postings))
    post_off = array("I", itertools.accumulate(map(len, postings.values()), initial=0))
    return {
        "vocab": vocabulary.encode(),
        "starts": starts.tobytes(),
        "post_off": post_off.tobytes(),
        "postings": b"".join(p.tobytes() for p in postings.values()),
        "hay_off": _offsets(hays),
        "hays": b"".join(hays),
        "rec_off": _offsets(recs),
        "recs": b"".join(recs),
        "titles": _title_lines(titles),
        **_sorted_keys("id", [key for _, key, _ in live]),
        **_sorted_keys("subject", subjects),
    }


def _sorted_keys(name: str, keys: list[str]) -> dict[str, bytes]:
    """`keys` (one per slot) sorted, with offsets and their slots: a key's slots are found
    by bisection, reading a few bytes, however many notes there are."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    encoded = [keys[slot].encode() for slot in order]
    return {
        f"{name}_keys": b"".join(encoded),
        f"{name}_off": _offsets(encoded),
        f"{name}_slots": array("I", order).tobytes(),
    }


def _shown(key: str, record: dict[str, Any], title: str) -> dict[str, Any]:
    fields = ("subject", "on", "kind", "adviser", "tags", "body")
    return {"id": key, "title": title, **{f: record.get(f) for f in fields}}


def _offsets(chunks: list[bytes]) -> bytes:
    return array("I", itertools.accumulate(map(len, chunks), initial=0)).tobytes()


def _title_lines(titles: dict[str, str]) -> bytes:
    """ "\\nKEY\\tTITLE\\n" per subject: found with one `find`, never parsed whole."""
    lines = (f"{k}\t{' '.join(t.split())}" for k, t in titles.items())
    return ("\n" + "\n".join(lines) + "\n").encode()


class BaseIndex:
    """A saved index, searched in place. Raises ValueError (DamagedIndex) if its sections
    disagree, at once or when a damaged block is first read."""

    def __init__(self, opened: NotesFile) -> None:
        self.file = opened
        self.seq = opened.seq
        self._vocabulary = opened.small("vocab").decode()
        self._starts = _array(opened.small("starts"))
        self._post_off = _array(opened.small("post_off"))
        self._hay_off = _array(opened.small("hay_off"))
        self._rec_off = _array(opened.small("rec_off"))
        self._titles: dict[str, str] | None = None
        self._keyed: dict[str, tuple[str, array[int], array[int]]] = {}
        self.notes = len(self._hay_off) - 1
        sizes = opened.sizes
        keyed = ("id_off", "subject_off", "id_slots", "subject_slots")
        consistent = (
            self.notes >= 0
            and all(sizes[name] == (self.notes + name.endswith("_off")) * 4 for name in keyed)
            and len(self._rec_off) == self.notes + 1
            and len(self._post_off) == len(self._starts) + 1
            and self._post_off[-1] * 4 == sizes["postings"]
            and self._hay_off[-1] == sizes["hays"]
            and self._rec_off[-1] == sizes["recs"]
        )
        if not consistent:
            raise ValueError("the notes index's sections disagree")

    def newest_matching(self, words: list[str]) -> Iterator[int]:
        """Slots of notes holding every word, newest first (lazily)."""
        sparse: list[tuple[int, list[int]]] = []
        for word in words:
            tokens = tokens_containing(self._vocabulary, self._starts, word, TOKEN_CAP)
            if tokens is not None:
                sparse.append((self._estimate(tokens), tokens))
        sparse.sort()
        if not sparse or sparse[0][0] > DENSE_NOTES:
            return self._scan(words, range(self.notes - 1, -1, -1))
        candidates = self._notes_in(sparse[0][1])
        checked = 1
        for estimate, tokens in sparse[1:]:
            if not candidates or estimate > DENSE_NOTES:
                break
            candidates &= self._notes_in(tokens)
            checked += 1
        ordered = sorted(candidates, reverse=True)
        if checked == len(words):
            return iter(ordered)  # exact postings: every word is already checked
        return self._scan(words, ordered)

    def _scan(self, words: list[str], slots: Iterable[int]) -> Iterator[int]:
        for slot in slots:
            hay = self.hay(slot)
            if all(word in hay for word in words):
                yield slot

    def _estimate(self, tokens: list[int]) -> int:
        off = self._post_off
        return sum(off[t + 1] - off[t] for t in tokens)

    def _notes_in(self, tokens: list[int]) -> set[int]:
        found: set[int] = set()
        for token in tokens:
            found.update(self._posting(token))
        return found

    def _posting(self, token: int) -> array[int]:
        start, end = self._post_off[token], self._post_off[token + 1]
        slots = _array(self.file.read("postings", start * 4, end * 4))
        if slots and max(slots) >= self.notes:
            raise DamagedIndex("the notes index's postings point past its notes")
        return slots

    def hay(self, slot: int) -> str:
        return bytes(self.file.read("hays", self._hay_off[slot], self._hay_off[slot + 1])).decode()

    def record(self, slot: int) -> dict[str, Any]:
        found: dict[str, Any] = orjson.loads(
            self.file.read("recs", self._rec_off[slot], self._rec_off[slot + 1])
        )
        return found

    def slot_of(self, note_id: str) -> int | None:
        """The slot of a note by id."""
        return next(self._slots_keyed("id", note_id), None)

    def notes_of(self, subject: str) -> list[str]:
        """Ids of the notes on `subject`."""
        return [self.record(slot)["id"] for slot in self._slots_keyed("subject", subject)]

    def _slots_keyed(self, name: str, key: str) -> Iterator[int]:
        """Slots whose `name` ("id", "subject") is `key`, by bisecting the sorted keys."""
        keys, offsets, slots = self._sorted_keys(name)
        ranks = range(self.notes)
        rank = bisect.bisect_left(ranks, key, key=lambda at: keys[offsets[at] : offsets[at + 1]])
        while rank < self.notes and keys[offsets[rank] : offsets[rank + 1]] == key:
            if slots[rank] >= self.notes:
                raise DamagedIndex("the notes index's keys point past its notes")
            yield slots[rank]
            rank += 1

    def _sorted_keys(self, name: str) -> tuple[str, array[int], array[int]]:
        """The sorted keys (read and checked whole, on first need: a few MB at most), their
        offsets in characters and their slots."""
        found = self._keyed.get(name)
        if found is None:
            keys = bytes(self.file.read(f"{name}_keys", 0, self.file.sizes[f"{name}_keys"]))
            offsets = _array(self.file.read(f"{name}_off", 0, self.file.sizes[f"{name}_off"]))
            if not keys.isascii():  # offsets count bytes: make them count characters
                text = keys.decode()
                starts = itertools.accumulate(
                    len(keys[a:b].decode()) for a, b in itertools.pairwise(offsets)
                )
                offsets = array("I", [0, *starts])
            else:
                text = keys.decode("ascii")
            slots = _array(self.file.read(f"{name}_slots", 0, self.file.sizes[f"{name}_slots"]))
            found = self._keyed[name] = (text, offsets, slots)
        return found

    def title(self, subject: str) -> str | None:
        """The organisation of `subject` when saved, or None if it had no notes then."""
        if self._titles is None:  # read (and checked) whole, on first need only
            lines = bytes(self.file.read("titles", 0, self.file.sizes["titles"])).decode()
            pairs = (line.partition("\t") for line in lines.split("\n") if line)
            self._titles = {key: title for key, _, title in pairs}
        return self._titles.get(subject)

    def close(self) -> None:
        self.file.close()


def _array(view: memoryview | bytes) -> array[int]:
    values = array("I")
    values.frombytes(view)
    return values
