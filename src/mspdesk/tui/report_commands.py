"""Command palette entries (Ctrl+P) for the programme report."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ReportCommands(Provider):
    """'Programme report' (the Reports screen) and 'Programme report: export CSV'."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, run in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)

    async def discover(self) -> Hits:
        for text, help_text, run in self._commands():
            yield DiscoveryHit(text, run, help=help_text)

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
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
