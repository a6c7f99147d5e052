"""Reading referrals: rows as stored, newest first, filtered by TinyDB queries; and the
listing as each record's stored JSON, for `mspdesk referrals list --json`.

Imports no models (pydantic): a command that only reads referrals starts without them
(`Referrals`, in referrals.py, adds the writing, which validates).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from mspdesk.desk.core import DeskCore
from mspdesk.gc_paused import without_gc
from mspdesk.store.queries import QueryInstance, fields_equal, matching, select
from mspdesk.store.record_bytes import Span as Span  # the listing's records (cli/common.py)
from mspdesk.store.record_bytes import encoded

TABLE = "referrals"
SEARCHED = ("id", "source_ref", "organisation", "parent_body", "service_area", "region")


class ReferralRows:
    """The referral records as stored (JSON-shaped dicts: never mutate them)."""

    def __init__(self, core: DeskCore) -> None:
        self._core = core
        self._haystacks: dict[str, tuple[dict[str, Any], str]] = {}

    def row(self, referral_id: str) -> dict[str, Any]:
        """One referral as stored; NotFound if none. Cheaper than `get` when many are
        compared (an import checks every row)."""
        from mspdesk.domain.errors import NotFound

        record = self._core.store.get(TABLE, referral_id)
        if record is None:
            raise NotFound(f"no referral {referral_id}")
        return record

    def one(self, referral_id: str) -> dict[str, Any]:
        """One referral as stored, for a command that reads only it: found in the stored
        JSON (`record_spans`) when the table is not parsed, which at 100k referrals costs
        a third of parsing it and little memory. NotFound if none."""
        from mspdesk.domain.errors import NotFound

        store = self._core.store
        if not store.has(TABLE, referral_id):
            raise NotFound(f"no referral {referral_id}")
        if store.is_parsed(TABLE):
            return self.row(referral_id)
        for key, data, start, end in store.record_spans(TABLE):
            if key == referral_id:
                found: dict[str, Any] = orjson.loads(data[start:end])
                return found
        raise NotFound(f"no referral {referral_id}")

    def newest_first_rows(self) -> Iterator[dict[str, Any]]:
        """Every referral as `rows` has them, newest first, parsed one at a time from the
        stored JSON (the table itself is never parsed: a tenth of the memory at 100k)."""
        for _, data, start, end in self.newest_first_json():
            yield orjson.loads(data[start:end])

    def exists(self, referral_id: str) -> bool:
        return self._core.store.has(TABLE, referral_id)  # without parsing the table

    def rows(self) -> list[dict[str, Any]]:
        """Every referral as a plain JSON-shaped dict, newest first. Do not mutate them."""
        table = self._core.store.table(TABLE)
        return sorted(table.values(), key=newest_first, reverse=True)

    def count(self) -> int:
        return len(self._core.store.table(TABLE))

    def search(self, text: str, rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Rows whose reference, organisation, parent body, service area or region contain
        every word of `text` (case-insensitive); of `rows` if given, else of all, newest
        first."""
        if rows is None:
            return self.select(text=text)
        words = text.casefold().split()
        if not words:
            return rows
        return [row for row in rows if all(w in self._haystack(row) for w in words)]

    def select(self, *, status: str | None = None, text: str = "") -> list[dict[str, Any]]:
        """Referrals with this status and holding every word of `text` (as `search`),
        newest first: a TinyDB query over the store's records (store/queries.py)."""
        words = tuple(sorted(set(text.casefold().split())))
        if status is None and not words:
            return self.rows()
        condition = self._text_condition(words) if words else None
        if status is not None:
            by_status = fields_equal(status=status)
            condition = by_status if condition is None else by_status & condition
        assert condition is not None
        found = select(self._core.store, TABLE, condition)
        return sorted(found, key=newest_first, reverse=True)

    def newest_first_json(self) -> list[Span]:
        """Every referral's stored JSON, newest first (the order of `rows`), read without
        parsing the table: (key, buffer, start, end), the JSON being buffer[start:end]."""
        with without_gc():
            spans = self._core.store.record_spans(TABLE)
            match = _ID_RECEIVED.match
            order = []
            for _, data, start, end in spans:
                found = match(data, start, end)
                order.append(found[2] + b"\0" + found[1] if found else _sort_key(data[start:end]))
            ranked = sorted(range(len(spans)), key=order.__getitem__, reverse=True)
            return [spans[number] for number in ranked]

    @staticmethod
    def as_json(rows: list[dict[str, Any]]) -> Iterator[Span]:
        """Rows as `newest_first_json` gives them, each encoded as the store keeps it when
        it is asked for (100k encoded at once held 0.8 GB: orjson's buffers)."""
        return (encoded(row["id"], row) for row in rows)

    def _text_condition(self, words: tuple[str, ...]) -> QueryInstance:
        haystack = self._haystack
        return matching(
            lambda row: all(w in haystack(row) for w in words),  # type: ignore[arg-type]
            ("referral words", words),
        )

    def _haystack(self, row: dict[str, Any]) -> str:
        # Every change stores a new row dict, so the cached text is valid while it was made
        # from this very object (updated_at alone repeats within a millisecond, and undo
        # restores an old one). Holding the row keeps its identity from being reused.
        cached = self._haystacks.get(row["id"])
        if cached is not None and cached[0] is row:
            return cached[1]
        hay = " ".join(str(row.get(name) or "") for name in SEARCHED).casefold()
        hay += " " + str(row.get("contact", {}).get("name", "")).casefold()
        self._haystacks[row["id"]] = (row, hay)
        return hay


def newest_first(row: dict[str, Any]) -> tuple[str, str]:
    """The sort key of the referral lists (reversed): received, then id."""
    return row["received"], row["id"]


_ID_RECEIVED = re.compile(rb'\{"id":"([^"\\]*)","received":"([^"\\]*)"')
"""How the desk writes a referral's JSON: id, then received, at the very start (so neither
is a nested object's), neither escaped. Their UTF-8 bytes sort as the text does."""


def _sort_key(record_json: bytes) -> bytes:
    """`newest_first` as one bytes value that sorts the same (NUL is below any character)."""
    row = orjson.loads(record_json)
    return f"{row['received']}\0{row['id']}".encode()
