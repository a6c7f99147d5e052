"""The mspdesk Textual app: opens the desk in a worker so the first frame never waits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from mspdesk.tui.case_commands import CaseCommands
from mspdesk.tui.commands import DeskCommands
from mspdesk.tui.duplicate_commands import DuplicateCommands
from mspdesk.tui.export_commands import ExportCommands
from mspdesk.tui.guidance_commands import GuidanceCommands
from mspdesk.tui.guidance_loader import guidance_screen
from mspdesk.tui.note_actions import NoteCommands
from mspdesk.tui.programme_commands import ProgrammeCommands
from mspdesk.tui.report_commands import ReportCommands
from mspdesk.tui.screens.inbox import InboxScreen
from mspdesk.tui.screens.retention_review import RetentionCommands

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from mspdesk.desk import Desk
    from mspdesk.guidance import Library


def _lazy_screen(module: str, name: str) -> Screen[Any]:
    """A screen imported only when first shown, so it costs nothing before the first frame."""
    import importlib

    screen_class = getattr(importlib.import_module(f"mspdesk.tui.screens.{module}"), name)
    screen: Screen[Any] = screen_class()
    return screen


class MspdeskApp(App[int]):
    """The desk. `desk` is None until the data directory has been opened."""

    TITLE = "mspdesk"
    # Absolute, so subclasses defined elsewhere (tests, benchmarks) find it too.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    COMMANDS = App.COMMANDS | {
        DeskCommands,
        GuidanceCommands,
        CaseCommands,
        NoteCommands,
        RetentionCommands,
        ReportCommands,
        ExportCommands,
        DuplicateCommands,
        ProgrammeCommands,
    }
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "referrals": lambda: _lazy_screen("referrals", "ReferralsScreen"),
        "inbox": InboxScreen,
        "cases": lambda: _lazy_screen("cases", "CasesScreen"),
        "agenda": lambda: _lazy_screen("agenda", "AgendaScreen"),
        "guidance": guidance_screen,
        "reports": lambda: _lazy_screen("reports", "ReportsScreen"),
    }
    DEFAULT_MODE = "inbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", tooltip="Keys and how the desk works"),
        Binding("ctrl+z", "undo", "Undo", tooltip="Reverse the last change"),
        Binding("f2", "switch_mode('referrals')", "Referrals", show=False),
        Binding("f3", "switch_mode('inbox')", "Inbox", tooltip="Referrals waiting for triage"),
        Binding("f4", "switch_mode('cases')", "Cases", tooltip="Every case and its next step"),
        Binding("f5", "switch_mode('agenda')", "Agenda", tooltip="Due and overdue milestones"),
        Binding("f6", "switch_mode('guidance')", "Guidance", tooltip="Guidance for advisers"),
        Binding("f7", "search_notes", "Notes", show=False, tooltip="Search every case's notes"),
        Binding("f8", "switch_mode('reports')", "Reports", tooltip="Programme figures and charts"),
        Binding("f9", "duplicates", "Duplicates", show=False, tooltip="Possible duplicates"),
        Binding("q", "quit", "Quit", tooltip="Save and leave"),
    ]

    desk_ready: reactive[bool] = reactive(False)
    guidance_ready: reactive[bool] = reactive(False)
    guidance_library: Library | None = None
    """Guidance pages and their index, loaded once in a worker (tui/guidance_loader.py)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        demo: bool = False,
        read_only: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.clock = clock
        """What the desk takes as now (tests fix it); None means the system clock."""
        self.demo = demo
        self.open_read_only = read_only
        self.desk: Desk | None = None

    def on_mount(self) -> None:
        self.sub_title = "demo data (not saved)" if self.demo else str(self.data_dir)
        # Open the data only once the first frame is on screen: loading competes for the GIL.
        self.call_after_refresh(self.open_desk, self.open_read_only)

    @work(thread=True, exclusive=True, group="open-desk")
    def open_desk(self, read_only: bool) -> None:
        """Open the data directory off the UI thread; the screen fills in when it is ready."""
        from mspdesk.desk import Desk, StoreLocked
        from mspdesk.desk.core import system_clock
        from mspdesk.domain.errors import UserError

        try:
            clock = self.clock or system_clock
            desk = Desk.open(self.data_dir, read_only=read_only, clock=clock)
        except StoreLocked as error:
            self.call_from_thread(self._offer_read_only, str(error))
            return
        except UserError as error:
            self.call_from_thread(self._cannot_open, str(error))
            return
        self.call_from_thread(self._desk_opened, desk)

    def _desk_opened(self, desk: Desk) -> None:
        self.desk = desk
        if desk.read_only:
            self.sub_title = f"READ-ONLY — {self.data_dir}"
        for warning in desk.warnings:
            self.notify(warning, title="Recovered", severity="warning", timeout=12, markup=False)
        self.desk_ready = True

    def _offer_read_only(self, message: str) -> None:
        from mspdesk.tui.screens.confirm import Confirm

        def chosen(read_only: bool | None) -> None:
            if read_only:
                self.open_desk(True)
            else:
                self.exit(3)

        self.push_screen(Confirm("Data in use", message, yes="Open read-only", no="Quit"), chosen)

    def _cannot_open(self, message: str) -> None:
        from mspdesk.tui.screens.confirm import Confirm

        self.push_screen(
            Confirm("Cannot open the data", message, yes="Quit", no=None),
            lambda _: self.exit(4),
        )

    # ------------------------------------------------------------- actions

    def action_help(self) -> None:
        from mspdesk.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_undo(self) -> None:
        desk = self.desk
        if desk is None or desk.read_only:
            self.notify("Nothing can be changed in a read-only desk.", severity="warning")
            return
        if desk.can_undo() is None:
            self.notify("Nothing to undo.")
            return
        event = desk.undo()
        self.notify(event.summary, title="Undone", markup=False)
        self.refresh_data()

    def action_duplicates(self) -> None:
        from mspdesk.tui.screens.duplicates import open_duplicates

        open_duplicates(self)

    def action_search_notes(self) -> None:
        from mspdesk.tui.note_actions import search_notes

        search_notes(self)

    def refresh_data(self) -> None:
        """Tell every screen that records changed."""
        self.desk_ready = False
        self.desk_ready = True

    def open_guidance(self, slug: str, anchor: str | None = None) -> None:
        """Switch to Guidance and open page `slug`, scrolled to heading `anchor` if given."""
        from mspdesk.tui.screens.guidance import open_guidance

        open_guidance(self, slug, anchor)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and how the desk works", self.action_help)
        yield SystemCommand("Undo", "Reverse the last change", self.action_undo)

    def on_unmount(self) -> None:
        if self.desk is not None:
            # Fold the journal into a fresh snapshot so the next start replays nothing.
            self.desk.close(checkpoint=True)
            self.desk = None


def run(data_dir: Path, *, demo: bool = False) -> int:
    """Run the app until the adviser quits; returns the exit code."""
    app = MspdeskApp(data_dir, demo=demo)
    result = app.run()
    return result or 0
