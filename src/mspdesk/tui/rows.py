"""Records turned into table rows: plain strings, built off the UI thread where possible."""

from __future__ import annotations

from typing import Any

from mspdesk.domain.choices import ProposedModel, ReferralStatus, Route
from mspdesk.tui.widgets.record_table import Column, Row

REFERRAL_COLUMNS = [
    Column("id", "Reference", 11, priority=3),
    Column("received", "Received", 10, priority=1),
    Column("status", "Status", 11, priority=2, min_width=9),
    Column("organisation", "Organisation", 30, flex=2, priority=4, min_width=18),
    Column("parent_body", "Parent body", 22, flex=1, priority=1, min_width=14),
    Column("route", "Route", 18, priority=0, min_width=16),
    Column("model", "Model", 17, priority=0, min_width=14),
]


def referral_row(record: dict[str, Any]) -> Row:
    """One referral as a table row (the key is its reference)."""
    status = str(record.get("status", ""))
    return Row(
        key=str(record["id"]),
        cells=(
            str(record["id"]),
            str(record.get("received", "")),
            ReferralStatus.label_of(status),
            str(record.get("organisation", "")),
            str(record.get("parent_body", "")),
            Route.label_of(record.get("route", ""), short=True),
            ProposedModel.label_of(record.get("proposed_model", ""), short=True),
        ),
        flag="muted" if status in ("declined", "referred-on") else "",
    )
