"""The shape every command palette provider of the desk shares: a list of (name, help,
action) entries, matched as typed and all shown before anything is typed; a provider that
finds records ("Find case…") adds them with `found`, searched but never listed in full."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

Entry = tuple[str, str, Callable[[], object]]
MAX_FOUND = 20
"""Records offered at most for one query (type more to narrow)."""


class CommandList(Provider):
    """A provider whose entries come from `commands()` and `found()` (subclasses)."""

    def commands(self) -> Iterator[Entry]:
        """The entries on offer now: name, help line, what choosing it does."""
        return iter(())

    def finder(self) -> Entry | None:
        """The entry listed before typing for the records `found` offers ("Find case…")."""
        return None

    def found(self) -> Iterator[Entry]:
        """Records to find by name (read when the adviser types)."""
        return iter(())

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, run in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)
        shown = 0
        for text, help_text, run in self.found():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)
                shown += 1
                if shown >= MAX_FOUND:
                    break

    async def discover(self) -> Hits:
        finder = self.finder()
        entries = [finder, *self.commands()] if finder else list(self.commands())
        for text, help_text, run in entries:
            yield DiscoveryHit(text, run, help=help_text)

    def case_on_show(self) -> str | None:
        """The case the adviser works on under the palette, if the screen is a case."""
        from mspdesk.tui.screens.case import CaseScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, CaseScreen):
                return screen.case_id
        return None
