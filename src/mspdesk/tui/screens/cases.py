"""All cases: a filterable virtual table; Enter opens the case."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content

from mspdesk.tui.case_rows import CASE_COLUMNS, case_row
from mspdesk.tui.screens.list_screen import FILTER_KEYS, ListScreen
from mspdesk.tui.widgets.record_list import ListSpec
from mspdesk.tui.widgets.record_table import RecordTable, Row
from mspdesk.tui.words import count, count_of

if TYPE_CHECKING:
    from mspdesk.desk import Desk
    from mspdesk.desk.cases import CaseRow


class CasesScreen(ListScreen):
    """Every case, newest first, with its next due date and how many milestones are late."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *FILTER_KEYS,
        Binding("a", "next_adviser", "Adviser", tooltip="Show one adviser's cases, then all"),
        Binding("x", "register", "Conflicts", tooltip="Conflicts of interest across cases"),
    ]

    SCREEN_TITLE = "Cases"
    LIST = ListSpec(
        CASE_COLUMNS,
        placeholder="Filter: words from a name, case, adviser…",
        empty="No cases yet: accept a referral in the Inbox (F3) to open one.",
        no_match="No case matches the filter.",
        list_id="cases-pane",
        table_id="cases",
        filter_id="cases-filter",
        status_id="cases-status",
    )

    def __init__(self) -> None:
        super().__init__()
        self._cases: list[CaseRow] = []
        self._rows: list[Row] = []
        self.adviser: str | None = None

    def reload(self) -> None:
        self.load_rows()

    def load_rows(self) -> None:
        """Build the rows off the UI thread, then show them."""

        def fetch(desk: Desk) -> tuple[list[CaseRow], list[Row]]:
            cases = desk.cases.summaries()
            return cases, [case_row(case) for case in cases]

        self.load_in_background(fetch, self._show_rows)

    def _show_rows(self, loaded: tuple[list[CaseRow], list[Row]]) -> None:
        self._cases, self._rows = loaded
        self._apply_filter()

    def _apply_filter(self) -> None:
        """The cases of the adviser chosen with `a` (all when none), filtered as typed."""
        chosen = [
            (case, row)
            for case, row in zip(self._cases, self._rows, strict=True)
            if self.adviser is None or case.adviser == self.adviser
        ]
        haystacks = [
            f"{c.case_id} {c.organisation} {c.parent_body} {c.adviser} {c.status} {r.cells[-1]}"
            for c, r in chosen
        ]
        self.records.show([row for _, row in chosen], haystacks)
        late = sum(1 for case in self._cases if case.overdue and case.status == "active")
        self.sub_title = f"{count(late, 'case')} with overdue milestones" if late else ""

    def describe(self, shown: int, total: int) -> Content:
        late = sum(1 for case in self._cases if case.overdue and case.status == "active")
        who = f" · adviser {self.adviser}" if self.adviser else ""
        # Content, not a str: an adviser's name is shown as typed, never parsed as markup.
        return Content(
            f"{count_of(shown, total, 'case')}{who} · {late} with overdue milestones · Enter opens"
        )

    @on(RecordTable.Selected, "#cases")
    def _open(self, event: RecordTable.Selected) -> None:
        self.open_case(event.key)

    def open_case(self, case_id: str, milestone: str | None = None) -> None:
        """Show case `case_id` (with milestone `milestone` selected)."""
        from mspdesk.tui.screens.case import CaseScreen

        self.app.push_screen(CaseScreen(case_id, milestone))

    def action_next_adviser(self) -> None:
        advisers = sorted({case.adviser for case in self._cases})
        if not advisers:
            return
        if self.adviser not in advisers:
            self.adviser = advisers[0]
        else:
            index = advisers.index(self.adviser) + 1
            self.adviser = advisers[index] if index < len(advisers) else None
        self._apply_filter()

    def action_register(self) -> None:
        from mspdesk.tui.screens.conflicts import ConflictRegisterScreen

        self.app.push_screen(ConflictRegisterScreen())
