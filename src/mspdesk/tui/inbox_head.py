"""The inbox head in the TUI: made from the inbox's entries when the desk closes, painted as
table rows at the next start-up until the whole desk is loaded (see mspdesk/inbox_head.py)."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from mspdesk.inbox_head import HEAD_ROWS, HeadCells, InboxHead
from mspdesk.tui.inbox_rows import SORT_ORDERS, InboxEntry, inbox_entries
from mspdesk.tui.widgets.record_table import Row

if TYPE_CHECKING:
    from mspdesk.desk import Desk

DEFAULT_ORDER = SORT_ORDERS[0]
"""The order the inbox opens in; the head is the first rows in it, with no filter."""


def head_of(entries: Sequence[InboxEntry]) -> InboxHead:
    """The head of the inbox holding `entries` (in any order)."""
    first = heapq.nsmallest(HEAD_ROWS, entries, key=DEFAULT_ORDER.key)
    rows: list[HeadCells] = []
    for entry in first:
        item, cells = entry.item, entry.row.cells
        rows.append(
            (
                item.referral_id,
                item.received.isoformat(),
                item.due.isoformat(),
                *cells[3:8],  # band, organisation, parent body, route, model as shown
            )  # type: ignore[arg-type]
        )
    due = Counter(entry.item.due.isoformat() for entry in entries)
    return InboxHead(rows=rows, total=len(entries), overdue_by=sorted(due.items()))


def save_inbox_head(
    desk: Desk, entries: Sequence[InboxEntry] | None = None, seq: int | None = None
) -> bool:
    """Save the head of the inbox: from `entries` current at change `seq` if given, else read
    afresh from the desk. True if written (a read-only desk writes none)."""
    from mspdesk.desk.inbox_head import save_head

    if entries is None or seq is None:
        seq = desk.triage.change_number()
        entries = inbox_entries(desk.triage.inbox_rows())
    return save_head(desk, head_of(entries), seq)


def head_rows(head: InboxHead, today: date) -> list[Row]:
    """The head's rows as the inbox draws them on `today` (age and overdue counted today)."""
    rows = []
    for referral_id, received, due, band, organisation, parent, route, model in head.rows:
        overdue = today > date.fromisoformat(due)
        age = (today - date.fromisoformat(received)).days
        rows.append(
            Row(
                key=referral_id,
                cells=(
                    referral_id,
                    str(age),
                    "overdue" if overdue else due,
                    band,
                    organisation,
                    parent,
                    route,
                    model,
                ),
                flag="overdue" if overdue else "",
            )
        )
    return rows
