"""The conflicts-of-interest register across cases: each declared conflict, reviews due first."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content

from mspdesk.domain.conflicts import AuthorityRole
from mspdesk.tui.case_rows import short_date
from mspdesk.tui.screens.list_screen import ListScreen
from mspdesk.tui.widgets.record_list import ListSpec
from mspdesk.tui.widgets.record_table import Column, RecordTable, Row
from mspdesk.tui.words import count, count_of

if TYPE_CHECKING:
    from mspdesk.desk.conflicts import RegisterRow

COLUMNS = [
    Column("case", "Case", 7),
    Column("id", "Id", 4),
    Column("organisation", "Organisation", 26, flex=1, priority=3, min_width=16),
    Column("roles", "Roles", 24),
    Column("conflict", "Conflict", 30, flex=2, priority=2, min_width=16),
    Column("review", "Review", 12),
]
_ROLE = {role.value: role.label.split(" /")[0] for role in AuthorityRole}


def register_row(row: RegisterRow) -> Row:
    review = "resolved" if row.resolved_on else short_date(row.review_on)
    return Row(
        key=row.key,
        cells=(
            row.case_id,
            row.entry_id,
            row.organisation,
            ", ".join(_ROLE.get(role, role) for role in row.roles),
            row.conflict,
            review + (" !" if row.review in ("overdue", "soon") else ""),
        ),
        flag="overdue" if row.review == "overdue" else ("muted" if row.resolved_on else ""),
    )


class ConflictRegisterScreen(ListScreen):
    """Every live conflict across cases; `r` also shows resolved ones; Enter opens the case."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Filter the register as you type"),
        Binding("escape", "back", "Back", tooltip="Back to the cases"),
        Binding("r", "toggle_resolved", "Resolved", tooltip="Show or hide resolved conflicts"),
    ]

    SCREEN_TITLE = "Conflicts of interest"
    LIST = ListSpec(
        COLUMNS,
        placeholder="Filter: words from a case, organisation, role or conflict…",
        empty="No conflicts declared.",
        no_match="No conflict matches the filter.",
        list_id="register-list",
        table_id="register",
        filter_id="register-filter",
        status_id="register-status",
    )

    def __init__(self) -> None:
        super().__init__()
        self.include_resolved = False
        self._due = 0

    def reload(self) -> None:
        """The register again (resolved ones too after `r`)."""
        desk = self.desk_app.desk
        if desk is None:
            return
        found = desk.cases.conflicts.register(include_resolved=self.include_resolved)
        self._due = sum(1 for row in found if row.review in ("overdue", "soon"))
        rows = [register_row(row) for row in found]
        self.records.show(rows, [" ".join(row.cells) for row in rows])

    def describe(self, shown: int, total: int) -> Content:
        return Content(
            f"{count_of(shown, total, 'conflict')} · {count(self._due, 'review')} due or overdue"
            " · Enter opens the case"
        )

    @on(RecordTable.Selected, "#register")
    def _open(self, event: RecordTable.Selected) -> None:
        from mspdesk.tui.screens.case import CaseScreen

        case = CaseScreen(event.key.partition("/")[0])
        self.app.push_screen(case, lambda _: None)
        case.call_after_refresh(case.action_tab, "conflicts")

    def action_back(self) -> None:
        """Esc: leave the filter first; then back to the cases."""
        if not self.records.leave_filter():
            self.app.pop_screen()

    def action_toggle_resolved(self) -> None:
        self.include_resolved = not self.include_resolved
        self.reload()
