"""The case's support packages under its budget tab: each package, what they commit, deliver
and invoice against the case's allocation, and the programme's headroom (pence, exact)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mspdesk.desk.support import CaseMoney, ProgrammeMoney
from mspdesk.domain.support import Package, pounds


def packages_panel(
    packages: Sequence[Package], money: CaseMoney, programme: ProgrammeMoney
) -> RenderableType:
    """A table of packages and the money lines."""
    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    for column in ("Package", "Kind", "Days", "Value", "Status", "Due", "Invoiced"):
        right = column in ("Days", "Value", "Invoiced")
        table.add_column(column, justify="right" if right else "left")
    for package in packages:
        table.add_row(
            Text(package.id),
            Text(package.kind.label),
            Text(str(package.days)),
            Text(pounds(package.value)),
            Text(package.status.label.lower()),
            Text(package.due.isoformat()),
            Text(pounds(package.invoice_amount) if package.invoice_amount else "—"),
        )
    remaining_style = "bold red" if money.remaining < 0 else ""
    lines = Text.assemble(
        ("Committed ", "bold"),
        pounds(money.money.committed),
        ("   Delivered ", "bold"),
        pounds(money.money.delivered),
        ("   Invoiced ", "bold"),
        pounds(money.money.invoiced),
        ("\nRemaining of allocation ", "bold"),
        (pounds(money.remaining), remaining_style),
        ("   Programme headroom ", "bold"),
        pounds(programme.headroom),
    )
    return Group(Text("\nSupport packages", style="bold"), table, lines)
