"""What the case screen's header and tabs show, as Rich renderables.

Pure functions of the records: easy to test, and text from records is always wrapped in
`Text` (never parsed as markup) after `printable` strips terminal control characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mspdesk.desk.deadlines import TimelineRow
from mspdesk.desk.history import HistoryEntry
from mspdesk.domain.budget import CaseBudget, Programme, ProgrammeSummary
from mspdesk.domain.case import Case
from mspdesk.domain.challenge_warnings import (
    DeadlineWarning,
    Duty,
)
from mspdesk.domain.conflicts import review_state
from mspdesk.domain.labels import field_label, value_label
from mspdesk.domain.milestone import days_late
from mspdesk.domain.note import Note
from mspdesk.domain.procurement import ProcurementRoute, route_lines
from mspdesk.domain.social_value import SocialValueCheck
from mspdesk.tui.case_rows import short_date
from mspdesk.tui.widgets.record_table import printable

LEVEL_STYLE = {"overdue": "bold red", "soon": "yellow", "note": "cyan", "ok": ""}
# History shows these whole lists as a count, not their JSON.
LIST_FIELDS = frozenset({"milestones", "people", "conflicts", "authority_roles"})


def plain(value: object) -> Text:
    """User or file text, shown exactly (no markup, no control characters)."""
    return Text(printable(str(value)))


def _facts(rows: Iterable[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(Text(label), plain(value))
    return grid


def header(case: Case, today: date) -> RenderableType:
    """Organisation, parent body, route, model, stage, adviser, status and lateness."""
    late = sum(1 for m in case.milestones if days_late(m, today))
    title = Text(printable(case.organisation), style="bold")
    title.append(f"   {case.id}", style="dim")
    status = Text(case.status.label, style="bold" if case.status.value == "active" else "yellow")
    if late:
        status.append(f"   {late} overdue", style="bold red")
    line = Table.grid(padding=(0, 3))
    for _ in range(3):
        line.add_column()
    line.add_row(
        Text.assemble(("Parent body ", "dim"), plain(case.parent_body)),
        Text.assemble(("Route ", "dim"), case.route.label),
        Text.assemble(("Model ", "dim"), case.proposed_model.label),
    )
    line.add_row(
        Text.assemble(("Stage ", "dim"), case.stage.label),
        Text.assemble(("Adviser ", "dim"), plain(case.adviser or "—")),
        Text.assemble(("Status ", "dim"), status),
    )
    return Group(title, line)


def notes(entries: Sequence[Note]) -> RenderableType:
    """The case's notes, oldest first (editing comes with the notes screen)."""
    if not entries:
        return Text("No notes on this case yet.", style="dim")
    parts: list[RenderableType] = []
    for note in entries:
        head = Text(f"{short_date(note.on).strip()}  {note.kind.label}  ", style="bold")
        head.append(printable(note.adviser), style="dim")
        parts += [head, Text(printable(note.body)), Text("")]
    return Group(*parts)


def people(case: Case) -> RenderableType:
    """People and partners: adviser, Mutual Ambassador, parent-body contacts, LGA/DCLG."""
    if not case.people:
        return Text("Nobody recorded yet.", style="dim")
    table = Table(box=None, header_style="bold", expand=True, pad_edge=False)
    for column in ("Role", "Name", "Organisation", "Contact", "Note"):
        table.add_column(column)
    for person in case.people:
        contact = ", ".join(part for part in (person.email, person.phone) if part)
        table.add_row(
            Text(person.role.label),
            plain(person.name),
            plain(person.organisation),
            plain(contact),
            plain(person.note),
        )
    return table


def conflicts(case: Case, warnings: Sequence[str], today: date) -> RenderableType:
    """The authority's roles, warnings, and each declared conflict."""
    roles = ", ".join(role.label for role in case.authority_roles) or "none recorded"
    parts: list[RenderableType] = [Text.assemble(("Authority's roles: ", "bold"), roles)]
    parts += [Text(f"! {warning}", style="yellow") for warning in warnings]
    if not case.conflicts:
        parts.append(Text("\nNo conflicts declared.", style="dim"))
        return Group(*parts)
    table = Table(box=None, header_style="bold", expand=True, pad_edge=False)
    for column in ("Id", "Roles", "Conflict", "Mitigation", "Review"):
        table.add_column(column)
    for entry in case.conflicts:
        state = review_state(entry.review_on, not entry.open, today)
        review = "resolved" if not entry.open else short_date(entry.review_on).strip()
        table.add_row(
            Text(entry.id),
            Text(", ".join(role.label for role in entry.roles)),
            plain(entry.conflict),
            plain(entry.mitigation or "—"),
            Text(review, style=LEVEL_STYLE.get(state, "")),
        )
    parts += [Text(""), table]
    return Group(*parts)


