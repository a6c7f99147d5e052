"""Where to save the programme report as CSV: a path, and a confirmation before replacing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from mspdesk.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

EXPLAIN = (
    "One row per figure (section, label, value), for a spreadsheet or the evidence base. "
    "It names advisers but no referral contacts. A name ending .xlsx saves an Excel workbook."
)


@dataclass(frozen=True)
class ExportChoice:
    """The file chosen, and whether the adviser agreed to replace it."""

    path: Path
    replace: bool


class ReportExportDialog(FormScreen[ExportChoice | None]):
    """Asks for a path; Enter exports, Escape cancels. An existing file is only replaced
    after the adviser says so."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Cancel", tooltip="Close without exporting"),
        Binding("ctrl+s", "save", "Export", priority=True, tooltip="Save the CSV file"),
    ]

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="report-export"):
            yield Label(Text("Export the programme report (CSV)", style="bold"))
            yield Static(Text(EXPLAIN), id="report-export-explain")
            yield Label("Save to")
            yield Input(value=str(self.default), id="report-export-path")
            yield Static("", id="report-export-error")
            with Horizontal(id="report-export-buttons"):
                yield Button(
                    "Export", variant="primary", id="report-export-save", classes="form-save"
                )
                yield Button("Cancel", id="report-export-cancel", classes="form-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_save(self) -> None:
        self.action_export()

    @on(Input.Submitted)
    def action_export(self) -> None:
        text = self.query_one(Input).value.strip()
        if not text:
            self._problem("Type a file name, such as report.csv.")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self._problem(f"{path} is a folder: add a file name, such as report.csv.")
            return
        if not path.absolute().parent.is_dir():
            self._problem(f"The folder {path.absolute().parent} does not exist.")
            return
        if path.exists():
            self._confirm_replace(path)
            return
        self.dismiss(ExportChoice(path, replace=False))

    def action_cancel(self) -> None:
        self.action_leave()

    def _confirm_replace(self, path: Path) -> None:
        from mspdesk.tui.screens.confirm import Confirm

        def chosen(replace: bool | None) -> None:
            if replace:
                self.dismiss(ExportChoice(path, replace=True))
            else:
                self._problem("Kept the existing file: choose another name.")
                self.query_one(Input).focus()

        question = f"{path} already exists. Replace it with this report?"
        self.app.push_screen(
            Confirm("Replace the file?", question, yes="Replace", no="Keep it"), chosen
        )

    def _problem(self, message: str) -> None:
        # Text, not markup: the path is whatever was typed.
        self.query_one("#report-export-error", Static).update(Text(message))
