"""The mspdesk Textual app: opens the desk in a worker so the first frame never waits."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.signal import Signal

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
from mspdesk.tui.sync_actions import SyncCommands

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.command import Provider

    from mspdesk.desk import Desk
    from mspdesk.guidance import Library
    from mspdesk.inbox_head import InboxHead
    from mspdesk.tui.inbox_rows import InboxEntry

LOADING = "The desk is still loading; try again in a moment."


def _without_comments(path: Path) -> str:
    """A stylesheet's text without its comments. Textual's tokenizer reads comments slowly
    (app.tcss parses in 16 ms with them, 6 ms without, measured) and the app's CSS is parsed
    twice before the first frame."""
    return re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def _retention_commands() -> type[Provider]:
    """The retention review's commands, imported when the palette first opens (its screen
    pulls in DataTable, which the first frame does without)."""
    from mspdesk.tui.screens.retention_review import RetentionCommands

    return RetentionCommands


def _lazy_screen(module: str, name: str) -> Screen[Any]:
    """A screen imported only when first shown, so it costs nothing before the first frame."""
    import importlib

    screen_class = getattr(importlib.import_module(f"mspdesk.tui.screens.{module}"), name)
    screen: Screen[Any] = screen_class()
    return screen


class MspdeskApp(App[int]):
    """The desk. `desk` is None until the data directory has been opened."""

    TITLE = "mspdesk"
    CSS = _without_comments(Path(__file__).parent / "app.tcss")
    COMMANDS = App.COMMANDS | {
        DeskCommands,
        GuidanceCommands,
        CaseCommands,
        NoteCommands,
        _retention_commands,
        SyncCommands,
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
        Binding("ctrl+y", "redo", "Redo", show=False, tooltip="Apply again what Undo reversed"),
        Binding("f2", "switch_mode('referrals')", "Referrals", show=False),
        Binding("f3", "switch_mode('inbox')", "Inbox", tooltip="Referrals waiting for triage"),
        Binding("f4", "switch_mode('cases')", "Cases", tooltip="Every case and its next step"),
        Binding("f5", "switch_mode('agenda')", "Agenda", tooltip="Due and overdue milestones"),
        Binding("f6", "switch_mode('guidance')", "Guidance", tooltip="Guidance for advisers"),
        Binding("f7", "search_notes", "Notes", show=False, tooltip="Search every case's notes"),
        Binding("f8", "switch_mode('reports')", "Reports", tooltip="Programme figures and charts"),
        Binding("f9", "duplicates", "Duplicates", show=False, tooltip="Possible duplicates"),
        Binding("ctrl+k", "clashes", "Clashes", show=False, tooltip="Sync clashes to settle"),
        Binding("q", "quit", "Quit", tooltip="Back to where you came from, or leave the desk"),
        Binding("escape", "go_back", "Back", show=False, tooltip="Back to the screen before"),
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
        self.records_changed: Signal[None] = Signal(self, "records-changed")
        """Published after every change: the screen on show reloads, the others go stale."""
        self._came_from: dict[str, str] = {}
        """Mode -> the mode it was visited from (guidance opened from a case), for Back."""
        self.inbox_for_head: Callable[[], tuple[int, list[InboxEntry]] | None] | None = None
        """The inbox's up-to-date entries, for the head saved at close (set by the inbox)."""

    def today(self) -> date:
        """Today where the adviser is (by the app's clock), before the desk is open too."""
        moment = self.clock() if self.clock is not None else datetime.now().astimezone()
        return moment.astimezone().date()

    def inbox_head(self) -> InboxHead | None:
        """The inbox rows cached at the last close, if the data has not changed since."""
        from mspdesk import locations
        from mspdesk.inbox_head import read_head

        return read_head(self.data_dir, locations.content_dir() / "triage.toml")

    def on_mount(self) -> None:
        from mspdesk.config import quiet_get

        theme = quiet_get("theme")  # `mspdesk config set theme NAME`
        if theme and theme in self.available_themes:
            self.theme = theme
        self.sub_title = "demo data (not saved)" if self.demo else str(self.data_dir)
        # Open the data only once the first frame is on screen: loading competes for the GIL.
        self.call_after_refresh(self._first_frame_shown)

    def _first_frame_shown(self) -> None:
        if not gc.isenabled():  # `run` kept the cyclic GC off until now
            gc.freeze()  # what start-up made lives as long as the app: never walk it again
            gc.enable()
        self.open_desk(self.open_read_only)

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
        # What is loaded now lives as long as the desk: the cyclic GC need not walk it again.
        gc.freeze()
        self.desk = desk
        if desk.read_only:
            self.sub_title = f"READ-ONLY — {self.data_dir}"
        for warning in desk.warnings:
            self.notify(warning, title="Recovered", severity="warning", timeout=12, markup=False)
        self.desk_ready = True
        if not desk.read_only:
            self.call_after_refresh(self.offer_drafts)
            from mspdesk.tui.sync_actions import start_background_sync

            start_background_sync(self)

    # -------------------------------------------------------------- drafts

    def offer_drafts(self) -> None:
        """At start-up: list the drafts waiting; the one chosen reopens where it was."""
        from mspdesk.tui.screens.drafts_waiting import DraftsWaiting, describe

        desk = self.desk
        if desk is None:
            return
        waiting = [(key, describe(desk, key)) for key in sorted(desk.notes.drafts())]
        drafts = [(key, words) for key, words in waiting if words is not None]
        if drafts:
            self.push_screen(DraftsWaiting(drafts), self.reopen_draft)

    def reopen_draft(self, key: str | None) -> None:
        """Open the editor or dialog the draft `key` was typed in; it offers the draft back."""
        from mspdesk.tui.note_actions import write_note

        desk = self.desk
        if key is None or desk is None:
            return
        kind, _, rest = key.partition("-")
        if kind == "new":
            write_note(self, rest)
        elif kind == "edit":
            note = desk.notes.get(rest)
            write_note(self, note.subject, note=note)
        elif kind == "triage":
            self.run_worker(self._reopen_triage(rest), group="reopen-draft", exclusive=True)
        elif kind == "referral":
            from mspdesk.tui.intake_actions import edit_referral, new_referral

            if rest == "new":
                new_referral(self)
            else:
                edit_referral(self, rest)

    async def _reopen_triage(self, referral_id: str) -> None:
        from mspdesk.tui.widgets.record_table import RecordTable

        await self.switch_mode("inbox")
        screen = self.screen
        if isinstance(screen, InboxScreen):
            await screen.loaded()
            table = screen.query_one(RecordTable)
            if table.move_to(referral_id):
                screen.action_triage()
                return
        self.notify(f"{referral_id} is no longer waiting for triage.", markup=False)

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
        self._step_back_or_forward(redo=False)

    def _step_back_or_forward(self, *, redo: bool) -> None:
        """Undo (or redo) the last change, saying why not when it cannot."""
        desk = self.desk
        if desk is None:
            self.notify(LOADING, timeout=2)
            return
        if desk.read_only:
            self.notify("Nothing can be changed in a read-only desk.", severity="warning")
            return
        if (desk.can_redo() if redo else desk.can_undo()) is None:
            self.notify(
                "Nothing to redo: redo applies again what Ctrl+Z reversed."
                if redo
                else "Nothing to undo."
            )
            return
        event = desk.redo() if redo else desk.undo()
        self.notify(event.summary, title="Redone" if redo else "Undone", markup=False)
        self.refresh_data()

    def action_clashes(self) -> None:
        from mspdesk.tui.screens.clashes import open_clashes

        open_clashes(self)

    def action_duplicates(self) -> None:
        from mspdesk.tui.screens.duplicates import open_duplicates

        open_duplicates(self)

    # --------------------------------------------------------- coming back

    def visit_mode(self, mode: str) -> None:
        """Switch to `mode` remembering where from, so Esc or q comes back here."""
        if self.current_mode != mode:
            self._came_from[mode] = self.current_mode
        self.switch_mode(mode)

    async def action_switch_mode(self, mode: str) -> None:
        # F2-F8 go somewhere on purpose: a later Back does not return to a visit's origin.
        self._came_from.pop(mode, None)
        self.switch_mode(mode)

    def visited_from(self) -> str | None:
        """The mode the current one was visited from, if it was a visit."""
        return self._came_from.get(self.current_mode)

    def can_go_back(self) -> bool:
        """Whether Back leaves the current screen for the one it was opened from."""
        if isinstance(self.screen, ModalScreen):
            return False
        return len(self.screen_stack) > 1 or self.visited_from() is not None

    def action_go_back(self) -> None:
        """Leave a pushed screen, or a mode visited from another (guidance from a case)."""
        if isinstance(self.screen, ModalScreen):
            return
        if len(self.screen_stack) > 1:
            self.pop_screen()
            return
        previous = self._came_from.pop(self.current_mode, None)
        if previous is not None:
            self.switch_mode(previous)

    async def action_quit(self) -> None:
        """q: back to the screen this one was opened from; on a main screen, leave.

        On the demo, changes are thrown away on leaving: ask first.
        """
        if self.can_go_back():
            self.action_go_back()
            return
        desk = self.desk
        if self.demo and desk is not None and desk.changes_this_session:
            from mspdesk.tui.screens.confirm import Confirm

            count = desk.changes_this_session
            changes = f"{count} change{'s' if count != 1 else ''}"
            message = f"This is the demo: the {changes} made in this session will be lost."

            def chosen(leave: bool | None) -> None:
                if leave:
                    self.exit()

            self.push_screen(
                Confirm("Leave the demo?", message, yes="Leave and lose them", no="Stay"), chosen
            )
            return
        self.exit()

    def action_redo(self) -> None:
        self._step_back_or_forward(redo=True)

    def action_search_notes(self) -> None:
        from mspdesk.tui.note_actions import search_notes

        search_notes(self)

    def refresh_data(self) -> None:
        """Tell the screens that records changed (see screens/base.py)."""
        self.records_changed.publish(None)
        if self.desk is not None and not self.desk.read_only:
            from mspdesk.tui.sync_actions import show_status

            show_status(self)  # "n to send" in the title

    def open_guidance(self, slug: str, anchor: str | None = None) -> None:
        """Switch to Guidance and open page `slug`, scrolled to heading `anchor` if given."""
        from mspdesk.tui.screens.guidance import open_guidance

        open_guidance(self, slug, anchor)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and how the desk works", self.action_help)
        yield SystemCommand("Undo", "Reverse the last change", self.action_undo)
        yield SystemCommand("Redo", "Apply again what Undo reversed", self.action_redo)

    def on_unmount(self) -> None:
        gc.unfreeze()
        desk = self.desk
        if desk is not None:
            # Fold the journal into a fresh snapshot so the next start replays nothing,
            # then cache the inbox's first rows for the next start to paint at once.
            from mspdesk.domain.errors import UserError

            try:
                desk.checkpoint()
                self._save_inbox_head(desk)
            except (OSError, UserError):
                pass  # the head is only a cache; close() below tries again and warns
            finally:
                desk.close(checkpoint=True)
                self.desk = None

    def _save_inbox_head(self, desk: Desk) -> None:
        from mspdesk.tui.inbox_head import save_inbox_head

        if desk.read_only or self.demo:
            return
        current = self.inbox_for_head() if self.inbox_for_head is not None else None
        if current is not None:
            seq, entries = current
            save_inbox_head(desk, entries, seq)
        elif self.inbox_head() is None:  # never loaded, and the cached head is out of date
            save_inbox_head(desk)


def run(data_dir: Path, *, demo: bool = False) -> int:
    """Run the app until the adviser quits; returns the exit code."""
    gc.disable()  # until the first frame is shown (`_first_frame_shown`)
    app = MspdeskApp(data_dir, demo=demo)
    result = app.run()
    return result or 0
