"""Command palette entries (Ctrl+P) for running the programme: the Board, monitoring,
quarterly returns and, on a case, adding a support package."""

from __future__ import annotations

from collections.abc import Iterator

from mspdesk.tui.access import open_desk, records_changed, writable_desk
from mspdesk.tui.command_list import CommandList, Entry


class ProgrammeCommands(CommandList):
    """'Board', 'Monitoring' and 'Quarterly returns' screens (pushed over the current one;
    Escape goes back), and 'Add support package' on a case."""

    def commands(self) -> Iterator[Entry]:
        if open_desk(self.app) is None:
            return
        yield "Board", "Cases awaiting the programme Board: approve, defer, decline", self._board
        yield "Monitoring", "Live mutuals after spin-out: check-ins, re-tender", self._monitoring
        yield "Quarterly returns", "The figures returned each quarter, with charts", self._returns
        case_id = self.case_on_show()
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

        case_id = self.case_on_show()
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
