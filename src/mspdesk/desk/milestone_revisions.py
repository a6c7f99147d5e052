"""How often, and when last, each milestone of a case changed in a way a calendar shows
(its date, status or title, or the case's organisation or status), read from the event log.

Calendars use it as the event's SEQUENCE and LAST-MODIFIED: a moved date or a milestone
done must carry a higher SEQUENCE, or calendars that imported an earlier file keep the old
event. Counting events (undo is an event too) keeps the number rising, never falling.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mspdesk.desk.cases import TABLE as CASES
from mspdesk.desk.core import DeskCore

SHOWN = ("due", "status", "title")
"""The fields of a milestone a calendar event shows."""
CASE_SHOWN = ("organisation", "status")
"""The fields of a case every one of its events shows."""


@dataclass(frozen=True)
class Revision:
    sequence: int
    """0 until the milestone first changes, then one more for each change."""
    last_modified: datetime | None
    """When it last changed (None: never, since the case was made)."""


def milestone_revisions(core: DeskCore, case_id: str) -> dict[str, Revision]:
    """Milestone code -> its revision, for every milestone the case has had."""
    counts: dict[str, int] = defaultdict(int)
    latest: dict[str, datetime] = {}
    # The event that made the case does not keep its data (see Store): start from now.
    known = set(_by_code((core.store.get(CASES, case_id) or {}).get("milestones")))
    for event in core.store.events_for(case_id):
        at = datetime.fromisoformat(event["at"])
        for op in event["ops"]:
            if op.get("table") != CASES or op.get("key") != case_id:
                continue
            changed = _changed_codes(op, known)
            for code in changed:
                counts[code] += 1
                latest[code] = at
    return {code: Revision(counts[code], latest.get(code)) for code in known}


def _changed_codes(op: dict[str, Any], known: set[str]) -> set[str]:
    data = op.get("data") or {}
    prior = op.get("prior") or {}
    new = _by_code(data.get("milestones"))
    known.update(new)
    if not prior:
        return set()  # the case being made: nothing changed yet
    changed: set[str] = set()
    if any(name in data and data.get(name) != prior.get(name) for name in CASE_SHOWN):
        changed |= known
    if "milestones" in data:
        old = _by_code(prior.get("milestones"))
        for code in set(new) | set(old):
            before, after = old.get(code), new.get(code)
            if (
                before is None
                or after is None
                or any(before.get(name) != after.get(name) for name in SHOWN)
            ):
                changed.add(code)
    return changed


def _by_code(milestones: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(milestones, list):
        return {}
    return {str(m.get("code")): m for m in milestones if isinstance(m, dict)}
