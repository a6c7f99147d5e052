"""Command palette entry (Ctrl+P) for the possible-duplicates queue."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider


class DuplicateCommands(Provider):
    """'Possible duplicates': the review queue."""

    async def search(self, query: str) -> Hits:
        from mspdesk.tui.screens.duplicates import COMMAND, COMMAND_HELP

        matcher = self.matcher(query)
        score = matcher.match(COMMAND)
        if score > 0:
            yield Hit(score, matcher.highlight(COMMAND), self._open, help=COMMAND_HELP)

    async def discover(self) -> Hits:
        from mspdesk.tui.screens.duplicates import COMMAND, COMMAND_HELP

        yield DiscoveryHit(COMMAND, self._open, help=COMMAND_HELP)

    def _open(self) -> None:
        from mspdesk.tui.screens.duplicates import open_duplicates

        open_duplicates(self.app)
