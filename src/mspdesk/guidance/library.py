"""The guidance library: shipped pages plus the adviser's own, with a link graph.

`Library.load` reads the files (this module may do I/O; `page.py` does not).
A page that cannot be used is reported in `library.problems` and skipped: a
typo in one adviser's page must never stop the app opening.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from mspdesk.domain.errors import NotFound
from mspdesk.guidance.page import InvalidPage, Link, Origin, Page, parse_page
from mspdesk.guidance.problems import Problem, ProblemKind

if TYPE_CHECKING:
    from mspdesk.guidance.search import SearchHit, SearchIndex


@dataclass(frozen=True)
class BrokenLink:
    """A link that leads nowhere: its page, the link and why."""

    page: Page
    link: Link
    reason: str

    def as_problem(self) -> Problem:
        """The same finding as a one-line Problem."""
        return Problem(self.page.file, self.reason, self.link.line, "link")


@dataclass
class Library:
    """All usable pages by slug, and what was wrong with the rest."""

    by_slug: dict[str, Page]
    problems: list[Problem] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, shipped_dir: Path, user_dir: Path | None = None) -> Library:
        """Read `*.md` pages from both folders; a user page replaces a shipped one by slug."""
        problems: list[Problem] = []
        if not shipped_dir.is_dir():
            problems.append(Problem(str(shipped_dir), "guidance folder not found", kind="read"))
        shipped = _read_folder(shipped_dir, "shipped", problems)
        pages = dict(shipped)
        overridden: list[str] = []
        if user_dir is not None:
            for slug, page in _read_folder(user_dir, "user", problems).items():
                if slug in pages:
                    overridden.append(slug)
                pages[slug] = page
        return cls(dict(sorted(pages.items())), problems, overridden)

    @classmethod
    def from_pages(cls, pages: Iterable[Page]) -> Library:
        """A library over already parsed pages (for tests and tools)."""
        return cls({page.slug: page for page in sorted(pages, key=lambda page: page.slug)})

    @property
    def pages(self) -> list[Page]:
        """Every usable page, by slug."""
        return list(self.by_slug.values())

    def get(self, slug: str) -> Page | None:
        """The page with this slug, or None."""
        return self.by_slug.get(slug)

    def require(self, slug: str) -> Page:
        """The page with this slug; raises NotFound with a suggestion if there is none."""
        page = self.by_slug.get(slug)
        if page is not None:
            return page
        close = difflib.get_close_matches(slug, list(self.by_slug), n=1)
        hint = (
            f"; did you mean '{close[0]}'?" if close else "; list them with 'mspdesk guidance list'"
        )
        raise NotFound(f"no guidance page '{slug}'{hint}")

    def by_tag(self) -> dict[str, list[Page]]:
        """Pages grouped under each of their tags (tags sorted; untagged under 'untagged')."""
        groups: defaultdict[str, list[Page]] = defaultdict(list)
        for page in self.pages:
            for tag in page.meta.tags or ("untagged",):
                groups[tag.lower()].append(page)
        return {
            tag: sorted(groups[tag], key=lambda page: page.title.lower()) for tag in sorted(groups)
        }

    def for_stage(self, code: str) -> list[Page]:
        """Pages that help with a pathway stage (`triage`, `M01`..`M16`), by title."""
        wanted = code.strip().lower()
        matching = [
            page for page in self.pages if wanted in (stage.lower() for stage in page.meta.stages)
        ]
        return sorted(matching, key=lambda page: page.title.lower())

    def links_from(self, slug: str) -> list[str]:
        """Slugs this page links to (existing or not), once each, in order of appearance."""
        page = self.by_slug.get(slug)
        if page is None:
            return []
        targets = (link.target for link in page.links if link.target and link.target != slug)
        return list(dict.fromkeys(targets))

    def links_to(self, slug: str) -> list[str]:
        """Slugs of the pages that link to this one."""
        return [
            page.slug
            for page in self.pages
            if page.slug != slug and any(link.target == slug for link in page.links)
        ]

    def broken_links(self) -> list[BrokenLink]:
        """Links to pages that do not exist, to missing anchors, or to non-page files."""
        broken: list[BrokenLink] = []
        for page in self.pages:
            for link in page.links:
                reason = self._link_fault(link)
                if reason:
                    broken.append(BrokenLink(page, link, reason))
        return broken

    @cached_property
    def index(self) -> SearchIndex:
        """The full-text index, built on first use (do it in a worker in the TUI)."""
        from mspdesk.guidance.search import SearchIndex

        return SearchIndex.build(self.pages)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Ranked hits for `query` (see SearchIndex.search)."""
        return self.index.search(query, limit=limit)

    def _link_fault(self, link: Link) -> str | None:
        if link.target is None:
            return f"link '{link.href}' is not a guidance page; link to '<slug>.md'"
        target = self.by_slug.get(link.target)
        if target is None:
            close = difflib.get_close_matches(link.target, list(self.by_slug), n=1)
            hint = f" (did you mean '{close[0]}.md'?)" if close else ""
            return f"link '{link.href}': no page '{link.target}'{hint}"
        if link.anchor and link.anchor not in {heading.anchor for heading in target.headings}:
            return f"link '{link.href}': page '{link.target}' has no heading '#{link.anchor}'"
        return None


def _read_folder(folder: Path | None, origin: Origin, problems: list[Problem]) -> dict[str, Page]:
    """Parse every `*.md` under `folder`, recording problems; first path wins a slug clash."""
    pages: dict[str, Page] = {}
    if folder is None or not folder.is_dir():
        return pages
    for path in sorted(folder.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # editor swap files and hidden folders
        file = str(path)
        slug = path.stem
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(file, f"cannot read: {error}", kind="read"))
            continue
        if slug in pages:
            first = pages[slug].file
            problems.append(
                Problem(file, f"duplicate slug '{slug}' (also {first}); skipped", kind="duplicate")
            )
            continue
        try:
            pages[slug] = parse_page(slug, text, origin, file)
        except InvalidPage as error:
            for line, message in error.problems:
                kind: ProblemKind = "name" if line is None else "front-matter"
                problems.append(Problem(file, f"{message} (page skipped)", line, kind))
    return pages


def load_for(data_dir: Path) -> Library:
    """The shipped pages plus the adviser's own pages kept beside `data_dir`."""
    from mspdesk import locations

    shipped = locations.content_dir() / "guidance"
    user = locations.user_content_dir(data_dir) / "guidance"
    return Library.load(shipped, user)
