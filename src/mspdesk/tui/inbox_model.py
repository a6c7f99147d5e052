"""The inbox's entries in their sort order, with the table rows and filter texts beside them,
patched in place when a few referrals change (a triage, an undo): at 100,000 referrals a
change costs a few binary searches, not a pass over every entry."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from mspdesk.tui.inbox_rows import SORT_ORDERS, EntryRows, InboxEntry, SortOrder, sort_entries


class InboxModel:
    """Entries sorted by `order` (reversed if `reverse`); `rows` (made as drawn) and
    `haystacks` match them position for position, and `overdue` counts the overdue ones."""

    def __init__(self) -> None:
        self.order: SortOrder = SORT_ORDERS[0]
        self.reverse = False
        self.entries: list[InboxEntry] = []
        self.rows = EntryRows(self.entries)
        self.haystacks: list[str] = []
        self.overdue = 0
        self._by_id: dict[str, InboxEntry] = {}

    def load(self, entries: list[InboxEntry], order: SortOrder, reverse: bool) -> None:
        """Take `entries`, already sorted by `order`."""
        self.order, self.reverse = order, reverse
        self.entries = entries
        self.rows = EntryRows(entries)
        self.haystacks = [entry.haystack for entry in entries]
        self.overdue = sum(1 for entry in entries if entry.item.overdue)
        self._by_id = {entry.item.referral_id: entry for entry in entries}

    def resort(self, order: SortOrder, reverse: bool) -> None:
        self.load(sort_entries(self.entries, order, reverse=reverse), order, reverse)

    def patch(self, touched: Iterable[str], fresh: Sequence[InboxEntry]) -> None:
        """Drop the entries of the `touched` referrals, then put in the `fresh` ones (those
        of them still in the inbox) where the order puts them."""
        touched = set(touched)
        if self.reverse:  # a descending list cannot be searched by key: sort it again
            kept = [e for e in self.entries if e.item.referral_id not in touched]
            self.load(sort_entries(kept + list(fresh), self.order, reverse=True), self.order, True)
            return
        for referral_id in touched:
            old = self._by_id.pop(referral_id, None)
            if old is not None:
                self._remove(self.position(old))
        key = self.order.key
        for entry in fresh:
            at = bisect.bisect_left(self.entries, key(entry), key=key)
            self.entries.insert(at, entry)
            self.haystacks.insert(at, entry.haystack)
            self.overdue += entry.item.overdue
            self._by_id[entry.item.referral_id] = entry

    def position(self, entry: InboxEntry) -> int:
        """Where `entry` is (the sort key holds the referral id, so it is unique)."""
        if not self.reverse:
            at = bisect.bisect_left(self.entries, self.order.key(entry), key=self.order.key)
            if at < len(self.entries) and self.entries[at] is entry:
                return at
        return next(i for i, e in enumerate(self.entries) if e is entry)

    def index_of(self, referral_id: str | None) -> int | None:
        """The position of a referral's row, if it is in the inbox."""
        entry = self._by_id.get(referral_id) if referral_id else None
        return None if entry is None else self.position(entry)

    def _remove(self, at: int) -> None:
        self.overdue -= self.entries[at].item.overdue
        del self.entries[at], self.haystacks[at]
