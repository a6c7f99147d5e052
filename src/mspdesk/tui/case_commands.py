"""Command palette entries for cases: "Find case…", the agenda, and every key of the case,
cases and agenda screens (so each action can be found by name as well as by key)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.screen import Screen

from mspdesk.tui.access import open_desk
from mspdesk.tui.command_list import CommandList, Entry


class CaseCommands(CommandList):
    """'Find case…' over every case, and the keys of the screen in front."""

    def finder(self) -> Entry:
        return "Find case…", "Type a case number or organisation", self._cases

    def found(self) -> Iterator[Entry]:
        desk = open_desk(self.app)
        for row in desk.cases.summaries() if desk is not None else ():
            help_text = f"{row.parent_body} — {row.status}, {row.adviser}"
            yield (
                f"Find case {row.case_id} {row.organisation}",
                help_text,
                partial(self._open, row.case_id),
            )

    def commands(self) -> Iterator[Entry]:
        return self._fixed()

    def _fixed(self) -> Iterator[Entry]:
        yield "Cases", "Every case (F4)", self._cases
        yield "Agenda", "What is due and overdue across cases (F5)", self._agenda
        screen = self._working_screen()
        if screen is None:
            return
        for binding in _bindings(screen):
            action = binding.action
            name, _, _ = action.partition("(")
            if not screen.check_action(name, ()):
                continue
            label = binding.tooltip or binding.description
            yield (
                f"{screen.title or 'Screen'}: {binding.description}",
                f"{label} ({binding.key.split(',')[0]})",
                partial(screen.run_action, action),
            )

    def _working_screen(self) -> Screen[None] | None:
        # The palette itself is on top; the screen the adviser is working on is below it.
        from mspdesk.tui.screens.agenda import AgendaScreen
        from mspdesk.tui.screens.case import CaseScreen
        from mspdesk.tui.screens.cases import CasesScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, CaseScreen | CasesScreen | AgendaScreen):
                return screen
        return None

    def _cases(self) -> None:
        self.app.switch_mode("cases")

    def _agenda(self) -> None:
        self.app.switch_mode("agenda")

    def _open(self, case_id: str) -> None:
        from mspdesk.tui.screens.case import CaseScreen

        self.app.switch_mode("cases")
        self.app.push_screen(CaseScreen(case_id))


def _bindings(screen: Screen[None]) -> Iterator[Binding]:
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and binding.show and binding.description:
            yield binding
