"""The case's plan: the milestone checklist and the detail of the milestone under the
cursor, and what the plan's keys do. Each action asks what it needs in a dialog, saves through
the desk and posts `Saved` (or `Refused` with the desk's error); the desk screen shows it and
every screen reloads.

Re-planning steps (reschedule, new start) show a preview of every date that moves before
anything is saved; applying records one event, so Ctrl+Z undoes it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.containers import Vertical
from textual.widgets import Static

from mspdesk.domain.errors import InvalidRecord, UserError
from mspdesk.domain.milestone import Change, Milestone
from mspdesk.domain.parsing import parse_date
from mspdesk.tui.access import writable_desk
from mspdesk.tui.case_rows import MILESTONE_COLUMNS, milestone_rows
from mspdesk.tui.desk_messages import Refused, Saved
from mspdesk.tui.screens.case_forms import Field, FormModal, ReplanPreview, Values
from mspdesk.tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.domain.case import Case


class MilestonePlan(Vertical):
    """The milestones of `case_id`; `show` hands over the case as last read."""

    def __init__(self, case_id: str, *, select: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.case_id = case_id
        self.case: Case | None = None
        self._select = select

    def compose(self) -> ComposeResult:
        yield RecordTable(MILESTONE_COLUMNS, id="case-milestones", empty_text="None")
        yield Static("", id="milestone-detail")

    @property
    def table(self) -> RecordTable:
        return self.query_one("#case-milestones", RecordTable)

    def show(self, case: Case, today: date) -> None:
        """Show the case's milestones, the cursor on the one asked for, else where it was."""
        self.case = case
        keep, self._select = self._select, None
        self.table.set_rows(milestone_rows(case.milestones, today), keep=keep)

    def select(self, code: str) -> None:
        """Put the cursor on milestone `code` (after the next load if not loaded yet)."""
        self._select = code
        self.table.move_to(code)

    def current_milestone(self) -> Milestone | None:
        """The milestone under the cursor, if any."""
        code = self.table.current_key
        return self.case.milestone(code) if self.case and code else None

    def _writable(self) -> Desk | None:
        return writable_desk(self.app) if self.case is not None else None

    def _titles(self) -> dict[str, str]:
        return {m.code: m.title for m in self.case.milestones} if self.case else {}

    # ------------------------------------------------------------------ actions

    def complete(self) -> None:
        self._mark(done=True)

    def _mark(self, *, done: bool) -> None:
        """Mark the milestone under the cursor done, or open again; later dates re-plan."""
        desk, milestone = self._writable(), self.current_milestone()
        if desk is None or milestone is None:
            return
        milestones = desk.cases.milestones
        change = milestones.complete if done else milestones.reopen
        try:
            result = change(self.case_id, milestone.code)
        except UserError as error:
            self.post_message(Refused(error))
            return
        word = "done" if done else "open again"
        self.post_message(
            Saved(f"{milestone.code} {word}{_moved(result.moved)}", select=milestone.code)
        )

    def skip(self) -> None:
        desk, milestone = self._writable(), self.current_milestone()
        if desk is None or milestone is None:
            return

        def submit(values: Values) -> None:
            desk.cases.milestones.skip(self.case_id, milestone.code, values["reason"])

        def closed(values: Values | None) -> None:
            if values is not None:
                self.post_message(Saved(f"{milestone.code} skipped", select=milestone.code))

        form = FormModal(
            f"Skip {milestone.code}: {milestone.title}",
            [
                Field(
                    "reason",
                    "Why is it skipped?",
                    placeholder="e.g. the council holds one role only",
                )
            ],
            submit,
        )
        self.app.push_screen(form, closed)

    def reopen(self) -> None:
        self._mark(done=False)

    def reschedule(self) -> None:
        desk, milestone = self._writable(), self.current_milestone()
        if desk is None or milestone is None:
            return
        code = milestone.code
        changes: list[Change] = []

        def submit(values: Values) -> None:
            day = _date(values["due"], "new due date")
            found = desk.cases.milestones.preview_reschedule(self.case_id, {code: day})
            if not found:
                raise UserError(f"{code} is already due on {day:%d %b %Y}")
            changes[:] = found

        def apply(confirmed: bool | None) -> None:
            if not confirmed:
                self.notify("Dates left as they were.")
                return
            try:
                desk.cases.milestones.apply_reschedule(self.case_id, changes)
            except UserError as error:
                self.post_message(Refused(error))
                return
            self.post_message(Saved(f"Rescheduled: {len(changes)} date(s) moved", select=code))

        def chosen(values: Values | None) -> None:
            if values is not None:
                preview = ReplanPreview(f"Reschedule {code}", changes, self._titles())
                self.app.push_screen(preview, apply)

        due = milestone.due.isoformat() if milestone.due else ""
        form = FormModal(
            f"Reschedule {code}: {milestone.title}",
            [Field("due", "New due date", value=due, placeholder="YYYY-MM-DD or DD/MM/YYYY")],
            submit,
            explain="Milestones that hang from this one move with it; you see them before saving.",
        )
        self.app.push_screen(form, chosen)

    def replan_start(self) -> None:
        desk, case = self._writable(), self.case
        if desk is None or case is None:
            return
        changes: list[Change] = []
        start: list[date] = []

        def submit(values: Values) -> None:
            day = _date(values["start"], "start date")
            changes[:] = desk.cases.milestones.preview_reschedule(self.case_id, start=day)
            start[:] = [day]

        def apply(confirmed: bool | None) -> None:
            if not confirmed:
                self.notify("Dates left as they were.")
                return
            try:
                desk.cases.milestones.apply_reschedule(self.case_id, changes, start=start[0])
            except UserError as error:
                self.post_message(Refused(error))
                return
            self.post_message(Saved(f"Plan starts {start[0]:%d %b %Y}{_moved(changes)}"))

        def chosen(values: Values | None) -> None:
            if values is not None:
                title = f"Plan starts {start[0]:%d %b %Y}"
                self.app.push_screen(ReplanPreview(title, changes, self._titles()), apply)

        form = FormModal(
            "Move the plan's start",
            [Field("start", "New start date", value=case.plan_start.isoformat())],
            submit,
            explain="Every open milestone hanging from the start moves with it.",
        )
        self.app.push_screen(form, chosen)

    def add(self) -> None:
        desk = self._writable()
        if desk is None:
            return
        added: list[str] = []

        def submit(values: Values) -> None:
            due = _date(values["due"], "due date")
            after = values["after"].strip() or None
            result = desk.cases.milestones.add(self.case_id, values["title"], due, after=after)
            added[:] = [result.milestone.code]

        def closed(values: Values | None) -> None:
            if values is not None and added:
                self.post_message(Saved(f"{added[0]} added", select=added[0]))

        fields = [
            Field("title", "What must happen?"),
            Field("due", "Due date", placeholder="YYYY-MM-DD or DD/MM/YYYY"),
            Field("after", "Hangs from (a code like M05, or start; empty: a fixed date)"),
        ]
        self.app.push_screen(FormModal("Add a milestone", fields, submit), closed)

    def move(self, by: int) -> None:
        desk, milestone = self._writable(), self.current_milestone()
        if desk is None or milestone is None:
            return
        try:
            desk.cases.milestones.move(self.case_id, milestone.code, by)
        except UserError as error:
            self.post_message(Refused(error))
            return
        self.post_message(Saved("", select=milestone.code))


def _date(text: str, field: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise InvalidRecord([(field, str(error))], "date") from None


def _moved(changes: list[Change]) -> str:
    count = len(changes)
    return f"; {count} later date{'s' if count != 1 else ''} moved" if count else ""
