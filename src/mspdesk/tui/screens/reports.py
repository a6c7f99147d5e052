"""Reports (F8): the programme's figures at a glance, with charts, exportable as CSV.

The figures are worked out in a thread (a few milliseconds even on a large desk) whenever
the desk opens or changes, and each time the screen is shown again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Sparkline, Static

from mspdesk.tui import report_panels
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk.reports import Figures
    from mspdesk.tui.screens.report_export import ExportChoice

THREE_COLUMNS_FROM = 138
"""Terminal width at which the panels sit three abreast (each needs about 46 cells)."""
TWO_COLUMNS_FROM = 92

PANEL_TITLES = {
    "reports-referrals": "Referrals received",
    "reports-triage": "Triage and conversion",
    "reports-budget": "Support budget",
    "reports-cases": "Cases",
}


class ReportsScreen(DeskScreen):
    """Referrals by month and source, triage outcomes by scope, conversion, time to triage,
    cases by stage and status, overdue milestones, spin-outs and the budget."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export CSV", tooltip="Save these figures as a CSV file"),
        Binding("r", "refresh", "Refresh", tooltip="Work the figures out again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.figures: Figures | None = None
        self._export_waiting = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="reports-main"):
            with Horizontal(id="reports-row"):
                with Vertical(id="reports-referrals", classes="reports-panel"):
                    yield Static("Working out the figures…", id="reports-summary")
                    yield Sparkline([], id="reports-months")
                    yield Static("", id="reports-months-caption")
                    yield Static("", id="reports-breakdown")
                with Vertical(classes="reports-column"):
                    with Vertical(id="reports-triage", classes="reports-panel"):
                        yield Static("", id="reports-triage-body")
                    with Vertical(id="reports-budget", classes="reports-panel"):
                        yield Static("", id="reports-budget-body")
                with Vertical(id="reports-cases", classes="reports-panel"):
                    yield Static("", id="reports-cases-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Reports"
        for panel_id, title in PANEL_TITLES.items():
            self.query_one(f"#{panel_id}").border_title = title
        self.query_one("#reports-main").focus()

    def on_resize(self) -> None:
        width = self.size.width
        row = self.query_one("#reports-row")
        row.set_class(TWO_COLUMNS_FROM <= width < THREE_COLUMNS_FROM, "-two-columns")
        row.set_class(width < TWO_COLUMNS_FROM, "-one-column")

    def reload(self) -> None:
        self.load_figures()

    def load_figures(self) -> None:
        """Work the figures out off the UI thread, then show them."""
        from mspdesk.desk.reports import programme_figures

        self.load_in_background(
            programme_figures, self._show, failed=lambda error: self._failed(str(error))
        )

    def _show(self, figures: Figures) -> None:
        self.figures = figures
        self.sub_title = f"as of {figures.today.day} {figures.today:%b %Y}"
        self.query_one("#reports-summary", Static).update(report_panels.referrals_summary(figures))
        self.query_one("#reports-months", Sparkline).data = report_panels.sparkline_data(figures)
        self.query_one("#reports-months-caption", Static).update(
            report_panels.months_caption(figures)
        )
        self.query_one("#reports-breakdown", Static).update(
            report_panels.referral_breakdown(figures)
        )
        self.query_one("#reports-triage-body", Static).update(report_panels.triage_panel(figures))
        self.query_one("#reports-budget-body", Static).update(
            report_panels.budget_panel(figures.budget)
        )
        self.query_one("#reports-cases-body", Static).update(report_panels.cases_panel(figures))
        if self._export_waiting:
            self._export_waiting = False
            self.action_export()

    def _failed(self, message: str) -> None:
        self.query_one("#reports-summary", Static).update(Text(message, style="bold red"))
        self.notify(message, title="Cannot work out the figures", severity="error", markup=False)

    # ------------------------------------------------------------------ actions

    def action_refresh(self) -> None:
        self.load_figures()

    def action_export(self) -> None:
        """Ask where to save the figures as CSV (the figures on screen are what is saved)."""
        from mspdesk.tui.screens.report_export import ReportExportDialog

        figures = self.figures
        if figures is None:
            self._export_waiting = True  # opened as soon as the figures are ready
            self.notify("Working out the figures first…")
            return
        default = Path.cwd() / f"mspdesk-report-{figures.today.isoformat()}.csv"
        self.app.push_screen(ReportExportDialog(default), self._export_chosen)

    def _export_chosen(self, choice: ExportChoice | None) -> None:
        if choice is not None and self.figures is not None:
            self.save_csv(self.figures, choice.path, choice.replace)

    @work(thread=True, group="report-export")
    def save_csv(self, figures: Figures, path: Path, replace: bool) -> None:
        """Write the CSV off the UI thread (it is flushed to disk before it counts as saved)."""
        from mspdesk.desk.reports import figures_csv_rows
        from mspdesk.domain.errors import UserError
        from mspdesk.transfer.report_csv import write_report_csv, write_report_xlsx

        # A name ending .xlsx gets an Excel workbook (numbers and pounds as numbers).
        write = write_report_xlsx if path.suffix.lower() == ".xlsx" else write_report_csv
        try:
            written = write(path, figures_csv_rows(figures), replace=replace)
        except UserError as error:
            message = str(error)
            self.app.call_from_thread(
                self.notify, message, title="Not exported", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.notify, f"Saved the programme report to {written}", title="Exported", markup=False
        )
