"""Command palette entries (Ctrl+P) for running the programme: the Board and monitoring."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ProgrammeCommands(Provider):
    """'Board' and 'Monitoring' screens (pushed over the current one; Escape goes back)."""

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
        if getattr(self.app, "desk", None) is None:
            return
        yield "Board", "Cases awaiting the programme Board: approve, defer, decline", self._board
        yield "Monitoring", "Live mutuals after spin-out: check-ins, re-tender", self._monitoring
        yield "Quarterly returns", "The figures returned each quarter, with charts", self._returns
        case_id = getattr(self.screen, "case_id", None)
        if isinstance(case_id, str):
            yield (
                f"Add support package to {case_id}",
                "Commit days from a provider to this case",
                self._package,
            )

    def _board(self) -> None:
        from mspdesk.tui.screens.board import BoardScreen

        desk = getattr(self.app, "desk", None)
        if desk is not None:
            self.app.push_screen(BoardScreen(desk))

    def _monitoring(self) -> None:
        from mspdesk.tui.screens.monitoring import MonitoringScreen

        desk = getattr(self.app, "desk", None)
        if desk is not None:
            self.app.push_screen(MonitoringScreen(desk))

    def _returns(self) -> None:
        from mspdesk.tui.screens.returns import ReturnsScreen

        desk = getattr(self.app, "desk", None)
        if desk is not None:
            self.app.push_screen(ReturnsScreen(desk))

    def _package(self) -> None:
        from mspdesk.tui.screens.package_form import PackageForm

        desk = getattr(self.app, "desk", None)
        case_id = getattr(self.screen, "case_id", None)
        if desk is not None and isinstance(case_id, str):
            screen = self.screen

            def saved(package: object) -> None:
                load = getattr(screen, "load", None)
                if package is not None and callable(load):
                    load()  # the case screen redraws its budget tab with the package

            self.app.push_screen(PackageForm(desk, case_id), saved)
