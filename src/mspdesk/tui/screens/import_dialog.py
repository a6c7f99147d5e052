"""Importing referrals from the TUI: choose a file, see what would happen, then import.

Steps: pick (a tree of folders and .csv/.json/.xlsx files, or a typed path) → checking (the file
is read and every row checked in a worker thread, with a progress bar) → preview (counts,
the columns matched, notes, and every duplicate or rejected row with its reason; nothing
saved yet) → importing (saved in a worker, in batches, with a progress bar) → summary with
the rejects file. Cancel works at every step before Import. Problems reading the file are
shown in the dialog. Text from the file is shown as plain text, never as markup.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    ContentSwitcher,
    DirectoryTree,
    Footer,
    Input,
    ProgressBar,
    Static,
)
from textual.worker import NoActiveWorker, get_current_worker

from mspdesk.domain.errors import UserError
from mspdesk.tui.import_rows import (
    OUTCOME_COLUMNS,
    columns_text,
    counts_text,
    file_text,
    outcome_rows,
    summary_text,
)
from mspdesk.tui.screens.referral_form import INTAKE_CSS
from mspdesk.tui.widgets.record_table import RecordTable, printable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.transfer import ImportPlan, ImportResult, Progress

IMPORTABLE = (".csv", ".json", ".xlsx")
PICK_HELP = (
    "Choose a CSV or JSON file of referrals: Enter on a file in the tree, or type its path "
    "and press Enter. Nothing is saved until you have seen the preview and chosen Import."
)
STEPS = ("pick", "working", "preview", "done")
# The buttons each step offers.
BUTTONS = {
    "pick": ("import-check", "import-cancel"),
    "working": ("import-cancel",),
    "preview": ("import-apply", "import-back", "import-cancel"),
    "applying": (),
    "done": ("import-close",),
}


class _Stopped(Exception):
    """Raised inside a check that the adviser cancelled, to end it early."""


class ImportFileTree(DirectoryTree):
    """Folders and importable files only; names shown exactly as they are."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (path.suffix.lower() in IMPORTABLE or self._safe_is_dir(path))
        ]

    def process_label(self, label: str | Text) -> Text:
        return super().process_label(Text(printable(str(label))))


