"""Command palette entries for cases: "Find case…", the agenda, and every key of the case,
cases and agenda screens (so each action can be found by name as well as by key)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

MAX_HITS = 20


class CaseCommands(Provider):
    """'Find case…' over every case, and the keys of the screen in front."""

    async def search(self, query: str) -> Hits:
        from mspdesk.tui.app import MspdeskApp

        matcher = self.matcher(query)
        for text, help_text, run in self._fixed():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)
        app = self.app
        if not isinstance(app, MspdeskApp) or app.desk is None:
            return
        shown = 0
        for row in app.desk.cases.summaries():
            text = f"Find case {row.case_id} {row.organisation}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._open, row.case_id),
                    help=f"{row.parent_body} — {row.status}, {row.adviser}",
                )
                shown += 1
                if shown >= MAX_HITS:
                    break

    async def discover(self) -> Hits:
        yield DiscoveryHit("Find case…", self._cases, help="Type a case number or organisation")
        for text, help_text, run in self._fixed():
            yield DiscoveryHit(text, run, help=help_text)

    def _fixed(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
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
