"""Command palette entry "Export…": the export dialog, for the case on screen if there is one."""

from __future__ import annotations

from collections.abc import Iterator

from mspdesk.tui.command_list import CommandList, Entry

TEXT = "Export…"
HELP = "A case, all cases, notes since a date or the anonymised evidence, to a file"


class ExportCommands(CommandList):
    """'Export…' from anywhere; on a case screen it starts with that case."""

    def commands(self) -> Iterator[Entry]:
        yield TEXT, self._help(), self._export

    def _help(self) -> str:
        case_id = self.case_on_show()
        return f"{HELP} (starts with {case_id})" if case_id else HELP

    def _export(self) -> None:
        from mspdesk.tui.screens.export_dialog import open_export

        open_export(self.app, self.case_on_show())
