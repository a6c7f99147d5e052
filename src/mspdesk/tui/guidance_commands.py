"""Command palette entries (Ctrl+P): "Open guidance: <title>" for every page.

Titles match fuzzily as in the rest of the palette; pages whose summary or
text match the words (the library's full-text search) follow. Page text is
built into `Content` here: the palette reads a plain string (and `help=`) as markup.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from textual.fuzzy import Matcher

    from mspdesk.guidance import Library

PREFIX = "Open guidance: "
MAX_HITS = 20
TEXT_MATCH_SCORE = 0.3  # below a good title match, above a poor one
LOAD_WAIT_STEPS = 100
LOAD_WAIT_STEP_SECONDS = 0.05


class GuidanceCommands(Provider):
    """Open a guidance page by title (or by words from its summary)."""

    def _library(self) -> Library | None:
        from mspdesk.tui.app import MspdeskApp
        from mspdesk.tui.guidance_loader import ensure_guidance

        app = self.app
        return ensure_guidance(app) if isinstance(app, MspdeskApp) else None

    async def _loaded_library(self) -> Library | None:
        """The library, waiting (a few seconds at most) for the loader if it is still busy."""
        for _ in range(LOAD_WAIT_STEPS):
            library = self._library()
            if library is not None:
                return library
            # The palette cancels this search if the adviser types on: waiting is cheap.
            await asyncio.sleep(LOAD_WAIT_STEP_SECONDS)
        return None

    async def startup(self) -> None:
        self._library()  # start loading while the adviser types

    async def search(self, query: str) -> Hits:
        library = await self._loaded_library()
        if library is None:
            return
        matcher = self.matcher(query)
        scores: dict[str, float] = {}
        for page in library.pages:
            score = matcher.match(PREFIX + page.title)
            if score > 0:
                scores[page.slug] = score
        for rank, hit in enumerate(library.search(query, limit=MAX_HITS)):
            text_score = TEXT_MATCH_SCORE / (1 + rank)
            scores[hit.slug] = max(scores.get(hit.slug, 0.0), text_score)
        best = sorted(scores.items(), key=lambda item: -item[1])[:MAX_HITS]
        for slug, score in best:
            page = library.require(slug)
            # The summary goes in the prompt, not `help=`, which the palette parses as markup.
            prompt = Content.assemble(
                highlighted(matcher, PREFIX + page.title), "\n", (page.meta.summary, "dim")
            )
            yield Hit(score, prompt, partial(self._open, slug), text=PREFIX + page.title)

    async def discover(self) -> Hits:
        yield DiscoveryHit(
            "Open guidance…",
            self._open_screen,
            help="Type a page title or a few words, e.g. TUPE or pension",
        )

    def _open(self, slug: str) -> None:
        from mspdesk.tui.app import MspdeskApp

        if isinstance(self.app, MspdeskApp):
            self.app.open_guidance(slug)

    def _open_screen(self) -> None:
        self.app.switch_mode("guidance")


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` with the fuzzy-matched letters styled — as plain text, not markup."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if not score:
        return content
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
