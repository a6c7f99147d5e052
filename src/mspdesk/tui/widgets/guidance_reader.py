"""The guidance reader: a page's header, table of contents and body, with link history.

Follows frogmouth's pattern: Textual's `Markdown` renders the body with links
left to us (`open_links=False`), `MarkdownTableOfContents` shows the headings,
and the reader resolves links itself — other pages open here, web links are
never opened (the desk works offline) but copied for the adviser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Markdown, Static, Tree
from textual.widgets.markdown import (
    MarkdownBlock,
    MarkdownTableOfContents,
    TableOfContentsType,
)

from mspdesk.guidance.page import markdown_parser
from mspdesk.tui.guidance_links import PageHistory, Visit, resolve_link

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.widgets.tree import TreeNode

    from mspdesk.guidance import Library, Page

PLACEHOLDER = "Loading guidance…"
MIN_WIDTH_FOR_CONTENTS = 90  # below this the contents column squeezes tables unreadably
WELCOME = (
    "Choose a page on the left, or press / and type to search. "
    "Links between pages open here; Alt+← and Alt+→ go back and forward."
)


class PageContents(MarkdownTableOfContents):
    """The page's headings as a tree, starting at the page's top heading level.

    Pages start at `##` (the title is in the front matter); Textual's own table of
    contents would show an empty level-1 row above them.
    """

    def rebuild_table_of_contents(self, table_of_contents: TableOfContentsType) -> None:
        tree: Tree[dict[str, str | None]] = self.query_one(Tree)
        tree.clear()
        if not table_of_contents:
            return
        top = min(level for level, _, _ in table_of_contents)
        parents: list[TreeNode[dict[str, str | None]]] = [tree.root]
        for level, name, block_id in table_of_contents:
            depth = level - top + 1
            # A heading that skips levels hangs from the nearest one above it.
            del parents[depth:]
            parent = parents[-1]
            node = parent.add(Text(name), {"block_id": block_id}, expand=True)
            node.allow_expand = False
            parents.append(node)
        tree.root.expand()


class GuidanceReader(Vertical):
    """Shows one page at a time; `open(slug)` records it in the history."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "back", "Back", show=False),
        Binding("f", "forward", "Forward", show=False),
        Binding("t", "toggle_contents", "Contents", tooltip="Show or hide the table of contents"),
    ]

    class Navigated(Message):
        """A page was shown (or the history moved); `slug` is on screen now."""

        def __init__(self, slug: str) -> None:
            super().__init__()
            self.slug = slug

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library: Library | None = None
        self.history = PageHistory()
        self._contents_wanted = True

    def compose(self) -> ComposeResult:
        document = Markdown(id="reader-document", open_links=False, parser_factory=markdown_parser)
        yield Static(Content(PLACEHOLDER), id="reader-header")
        with Horizontal(id="reader-body"):
            yield PageContents(document, id="reader-contents")
            with VerticalScroll(id="reader-scroll"):
                yield document
                yield Static(id="reader-sources")

    def on_mount(self) -> None:
        self.query_one("#reader-contents").display = False
        self.query_one("#reader-sources").display = False

    # ----------------------------------------------------------------- public

    @property
    def page(self) -> Page | None:
        """The page on screen, if any."""
        visit = self.history.current
        if visit is None or self.library is None:
            return None
        return self.library.get(visit.slug)

    def set_library(self, library: Library) -> None:
        """Use `library` for pages and links; show a welcome line until a page is opened."""
        self.library = library
        if self.history.current is None:
            count = len(library.pages)
            self._header().update(
                Content.assemble((f"Guidance — {count} pages\n", "bold"), (WELCOME, "$text-muted"))
            )

    def open(self, slug: str, anchor: str | None = None) -> bool:
        """Show page `slug` (scrolled to heading `anchor`); False, with a notice, if unknown."""
        library = self.library
        if library is None:
            return False
        if library.get(slug) is None:
            from mspdesk.domain.errors import NotFound

            try:
                library.require(slug)
            except NotFound as error:
                self.notify(str(error), title="Guidance", severity="warning", markup=False)
            return False
        self._remember_scroll()
        visit = self.history.visit(slug, anchor)
        self._show(visit, scroll_y=None)
        return True

    def focus_document(self) -> None:
        """Put the keyboard in the page text (arrows and Page Up/Down scroll it)."""
        self.query_one("#reader-scroll").focus()

    # ---------------------------------------------------------------- actions

    def action_back(self) -> None:
        """Show the previous page, where the adviser left it."""
        self._remember_scroll()
        visit = self.history.back()
        if visit is not None:
            self._show(visit, scroll_y=visit.scroll_y)

    def action_forward(self) -> None:
        """Show the next page again, after going back."""
        self._remember_scroll()
        visit = self.history.forward()
        if visit is not None:
            self._show(visit, scroll_y=visit.scroll_y)

    def action_toggle_contents(self) -> None:
        self._contents_wanted = not self._contents_wanted
        self._show_contents_if_useful()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.history.can_go_back or None
        if action == "forward":
            return self.history.can_go_forward or None
        return True

    # ----------------------------------------------------------------- events

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        current = self.history.current
        target = resolve_link(event.href, current.slug if current else None)
        if target.external:
            self.app.copy_to_clipboard(target.href)
            self.notify(
                f"External link, not opened (the desk works offline): {target.href} "
                "— copied to the clipboard.",
                title="Link",
                markup=False,
            )
        elif target.slug is None:
            self.notify(
                f"'{target.href}' is not a guidance page.",
                title="Link",
                severity="warning",
                markup=False,
            )
        elif current is not None and target.slug == current.slug and target.anchor:
            self._remember_scroll()
            self.history.visit(target.slug, target.anchor)
            self._go_to_anchor(target.anchor)
            self.post_message(self.Navigated(target.slug))
        else:
            self.open(target.slug, target.anchor)

    @on(Markdown.TableOfContentsUpdated)
    def _contents_updated(self, event: Markdown.TableOfContentsUpdated) -> None:
        event.stop()
        self.query_one(MarkdownTableOfContents).table_of_contents = event.table_of_contents
        self._show_contents_if_useful()

    def on_resize(self) -> None:
        self._show_contents_if_useful()

    def _show_contents_if_useful(self) -> None:
        """The contents column shows when wanted, non-empty, and the text keeps room to read."""
        contents = self.query_one(MarkdownTableOfContents)
        roomy = self.size.width >= MIN_WIDTH_FOR_CONTENTS
        contents.display = self._contents_wanted and roomy and bool(contents.table_of_contents)

    @on(Markdown.TableOfContentsSelected)
    def _contents_selected(self, event: Markdown.TableOfContentsSelected) -> None:
        event.stop()
        block = self.query_one(f"#{event.block_id}", MarkdownBlock)
        self.query_one("#reader-scroll", VerticalScroll).scroll_to_widget(block, top=True)

    # --------------------------------------------------------------- rendering

    def _header(self) -> Static:
        return self.query_one("#reader-header", Static)

    def _remember_scroll(self) -> None:
        visit = self.history.current
        if visit is not None:
            visit.scroll_y = self.query_one("#reader-scroll", VerticalScroll).scroll_y

    def _show(self, visit: Visit, scroll_y: float | None) -> None:
        page = self.library.get(visit.slug) if self.library else None
        if page is None:
            return
        self._header().update(page_header(page, self.library))
        sources = self.query_one("#reader-sources", Static)
        listed_in_body = any(heading.text.strip().lower() == "sources" for heading in page.headings)
        sources.display = not listed_in_body
        if not listed_in_body:
            sources.update(sources_block(page))
        self._render_body(page.body, visit.anchor, scroll_y)
        self.post_message(self.Navigated(page.slug))

    @work(exclusive=True, group="guidance-reader")
    async def _render_body(self, body: str, anchor: str | None, scroll_y: float | None) -> None:
        """Replace the document; then go to the saved place, the anchor, or the top."""
        document = self.query_one(Markdown)
        await document.update(body)
        scroll = self.query_one("#reader-scroll", VerticalScroll)
        if scroll_y:
            self.call_after_refresh(scroll.scroll_to, y=scroll_y, animate=False)
        elif anchor:
            self._go_to_anchor(anchor)
        else:
            scroll.scroll_home(animate=False)

    def _go_to_anchor(self, anchor: str) -> None:
        if not self.query_one(Markdown).goto_anchor(anchor):
            self.notify(
                f"This page has no heading '#{anchor}'; showing the top.",
                title="Link",
                severity="warning",
                markup=False,
            )


