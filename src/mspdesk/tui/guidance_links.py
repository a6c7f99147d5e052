"""Where a link in a guidance page leads, and the reader's back/forward history.

Pure Python (no textual) so both are tested without a terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class LinkTarget:
    """What a clicked href means.

    `external` links (web, mail) are never opened: the desk works offline.
    Otherwise `slug` is the guidance page to show (None if the link is to some
    other kind of file) and `anchor` the heading to scroll to.
    """

    href: str
    external: bool
    slug: str | None
    anchor: str | None


def resolve_link(href: str, current_slug: str | None) -> LinkTarget:
    """Interpret `href` from the page `current_slug`: `x.md`, `x.md#a`, `#a`, or a URL."""
    href = href.strip()
    if _SCHEME.match(href) or href.startswith("//"):
        return LinkTarget(href, True, None, None)
    path, _, anchor = href.partition("#")
    path = unquote(path)
    if not path:
        return LinkTarget(href, False, current_slug, anchor or None)
    if path.lower().endswith(".md"):
        # Pages live in one folder, so `../guidance/x.md` and `x.md` are the same page.
        slug = path.rsplit("/", 1)[-1][:-3]
        return LinkTarget(href, False, slug, anchor or None)
    return LinkTarget(href, False, None, None)


@dataclass
class Visit:
    """One page shown in the reader; `scroll_y` is where the adviser left it."""

    slug: str
    anchor: str | None = None
    scroll_y: float = 0.0


class PageHistory:
    """Browser-style history: visiting a page drops anything 'forward' of the current one."""

    def __init__(self) -> None:
        self._visits: list[Visit] = []
        self._index = -1

    @property
    def current(self) -> Visit | None:
        """The visit on screen, or None before the first page."""
        return self._visits[self._index] if self._index >= 0 else None

    @property
    def can_go_back(self) -> bool:
        """True if there is an earlier visit."""
        return self._index > 0

    @property
    def can_go_forward(self) -> bool:
        """True if the adviser went back and can return."""
        return self._index < len(self._visits) - 1

    def visit(self, slug: str, anchor: str | None = None) -> Visit:
        """Record a new visit and return it (the same visit again is not recorded twice)."""
        current = self.current
        if current is not None and (current.slug, current.anchor) == (slug, anchor):
            return current
        del self._visits[self._index + 1 :]
        visit = Visit(slug, anchor)
        self._visits.append(visit)
        self._index += 1
        return visit

    def back(self) -> Visit | None:
        """Step back; the visit now current, or None if there was nowhere to go."""
        if not self.can_go_back:
            return None
        self._index -= 1
        return self.current

    def forward(self) -> Visit | None:
        """Step forward; the visit now current, or None if there was nowhere to go."""
        if not self.can_go_forward:
            return None
        self._index += 1
        return self.current

    def __len__(self) -> int:
        return len(self._visits)
