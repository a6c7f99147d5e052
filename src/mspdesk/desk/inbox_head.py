"""Saving the inbox head (see mspdesk/inbox_head.py) for the next start-up to paint first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mspdesk import locations
from mspdesk.inbox_head import HEAD_NAME, InboxHead, data_stamp, encode_head, remove_head
from mspdesk.store.files import atomic_write

if TYPE_CHECKING:
    from pathlib import Path

    from mspdesk.desk import Desk


def rubric_path() -> Path:
    """The rubric file whose stamp a head depends on (the due dates and band titles)."""
    return locations.content_dir() / "triage.toml"


def save_head(desk: Desk, head: InboxHead, seq: int) -> bool:
    """Write `head`, which shows the inbox as of change `seq`, if that is still the newest
    change; else remove any older head. Only a writer saves one. True if written."""
    if desk.read_only:
        return False
    directory = desk.directory
    stamp = data_stamp(directory, rubric_path())
    # A change made after `seq` (or one being written now) makes the rows out of date; the
    # stamp is read before the rows are trusted, so a change racing this fails the next check.
    if stamp is None or stamp[0] != seq or desk.triage.change_number() != seq:
        remove_head(directory)
        return False
    atomic_write(directory / HEAD_NAME, encode_head(head, stamp))
    return True
