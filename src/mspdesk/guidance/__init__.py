"""Guidance pages for advisers: load markdown content, check it, search it.

No textual here: the CLI and the TUI both use this package. Typical use::

    library = Library.load(shipped_dir, user_dir)
    hits = library.search("tupe")        # builds the index on first use
    page = library.require(hits[0].slug)
"""

from __future__ import annotations

from mspdesk.guidance.check import STAGE_CODES, check
from mspdesk.guidance.library import BrokenLink, Library
from mspdesk.guidance.page import Heading, Link, Page, PageMeta, parse_page
from mspdesk.guidance.problems import Problem
from mspdesk.guidance.search import SearchHit, SearchIndex

__all__ = [
    "STAGE_CODES",
    "BrokenLink",
    "Heading",
    "Library",
    "Link",
    "Page",
    "PageMeta",
    "Problem",
    "SearchHit",
    "SearchIndex",
    "check",
    "parse_page",
]
