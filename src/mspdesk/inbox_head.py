"""The inbox head: the first rows of the inbox, cached in the data folder so the desk can paint
them at start-up while the whole desk loads.

Written by the TUI when the desk closes (after the checkpoint, while the writer's lock is
held) and trusted only if the data has not changed since: the acknowledged change number in
`journal.ack`, the journal's length and the triage rubric's file stamp must all be what they
were when the head was written. Any other change (a CLI command, a crash after a change, an
erasure) fails the check, and the head is not shown. It holds personal data (organisation
names): user-only, and deleted by an erasure (store/erasure.py).

This module is read before the desk is open, so it imports only the standard library.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

HEAD_NAME = "inbox-head.json"
HEAD_FORMAT = 1
HEAD_ROWS = 120
"""Enough rows for the tallest first screen; a head this size reads in about a millisecond."""
ACK_NAME = "journal.ack"
JOURNAL_NAME = "journal.jsonl"

HeadCells = tuple[str, str, str, str, str, str, str, str]
"""(id, received, due, band, organisation, parent body, route, model): what the inbox's
default order shows, with dates as ISO text so the age is counted on the day it is shown."""


@dataclass(frozen=True)
class InboxHead:
    """What was written: the first rows in the default order, and how many waited in all."""

    rows: list[HeadCells]
    total: int
    overdue_by: list[tuple[str, int]]
    """(due date, referrals due that day) for every waiting referral, soonest first, so the
    overdue count is right on whatever day the head is shown."""

    def overdue_on(self, today: date) -> int:
        iso = today.isoformat()
        return sum(count for due, count in self.overdue_by if due < iso)


def data_stamp(directory: Path, rubric: Path) -> list[int] | None:
    """What must be unchanged for a head to be current: the acknowledged change number,
    the journal's length, the rubric file's size and mtime. None if it cannot be read."""
    try:
        ack = (directory / ACK_NAME).read_bytes().strip(b"\x00 \n")
        journal = os.stat(directory / JOURNAL_NAME).st_size
        rubric_info = os.stat(rubric)
    except OSError:
        return None
    if not ack.isdigit():
        return None
    return [int(ack), journal, rubric_info.st_size, rubric_info.st_mtime_ns]


def read_head(directory: Path, rubric: Path) -> InboxHead | None:
    """The head, if one was written and the data has not changed since; else None."""
    try:
        raw = (directory / HEAD_NAME).read_bytes()
    except OSError:
        return None
    stamp = data_stamp(directory, rubric)
    try:
        doc = json.loads(raw)
        if doc.get("format") != HEAD_FORMAT or stamp is None or doc.get("stamp") != stamp:
            return None
        rows = [_cells(row) for row in doc["rows"]]
        overdue_by = [(str(due), int(count)) for due, count in doc["overdue_by"]]
        return InboxHead(rows=rows, total=int(doc["total"]), overdue_by=overdue_by)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # a damaged cache is only a slower start


def _cells(row: Any) -> HeadCells:
    if not isinstance(row, list) or len(row) != 8 or not all(isinstance(c, str) for c in row):
        raise ValueError("not a head row")
    return (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])


def encode_head(head: InboxHead, stamp: list[int]) -> bytes:
    """The file's bytes for `head`, valid while the data's stamp is `stamp`."""
    doc = {
        "format": HEAD_FORMAT,
        "stamp": stamp,
        "total": head.total,
        "overdue_by": head.overdue_by,
        "rows": head.rows[:HEAD_ROWS],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def remove_head(directory: Path) -> None:
    """Delete the head (it would be stale, or it must not outlive an erasure)."""
    with contextlib.suppress(FileNotFoundError):
        (directory / HEAD_NAME).unlink()
