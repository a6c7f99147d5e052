"""Command palette entry (Ctrl+P) for the possible-duplicates queue."""

from __future__ import annotations

from collections.abc import Iterator

from mspdesk.tui.command_list import CommandList, Entry


class DuplicateCommands(CommandList):
    """'Possible duplicates': the review queue."""

    def commands(self) -> Iterator[Entry]:
        from mspdesk.tui.screens.duplicates import COMMAND, COMMAND_HELP

        yield COMMAND, COMMAND_HELP, self._open

    def _open(self) -> None:
        from mspdesk.tui.screens.duplicates import open_duplicates

        open_duplicates(self.app)