def page_header(page: Page, library: Library | None) -> Content:
    """Title, summary, review date, tags and warnings — plain text from the page, never markup."""
    meta = page.meta
    lowered = page.body.lower()
    parts: list[str | tuple[str, str]] = [
        (meta.title, "bold $text-primary"),
        "\n",
        (meta.summary, "italic"),
        "\n",
        (f"Reviewed {meta.reviewed.isoformat()}", "$text-muted"),
        (f" · {len(meta.sources)} source{'s' if len(meta.sources) != 1 else ''}", "$text-muted"),
    ]
    if meta.tags:
        parts.append((f" · {', '.join(meta.tags)}", "$text-muted"))
    if meta.stages:
        parts.append((f" · stages {' '.join(meta.stages)}", "$text-muted"))
    badges: list[tuple[str, str]] = []
    if "not legal advice" in lowered:
        badges.append((" Not legal advice ", "bold $text-warning on $warning-muted"))
    if "unverified" in lowered:
        badges.append((" Some points unverified ", "bold $text-error on $error-muted"))
    if page.origin == "user":
        mine = "Your page, replacing the shipped one" if _overrides(page, library) else "Your page"
        badges.append((f" {mine} ", "bold $text-accent on $accent-muted"))
    if badges:
        parts.append("\n")
        for badge in badges:
            parts.extend((badge, " "))
    return Content.assemble(*parts)


def sources_block(page: Page) -> Content:
    """The front matter's sources, for pages whose body has no Sources section."""
    lines: list[str | tuple[str, str]] = [("Sources", "bold")]
    for source in page.meta.sources:
        lines.append(f"\n• {source}")
    return Content.assemble(*lines)


def _overrides(page: Page, library: Library | None) -> bool:
    return library is not None and page.slug in library.overridden
