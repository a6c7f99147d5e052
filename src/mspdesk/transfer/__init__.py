"""Moving referrals in and out of mspdesk through files the adviser chooses.

Import: `plan_import(path, desk)` reads and checks a CSV or JSON file and saves
nothing; `apply_import(plan, desk)` saves the new rows and writes the rejects.
"""

from __future__ import annotations

from mspdesk.transfer.importers import (
    BATCH_SIZE,
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
    "BATCH_SIZE",
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
