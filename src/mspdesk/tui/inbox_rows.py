"""The inbox's rows: built once per refresh, then filtered and sorted without touching the desk.

Filtering is a substring test over precomputed lower-case haystacks, so a keystroke on
10,000 referrals costs a few milliseconds (see benchmarks/inbox_filter.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, overload

from mspdesk.domain.choices import ProposedModel, Route
from mspdesk.tui.widgets.record_table import Column, Row

if TYPE_CHECKING:
    # Type only: importing the desk at start-up would pull pydantic into the first frame.
    from mspdesk.desk.triage import InboxItem

INBOX_COLUMNS = [
    Column("id", "Reference", 11, priority=3),
    Column("age", "Age", 4, align_right=True, priority=2),
    Column("due", "Due", 10, priority=2),
    Column("band", "Band", 12, priority=1, min_width=9),
    # The organisation is what advisers scan: it keeps 30 cells and takes the spare width;
    # route and model shorten first, then leave on a narrow terminal.
    Column("organisation", "Organisation", 30, flex=2, priority=4, min_width=18),
    Column("parent_body", "Parent body", 22, flex=1, priority=1, min_width=14),
    Column("route", "Route", 18, priority=0, min_width=16),
    Column("model", "Model", 17, priority=0, min_width=14),
]

OUT_OF_SCOPE = "out of scope"


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One inbox line: the desk's item and the text the filter searches. Its table row is
    made when drawn (`row`): at 100,000 referrals keeping every row's cells would cost about
    25 MB, and only the forty or so on screen are ever drawn."""

    item: InboxItem
    haystack: str

    @property
    def row(self) -> Row:
        """The table row; overdue rows are flagged to show in red."""
        item = self.item
        overdue = item.overdue
        return Row(
            key=item.referral_id,
            cells=(
                item.referral_id,
                str(item.age_days),
                "overdue" if overdue else item.due.isoformat(),
                band_cell(item),
                item.organisation,
                item.parent_body,
                route_label(item.route),
                model_label(item.proposed_model),
            ),
            flag="overdue" if overdue else "",
        )


class EntryRows(Sequence[Row]):
    """The table rows of a list of entries, each made when asked for."""

    def __init__(self, entries: Sequence[InboxEntry]) -> None:
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [entry.row for entry in self._entries[index]]
        return self._entries[index].row

    def key_at(self, index: int) -> str:
        """The key of row `index`, without making the row."""
        return self._entries[index].item.referral_id


@cache
def route_label(route: str) -> str:
    return Route.label_of(route, short=True)


@cache
def model_label(model: str) -> str:
    return ProposedModel.label_of(model, short=True)


def band_cell(item: InboxItem) -> str:
    """The band of the last scoring; unscored referrals outside the remit say so."""
    if item.band:
        return item.band.replace("-", " ")
    return "" if item.in_scope else OUT_OF_SCOPE


_EXTRAS: dict[tuple[str, ...], str] = {}
"""The searchable labels of an entry, made once per distinct combination (there are few)."""


def inbox_entry(item: InboxItem) -> InboxEntry:
    """The entry for one inbox item: the shown labels are searchable too ("right to provide",
    "overdue", "potential")."""
    parts = (item.route, item.proposed_model, band_cell(item), str(item.overdue), item.status)
    extra = _EXTRAS.get(parts)
    if extra is None:
        words = (
            route_label(item.route),
            model_label(item.proposed_model),
            parts[2],
            "overdue" if item.overdue else "",
            item.status,
        )
        extra = _EXTRAS[parts] = " ".join(words).casefold()
    return InboxEntry(item=item, haystack=f"{item.haystack} {extra}")


def inbox_entries(items: Sequence[InboxItem]) -> list[InboxEntry]:
    """Every item as an entry, in the order given."""
    return [inbox_entry(item) for item in items]


def filter_entries(
    entries: Sequence[InboxEntry], text: str, *, within: Sequence[InboxEntry] | None = None
) -> Sequence[InboxEntry]:
    """The entries whose haystack contains every word of `text` (case-insensitive).

    Pass the previous result as `within` when `text` only grew (the user typed on): a
    longer query can only match fewer rows, so there is no need to look at the rest.
    """
    words = text.casefold().split()
    if not words:
        return entries
    pool = entries if within is None else within
    if len(words) == 1:
        word = words[0]
        return [entry for entry in pool if word in entry.haystack]
    return [entry for entry in pool if all(word in entry.haystack for word in words)]


@dataclass(frozen=True)
class SortOrder:
    """A way of ordering the inbox: its name and the key each entry sorts by."""

    name: str
    key: Callable[[InboxEntry], Any]


SORT_ORDERS = [
    SortOrder("age", lambda e: (-e.item.age_days, e.item.referral_id)),
    SortOrder("due date", lambda e: (e.item.due, e.item.referral_id)),
    SortOrder("score", lambda e: (-(e.item.score_percent or -1.0), e.item.referral_id)),
    SortOrder("organisation", lambda e: (e.item.organisation.casefold(), e.item.referral_id)),
    SortOrder("parent body", lambda e: (e.item.parent_body.casefold(), e.item.referral_id)),
    SortOrder("route", lambda e: (e.item.route, e.item.referral_id)),
    SortOrder("model", lambda e: (e.item.proposed_model, e.item.referral_id)),
    SortOrder("reference", lambda e: e.item.referral_id),
]
"""The orders `s` cycles through; the first (oldest first) is where the inbox starts."""


def sort_entries(
    entries: Sequence[InboxEntry], order: SortOrder, *, reverse: bool = False
) -> list[InboxEntry]:
    """The entries in `order` (reversed if asked)."""
    return sorted(entries, key=order.key, reverse=reverse)
