"""Guidance: pages by topic or search results on the left, the reader on the right.

The library loads in a thread worker the first time guidance is needed (see
`tui.guidance_loader`); until then the screen says so. Everything shown from a
page — titles, snippets, tags — is built as `Content`, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from mspdesk.tui.guidance_loader import ensure_guidance
from mspdesk.tui.screens.base import DeskScreen
from mspdesk.tui.widgets.guidance_reader import PLACEHOLDER, GuidanceReader
from mspdesk.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.guidance import Library, SearchHit
    from mspdesk.tui.app import MspdeskApp

HIT_LIMIT = 20
SNIPPET_CHARS = 110
MATCH_STYLE = "bold $text-accent underline"
TAG_NAMES = {"nhs": "NHS"}


class GuidanceScreen(DeskScreen):
    """Browse guidance by topic, search it as you type, read pages and follow their links."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", tooltip="Search the guidance as you type"),
        Binding("escape", "to_list", "Back to list", show=False),
        Binding("down", "to_results", "Results", show=False),
        Binding("alt+left", "back", "Back", tooltip="The previous page (also b in the reader)"),
        Binding("b", "back", "Back", show=False),
        Binding("alt+right", "forward", "Forward", tooltip="The next page (also f in the reader)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._library: Library | None = None
        self._pending: tuple[str, str | None] | None = None
        self._targets: dict[str, tuple[str, str | None]] = {}
        """Option id -> (slug, anchor) for what the list shows now."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="guidance-main"):
            with Vertical(id="guidance-nav"):
                yield Input(placeholder="Search guidance…", id="guidance-search")
                yield OptionList(id="guidance-list")
                yield Static(Content(PLACEHOLDER), id="guidance-status")
            yield GuidanceReader(id="guidance-reader")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#guidance-list").focus()
        self.watch(self.app, "guidance_ready", self._guidance_changed)

    def _guidance_changed(self, ready: bool) -> None:
        library = ensure_guidance(self.desk_app)
        if library is not None and library is not self._library:
            self._show_library(library)

    # ----------------------------------------------------------------- public

    def show_page(self, slug: str, anchor: str | None = None) -> None:
        """Open page `slug` at heading `anchor` now, or as soon as the library has loaded."""
        self._pending = (slug, anchor)
        self._open_pending()

    # ------------------------------------------------------------------- list

    def _show_library(self, library: Library) -> None:
        self._library = library
        self.query_one(GuidanceReader).set_library(library)
        self._show_list(self.query_one("#guidance-search", Input).value)
        self._open_pending()

    def _open_pending(self) -> None:
        # `_library` is set on mount, so a screen still being built keeps the request.
        if self._pending is None or self._library is None:
            return
        slug, anchor = self._pending
        self._pending = None
        self._open(slug, anchor)

    @on(Input.Changed, "#guidance-search")
    def _query_changed(self, event: Input.Changed) -> None:
        self._show_list(event.value)

    def _show_list(self, query: str) -> None:
        """Pages by topic when `query` is blank, else the search results for it."""
        library = self._library
        if library is None:
            return
        listing = self.query_one("#guidance-list", OptionList)
        status = self.query_one("#guidance-status", Static)
        options: list[Option | None] = []
        self._targets = {}
        if query.strip():
            hits = library.search(query, limit=HIT_LIMIT)
            for hit in hits:
                option_id = f"hit/{hit.slug}"
                # Found only in the body: open at the section that holds the snippet.
                self._targets[option_id] = (hit.slug, None if hit.title_spans else hit.anchor)
                options += [Option(hit_label(hit), id=option_id), None]
            if hits:
                count = f"{len(hits)} page{'s' if len(hits) != 1 else ''}"
                status.update(Content(f"{count} · Enter opens · Esc clears"))
            else:
                status.update(Content("No page matches; try fewer or shorter words."))
        else:
            for tag, pages in library.by_tag().items():
                options.append(Option(tag_label(tag, len(pages)), disabled=True))
                for page in pages:
                    option_id = f"{tag}/{page.slug}"
                    self._targets[option_id] = (page.slug, None)
                    options.append(Option(Content(page.title), id=option_id))
                options.append(None)
            status.update(Content(f"{len(library.pages)} pages by topic · / to search"))
        listing.clear_options()
        listing.add_options(options)
        listing.action_first()

    @on(Input.Submitted, "#guidance-search")
    def _search_submitted(self) -> None:
        listing = self.query_one("#guidance-list", OptionList)
        if self.query_one("#guidance-search", Input).value.strip() and listing.option_count:
            self._open_option(listing.highlighted)
        else:
            listing.focus()

    @on(OptionList.OptionSelected, "#guidance-list")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open_option(event.option_index)

    def _open_option(self, index: int | None) -> None:
        if index is None:
            return
        option_id = self.query_one("#guidance-list", OptionList).get_option_at_index(index).id
        target = self._targets.get(option_id or "")
        if target is not None:
            self._open(*target)

    def _open(self, slug: str, anchor: str | None = None) -> None:
        reader = self.query_one(GuidanceReader)
        if reader.open(slug, anchor):
            reader.focus_document()

    @on(GuidanceReader.Navigated)
    def _navigated(self, event: GuidanceReader.Navigated) -> None:
        self.refresh_bindings()
        # Keep the list's cursor on the page being read, so Esc comes back to it.
        listing = self.query_one("#guidance-list", OptionList)
        for index in range(listing.option_count):
            option_id = listing.get_option_at_index(index).id or ""
            if self._targets.get(option_id, ("",))[0] == event.slug:
                listing.highlighted = index
                return

    # ---------------------------------------------------------------- actions

    def action_search(self) -> None:
        self.query_one("#guidance-search", Input).focus()

    def action_to_list(self) -> None:
        """Esc: clear the search if typing in it; back to the screen guidance was opened
        from (a case's `g`); else to the list."""
        box = self.query_one("#guidance-search", Input)
        if box.has_focus and box.value:
            box.value = ""
            return
        if self.desk_app.visited_from() is not None:
            self.desk_app.action_go_back()
            return
        self._focus_list()

    def action_to_results(self) -> None:
        """Down in the search box moves into the results."""
        if self.focused is self.query_one("#guidance-search", Input):
            self._focus_list()

    def _focus_list(self) -> None:
        self.query_one("#guidance-list", OptionList).focus()

    def action_back(self) -> None:
        """Alt+← (or b): the previous page; before the first, the screen guidance was
        opened from."""
        reader = self.query_one(GuidanceReader)
        if reader.history.can_go_back:
            reader.action_back()
        else:
            self.desk_app.action_go_back()

    def action_forward(self) -> None:
        self.query_one(GuidanceReader).action_forward()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back" and self.desk_app.visited_from() is not None:
            return True
        if action in ("back", "forward"):
            found = self.query(GuidanceReader)
            return found.first().check_action(action, parameters) if found else None
        return True


def tag_label(tag: str, count: int) -> Content:
    """A topic heading: `legal-form` -> `Legal form (5)`."""
    name = TAG_NAMES.get(tag) or tag.replace("-", " ").capitalize()
    return Content.assemble((name, "bold"), (f" ({count})", "dim"))


def hit_label(hit: SearchHit) -> Content:
    """A result: the title, then the snippet, with the matched words highlighted."""
    title = Content.styled(hit.title, "bold")
    for start, end in hit.title_spans:
        title = title.stylize(MATCH_STYLE, start, end)
    text, spans = clip_snippet(hit.snippet, hit.spans)
    snippet = Content.styled(text, "$text-muted")
    for start, end in spans:
        snippet = snippet.stylize(MATCH_STYLE, start, end)
    return Content.assemble(title, "\n", snippet)


def clip_snippet(
    snippet: str, spans: Sequence[tuple[int, int]], limit: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """At most about `limit` characters of `snippet` from just before its first match.

    The list pane is narrow: three lines of context say enough. Spans move with the
    text; those cut off are dropped.
    """
    if len(snippet) <= limit:
        return snippet, list(spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - 25, len(snippet) - limit))
    if start > 0:
        space = snippet.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = start + limit
    space = snippet.rfind(" ", start, end)
    end = space if space > start + limit // 2 else end
    lead = "…" if start > 0 else ""
    text = lead + snippet[start:end].strip() + "…"
    shift = len(lead) - start - (len(snippet[start:end]) - len(snippet[start:end].lstrip()))
    kept = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return text, kept


def open_guidance(app: MspdeskApp, slug: str, anchor: str | None = None) -> None:
    """Switch `app` to the guidance mode and open page `slug` (at heading `anchor`)."""
    app.visit_mode("guidance")
    for screen in reversed(app.screen_stack):
        if isinstance(screen, GuidanceScreen):
            screen.show_page(slug, anchor)
            return
