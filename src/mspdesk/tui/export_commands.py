"""Command palette entry "Export…": the export dialog, for the case on screen if there is one."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider

TEXT = "Export…"
HELP = "A case, all cases, notes since a date or the anonymised evidence, to a file"


class ExportCommands(Provider):
    """'Export…' from anywhere; on a case screen it starts with that case."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match(TEXT)
        if score > 0:
            yield Hit(score, matcher.highlight(TEXT), self._export, help=self._help())

    async def discover(self) -> Hits:
        yield DiscoveryHit(TEXT, self._export, help=self._help())

    def _case_id(self) -> str | None:
        from mspdesk.tui.screens.case import CaseScreen

        # The palette is on top; the screen the adviser works on is below it.
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, CaseScreen):
                return screen.case_id
        return None

    def _help(self) -> str:
        case_id = self._case_id()
        return f"{HELP} (starts with {case_id})" if case_id else HELP

    def _export(self) -> None:
        from mspdesk.tui.screens.export_dialog import open_export

        open_export(self.app, self._case_id())
