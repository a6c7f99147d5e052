"""The export dialog: what (this case, all cases, notes since a date, the evidence), in which
format, and where; the work runs in a worker thread with a progress bar, and an existing
file is only replaced after the adviser says so.

Reached with X on a case screen and "Export…" in the command palette.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from mspdesk.domain.errors import UserError
from mspdesk.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.transfer.exporters import Progress

EXPORT_CSS = Path(__file__).parent.parent / "export.tcss"
NOTES_DAYS = 30
"""The default "notes since": this many days ago."""

WHATS = ("case", "all", "notes", "evidence")
FORMATS = ("md", "docx", "json", "csv", "ics", "xlsx")
FORMAT_LABELS = {
    "md": "Markdown",
    "docx": "Word",
    "json": "JSON",
    "csv": "CSV",
    "ics": "Calendar",
    "xlsx": "Excel",
}
ALLOWED = {
    "case": FORMATS,
    "all": (),
    "notes": ("csv", "json", "xlsx"),
    "evidence": ("csv", "json", "xlsx"),
}
EXPLAIN = {
    "case": "The case file: referral, triage, milestones, notes, conflicts, people, budget "
    "and history. It holds personal data. JSON can be imported into another desk; the "
    "calendar holds the milestones (done ones cancelled); Excel has a sheet per table.",
    "all": "Every case in every format, all cases as CSV, JSON and Excel, a calendar of "
    "the milestones, all notes, the evidence and attached files, into one folder.",
    "notes": "Every note on any referral or case written on or after the date.",
    "evidence": "Anonymised for the evidence base: no names, emails, phones, organisation "
    "names or free text; bands instead of exact numbers; ids replaced by pseudonyms.",
}


@dataclass(frozen=True)
class ExportDone:
    """What the dialog wrote."""

    paths: tuple[Path, ...]
    summary: str


def export_folder() -> Path:
    """Where exports are suggested: `export_folder` in the settings, else the home folder."""
    from mspdesk.config import quiet_get

    folder = quiet_get("export_folder")
    return Path(folder).expanduser() if folder else Path.home()


class ExportDialog(FormScreen[ExportDone | None]):
    """Choose what to export, the format and where; Ctrl+S or Enter exports, Esc closes."""

    CSS_PATH = EXPORT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Close", tooltip="Close without exporting"),
        Binding("ctrl+s", "save", "Export", priority=True, tooltip="Write the file"),
    ]

    def __init__(self, desk: Desk, case_id: str | None = None, *, home: Path | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.case_id = case_id
        self.home = home or export_folder()
        self.today = desk.core.today()
        self.what = "case" if case_id else "all"
        self.fmt = "md" if case_id else "csv"
        self._path_typed = False
        self._exporting = False
        self.done: ExportDone | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Label(Text("Export", style="bold"), id="export-title")
            # The buttons are docked at the bottom and the choices scroll above them, so
            # Export is on screen however short the terminal.
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-go", classes="form-save")
                yield Button("Close", id="export-close", classes="form-cancel")
            with VerticalScroll(id="export-fields", can_focus=False):
                yield from self._compose_fields()

    def _compose_fields(self) -> ComposeResult:
        yield Label("What")
        with RadioSet(id="export-what"):
            if self.case_id:
                yield RadioButton(f"This case ({self.case_id})", id="what-case", value=True)
            yield RadioButton("All cases (into a folder)", id="what-all", value=not self.case_id)
            yield RadioButton("Notes since a date", id="what-notes")
            yield RadioButton("Evidence (anonymised)", id="what-evidence")
        yield Label("Format", id="export-format-label")
        yield Select(self._format_options(), value=self.fmt, allow_blank=False, id="export-format")
        with Horizontal(id="export-since-row"):
            yield Label("Notes since ")
            since = self.today - timedelta(days=NOTES_DAYS)
            yield Input(value=since.isoformat(), id="export-since")
        yield Label("Where", id="export-where-label")
        yield Input(id="export-path")
        yield Static("", id="export-explain")
        yield ProgressBar(id="export-progress", show_eta=False)
        yield Static("", id="export-status")

    def on_mount(self) -> None:
        self.query_one("#export-progress").display = False
        self._show_choice()
        self.query_one("#export-what", RadioSet).focus()

    # ------------------------------------------------------------------ choosing

    @on(RadioSet.Changed, "#export-what")
    def _what_changed(self, event: RadioSet.Changed) -> None:
        self.what = str(event.pressed.id).removeprefix("what-")
        if self.fmt not in ALLOWED[self.what] and ALLOWED[self.what]:
            self.fmt = ALLOWED[self.what][0]
        self._show_choice()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.fmt:
            self.fmt = event.value
            self._show_choice()

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        if event.value != self.default_path():
            self._path_typed = True

    @on(Input.Changed, "#export-since")
    def _since_changed(self) -> None:
        self._show_choice()

    def choose(self, what: str, fmt: str | None = None) -> None:
        """Pick what to export (and the format), as the adviser would."""
        self.what = what
        if fmt is not None:
            self.fmt = fmt
        elif self.fmt not in ALLOWED[what] and ALLOWED[what]:
            self.fmt = ALLOWED[what][0]
        with self.prevent(RadioSet.Changed):
            self.query_one(f"#what-{what}", RadioButton).value = True
        self._show_choice()

    def _format_options(self) -> list[tuple[str, str]]:
        allowed = ALLOWED[self.what] or FORMATS
        return [(FORMAT_LABELS[fmt], fmt) for fmt in allowed]

    def _show_choice(self) -> None:
        allowed = ALLOWED[self.what]
        select = self.query_one("#export-format", Select)
        # Set directly (not through messages): this may run inside a handler that holds
        # back the widgets' change messages.
        with self.prevent(Select.Changed):
            select.set_options(self._format_options())
            if self.fmt in allowed:
                select.value = self.fmt
        select.display = bool(allowed)
        self.query_one("#export-format-label").display = bool(allowed)
        self.query_one("#export-since-row").display = self.what == "notes"
        where = "Folder" if self.what == "all" else "File"
        self.query_one("#export-where-label", Label).update(where)
        if not self._path_typed:
            with self.prevent(Input.Changed):
                self.query_one("#export-path", Input).value = self.default_path()
        self.query_one("#export-explain", Static).update(Text(EXPLAIN[self.what]))

    def default_path(self) -> str:
        """A file (or folder) in the home folder named after what is exported."""
        day = self.today.isoformat()
        if self.what == "case" and self.case_id:
            name = f"{self.case_id}.{self.fmt}"
        elif self.what == "all":
            name = f"mspdesk-export-{day}"
        elif self.what == "notes":
            since = self.query_one("#export-since", Input).value.strip() or day
            name = f"notes-since-{since}.{self.fmt}"
        else:
            name = f"evidence-{day}.{self.fmt}"
        return str(self.home / name)

    # ------------------------------------------------------------------ exporting

    def action_save(self) -> None:
        self.action_export()

    def action_leave(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def action_export(self) -> None:
        if self._exporting:
            return
        if self.done is not None:
            self.dismiss(self.done)
            return
        try:
            job, target = self._job()
        except UserError as error:
            self._status(str(error), error=True)
            return
        existing = self._existing(target)
        if existing:
            self._confirm_replace(existing, job)
        else:
            self._start(job, force=False)

    def _job(self) -> tuple[Callable[[bool, Progress], ExportDone], Path]:
        """What to run (given force and a progress callback) and where it writes."""
        from mspdesk.domain.parsing import parse_date
        from mspdesk.transfer import exporters

        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            raise UserError("Type where to save the export.")
        target = Path(text).expanduser()
        desk, what, fmt = self.desk, self.what, self.fmt
        if what == "all":

            def run_all(force: bool, progress: Progress) -> ExportDone:
                result = exporters.export_all(desk, target, force=force, progress=progress)
                return ExportDone(result.paths, result.summary)

            return run_all, target
        if target.is_dir():
            raise UserError(f"{target} is a folder: add a file name.")
        if not target.absolute().parent.is_dir():
            raise UserError(f"The folder {target.absolute().parent} does not exist.")
        since: date | None = None
        if what == "notes":
            try:
                since = parse_date(self.query_one("#export-since", Input).value)
            except ValueError as error:
                raise UserError(f"Notes since: {error}") from None
        case_id = self.case_id or ""

        def run_one(force: bool, progress: Progress) -> ExportDone:
            progress(0, 1, "")
            if what == "case":
                path = exporters.export_case(desk, case_id, fmt, target, force=force)
            elif what == "notes":
                path = exporters.export_notes(desk, fmt, target, since=since, force=force)
            else:
                path = exporters.export_evidence(desk, fmt, target, force=force)
            progress(1, 1, "")
            subject = case_id if what == "case" else what
            return ExportDone((path,), f"{subject} as {FORMAT_LABELS[fmt]}")

        return run_one, target

    def _existing(self, target: Path) -> list[Path]:
        """The files this export would replace."""
        if self.what != "all":
            return [target] if target.exists() else []
        from mspdesk.transfer.exporters import all_file_names

        if not target.is_dir():
            return []
        case_ids = sorted(str(row["id"]) for row in self.desk.cases.rows())
        return [target / name for name in all_file_names(case_ids) if (target / name).exists()]

    def _confirm_replace(
        self, existing: list[Path], job: Callable[[bool, Progress], ExportDone]
    ) -> None:
        from mspdesk.tui.screens.confirm import Confirm

        def chosen(replace: bool | None) -> None:
            if replace:
                self._start(job, force=True)
            else:
                self._status("Kept the existing files: choose another place.", error=True)
                self.query_one("#export-path", Input).focus()

        if len(existing) == 1:
            question = f"{existing[0]} already exists. Replace it?"
        else:
            question = f"{len(existing)} files in {existing[0].parent} exist already. Replace them?"
        self.app.push_screen(
            Confirm("Replace existing files?", question, yes="Replace", no="Keep them"), chosen
        )

    def _start(self, job: Callable[[bool, Progress], ExportDone], *, force: bool) -> None:
        self._exporting = True
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#export-go", Button).disabled = True
        self._status("Exporting…")
        self._work(job, force)

    @work(thread=True, exclusive=True, group="export")
    def _work(self, job: Callable[[bool, Progress], ExportDone], force: bool) -> None:
        def progress(done: int, total: int, label: str) -> None:
            self.app.call_from_thread(self._progress, done, total, label)

        try:
            result = job(force, progress)
        except UserError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._finished, result)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=total, progress=done)
        if label:
            self._status(f"Exported {label}")

    def _failed(self, message: str) -> None:
        self._exporting = False
        self.query_one("#export-go", Button).disabled = False
        self.query_one("#export-progress").display = False
        self._status(message, error=True)

    def _finished(self, result: ExportDone) -> None:
        self._exporting = False
        self.done = result
        where = result.paths[0] if len(result.paths) == 1 else result.paths[0].parent
        count = "" if len(result.paths) == 1 else f"{len(result.paths)} files, "
        self._status(f"Exported {result.summary} ({count}{where})")
        go = self.query_one("#export-go", Button)
        go.label = "Done"
        go.disabled = False
        go.focus()
        self.app.notify(f"Exported to {where}", title="Export", markup=False)

    def _status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.set_class(error, "export-error")
        # Text, not markup: paths and messages hold whatever was typed.
        status.update(Text(message))

    def action_cancel(self) -> None:
        if self._exporting:
            self._status("Still exporting: wait for it to finish.")
            return
        self.dismiss(self.done)


def open_export(app: object, case_id: str | None = None) -> None:
    """Show the export dialog over `app` (an MspdeskApp), for `case_id` if given."""
    from mspdesk.tui.app import MspdeskApp

    if not isinstance(app, MspdeskApp) or app.desk is None:
        return
    app.push_screen(ExportDialog(app.desk, case_id))