def budget(
    value: CaseBudget,
    warnings: Sequence[tuple[str, str]],
    summary: ProgrammeSummary,
    programme: Programme,
) -> RenderableType:
    """The case's days and pounds, its warnings, and the programme's totals."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("", "Allocated", "Spent", "Left"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row(
        Text("Support days"),
        Text(f"{value.days_allocated:g}"),
        Text(f"{value.days_spent:g}"),
        Text(f"{value.days_left:g}", style="bold red" if value.days_left < 0 else ""),
    )
    table.add_row(
        Text("Amount"),
        Text(f"£{value.amount_allocated:,}"),
        Text(f"£{value.amount_spent:,}"),
        Text(f"£{value.amount_left:,}", style="bold red" if value.amount_left < 0 else ""),
    )
    parts: list[RenderableType] = [table]
    parts += [Text(f"! {message}", style=LEVEL_STYLE[level]) for level, message in warnings]
    parts.append(Text(f"\n{programme.name}", style="bold"))
    parts.append(
        _facts(
            [
                ("Programme total", f"£{summary.total:,}"),
                ("Allocated to cases", f"£{summary.amount_allocated:,} ({summary.cases} cases)"),
                ("Spent", f"£{summary.amount_spent:,}"),
                ("Not yet allocated", f"£{summary.unallocated:,}"),
            ]
        )
    )
    parts += [
        Text(f"! {message}", style=LEVEL_STYLE[level]) for level, message in summary.warnings()
    ]
    return Group(*parts)


def deadlines(
    case: Case,
    timeline: Sequence[TimelineRow],
    warnings: Sequence[DeadlineWarning],
    check: SocialValueCheck,
    route: ProcurementRoute | None = None,
    duties: Sequence[Duty] = (),
) -> RenderableType:
    """Right to Challenge timeline and warnings, the Social Value Act check, then the
    procurement route for the case's contract."""
    parts: list[RenderableType] = []
    if case.challenge is not None:
        eoi = case.challenge.eoi
        parts.append(
            Text.assemble(("Community Right to Challenge", "bold"), f"   EOI: {eoi.state.label}")
        )
        parts += [Text(f"! {w.message}", style=LEVEL_STYLE[w.level]) for w in warnings]
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column()
        for row in timeline:
            if row.day is None and row.state != "due":
                continue
            mark = {"done": "✓", "due": "·"}.get(row.state, " ")
            table.add_row(Text(mark), Text(short_date(row.day)), Text(row.label))
        parts.append(table)
        if duties:
            parts.append(Text("Authority's publication duties", style="bold"))
            for duty in duties:
                mark = {True: "✓", False: "✗", None: "·"}[duty.done]
                when = f" ({short_date(duty.on)})" if duty.on else ""
                when += f" (due {short_date(duty.due)})" if duty.due else ""
                parts.append(Text(f"{mark} {duty.code} {duty.label}{when}"))
        parts.append(Text(""))
    if check.applies is None:
        verdict = ("Cannot tell yet", "dim")
    else:
        verdict = ("Applies", "bold yellow") if check.applies else ("Does not apply", "green")
    parts.append(Text.assemble(("Public Services (Social Value) Act 2012", "bold"), "   ", verdict))
    parts.append(Text(check.reason))
    if check.unverified:
        parts.append(Text("The threshold figure is unverified in our sources.", style="yellow"))
    parts.append(Text("Guidance: " + ", ".join(check.guidance), style="dim"))
    if route is not None:
        parts += [Text(""), Text("Procurement route", style="bold")]
        parts += [Text(line) for line in route_lines(route)]
    return Group(*parts)


def history(entries: Sequence[HistoryEntry]) -> RenderableType:
    """Every event on the case, newest first: when, who, what, and which fields changed."""
    if not entries:
        return Text("No changes recorded.", style="dim")
    table = Table(box=None, header_style="bold", expand=True, pad_edge=False)
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What", ratio=1)
    for entry in reversed(entries):
        what = plain(entry.summary or entry.kind)
        if entry.undone:
            what.append("  (undone)", style="italic dim")
        fields = _changed_fields(entry)
        if fields:
            what.append(f"\n{fields}", style="dim")
        table.add_row(Text(f"{entry.at.astimezone():%d %b %Y %H:%M}"), plain(entry.who), what)
    return table


def _changed_fields(entry: HistoryEntry) -> str:
    parts = []
    for change in entry.changes:
        if change.field == "record":
            continue
        name = field_label(change.field)
        if change.field in LIST_FIELDS or isinstance(change.new, (dict, list)):
            parts.append(name)
        else:
            old = value_label(change.field, change.old)
            new = value_label(change.field, change.new)
            parts.append(f"{name}: {_short(old)} → {_short(new)}")
    return "; ".join(parts)


def _short(value: object) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 40 else text[:39] + "…"
