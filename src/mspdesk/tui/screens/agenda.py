"""The agenda: open milestones across every active case, overdue first, then this week, then
the next 30 days, with open subject access requests among them by due date. `a` cycles
through advisers; Enter opens the case at that milestone."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content

from mspdesk.tui.case_rows import AGENDA_COLUMNS, SAR_KEY, agenda_rows, sar_rows, with_requests
from mspdesk.tui.screens.list_screen import FILTER_KEYS, ListScreen
from mspdesk.tui.widgets.record_list import ListSpec
from mspdesk.tui.widgets.record_table import RecordTable, Row

if TYPE_CHECKING:
    from mspdesk.desk import Desk
    from mspdesk.desk.agenda import Agenda

WINDOW_DAYS = 30


class AgendaScreen(ListScreen):
    """What is due across all cases; the overdue count shows in the header."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *FILTER_KEYS,
        Binding("a", "next_adviser", "Adviser", tooltip="Show one adviser's agenda, then all"),
        Binding("m", "mine", "Mine", tooltip="Only my cases (again: everyone's)"),
    ]

    SCREEN_TITLE = "Agenda"
    LIST = ListSpec(
        AGENDA_COLUMNS,
        placeholder="Filter: words from a case, milestone, organisation, adviser…",
        empty="Nothing due.",
        no_match="Nothing due matches the filter.",
        list_id="agenda-pane",
        table_id="agenda",
        filter_id="agenda-filter",
        status_id="agenda-summary",
    )

    def __init__(self) -> None:
        super().__init__()
        self.adviser: str | None = None
        self.agenda: Agenda | None = None
        self._advisers: list[str] = []
        self._requests = 0

    def reload(self) -> None:
        self.load_rows()

    def load_rows(self) -> None:
        """Work out the agenda off the UI thread, then show it."""
        adviser = self.adviser

        def fetch(desk: Desk) -> tuple[Agenda, list[Row], list[str]]:
            agenda = desk.cases.agenda(days=WINDOW_DAYS, adviser=adviser)
            # A request is the programme's, not an adviser's: it shows on every agenda.
            requests = sar_rows(desk.subject_access_requests(), agenda.today)
            rows = with_requests(agenda, agenda_rows(agenda), requests)
            return agenda, rows, desk.cases.advisers()

        self.load_in_background(fetch, self._show)

    def _show(self, loaded: tuple[Agenda, list[Row], list[str]]) -> None:
        agenda, rows, advisers = loaded
        self.agenda, self._advisers = agenda, advisers
        self._requests = sum(row.key.startswith(SAR_KEY) for row in rows)
        records = self.records
        records.empty = f"Nothing due in the next {agenda.days} days."
        records.show(rows, [" ".join(row.cells) for row in rows])
        self.sub_title = f"{agenda.counts()['overdue']} overdue"

    def describe(self, shown: int, total: int) -> Content:
        agenda = self.agenda
        if agenda is None:
            return Content("")
        counts = agenda.counts()
        who = f"{agenda.adviser}'s cases" if agenda.adviser else "all advisers"
        filtered = f" · {shown} of {total} shown" if shown != total else ""
        requests = self._requests
        plural = "s" if requests != 1 else ""
        sars = f" · {requests} subject access request{plural}" if requests else ""
        # Content, not a str: an adviser's name is shown as typed, never parsed as markup.
        return Content(
            f"{counts['overdue']} overdue · {counts['this_week']} due this week · "
            f"{counts['later']} more in the next {agenda.days} days{sars} · {who} · "
            f"today {agenda.today:%d %b %Y}{filtered}"
        )

    @on(RecordTable.Selected, "#agenda")
    def _open(self, event: RecordTable.Selected) -> None:
        from mspdesk.tui.screens.case import CaseScreen

        if event.key.startswith(SAR_KEY):
            request = event.key.removeprefix(SAR_KEY)
            self.notify(
                f"When {request} is answered, record it: mspdesk sar done {request}",
                title="Subject access request",
                markup=False,
            )
            return
        case_id, _, code = event.key.partition("/")
        self.app.push_screen(CaseScreen(case_id, code))

    def action_next_adviser(self) -> None:
        if not self._advisers:
            return
        if self.adviser not in self._advisers:
            self.adviser = self._advisers[0]
        else:
            index = self._advisers.index(self.adviser) + 1
            self.adviser = self._advisers[index] if index < len(self._advisers) else None
        self.load_rows()

    def action_mine(self) -> None:
        """Only the cases held by the adviser at this desk (`mspdesk config set adviser`),
        however their name was typed when the case was handed to them; again: everyone's."""
        from mspdesk.domain.adviser import handle_from

        desk = self.desk_app.desk
        if desk is None:
            return
        mine = next(
            (name for name in self._advisers if handle_from(name) == desk.actor), desk.actor
        )
        if self.adviser == mine:
            self.adviser = None
        else:
            self.adviser = mine
            if mine not in self._advisers:
                self.notify(
                    f"No case is held by {desk.actor}. Set your name with "
                    "`mspdesk config set adviser NAME`.",
                    markup=False,
                )
        self.load_rows()
