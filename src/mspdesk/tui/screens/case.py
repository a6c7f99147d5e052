"""One case: a header with who and where, and tabs for milestones, notes, people, conflicts,
budget, deadlines, history and attached files.

The milestone checklist works from the keyboard: space/d done, s skip (asks why), u reopen,
r reschedule (new date, then a preview of every date that moves, applied as one undoable
step), R move the plan's start, + add, K/J move up/down, g open the milestone's guidance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static, TabbedContent, TabPane

from mspdesk.domain.errors import UserError
from mspdesk.domain.milestone import Milestone, MilestoneStatus
from mspdesk.tui.access import report
from mspdesk.tui.case_rows import short_date
from mspdesk.tui.screens import case_actions, case_record_actions
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets import case_tabs
from mspdesk.tui.widgets.files_pane import FilesPane
from mspdesk.tui.widgets.key_bar import KeyBar, hidden
from mspdesk.tui.widgets.milestone_plan import MilestonePlan
from mspdesk.tui.widgets.notes_pane import NotesPane
from mspdesk.tui.widgets.package_summary import packages_panel
from mspdesk.tui.widgets.record_table import RecordTable, printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.domain.case import Case

MILESTONE_ACTIONS = frozenset(
    {"done", "skip", "reopen", "reschedule", "replan_start", "add", "move", "guidance"}
)
MOVE = Binding.Group("Move")
TAB_ACTIONS = {
    "add_person": "tab-people",
    "declare_conflict": "tab-conflicts",
    "set_budget": "tab-budget",
}
"""Keys that work only on one tab."""
TABS = ("milestones", "notes", "people", "conflicts", "budget", "deadlines", "history", "files")
TAB_NAMES = {"milestones": "Plan", "history": "Log"}  # as on the tab (short, to fit 80 columns)


class CaseScreen(DeskScreen):
    """The case `case_id`, with the milestone `milestone` selected if given."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the list", show=False),
        Binding("d,space", "done", "Done", tooltip="Mark the milestone done today"),
        Binding("s", "skip", "Skip", tooltip="Skip the milestone (asks why)"),
        Binding("u", "reopen", "Reopen", tooltip="Open a done or skipped milestone again"),
        Binding("r", "reschedule", "Reschedule", tooltip="Move its date; preview what follows"),
        Binding("R", "replan_start", "New start", tooltip="Move the plan's start date", show=False),
        Binding("plus,a", "add", "Add", tooltip="Add a milestone of your own"),
        Binding("K", "move(-1)", "Up", tooltip="Move the milestone up the list", group=MOVE),
        Binding("J", "move(1)", "Down", tooltip="Move the milestone down the list", group=MOVE),
        Binding("g", "guidance", "Guidance", tooltip="Open the milestone's guidance page"),
        Binding("c", "status", "Status", tooltip="Change the case's status"),
        Binding("A", "assign", "Reassign", show=False, tooltip="Hand the case to another adviser"),
        Binding("e", "eoi", "EOI step", tooltip="Record the next Right to Challenge step"),
        Binding("p", "add_person", "Add person", tooltip="Add a person or partner"),
        Binding("i", "declare_conflict", "Declare", tooltip="Declare a conflict of interest"),
        Binding("b", "set_budget", "Set budget", tooltip="Support days and pounds"),
        hidden("X", "export", "Export", "Export this case, all cases, notes or evidence"),
        *(
            Binding(str(number), f"tab('{name}')", TAB_NAMES.get(name, name.title()), show=False)
            for number, name in enumerate(TABS, start=1)
        ),
    ]

    def __init__(self, case_id: str, milestone: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.case: Case | None = None
        self._select = milestone

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="case-header")
        # Short tab labels, so all eight fit 80 columns.
        with TabbedContent(initial="tab-milestones", id="case-tabs"):
            with TabPane("1 Plan", id="tab-milestones"):
                yield MilestonePlan(self.case_id, select=self._select, id="case-plan")
            with TabPane("2 Notes", id="tab-notes"):
                yield NotesPane(id="case-notes")
            for name, title in (
                ("people", "3 People"),  # and partners
                ("conflicts", "4 Conflicts"),
                ("budget", "5 Budget"),
                ("deadlines", "6 Deadlines"),
                ("history", "7 Log"),
            ):
                with TabPane(title, id=f"tab-{name}"), VerticalScroll(classes="case-tab-body"):
                    yield Static("", id=f"case-{name}")
            with TabPane("8 Files", id="tab-files"):
                yield FilesPane(id="case-files")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#case-milestones", RecordTable).focus()

    # ------------------------------------------------------------------ showing

    def reload(self) -> None:
        """Read the case again and redraw every tab."""
        desk = self.desk_app.desk
        if desk is None:
            return
        try:
            case = desk.cases.get(self.case_id)
        except UserError as error:
            report(self.app, error, title="Cannot show the case")
            return
        self.case = case
        today = desk.core.today()
        self.title = f"{case.id} {case.organisation}"
        try:
            self.sub_title = desk.cases.pathway(case.pathway).title
        except UserError:
            self.sub_title = ""  # a pathway no longer shipped: its key means nothing to anyone
        self.query_one("#case-header", Static).update(case_tabs.header(case, today))
        plan = self.plan
        plan.show(case, today)
        self._show_milestone(plan.table.current_key)
        self._fill_tabs(desk, case, today)
        self.refresh_bindings()

    def _fill_tabs(self, desk: Desk, case: Case, today: object) -> None:
        from datetime import date

        assert isinstance(today, date)
        cases = desk.cases

        def show(name: str, renderable: object) -> None:
            self.query_one(f"#case-{name}", Static).update(renderable)  # type: ignore[arg-type]

        # The case's notes and those written on its referral before it became a case.
        notes = desk.notes.for_subject(case.id) + desk.notes.for_subject(case.referral_id)
        notes.sort(key=lambda note: (note.on, note.id))
        self.query_one(NotesPane).show(case.id, notes, title=case.organisation)
        show("people", case_tabs.people(case))
        show("conflicts", case_tabs.conflicts(case, cases.conflicts.warnings(case, today), today))
        try:
            budget_view = case_tabs.budget(
                case.budget,
                cases.budget.warnings(case),
                cases.budget.summary(),
                cases.budget.programme(),
            )
            packages = cases.support.packages(case.id)
            if packages:
                money = cases.support.case_money(case)
                programme = cases.support.programme_money()
                budget_view = Group(budget_view, packages_panel(packages, money, programme))
            show("budget", budget_view)
        except UserError as error:  # a broken programme.toml must not hide the case
            show("budget", Text(str(error), style="red"))
        show(
            "deadlines",
            case_tabs.deadlines(
                case,
                cases.deadlines.timeline(case),
                cases.deadlines.warnings(case, today),
                cases.deadlines.social_value(case, today),
                cases.deadlines.procurement_route(case, today),
                cases.deadlines.checklist(case),
            ),
        )
        show("history", case_tabs.history(desk.history(case.id)))
        self.query_one(FilesPane).show(case.id, desk.attachments.for_case(case.id), desk.directory)

    @on(RecordTable.Highlighted, "#case-milestones")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show_milestone(event.key)
        self.refresh_bindings()

    def _show_milestone(self, code: str | None) -> None:
        detail = self.query_one("#milestone-detail", Static)
        milestone = self.case.milestone(code) if self.case and code else None
        if milestone is None:
            detail.update("")
            return
        lines = [Text.assemble((f"{milestone.code} ", "bold"), printable(milestone.title))]
        if milestone.done_when:
            lines.append(Text.assemble(("Done when ", "dim"), printable(milestone.done_when)))
        anchor = "the case start" if milestone.after == "start" else milestone.after
        if milestone.after is None:
            lines.append(Text("Fixed date: nothing moves it.", style="dim"))
        else:
            lines.append(
                Text(f"Planned {milestone.offset_days:+d} days from {anchor}", style="dim")
            )
        if milestone.status is MilestoneStatus.SKIPPED:
            lines.append(Text.assemble(("Skipped: ", "yellow"), printable(milestone.skip_reason)))
        if milestone.status is MilestoneStatus.DONE:
            lines.append(Text(f"Done {short_date(milestone.done_on).strip()}", style="green"))
        desk = self.desk
        if milestone.guidance and desk is not None:
            # Page titles, not their file names.
            titles = desk.triage.page_titles(milestone.guidance)
            shown = "; ".join(titles[slug] for slug in milestone.guidance)
            hint = "  (g opens the first)" if self._can_open_guidance() else ""
            lines.append(Text(f"Guidance: {shown}{hint}", style="dim"))
        detail.update(Group(*lines))

    @on(RecordTable.Selected, "#case-milestones")
    def _selected(self) -> None:
        # Enter on a milestone opens its guidance, where the app has a guidance screen.
        if self.check_action("guidance", ()):
            self.action_guidance()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MILESTONE_ACTIONS:
            tabs = self.query_one("#case-tabs", TabbedContent)
            if tabs.active != "tab-milestones":
                return False
            if action == "guidance":
                milestone = self.current_milestone()
                return self._can_open_guidance() and bool(milestone and milestone.guidance)
        if action in TAB_ACTIONS:
            return self.query_one("#case-tabs", TabbedContent).active == TAB_ACTIONS[action]
        if action == "eoi":
            return self.case is not None and self.case.challenge is not None
        return True

    def _can_open_guidance(self) -> bool:
        return True

    @property
    def plan(self) -> MilestonePlan:
        return self.query_one(MilestonePlan)

    def current_milestone(self) -> Milestone | None:
        """The milestone under the cursor, if any."""
        return self.plan.current_milestone()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, name: str) -> None:
        self.query_one("#case-tabs", TabbedContent).active = f"tab-{name}"
        if name == "milestones":
            self.query_one("#case-milestones", RecordTable).focus()

    def action_done(self) -> None:
        self.plan.complete()

    def action_skip(self) -> None:
        self.plan.skip()

    def action_reopen(self) -> None:
        self.plan.reopen()

    def action_reschedule(self) -> None:
        self.plan.reschedule()

    def action_replan_start(self) -> None:
        self.plan.replan_start()

    def action_add(self) -> None:
        self.plan.add()

    def action_move(self, by: int) -> None:
        self.plan.move(by)

    def action_guidance(self) -> None:
        milestone = self.current_milestone()
        if milestone is None or not milestone.guidance:
            return
        self.desk_app.open_guidance(milestone.guidance[0])

    def action_status(self) -> None:
        case_actions.change_status(self)

    def action_eoi(self) -> None:
        case_actions.eoi_step(self)

    def action_add_person(self) -> None:
        case_record_actions.add_person(self)

    def action_declare_conflict(self) -> None:
        case_record_actions.declare_conflict(self)

    def action_set_budget(self) -> None:
        case_record_actions.set_budget(self)

    def action_assign(self) -> None:
        case_record_actions.assign(self)

    def action_export(self) -> None:
        from mspdesk.tui.screens.export_dialog import open_export

        open_export(self.app, self.case_id)

    def select_milestone(self, code: str) -> None:
        """Put the cursor on milestone `code` (after the next load if not loaded yet)."""
        self.plan.select(code)

    def keep_selected(self, key: str) -> None:
        self.select_milestone(key)
