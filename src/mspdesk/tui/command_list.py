"""The shape every command palette provider of the desk shares: a list of (name, help,
action) entries, matched as typed and all shown before anything is typed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

Entry = tuple[str, str, Callable[[], object]]


class CommandList(Provider):
    """A provider whose entries come from `commands()` (subclasses)."""

    def commands(self) -> Iterator[Entry]:
        """The entries on offer now: name, help line, what choosing it does."""
        return iter(())

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, run in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)

    async def discover(self) -> Hits:
        for text, help_text, run in self.commands():
            yield DiscoveryHit(text, run, help=help_text)

    def case_on_show(self) -> str | None:
        """The case the adviser works on under the palette, if the screen is a case."""
        from mspdesk.tui.screens.case import CaseScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, CaseScreen):
                return screen.case_id
        return None
