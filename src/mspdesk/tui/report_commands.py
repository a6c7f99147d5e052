"""Command palette entries (Ctrl+P) for the programme report."""

from __future__ import annotations

from collections.abc import Iterator

from mspdesk.tui.command_list import CommandList, Entry


class ReportCommands(CommandList):
    """'Programme report' (the Reports screen) and 'Programme report: export CSV'."""

    def commands(self) -> Iterator[Entry]:
        yield "Programme report", "Figures and charts for the whole programme (F8)", self._open
        yield (
            "Programme report: export CSV",
            "Save the programme figures as a CSV file",
            self._export,
        )

    def _open(self) -> None:
        self.app.switch_mode("reports")

    def _export(self) -> None:
        from mspdesk.tui.screens.reports import ReportsScreen

        self.app.switch_mode("reports")
        screen = self.app.screen
        if isinstance(screen, ReportsScreen):
            screen.action_export()
