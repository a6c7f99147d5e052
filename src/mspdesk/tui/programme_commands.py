"""Command palette entries (Ctrl+P) for running the programme: the Board, monitoring,
quarterly returns and, on a case, adding a support package."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

from mspdesk.tui.access import open_desk, records_changed, writable_desk


class ProgrammeCommands(Provider):
    """'Board', 'Monitoring' and 'Quarterly returns' screens (pushed over the current one;
    Escape goes back), and 'Add support package' on a case."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, run in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)

    async def discover(self) -> Hits:
        for text, help_text, run in self._commands():
            yield DiscoveryHit(text, run, help=help_text)

    def _case_id(self) -> str | None:
        """The case on show under the palette, if it is a case."""
        from mspdesk.tui.screens.case import CaseScreen

        screen = self.screen
        return screen.case_id if isinstance(screen, CaseScreen) else None

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        if open_desk(self.app) is None:
            return
        yield "Board", "Cases awaiting the programme Board: approve, defer, decline", self._board
        yield "Monitoring", "Live mutuals after spin-out: check-ins, re-tender", self._monitoring
        yield "Quarterly returns", "The figures returned each quarter, with charts", self._returns
        case_id = self._case_id()
        if case_id is not None:
            yield (
                f"Add support package to {case_id}",
                "Commit days from a provider to this case",
                self._package,
            )

    def _board(self) -> None:
        from mspdesk.tui.screens.board import BoardScreen

        if open_desk(self.app) is not None:
            self.app.push_screen(BoardScreen())

    def _monitoring(self) -> None:
        from mspdesk.tui.screens.monitoring import MonitoringScreen

        if open_desk(self.app) is not None:
            self.app.push_screen(MonitoringScreen())

    def _returns(self) -> None:
        from mspdesk.tui.screens.returns import ReturnsScreen

        if open_desk(self.app) is not None:
            self.app.push_screen(ReturnsScreen())

    def _package(self) -> None:
        from mspdesk.domain.support import Package
        from mspdesk.tui.screens.package_form import PackageForm

        case_id = self._case_id()
        if case_id is None:
            return
        desk = writable_desk(self.app)
        if desk is None:
            return
        app = self.app

        def saved(package: Package | None) -> None:
            if package is not None:
                records_changed(app)  # the case's budget tab shows the package; others too

        app.push_screen(PackageForm(desk, case_id), saved)