class OutcomeTable(RecordTable):
    """The duplicate and rejected rows: a list to read, with nothing to open."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Open", show=False)]


class ImportDialog(ModalScreen["ImportResult | None"]):
    """Import a file into `desk`; dismisses with what was imported, or None if cancelled."""

    CSS_PATH = INTAKE_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close; nothing is saved before Import"),
        Binding("q", "cancel", "Cancel", show=False),
        # The import saves from a worker thread: no other change may run alongside it.
        Binding("ctrl+z", "no_undo", "Undo", show=False),
    ]

    def __init__(self, desk: Desk, *, start: Path | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.start = (start or Path.cwd()).expanduser()
        self.step = "pick"
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog"):
            yield Static(Text("Import referrals", style="bold"), id="import-title")
            with ContentSwitcher(initial="import-pick", id="import-steps"):
                with Vertical(id="import-pick"):
                    yield Static(Text(PICK_HELP), classes="import-explain")
                    yield Input(
                        placeholder="Path to a .csv, .xlsx or .json file, then Enter",
                        id="import-path",
                    )
                    yield ImportFileTree(self.start, id="import-tree")
                with Vertical(id="import-working"):
                    yield Static(id="import-working-label")
                    yield ProgressBar(id="import-progress", show_eta=False)
                with Vertical(id="import-preview"):
                    yield Static(id="import-file")
                    yield Static(id="import-counts")
                    yield Static(id="import-columns")
                    yield Static(id="import-notes")
                    yield OutcomeTable(OUTCOME_COLUMNS, id="import-rows", empty_text="")
                    yield Static(id="import-next")
                with Vertical(id="import-done"):
                    yield Static(id="import-summary")
            yield Static(id="import-error", classes="import-error")
            with Horizontal(id="import-buttons"):
                yield Button("Preview", variant="primary", id="import-check")
                yield Button("Import", variant="primary", id="import-apply")
                yield Button("Choose another file", id="import-back")
                yield Button("Close", variant="primary", id="import-close")
                yield Button("Cancel (Esc)", id="import-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self._show_step("pick")
        self.query_one("#import-path").focus()

    def _show_step(self, step: str) -> None:
        self.step = step
        pane = "working" if step == "applying" else step
        self.query_one(ContentSwitcher).current = f"import-{pane}"
        for button in self.query(Button):
            button.display = button.id in BUTTONS[step]

    def _show_error(self, message: str) -> None:
        box = self.query_one("#import-error", Static)
        box.update(Text(printable(message)))
        box.display = bool(message)

    # ------------------------------------------------------------------ choosing

    @on(DirectoryTree.FileSelected, "#import-tree")
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#import-path", Input).value = str(event.path)
        self.check(event.path)

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-check")
    def _path_typed(self) -> None:
        typed = self.query_one("#import-path", Input).value.strip().strip("'\"")
        if not typed:
            self._show_error("Type the path of a file, or choose one in the tree.")
            return
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = self.start / path
        if path.is_dir():
            self.query_one(ImportFileTree).path = path
            self.query_one(ImportFileTree).focus()
            self._show_error("")
            return
        self.check(path)

    # ------------------------------------------------------------------ checking

    def check(self, path: Path) -> None:
        """Read and check `path` in a worker; the preview shows when it is done."""
        self._show_error("")
        self._stop.clear()
        self._set_progress("Checking", 0, None)
        self._show_step("working")
        self._plan_in_worker(path)

    @work(thread=True, exclusive=True, group="import")
    def _plan_in_worker(self, path: Path) -> None:
        from mspdesk.transfer import plan_import

        try:
            plan = plan_import(path, self.desk, progress=self._reporter("Checking"))
        except _Stopped:
            return
        except UserError as error:
            self._deliver(self._check_failed, str(error))
            return
        self._deliver(self._show_plan, plan)

    def _reporter(self, verb: str) -> Progress:
        def report(done: int, total: int) -> None:
            if self._abandoned():
                raise _Stopped
            self._deliver(self._set_progress, verb, done, total)

        return report

    def _abandoned(self) -> bool:
        """In a worker: whether the dialog closed, or a newer check replaced this one."""
        if self._stop.is_set():
            return True
        try:
            return get_current_worker().is_cancelled
        except NoActiveWorker:
            return False

    def _deliver(self, callback: Callable[..., None], *args: Any) -> None:
        """Run `callback` on the UI thread, unless the work was abandoned."""
        if not self._abandoned():
            self.app.call_from_thread(callback, *args)

    def _set_progress(self, verb: str, done: int, total: int | None) -> None:
        if self._stop.is_set():
            return
        label = f"{verb} rows…" if not total else f"{verb}: {done:,} of {total:,} rows"
        self.query_one("#import-working-label", Static).update(label)
        # total 0: not known yet (the file is read as a stream): an indeterminate bar.
        self.query_one(ProgressBar).update(total=total or None, progress=done)

    def _check_failed(self, message: str) -> None:
        if self._stop.is_set():
            return
        self._show_step("pick")
        self._show_error(message)
        self.query_one("#import-path").focus()

    def _show_plan(self, plan: ImportPlan) -> None:
        if self._stop.is_set():
            return
        self.plan = plan
        self.query_one("#import-file", Static).update(file_text(plan))
        self.query_one("#import-counts", Static).update(counts_text(plan))
        self.query_one("#import-columns", Static).update(columns_text(plan))
        notes = self.query_one("#import-notes", Static)
        notes.update(Text("\n".join(f"Note: {printable(note)}" for note in plan.notes)))
        notes.display = bool(plan.notes)
        rows = outcome_rows(plan)
        table = self.query_one(OutcomeTable)
        table.set_rows(rows)
        table.display = bool(rows)
        self.query_one("#import-next", Static).update(self._next_text(plan))
        apply = self.query_one("#import-apply", Button)
        count = plan.to_save
        apply.label = f"Import: save {count:,} referral{'s' if count != 1 else ''}"
        apply.disabled = not (count or plan.rejected)
        self._show_step("preview")
        (self.query_one("#import-back") if apply.disabled else apply).focus()

    def _next_text(self, plan: ImportPlan) -> Text:
        if not (plan.to_save or plan.rejected):
            return Text("Nothing to import: every row is already on the desk.", style="bold")
        text = Text("Nothing is saved until you choose Import.")
        if plan.rejected:
            rejects = plan.default_rejects_path
            where = (
                f"{rejects.name} beside the file"
                if rejects.parent == plan.path.parent
                else str(rejects)
            )
            text.append(
                f" The rejected rows will be written, unchanged, to {printable(where)}"
                " to fix and import again."
            )
        return text

    # ------------------------------------------------------------------ importing

    @on(Button.Pressed, "#import-apply")
    def _apply_pressed(self) -> None:
        if self.plan is None:
            return
        self._show_error("")
        self._set_progress("Saving", 0, self.plan.to_save or None)
        self._show_step("applying")
        self._apply_in_worker(self.plan)

    @work(thread=True, exclusive=True, group="import")
    def _apply_in_worker(self, plan: ImportPlan) -> None:
        from mspdesk.transfer import apply_import

        try:
            result = apply_import(plan, self.desk, progress=self._reporter("Saving"))
        except UserError as error:
            # The import is one change: nothing of it was saved; the preview stays.
            self.app.call_from_thread(self._apply_failed, str(error), "preview")
            return
        self.app.call_from_thread(self._show_result, result)

    def _apply_failed(self, message: str, step: str) -> None:
        self._show_step(step)
        self._show_error(message)
        if step == "done":
            self.query_one("#import-summary", Static).update(Text("The import stopped."))
        self.query_one(f"#import-{'close' if step == 'done' else 'back'}").focus()

    def _show_result(self, result: ImportResult) -> None:
        self.result = result
        self.query_one("#import-summary", Static).update(summary_text(result))
        self._show_step("done")
        self.query_one("#import-close").focus()

    # ------------------------------------------------------------------ leaving

    @on(Button.Pressed, "#import-back")
    def _back_pressed(self) -> None:
        self.plan = None
        self._show_error("")
        self._show_step("pick")
        self.query_one("#import-path").focus()

    @on(Button.Pressed, "#import-close")
    def _close_pressed(self) -> None:
        self.dismiss(self.result)

    @on(Button.Pressed, "#import-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if self.step == "applying":
            self.notify("Importing: wait for it to finish.", severity="warning")
            return
        if self.step == "done":
            self.dismiss(self.result)
            return
        self._stop.set()  # a check under way stops at its next progress report
        self.dismiss(None)

    def action_no_undo(self) -> None:
        self.notify("Close the import first; then Ctrl+Z undoes the last change.")
