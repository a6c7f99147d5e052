"""The detail pane: one referral's fields and its history, as plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from mspdesk.tui.widgets.record_table import printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import HistoryEntry
    from mspdesk.domain.referral import Referral


def _money(value: int | None) -> str:
    return "" if value is None else f"£{value:,}"


class ReferralDetail(VerticalScroll):
    """Shows the referral under the cursor."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Select a referral to see it here.", style="dim"), id="detail-body")

    def show(self, referral: Referral | None, history: list[HistoryEntry]) -> None:
        body = self.query_one("#detail-body", Static)
        if referral is None:
            body.update(Text("Nothing selected.", style="dim"))
            return
        facts = Table.grid(padding=(0, 1))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        contact = referral.contact
        for label, value in [
            ("Reference", referral.id),
            ("Received", f"{referral.received:%d %b %Y}"),
            ("Status", referral.status.label),
            ("Source", referral.source.label),
            ("Source ref", referral.source_ref),
            ("Also merged", ", ".join(referral.merged_source_refs)),
            (
                "Possible dup.",
                f"of {referral.possible_duplicate_of}" if referral.possible_duplicate_of else "",
            ),
            ("Merged into", referral.merged_into or ""),
            ("Kept apart", referral.duplicate_reason),
            ("Parent body", f"{referral.parent_body} ({referral.parent_body_kind.label})"),
            ("Service area", referral.service_area),
            (
                "Staff in scope",
                "" if referral.staff_in_scope is None else f"{referral.staff_in_scope:,}",
            ),
            ("Contract value", _money(referral.contract_value)),
            (
                "Model",
                referral.proposed_model.label + ("" if referral.in_scope else "  (out of scope)"),
            ),
            ("Staff control", _staff_control(referral)),
            ("Route", referral.route.label),
            ("Stage", referral.stage.label),
            (
                "Target spin-out",
                "" if referral.target_spin_out is None else f"{referral.target_spin_out:%d %b %Y}",
            ),
            ("Region", referral.region.label if referral.region else ""),
            ("Contact", ", ".join(p for p in (contact.name, contact.role) if p)),
            ("", ", ".join(p for p in (contact.email, contact.phone) if p)),
            ("Lawful basis", contact.lawful_basis.label),
            ("Case", referral.case_id or ""),
        ]:
            if value or label in ("Reference", "Status"):
                facts.add_row(Text(label), Text(printable(value)))
        parts: list[Text | Table] = [
            Text(printable(referral.organisation), style="bold underline"),
            facts,
        ]
        if referral.enquiry:
            lines = (printable(line) for line in referral.enquiry.splitlines())
            parts += [Text("\nEnquiry", style="bold"), Text("\n".join(lines))]
        if referral.source_fields:
            kept = Table.grid(padding=(0, 1))
            kept.add_column(style="bold", no_wrap=True)
            kept.add_column()
            for header, value in referral.source_fields.items():
                kept.add_row(Text(printable(header)), Text(printable(value)))
            parts += [Text("\nFrom the source file", style="bold"), kept]
        if history:
            parts.append(Text("\nHistory", style="bold"))
            for entry in history:
                stamp = f"{entry.at.astimezone():%d %b %Y %H:%M} "
                line = Text(stamp, style="dim")
                line.append(printable(entry.who), style="dim")
                line.append(": ", style="dim")
                line.append(printable(entry.summary))
                if entry.undone:
                    line.append(" (undone)", style="italic")
                parts.append(line)
        body.update(Group(*parts))
        self.scroll_home(animate=False)


def _staff_control(referral: Referral) -> str:
    """The staff's measured shares and what they mean for scope."""
    return referral.scope.reason
