"""Moving referrals in and out of mspdesk through files the adviser chooses.

Import: `plan_import(path, desk)` reads and checks a CSV, Excel or JSON file and saves
nothing; `apply_import(plan, desk)` saves its additions and updates as one change and
writes the rejects.
"""

from __future__ import annotations

from mspdesk.transfer.importers import (
    ImportInterrupted,
    ImportPlan,
    ImportResult,
    Outcome,
    Progress,
    RowOutcome,
    apply_import,
    plan_import,
)
from mspdesk.transfer.readers import UnreadableFile
from mspdesk.transfer.rejects import RejectsNotWritten
from mspdesk.transfer.values import Problem

__all__ = [
    "ImportInterrupted",
    "ImportPlan",
    "ImportResult",
    "Outcome",
    "Problem",
    "Progress",
    "RejectsNotWritten",
    "RowOutcome",
    "UnreadableFile",
    "apply_import",
    "plan_import",
]
