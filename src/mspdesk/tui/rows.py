"""Records turned into table rows: plain strings, built off the UI thread where possible."""

from __future__ import annotations

from typing import Any

from mspdesk.domain.choices import ProposedModel, ReferralStatus, Route
from mspdesk.tui.widgets.record_table import Column, Row

REFERRAL_COLUMNS = [
    Column("id", "Reference", 11),
    Column("received", "Received", 10),
    Column("status", "Status", 11),
    Column("organisation", "Organisation", 28, flex=True),
    Column("parent_body", "Parent body", 22, flex=True),
    Column("route", "Route", 18),
    Column("model", "Model", 16),
]

# Short labels: the table has no room for "Commissioner-led spin-out".
_ROUTE = {
    Route.COMMISSIONER_LED.value: "Council-led",
    Route.RIGHT_TO_CHALLENGE.value: "Right to Challenge",
    Route.RIGHT_TO_PROVIDE.value: "Right to Provide",
    Route.OTHER.value: "Other",
}
_MODEL = {m.value: m.label for m in ProposedModel}
_STATUS = {s.value: s.label for s in ReferralStatus}


def referral_row(record: dict[str, Any]) -> Row:
    """One referral as a table row (the key is its reference)."""
    status = str(record.get("status", ""))
    return Row(
        key=str(record["id"]),
        cells=(
            str(record["id"]),
            str(record.get("received", "")),
            _STATUS.get(status, status),
            str(record.get("organisation", "")),
            str(record.get("parent_body", "")),
            _ROUTE.get(str(record.get("route")), str(record.get("route", ""))),
            _MODEL.get(str(record.get("proposed_model")), str(record.get("proposed_model", ""))),
        ),
        flag="muted" if status in ("declined", "referred-on") else "",
    )
